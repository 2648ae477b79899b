using System.Globalization;
using Penalties.Core.PriceMatch;

namespace Penalties.Core.Tests.PriceMatch;

/// <summary>The precomputed parts of the price-match parameters give exactly what the plain computation gives.</summary>
public class PriceMatchLookupsTests
{
    public static TheoryData<long> BeanCounts()
    {
        var data = new TheoryData<long>();
        foreach (long b in new long[] { 0, 1, 5, 9, 10, 99, 100, 101, 1200, 1230, 1234, 10_000, 10_050, 99_999, 123_456_789, long.MaxValue / 3, long.MaxValue })
            data.Add(b);
        return data;
    }

    [Theory]
    [MemberData(nameof(BeanCounts))]
    public void Beans_converted_by_moving_the_point_equal_the_decimal_division_scale_included(long beans)
    {
        decimal power = 1m;
        for (int k = 0; k <= 18; k++, power *= 10m)
        {
            decimal expected = beans / power;
            decimal actual = PriceMatchLookups.BeansToYuan(beans, k);
            Assert.Equal(expected, actual);
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Every_bean_count_up_to_a_million_converts_as_the_division_does_at_100_per_CNY()
    {
        for (long beans = 0; beans <= 1_000_000; beans++)
        {
            decimal expected = beans / 100m, actual = PriceMatchLookups.BeansToYuan(beans, 2);
            if (expected != actual || expected.Scale != actual.Scale)
                Assert.Fail($"{beans}: {actual} ≠ {expected}");
        }
    }

    [Fact]
    public void The_shipped_rule_converts_beans_as_a_power_of_ten_and_holds_its_lists_as_bit_sets()
    {
        var p = Rules.Catalog.InForceAt(PriceMatchCalculator.RuleSet, Rules.At("2024-06-18 09:15")).ParametersAs<PriceMatchParameters>();
        var lookups = p.Lookups;
        Assert.Equal(2, lookups.BeansPowerOfTen);
        foreach (var platform in Enum.GetValues<ComparisonPlatform>())
            Assert.Equal(p.AcceptedPlatforms.Contains(platform), PriceMatchLookups.Has(lookups.AcceptedPlatforms, (int)platform));
        foreach (var merchant in Enum.GetValues<MerchantType>())
            Assert.Equal(p.EligibleMerchantTypes.Contains(merchant), PriceMatchLookups.Has(lookups.EligibleMerchantTypes, (int)merchant));
        foreach (var kind in Enum.GetValues<PaymentKind>())
            Assert.Equal(p.CountedPayments.Contains(kind), PriceMatchLookups.Has(lookups.CountedPayments, (int)kind));
        Assert.Equal(p.RequiredIdentityAttributes, lookups.RequiredAttributes);
    }

    [Fact]
    public void Changing_a_list_with_a_with_expression_recomputes_the_lookups()
    {
        var p = Rules.Catalog.InForceAt(PriceMatchCalculator.RuleSet, Rules.At("2024-06-18 09:15")).ParametersAs<PriceMatchParameters>();
        var changed = p with { AcceptedPlatforms = [ComparisonPlatform.Other], JdBeansPerYuan = 3m };
        Assert.True(PriceMatchLookups.Has(changed.Lookups.AcceptedPlatforms, (int)ComparisonPlatform.Other));
        Assert.False(PriceMatchLookups.Has(changed.Lookups.AcceptedPlatforms, (int)ComparisonPlatform.PinduoduoTenBillionSubsidy));
        Assert.Equal(-1, changed.Lookups.BeansPowerOfTen);
    }
}
