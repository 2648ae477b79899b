using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PriceMatch;

public enum PriceMatchOutcome
{
    /// <summary>Eligible and the buyer paid more: 2 × the difference is due.</summary>
    Payable,
    /// <summary>Eligible, but the buyer did not pay more: nothing is due.</summary>
    NoPositiveDifference,
    /// <summary>One or more conditions failed; every failed condition is listed.</summary>
    Refused,
    /// <summary>Custom-made goods: "the same item" needs a separate, manual identification.</summary>
    ManualReview,
}

/// <summary>Stable codes of the eligibility conditions.</summary>
public static class PriceMatchConditions
{
    public const string MerchantNotEligible = "MERCHANT_NOT_ELIGIBLE";
    public const string NotEnrolledAtOrderTime = "NOT_ENROLLED_AT_ORDER_TIME";
    public const string NoBadge = "NO_BADGE";
    public const string ClaimTooLate = "CLAIM_TOO_LATE";
    public const string PlatformNotAccepted = "PLATFORM_NOT_ACCEPTED";
    public const string AttributeMismatch = "ATTRIBUTE_MISMATCH";
    public const string AttributeMissing = "ATTRIBUTE_MISSING";
    public const string ListingNotOnSale = "LISTING_NOT_ON_SALE";
    public const string ListingNotPurchasable = "LISTING_NOT_PURCHASABLE";
    public const string MonthlySalesTooLow = "MONTHLY_SALES_TOO_LOW";
    public const string CustomGoodsManualReview = "CUSTOM_GOODS_MANUAL_REVIEW";
    public const string NoPositiveDifference = "NO_POSITIVE_DIFFERENCE";
    public const string Payable = "DOUBLE_DIFFERENCE_PAYABLE";
    public const string CapApplied = "CAP_APPLIED";
}

/// <summary>A condition that failed, with the facts that made it fail ("monthly sales 87 &lt; 100").</summary>
public sealed record FailedCondition(string Code, string Detail)
{
    public override string ToString() => $"{Code}: {Detail}";
}

/// <summary>The decision on a price-match claim, with the reason codes and explanation steps computed with it.</summary>
public sealed record PriceMatchDecision
{
    public required RuleReference Rule { get; init; }
    public required string OrderId { get; init; }
    public required PriceMatchOutcome Outcome { get; init; }
    public required decimal BuyerPaidAmount { get; init; }
    public required decimal ComparisonPaidAmount { get; init; }
    public required decimal Difference { get; init; }
    public required decimal Payout { get; init; }
    /// <summary>Every failed condition (empty unless refused).</summary>
    public required IReadOnlyList<FailedCondition> FailedConditions { get; init; }
    /// <summary>A refusal's reason codes are its failed conditions'.</summary>
    public required IReadOnlyList<string> ReasonCodes { get; init; }
    public required IReadOnlyList<ExplanationStep> Steps { get; init; }
}
