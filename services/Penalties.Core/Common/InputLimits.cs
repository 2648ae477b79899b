namespace Penalties.Core.Common;

/// <summary>
/// The largest inputs a case may carry. Beyond them a case is refused naming the field, so no sum, product,
/// points conversion or units/nanos encoding of an answer can overflow, and no request can make validation slow.
/// </summary>
public static class InputLimits
{
    /// <summary>
    /// Any CNY amount: one trillion. Far beyond any real order or claim, and small enough that the largest
    /// payout (a multiple of it, summed over every line, times points per CNY) stays well inside long and decimal.
    /// </summary>
    public const decimal MaxMoney = 1_000_000_000_000m;

    /// <summary>A JD bean count: <see cref="MaxMoney"/> at JD's 100 beans per CNY.</summary>
    public const long MaxJdBeans = 100_000_000_000_000;

    /// <summary>A count of platform points (review points, JD points): <see cref="MaxMoney"/> at 100 points per CNY.</summary>
    public const long MaxPoints = 100_000_000_000_000;

    /// <summary>Lines of one order: more than any real basket.</summary>
    public const int MaxOrderLines = 1_000;

    /// <summary>Parts of one payment.</summary>
    public const int MaxPaymentParts = 100;

    /// <summary>Attributes describing one item (brand, model, colour, capacity …).</summary>
    public const int MaxAttributes = 100;

    /// <summary>Characters of an attribute's name or value.</summary>
    public const int MaxAttributeLength = 256;

    /// <summary>Force-majeure reports on one late-shipment case.</summary>
    public const int MaxForceMajeureReports = 100;

    /// <summary>Enrollment periods of one merchant in the price-match service.</summary>
    public const int MaxEnrollments = 100;

    /// <summary>
    /// Entries of a penalty history supplied with an assessment: its answer lists every one, whole (a recorded
    /// history's standing is paged instead).
    /// </summary>
    public const int MaxSuppliedHistory = 5_000;
}
