using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>The versions of one rule set together: no duplicate version, no overlap, no gap, one kind.</summary>
public class VersionSetValidationTests
{
    private const string V1 = "tmall.late-shipment/v1.json";
    private const string V2 = "tmall.late-shipment/v2.json";

    /// <summary>tmall.late-shipment v1 (open-ended from 2012-01-01) as version 2 from <paramref name="from"/>.</summary>
    private static System.Text.Json.Nodes.JsonNode TmallV2From(string from) => Shipped(TmallLate).Set("version", 2).Set("effectiveFrom", from);

    /// <summary>tmall.late-shipment v1 closed at <paramref name="to"/>, its provenance covering the new date.</summary>
    private static System.Text.Json.Nodes.JsonNode TmallV1To(string to)
    {
        var doc = Shipped(TmallLate).Set("effectiveTo", to);
        doc.At("provenance[0].fields").AsArray().Add("effectiveTo");
        return doc;
    }

    [Fact]
    public void The_shipped_taobao_versions_load_together_without_errors()
    {
        var result = Load((TaobaoLateV1, Shipped(TaobaoLateV1)), (TaobaoLateV2, Shipped(TaobaoLateV2)));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal([1, 2], result.Versions.Select(v => v.Version));
    }

    [Fact]
    public void A_new_version_starting_where_the_previous_one_is_closed_is_valid()
    {
        var result = Load((V1, TmallV1To("2030-01-01")), (V2, TmallV2From("2030-01-01")));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
        var catalog = result.ToCatalog();
        Assert.Equal(1, catalog.InForceAt("tmall.late-shipment", Rules.At("2029-12-31 23:59")).Version);
        Assert.Equal(2, catalog.InForceAt("tmall.late-shipment", Rules.At("2030-01-01 00:00")).Version);
    }

    [Fact]
    public void Two_files_with_the_same_rule_set_and_version_are_a_duplicate_named_in_the_later_file()
    {
        var result = Load(("a/v1.json", Shipped(TmallLate)), ("b/v1.json", Shipped(TmallLate).Set("title", "another title")));
        AssertOnlyError(result, "b/v1.json", "version", "duplicate version 1 of rule set 'tmall.late-shipment' (also in a/v1.json)");
    }

    [Fact]
    public void Duplicates_are_named_in_file_order_whatever_the_order_given()
    {
        var result = Load(("b/v1.json", Shipped(TmallLate)), ("a/v1.json", Shipped(TmallLate)));
        AssertOnlyError(result, "b/v1.json", "version", "duplicate version 1 of rule set 'tmall.late-shipment' (also in a/v1.json)");
    }

    [Fact]
    public void A_new_version_after_an_open_ended_one_overlaps_it()
    {
        var result = Load((V1, Shipped(TmallLate)), (V2, TmallV2From("2020-01-01")));
        AssertOnlyError(result, V2, "effectiveFrom",
            "overlaps version 1 of 'tmall.late-shipment' (tmall.late-shipment/v1.json, open-ended): version 2 starts 2020-01-01 00:00:00.000 +08:00");
        Assert.Equal(2, result.Versions.Count);
    }

    [Fact]
    public void A_version_ending_after_the_next_one_starts_overlaps_it()
    {
        var result = Load((TaobaoLateV1, Shipped(TaobaoLateV1).Set("effectiveTo", "2023-06-01")), (TaobaoLateV2, Shipped(TaobaoLateV2)));
        var error = Assert.Single(result.Errors);
        Assert.Equal(TaobaoLateV2, error.File);
        Assert.Equal("effectiveFrom", error.Path);
        Assert.Contains("overlaps", error.Reason, StringComparison.Ordinal);
        Assert.Equal(
            "overlaps version 1 of 'taobao.late-shipment' (taobao.late-shipment/v1.json, ends 2023-06-01 00:00:00.000 +08:00): version 2 starts 2023-01-01 00:00:00.000 +08:00",
            error.Reason);
    }

