using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.LateShipment;

public enum Platform
{
    Tmall,
    Taobao,
}

/// <summary>How the buyer receives the compensation.</summary>
public enum PayoutInstrument
{
    /// <summary>Money to the buyer.</summary>
    Money,
    /// <summary>Tmall points (天猫积分); the merchant's cost is the money amount.</summary>
    TmallPoints,
}

/// <summary>The refund reason the buyer picked.</summary>
public enum RefundReason
{
    /// <summary>卖家缺货.</summary>
    SellerOutOfStock,
    /// <summary>未按约定时间发货.</summary>
    NotShippedInAgreedTime,
    /// <summary>拍错了 / 订单信息错误.</summary>
    OrderedByMistake,
    /// <summary>不想买了.</summary>
    NoLongerWanted,
    /// <summary>Any other reason.</summary>
    Other,
}

/// <summary>Circumstances that change whether compensation is enforced.</summary>
public enum LateShipmentCondition
{
    /// <summary>The buyer abuses the late-shipment rule (滥用延迟发货规则).</summary>
    BuyerAbuse,
    /// <summary>The platform ordered the merchant to stop shipping (goods or listing suspected illegal).</summary>
    PlatformStopShipOrder,
    /// <summary>The merchant reported force majeure (报备) for a period covering the deadline.</summary>
    ForceMajeureReported,
}

/// <summary>Rate and cap of one kind of compensation.</summary>
public sealed record CompensationTerms(decimal Rate, decimal Cap);

/// <summary>The payout instrument and, for points, its conversion.</summary>
public sealed record PayoutTerms(PayoutInstrument Instrument, decimal PointsPerYuan, RoundingMode PointsRounding);

/// <summary>The old Taobao rule: the merchant pays the platform a multiple of the buyer's payout as well.</summary>
public sealed record PlatformLiabilityTerms(decimal MultipleOfBuyerPayout, bool OnlyIfNotPaidBeforeJudgment);

/// <summary>Refusing before payment is not compensated; it is referred to a penalty-point rule.</summary>
public sealed record ViolationReferral(string RuleSetId, string ViolationCode);

public sealed record LateShipmentParameters(
    Platform Platform,
    TimeSpan OrdinaryShipWithin,
    TimeSpan? JuhuasuanShipWithin,
    TimeSpan OutOfStockAfterLate,
    CompensationTerms Late,
    CompensationTerms OutOfStock,
    RoundingRule Rounding,
    PayoutTerms Payout,
    PlatformLiabilityTerms? PlatformLiability,
    IReadOnlyList<RefundReason> CompensableRefundReasons,
    IReadOnlyList<LateShipmentCondition> NotEnforcedWhen,
    IReadOnlyList<LateShipmentCondition> ExemptWhen,
    ViolationReferral? RefusedBeforePaymentReferral) : RuleParameters;
