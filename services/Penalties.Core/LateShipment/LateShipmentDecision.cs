using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.LateShipment;

public enum LateShipmentOutcome
{
    /// <summary>Late (or out of stock) and compensation is due.</summary>
    Compensable,
    /// <summary>Shipped on time: nothing is due.</summary>
    NotLate,
    /// <summary>Not shipped, but the deadline has not passed yet.</summary>
    NotYetDue,
    /// <summary>Late, but the merchant is exempt (e.g. force majeure reported for the period).</summary>
    Exempt,
    /// <summary>Late, but the platform does not enforce compensation; the parties negotiate.</summary>
    NotEnforced,
    /// <summary>Late, but the buyer's refund reason is not one that is compensated.</summary>
    RefundReasonNotCompensable,
    /// <summary>The merchant refused before payment: not a compensation case, referred to penalty points.</summary>
    RefusedBeforePayment,
}

/// <summary>What the times say about one line, before exemptions.</summary>
public enum Lateness
{
    OnTime,
    NotYetDue,
    Late,
    OutOfStock,
}

/// <summary>Stable reason codes; a merchant-facing UI translates them.</summary>
public static class LateShipmentReasons
{
    public const string ShippedOnTime = "SHIPPED_ON_TIME";
    public const string NotYetDue = "NOT_YET_DUE";
    public const string ShippedLate = "SHIPPED_LATE";
    public const string NotShippedPastDeadline = "NOT_SHIPPED_PAST_DEADLINE";
    public const string OutOfStockByTime = "OUT_OF_STOCK_NOT_SHIPPED_AFTER_LATE";
    public const string OutOfStockAdmitted = "OUT_OF_STOCK_ADMITTED";
    public const string OutOfStockRefusedToShip = "OUT_OF_STOCK_REFUSED_TO_SHIP";
    public const string OutOfStockHigherPrice = "OUT_OF_STOCK_HIGHER_PRICE_DEMANDED";
    public const string ClaimedLateButOnTime = "REFUND_REASON_CLAIMS_LATE_BUT_ON_TIME";
    public const string RefundReasonNotCompensable = "REFUND_REASON_NOT_COMPENSABLE";
    public const string BuyerAbuse = "BUYER_ABUSE";
    public const string PlatformStopShipOrder = "PLATFORM_STOP_SHIP_ORDER";
    public const string ForceMajeureReported = "FORCE_MAJEURE_REPORTED";
    public const string CapApplied = "CAP_APPLIED";
    public const string PlatformLiability = "PLATFORM_LIABILITY";
    public const string PaidBeforeJudgment = "PAID_BEFORE_JUDGMENT";
    public const string RefusedBeforePayment = "REFUSED_BEFORE_PAYMENT";
}

/// <summary>The decision on one order line, with the reason codes and explanation steps computed with it.</summary>
public sealed record LateShipmentLineDecision
{
    public required string LineId { get; init; }
    public required LateShipmentOutcome Outcome { get; init; }
    public required Lateness Lateness { get; init; }
    public required DateTimeOffset Deadline { get; init; }
    /// <summary>When an unshipped line counts as out of stock: the deadline plus the rule's out-of-stock period.</summary>
    public required DateTimeOffset OutOfStockAt { get; init; }
    /// <summary>The line's actual transaction amount the rate applies to.</summary>
    public required decimal Base { get; init; }
    public required decimal BuyerPayout { get; init; }
    public required long? BuyerPoints { get; init; }
    public required decimal PlatformLiability { get; init; }
    public decimal MerchantTotal => BuyerPayout + PlatformLiability;
    public required IReadOnlyList<string> ReasonCodes { get; init; }
    public required IReadOnlyList<ExplanationStep> Steps { get; init; }
}

/// <summary>The decision on a late-shipment claim: per line, with the order's totals.</summary>
public sealed record LateShipmentDecision
{
    public required RuleReference Rule { get; init; }
    public required string OrderId { get; init; }
    public required LateShipmentOutcome Outcome { get; init; }
    public required PayoutInstrument Instrument { get; init; }
    public required decimal BuyerPayout { get; init; }
    public required long? BuyerPoints { get; init; }
    public required decimal PlatformLiability { get; init; }
    public decimal MerchantTotal => BuyerPayout + PlatformLiability;
    public ViolationReferral? Referral { get; init; }

    /// <summary>The decision on each line, in the order's line order (empty when the merchant refused before payment).</summary>
    public required IReadOnlyList<LateShipmentLineDecision> Lines { get; init; }

    /// <summary>The order's reason codes: the line's for a one-line order, the union of the lines' otherwise.</summary>
    public required IReadOnlyList<string> ReasonCodes { get; init; }

    /// <summary>The explanation: the line's for a one-line order; a multi-line order explains per line.</summary>
    public required IReadOnlyList<ExplanationStep> Steps { get; init; }
}
