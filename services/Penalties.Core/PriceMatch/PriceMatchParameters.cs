using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PriceMatch;

/// <summary>Where the buyer saw the lower price.</summary>
public enum ComparisonPlatform
{
    /// <summary>拼多多百亿补贴: Pinduoduo's 10-billion subsidy channel.</summary>
    PinduoduoTenBillionSubsidy,
    /// <summary>An ordinary Pinduoduo listing.</summary>
    Pinduoduo,
    /// <summary>Tmall: site, app, WeChat account, WeChat mall and mini-programs.</summary>
    Tmall,
    Taobao,
    Other,
}

public enum MerchantType
{
    /// <summary>京东开放平台入驻的第三方商家.</summary>
    ThirdParty,
    /// <summary>京东小店.</summary>
    JdSmallShop,
    /// <summary>JD's own retail.</summary>
    JdSelfOperated,
}

/// <summary>One way part of an order was paid.</summary>
public enum PaymentKind
{
    Cash,
    JdBeans,
    ECard,
    Balance,
    Coupon,
    PlatformPromotion,
}

/// <summary>What happens to custom-made goods (定制商品).</summary>
public enum CustomGoodsHandling
{
    /// <summary>Never automatically "the same item": sent to manual identification.</summary>
    ManualReview,
    /// <summary>Treated like any other goods.</summary>
    Automatic,
}

public sealed record PriceMatchParameters(
    IReadOnlyList<ComparisonPlatform> AcceptedPlatforms,
    IReadOnlyList<MerchantType> EligibleMerchantTypes,
    bool RequiresBadge,
    bool RequiresEnrollmentAtOrderTime,
    int ClaimChinaDaysAfterOrderDay,
    int MinimumMonthlySales,
    bool RequiresListingOnSale,
    IReadOnlyList<string> RequiredIdentityAttributes,
    CustomGoodsHandling CustomGoods,
    IReadOnlyList<PaymentKind> CountedPayments,
    decimal JdBeansPerYuan,
    decimal PayoutMultiple,
    decimal? Cap,
    RoundingRule Rounding) : RuleParameters;
