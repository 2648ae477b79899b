using Penalties.Core.Rules.Loading;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>The loader reports every problem of every file, not only the first.</summary>
public class AllProblemsAtOnceTests
{
    [Fact]
    public void One_document_with_three_different_problems_yields_three_errors()
    {
        var result = LoadChanged(TmallLate, d => d
            .Set("bonus", true)
            .Set("parameters.compensation.late.rate", 1.3m)
            .Set("parameters.platform", "JD"));
        Assert.Equal(
            [
                ("x/v1.json", "bonus", "unknown field"),
                ("x/v1.json", "parameters.compensation.late.rate", "rate must be within [0, 1] (got 1.3)"),
                ("x/v1.json", "parameters.platform", "unknown Platform value 'JD' (expected one of: Tmall, Taobao)"),
            ],
            result.Errors.Select(e => (e.File, e.Path, e.Reason)).OrderBy(e => e.Path, StringComparer.Ordinal));
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void Problems_in_the_envelope_parameters_and_provenance_are_all_reported()
    {
        var result = LoadChanged(TmallPointsV2, d => d
            .Remove("title")
            .Set("effectiveFrom", "2015-01-01T00:00:00+09:00")
            .Set("parameters.violations.INVOICE.ladder[0].fromOccurrence", 3)
            .Set("parameters.thresholds[0].sanction.actions[0]", "Ban")
            .Set("provenance[1].note", ""));
        Assert.Equal(
            [
                "effectiveFrom",
                "parameters.thresholds[0].sanction.actions[0]",
                "parameters.violations.INVOICE.ladder[0].fromOccurrence",
                "provenance[1].note",
                "title",
            ],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal("x/v1.json", e.File));
    }

    [Fact]
    public void Two_bad_files_yield_errors_naming_both_files()
    {
        var result = Load(
            ("tmall.late-shipment/v1.json", Shipped(TmallLate).Set("parameters.compensation.outOfStock.cap", -5m)),
            ("jd.price-match/v1.json", Shipped(JdPriceMatch).Set("parameters.acceptedPlatforms[0]", "Jd")));
        Assert.Equal(
            [
                "jd.price-match/v1.json: parameters.acceptedPlatforms[0]: unknown ComparisonPlatform value 'Jd' (expected one of: PinduoduoTenBillionSubsidy, Pinduoduo, Tmall, Taobao, Other)",
                "tmall.late-shipment/v1.json: parameters.compensation.outOfStock.cap: cap must not be negative (got -5)",
            ],
            result.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void A_bad_file_does_not_hide_the_problems_of_the_others_or_drop_the_good_ones()
    {
        var result = RuleSetLoader.Load(
        [
            ("a/v1.json", "{ not json"),
            ("b/v1.json", Shipped(TaobaoLateV1).Set("effectiveTo", "2022-06-01").ToJsonString()),
            ("c/v2.json", ShippedText(TaobaoLateV2)),
            ("d/v1.json", Shipped(TmallLate).Set("version", -1).ToJsonString()),
            ("e/v1.json", ShippedText(JdPriceMatch)),
        ]);
        Assert.Equal(["a/v1.json", "c/v2.json", "d/v1.json"], result.Errors.Select(e => e.File).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e.File == "c/v2.json" && e.Reason.StartsWith("gap after version 1", StringComparison.Ordinal));
        Assert.Equal(["b/v1.json", "c/v2.json", "e/v1.json"], result.Versions.Select(v => v.SourceFile));
    }
}
