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

/// <summary>
/// The decision on a price-match claim. Its reason codes and explanation steps are derived from the same
/// inputs when first read (the computation is pure), so computing a decision formats nothing.
/// </summary>
public sealed class PriceMatchDecision : ExplainedDecision
{
    private readonly PriceMatchParameters _parameters;
    private readonly PriceMatchCase _case;

    internal PriceMatchDecision(PriceMatchParameters parameters, PriceMatchCase c, RuleReference rule, PriceMatchOutcome outcome,
        decimal buyerPaidAmount, decimal difference, decimal payout, IReadOnlyList<FailedCondition> failedConditions)
    {
        _parameters = parameters;
        _case = c;
        Rule = rule;
        Outcome = outcome;
        BuyerPaidAmount = buyerPaidAmount;
        Difference = difference;
        Payout = payout;
        FailedConditions = failedConditions;
    }

    public RuleReference Rule { get; }
    public string OrderId => _case.OrderId;
    public PriceMatchOutcome Outcome { get; }
    public decimal BuyerPaidAmount { get; }
    public decimal ComparisonPaidAmount => _case.Comparison.PaidAmount;
    public decimal Difference { get; }
    public decimal Payout { get; }
    /// <summary>Every failed condition (empty unless refused).</summary>
    public IReadOnlyList<FailedCondition> FailedConditions { get; }

    private protected override void Explain(ref CollectExplain explain) => PriceMatchCalculator.Explain(_parameters, _case, this, ref explain);

    /// <summary>A refusal's reason codes are its failed conditions.</summary>
    private protected override string[] Reasons(string[] reported) =>
        Outcome == PriceMatchOutcome.Refused ? FailedConditions.Select(f => f.Code).Distinct(StringComparer.Ordinal).ToArray() : reported;
}
