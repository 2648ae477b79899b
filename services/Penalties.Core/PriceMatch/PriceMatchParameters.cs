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
    RoundingRule Rounding) : RuleParameters
{
    private readonly DerivedCache<PriceMatchParameters, PriceMatchLookups> _lookups = new();

    /// <summary>The lists as bit sets and arrays, and the bean conversion, precomputed once with the parameters (derived data).</summary>
    internal PriceMatchLookups Lookups => _lookups.Get(this, static p => new PriceMatchLookups(p));

    internal override void Prepare() => _ = Lookups;
}

/// <summary>
/// What the calculator asks of <see cref="PriceMatchParameters"/> on every claim, precomputed: the enum lists as
/// bit sets, the required attributes as an array, and JD beans per CNY as a power of ten when it is one (so a
/// bean count converts by moving the decimal point instead of a decimal division).
/// </summary>
internal sealed class PriceMatchLookups
{
    public PriceMatchLookups(PriceMatchParameters p)
    {
        AcceptedPlatforms = BitsOf(p.AcceptedPlatforms);
        EligibleMerchantTypes = BitsOf(p.EligibleMerchantTypes);
        CountedPayments = BitsOf(p.CountedPayments);
        RequiredAttributes = [.. p.RequiredIdentityAttributes];
        BeansPowerOfTen = PowerOfTen(p.JdBeansPerYuan);
    }

    public ulong AcceptedPlatforms { get; }
    public ulong EligibleMerchantTypes { get; }
    public ulong CountedPayments { get; }
    public string[] RequiredAttributes { get; }

    /// <summary>k when JD beans per CNY is exactly 10^k (k ≤ 18), otherwise −1.</summary>
    public int BeansPowerOfTen { get; }

    /// <summary>Whether the bit set holds the enum value <paramref name="n"/>.</summary>
    public static bool Has(ulong bits, int n) => (uint)n < 64 && (bits >> n & 1) != 0;

    /// <summary>
    /// <paramref name="beans"/> ÷ 10^<paramref name="power"/> (beans ≥ 0): exactly what the decimal division gives,
    /// the quotient with its trailing zeros dropped (10,000 ÷ 100 = 100; 1,230 ÷ 100 = 12.3; 1,234 ÷ 100 = 12.34).
    /// </summary>
    public static decimal BeansToYuan(long beans, int power) => ScaledInteger.Of(beans, power).Trimmed().ToDecimal();

    private static ulong BitsOf<T>(IReadOnlyList<T> values) where T : struct, Enum
    {
        ulong bits = 0;
        foreach (var v in values)
        {
            int n = Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
            if ((uint)n < 64) bits |= 1UL << n;
        }
        return bits;
    }

    private static int PowerOfTen(decimal perYuan)
    {
        decimal power = 1m;
        for (int k = 0; k <= 18; k++, power *= 10m)
        {
            if (perYuan == power) return k;
        }
        return -1;
    }
}
