using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.AfterSales;

public enum AfterSalesOutcome
{
    /// <summary>Asked within every deadline the rules set for it.</summary>
    InTime,
    /// <summary>Asked after a deadline: the return window, or the after-sales period.</summary>
    TooLate,
    /// <summary>The item is of a kind the rules leave out of returns.</summary>
    Excluded,
    /// <summary>The platform's rules set no return window: only the timers apply.</summary>
    NoWindow,
}

/// <summary>Stable reason codes of after-sales decisions.</summary>
public static class AfterSalesReasons
{
    public const string WindowFromSignForTime = "WINDOW_FROM_SIGN_FOR_TIME";
    public const string WindowFromNextChinaDay = "WINDOW_FROM_NEXT_CHINA_DAY";
    public const string RequestInTime = "REQUEST_IN_TIME";
    public const string RequestTooLate = "REQUEST_TOO_LATE";
    public const string ItemExcluded = "ITEM_EXCLUDED";
    public const string NoReturnWindow = "NO_RETURN_WINDOW";
    public const string AfterSalesInTime = "AFTER_SALES_IN_TIME";
    public const string AfterSalesTooLate = "AFTER_SALES_TOO_LATE";
    public const string InterventionAllowed = "INTERVENTION_ALLOWED";
    public const string InterventionTooEarly = "INTERVENTION_TOO_EARLY";
    public const string MerchantAnsweredInTime = "MERCHANT_ANSWERED_IN_TIME";
    public const string AutoAgreed = "AUTO_AGREED";
    public const string MerchantAnswerPending = "MERCHANT_ANSWER_PENDING";
    public const string PostageEachSidePaysItsLeg = "POSTAGE_EACH_SIDE_PAYS_ITS_LEG";
    public const string PostageBuyerPaysBoth = "POSTAGE_BUYER_PAYS_BOTH";
    public const string PostageMerchantPaysBoth = "POSTAGE_MERCHANT_PAYS_BOTH";
    public const string ReviewPointsTakenBack = "REVIEW_POINTS_TAKEN_BACK";
    public const string SpentPointsDeducted = "SPENT_POINTS_DEDUCTED";
    public const string ReviewBenefitsDeducted = "REVIEW_BENEFITS_DEDUCTED";
    public const string RefundFloorZero = "REFUND_FLOOR_ZERO";
}

/// <summary>Who pays the two postage legs of a return, and the amounts each side bears.</summary>
public sealed record PostageDecision(Party OutboundPaidBy, Party ReturnPaidBy, decimal BuyerPays, decimal MerchantPays);

/// <summary>JD: the review points taken back, what comes out of the refund, and the refund.</summary>
public sealed record RefundDecision(decimal Paid, long PointsTakenBack, decimal PointsDeduction, decimal BenefitsDeduction, decimal Refund);

/// <summary>The decision on an after-sales request, with the reason codes and explanation steps computed with it.</summary>
public sealed record AfterSalesDecision
{
    public required RuleReference Rule { get; init; }
    public required string OrderId { get; init; }
    public required AfterSalesOutcome Outcome { get; init; }
    /// <summary>The first instant of the return window (null when the rules set none).</summary>
    public DateTimeOffset? WindowStartsAt { get; init; }
    /// <summary>The last instant a return (or exchange) may be asked for: asked at it exactly is in time.</summary>
    public DateTimeOffset? WindowEndsAt { get; init; }
    /// <summary>The last instant after-sales may be asked for after the transaction succeeded.</summary>
    public DateTimeOffset? AfterSalesEndsAt { get; init; }
    /// <summary>The first instant the buyer may ask the platform to step in.</summary>
    public DateTimeOffset? InterventionFrom { get; init; }
    /// <summary>The last instant the merchant may answer the request.</summary>
    public DateTimeOffset? MerchantAnswerBy { get; init; }
    /// <summary>When the request was agreed automatically, the merchant not having answered in time (null until that is known).</summary>
    public DateTimeOffset? AutoAgreedAt { get; init; }
    public PostageDecision? Postage { get; init; }
    public RefundDecision? Refund { get; init; }
    public required IReadOnlyList<string> ReasonCodes { get; init; }
    public required IReadOnlyList<ExplanationStep> Steps { get; init; }
}