    [Fact]
    public void Two_versions_starting_at_the_same_instant_overlap()
    {
        var result = Load((V1, TmallV1To("2020-01-01")),
            (V2, TmallV2From("2012-01-01")));
        var error = Assert.Single(result.Errors);
        Assert.Equal(V2, error.File);
        Assert.Equal("effectiveFrom", error.Path);
        Assert.StartsWith("overlaps version 1 of 'tmall.late-shipment'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_between_versions_is_named_in_the_later_version()
    {
        var result = Load((TaobaoLateV1, Shipped(TaobaoLateV1).Set("effectiveTo", "2022-06-01")), (TaobaoLateV2, Shipped(TaobaoLateV2)));
        var error = Assert.Single(result.Errors);
        Assert.Equal(TaobaoLateV2, error.File);
        Assert.Equal("effectiveFrom", error.Path);
        Assert.Contains("gap", error.Reason, StringComparison.Ordinal);
        Assert.Equal(
            "gap after version 1 of 'taobao.late-shipment' (taobao.late-shipment/v1.json, ends 2022-06-01 00:00:00.000 +08:00): version 2 starts 2023-01-01 00:00:00.000 +08:00",
            error.Reason);
    }

    [Fact]
    public void A_gap_of_one_second_is_still_a_gap()
    {
        var result = Load((TaobaoLateV1, Shipped(TaobaoLateV1).Set("effectiveTo", "2022-12-31T23:59:59")), (TaobaoLateV2, Shipped(TaobaoLateV2)));
        Assert.Contains("gap after version 1", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Intervals_are_compared_by_effective_from_not_by_file_or_version_order()
    {
        // v2 is the earlier interval here: [2012, 2023) and v1 [2023, open). Adjacent, so valid.
        var earlier = Shipped(TaobaoLateV1).Set("version", 2);
        var later = Shipped(TaobaoLateV2).Set("version", 1);
        var result = Load(("b/v1.json", later), ("a/v2.json", earlier));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Versions_of_a_rule_set_with_different_kinds_are_refused()
    {
        var other = Shipped(JdPriceMatch).Set("ruleSet", "tmall.late-shipment").Set("version", 2).Set("effectiveFrom", "2030-01-01");
        var result = Load((V1, TmallV1To("2030-01-01")), (V2, other));
        AssertOnlyError(result, V2, "kind", "rule set 'tmall.late-shipment' is LateShipment in tmall.late-shipment/v1.json, not PriceMatch");
    }

    [Fact]
    public void Different_rule_sets_do_not_overlap_each_other()
    {
        var result = Load((TmallLate, Shipped(TmallLate)), (TaobaoLateV2, Shipped(TaobaoLateV2)), (JdPriceMatch, Shipped(JdPriceMatch)));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Interval_errors_leave_the_versions_in_the_result_but_refuse_a_catalog()
    {
        var result = Load((V1, Shipped(TmallLate)), (V2, TmallV2From("2020-01-01")));
        var e = Assert.Throws<RuleLoadException>(result.ToCatalog);
        Assert.Equal(result.Errors, e.Errors);
        Assert.Contains("1 problem(s) in rule data:", e.Message, StringComparison.Ordinal);
        Assert.Contains("tmall.late-shipment/v2.json: effectiveFrom: overlaps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catalog_built_over_a_gap_has_no_version_in_force_inside_it()
    {
        var result = Load((TaobaoLateV1, Shipped(TaobaoLateV1).Set("effectiveTo", "2022-06-01")), (TaobaoLateV2, Shipped(TaobaoLateV2)));
        var catalog = new RuleCatalog(result.Versions);
        var e = Assert.Throws<RuleResolutionException>(() => catalog.InForceAt("taobao.late-shipment", Rules.At("2022-09-01 00:00")));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
        Assert.Equal(1, catalog.InForceAt("taobao.late-shipment", Rules.At("2022-05-31 23:59")).Version);
        Assert.Equal(2, catalog.InForceAt("taobao.late-shipment", Rules.At("2023-01-01 00:00")).Version);
    }
}
