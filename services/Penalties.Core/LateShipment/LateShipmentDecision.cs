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

/// <summary>
/// The decision on one order line. Its reason codes and explanation steps are derived from the same
/// inputs when first read (the computation is pure), so computing a decision formats nothing.
/// </summary>
public sealed class LateShipmentLineDecision : ExplainedDecision
{
    private readonly LateShipmentParameters _parameters;
    private readonly LateShipmentCase _case;
    private readonly OrderLine _line;

    internal LateShipmentLineDecision(LateShipmentParameters parameters, LateShipmentCase c, OrderLine line,
        LateShipmentOutcome outcome, Lateness lateness, DateTimeOffset deadline,
        decimal buyerPayout, long? buyerPoints, decimal platformLiability)
    {
        _parameters = parameters;
        _case = c;
        _line = line;
        Outcome = outcome;
        Lateness = lateness;
        Deadline = deadline;
        BuyerPayout = buyerPayout;
        BuyerPoints = buyerPoints;
        PlatformLiability = platformLiability;
    }

    public string LineId => _line.LineId;
    public LateShipmentOutcome Outcome { get; }
    public Lateness Lateness { get; }
    public DateTimeOffset Deadline { get; }
    /// <summary>When an unshipped line counts as out of stock: the deadline plus the rule's out-of-stock period.</summary>
    public DateTimeOffset OutOfStockAt => Deadline + _parameters.OutOfStockAfterLate;
    /// <summary>The line's actual transaction amount the rate applies to.</summary>
    public decimal Base => _line.Amount;
    public decimal BuyerPayout { get; }
    public long? BuyerPoints { get; }
    public decimal PlatformLiability { get; }
    public decimal MerchantTotal => BuyerPayout + PlatformLiability;

    private protected override void Explain(ref CollectExplain explain) =>
        LateShipmentCalculator.AssessLine(_parameters, _case, _line, Deadline, OutOfStockAt, ref explain);
}

/// <summary>The decision on a late-shipment claim: per line, with the order's totals.</summary>
public sealed class LateShipmentDecision
{
    private IReadOnlyList<string>? _orderReasons;
    private readonly IReadOnlyList<ExplanationStep>? _orderSteps;

    internal LateShipmentDecision(RuleReference rule, string orderId, LateShipmentOutcome outcome, PayoutInstrument instrument,
        decimal buyerPayout, long? buyerPoints, decimal platformLiability, ViolationReferral? referral,
        IReadOnlyList<LateShipmentLineDecision> lines, IReadOnlyList<string>? reasons = null, IReadOnlyList<ExplanationStep>? steps = null)
    {
        Rule = rule;
        OrderId = orderId;
        Outcome = outcome;
        Instrument = instrument;
        BuyerPayout = buyerPayout;
        BuyerPoints = buyerPoints;
        PlatformLiability = platformLiability;
        Referral = referral;
        Lines = lines;
        _orderReasons = reasons;
        _orderSteps = steps;
    }

    public RuleReference Rule { get; }
    public string OrderId { get; }
    public LateShipmentOutcome Outcome { get; }
    public PayoutInstrument Instrument { get; }
    public decimal BuyerPayout { get; }
    public long? BuyerPoints { get; }
    public decimal PlatformLiability { get; }
    public decimal MerchantTotal => BuyerPayout + PlatformLiability;
    public ViolationReferral? Referral { get; }

    /// <summary>The decision on each line, in the order's line order (empty when the merchant refused before payment).</summary>
    public IReadOnlyList<LateShipmentLineDecision> Lines { get; }

    /// <summary>The order's reason codes: the line's for a one-line order, the union of the lines' otherwise.</summary>
    public IReadOnlyList<string> ReasonCodes => _orderReasons ??= Lines.Count == 1
        ? Lines[0].ReasonCodes
        : Lines.SelectMany(l => l.ReasonCodes).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The explanation: the line's for a one-line order; a multi-line order explains per line.</summary>
    public IReadOnlyList<ExplanationStep> Steps => _orderSteps ?? (Lines.Count == 1 ? Lines[0].Steps : []);
}
