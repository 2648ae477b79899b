using Penalties.Core.Rules;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.Loading;

/// <summary>
/// <see cref="RuleCatalog"/> on the shipped rules: the version in force at an instant over [from, to), and pins.
/// taobao.late-shipment switches v1 → v2 at 2023-01-01T00:00:00+08:00; tmall.penalty-points v1 → v2 at 2015-01-01T00:00:00+08:00.
/// </summary>
public class RuleResolutionTests
{
    private const string Taobao = "taobao.late-shipment";
    private const string TmallPoints = "tmall.penalty-points";
    private static readonly DateTimeOffset TaobaoSwitch = new(2023, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset TmallPointsSwitch = new(2015, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset FirstTaobao = new(2012, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void A_version_is_in_force_at_its_effective_from_exactly()
    {
        Assert.Equal(2, Catalog.InForceAt(Taobao, TaobaoSwitch).Version);
        Assert.Equal(2, Catalog.InForceAt(TmallPoints, TmallPointsSwitch).Version);
        Assert.Equal(1, Catalog.InForceAt(Taobao, FirstTaobao).Version);
    }

    [Fact]
    public void One_tick_before_effective_from_the_previous_version_is_in_force()
    {
        Assert.Equal(1, Catalog.InForceAt(Taobao, TaobaoSwitch - Tick).Version);
        Assert.Equal(1, Catalog.InForceAt(TmallPoints, TmallPointsSwitch - Tick).Version);
    }

    [Fact]
    public void At_effective_to_exactly_the_next_version_is_in_force()
    {
        var v1 = Catalog.Pinned(new RulePin(Taobao, 1));
        Assert.Equal(TaobaoSwitch, v1.EffectiveTo);
        Assert.False(v1.IsInForceAt(v1.EffectiveTo!.Value));
        Assert.True(v1.IsInForceAt(v1.EffectiveTo.Value - Tick));
        Assert.Equal(2, Catalog.InForceAt(Taobao, v1.EffectiveTo.Value).Version);

        var points1 = Catalog.Pinned(new RulePin(TmallPoints, 1));
        Assert.Equal(2, Catalog.InForceAt(TmallPoints, points1.EffectiveTo!.Value).Version);
    }

    [Fact]
    public void The_same_instant_in_another_offset_resolves_the_same()
    {
        Assert.Equal(2, Catalog.InForceAt(Taobao, new DateTimeOffset(2022, 12, 31, 16, 0, 0, TimeSpan.Zero)).Version);
        Assert.Equal(1, Catalog.InForceAt(Taobao, new DateTimeOffset(2022, 12, 31, 15, 59, 59, TimeSpan.Zero)).Version);
    }

    [Fact]
    public void The_latest_version_is_open_ended()
    {
        Assert.Equal(2, Catalog.InForceAt(Taobao, At("2099-12-31 23:59")).Version);
        Assert.Equal(2, Catalog.InForceAt(TmallPoints, DateTimeOffset.MaxValue).Version);
    }

    [Fact]
    public void One_tick_before_the_first_version_no_version_is_in_force()
    {
        var at = FirstTaobao - Tick;
        var e = Assert.Throws<RuleResolutionException>(() => Catalog.InForceAt(Taobao, at));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
        Assert.Equal(Taobao, e.RuleSetId);
        Assert.Equal(at, e.At);
        Assert.Equal("no version of rule set 'taobao.late-shipment' is in force at 2011-12-31 23:59:59.9999999 +08:00", e.Message);
    }

    [Fact]
    public void Long_before_the_first_version_no_version_is_in_force()
    {
        var at = At("2000-06-01 12:00");
        var e = Assert.Throws<RuleResolutionException>(() => Catalog.InForceAt("jd.price-match", at));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
        Assert.Equal(at, e.At);
    }

    [Fact]
    public void An_unknown_rule_set_is_unknown_for_every_kind_of_lookup()
    {
        var inForce = Assert.Throws<RuleResolutionException>(() => Catalog.InForceAt("jd.late-shipment", At("2024-03-01 10:00")));
        Assert.Equal(RuleResolutionError.UnknownRuleSet, inForce.Error);
        Assert.Equal("jd.late-shipment", inForce.RuleSetId);
        Assert.Null(inForce.At);
        Assert.Equal("no rule set 'jd.late-shipment' is loaded", inForce.Message);

        Assert.Equal(RuleResolutionError.UnknownRuleSet, Assert.Throws<RuleResolutionException>(() => Catalog.Versions("jd.late-shipment")).Error);
        Assert.Equal(RuleResolutionError.UnknownRuleSet, Assert.Throws<RuleResolutionException>(() => Catalog.Pinned(new RulePin("jd.late-shipment", 1))).Error);
    }

    [Fact]
    public void Rule_set_ids_are_case_sensitive()
    {
        Assert.Equal(RuleResolutionError.UnknownRuleSet,
            Assert.Throws<RuleResolutionException>(() => Catalog.InForceAt("Taobao.Late-Shipment", At("2024-03-01 10:00"))).Error);
    }

    [Fact]
    public void A_pinned_version_that_does_not_exist_is_not_found()
    {
        var e = Assert.Throws<RuleResolutionException>(() => Catalog.Pinned(new RulePin(Taobao, 3)));
        Assert.Equal(RuleResolutionError.VersionNotFound, e.Error);
        Assert.Equal(Taobao, e.RuleSetId);
        Assert.Equal("rule set 'taobao.late-shipment' has no version 3", e.Message);
    }

    [Fact]
    public void A_pin_with_the_wrong_hash_is_a_content_hash_mismatch()
    {
        var v2Hash = Catalog.Pinned(new RulePin(Taobao, 2)).ContentHash;
        var e = Assert.Throws<RuleResolutionException>(() => Catalog.Pinned(new RulePin(Taobao, 1, v2Hash)));
        Assert.Equal(RuleResolutionError.ContentHashMismatch, e.Error);
        Assert.Contains(v2Hash, e.Message, StringComparison.Ordinal);
        Assert.Equal(RuleResolutionError.ContentHashMismatch,
            Assert.Throws<RuleResolutionException>(() => Catalog.Pinned(new RulePin(Taobao, 1, "sha256:" + new string('0', 64)))).Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_pin_with_the_right_hash_in_any_letter_case_returns_that_version(bool upperCase)
    {
        var v1 = Catalog.Pinned(new RulePin(Taobao, 1));
        var hash = upperCase ? v1.ContentHash.ToUpperInvariant() : v1.ContentHash;
        Assert.Same(v1, Catalog.Pinned(new RulePin(Taobao, 1, hash)));
    }

    [Fact]
    public void A_pin_without_a_hash_returns_the_version_whatever_its_content()
    {
        var v = Catalog.Pinned(new RulePin(TmallPoints, 1));
        Assert.Equal((TmallPoints, 1), (v.RuleSetId, v.Version));
    }

    [Fact]
    public void Resolve_without_a_pin_takes_the_version_in_force_at_the_instant()
    {
        Assert.Equal(1, Catalog.Resolve(Taobao, TaobaoSwitch - Tick, null).Version);
        Assert.Equal(2, Catalog.Resolve(Taobao, TaobaoSwitch, null).Version);
    }

    [Fact]
    public void Resolve_with_a_pin_takes_the_pinned_version_even_outside_its_interval()
    {
        var v1 = Catalog.Pinned(new RulePin(Taobao, 1));
        Assert.Same(v1, Catalog.Resolve(Taobao, At("2024-03-01 10:00"), new RulePin(Taobao, 1, v1.ContentHash)));
    }

    [Fact]
    public void Resolve_with_a_pin_for_another_rule_set_is_an_error()
    {
        var e = Assert.Throws<RuleResolutionException>(() => Catalog.Resolve(Taobao, At("2024-03-01 10:00"), new RulePin("tmall.late-shipment", 1)));
        Assert.Equal(RuleResolutionError.WrongKind, e.Error);
        Assert.Equal("tmall.late-shipment", e.RuleSetId);
        Assert.Contains("'taobao.late-shipment'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_are_listed_in_effective_order()
    {
        Assert.Equal([1, 2], Catalog.Versions(Taobao).Select(v => v.Version));
        Assert.Equal([1, 2], Catalog.Versions(TmallPoints).Select(v => v.Version));
        Assert.Equal(["jd.after-sales", "jd.price-match", "pdd.after-sales", "pdd.penalty-points", "taobao.after-sales", "taobao.late-shipment", "tmall.after-sales", "tmall.late-shipment", "tmall.penalty-points"], Catalog.RuleSetIds);
    }
}
