using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.AfterSales;

/// <summary>The platform an after-sales request is made on.</summary>
public enum AfterSalesPlatform
{
    Tmall,
    Taobao,
    Jd,
    Pinduoduo,
}

/// <summary>What the buyer asks for.</summary>
public enum RequestKind
{
    /// <summary>Send the item back for a refund.</summary>
    Return,
    /// <summary>Send the item back for another one.</summary>
    Exchange,
}

/// <summary>The kinds of item the sources single out.</summary>
public enum ItemCategory
{
    Ordinary,
    /// <summary>食品.</summary>
    Food,
    /// <summary>药品.</summary>
    Medicine,
    /// <summary>贴身内衣.</summary>
    IntimateApparel,
    /// <summary>水果.</summary>
    Fruit,
    /// <summary>生鲜.</summary>
    FreshProduce,
    /// <summary>虚拟商品.</summary>
    Virtual,
}

/// <summary>Where the return window starts.</summary>
public enum WindowStart
{
    /// <summary>At the courier's sign-for time when it is known exactly; from 00:00 China time of the next day when only its date is.</summary>
    SignForTimeOrNextChinaDay,
    /// <summary>Always from 00:00 China time of the day after the sign-for day (the window is counted in dates).</summary>
    NextChinaDay,
}

/// <summary>Who pays which postage leg of a return.</summary>
public enum PostageSplit
{
    /// <summary>The merchant pays the leg it sent (to the buyer), the buyer the leg it sends back.</summary>
    EachSidePaysItsLeg,
    BuyerPaysBoth,
    MerchantPaysBoth,
}

/// <summary>One of the two sides of an order.</summary>
public enum Party
{
    Buyer,
    Merchant,
}

/// <summary>How long after the sign-for a return or an exchange may be asked for.</summary>
public sealed record ReturnWindowTerms(TimeSpan Return, TimeSpan Exchange, WindowStart From);

/// <summary>Who pays the postage of a return, by whether the item shipped free.</summary>
public sealed record PostageTerms(PostageSplit FreeShipping, PostageSplit NotFreeShipping);

/// <summary>An item the rule leaves out of returns; some only once opened or used.</summary>
public sealed record ExcludedItem(ItemCategory Category, bool OnlyWhenOpened);

/// <summary>JD: what reviewing earned is taken back, and the points already spent come out of the refund.</summary>
public sealed record ReviewDeductionTerms(bool PointsTakenBack, bool SpentPointsDeducted, bool BenefitsDeducted, decimal PointsPerYuan);

public sealed record AfterSalesParameters(
    AfterSalesPlatform Platform,
    ReturnWindowTerms? ReturnWindow,
    PostageTerms? Postage,
    IReadOnlyList<ExcludedItem> Excluded,
    TimeSpan? AfterSalesWithin,
    TimeSpan? InterventionAfter,
    TimeSpan? MerchantAnswerWithin,
    ReviewDeductionTerms? ReviewDeductions,
    RoundingRule Rounding) : RuleParameters;
