using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Core.Tests.Loading;

/// <summary>The repository's rules/ folder as shipped, and <see cref="RuleSetLoader.LoadDirectory"/> itself.</summary>
public sealed class ShippedRulesTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "penalties-rules-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
    }

    [Fact]
    public void The_shipped_rules_load_without_errors_as_eleven_versions()
    {
        var result = RuleSetLoader.LoadDirectory(Rules.Directory);
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(
            [
                "jd.after-sales@1",
                "jd.price-match@1",
                "pdd.after-sales@1",
                "pdd.penalty-points@1",
                "taobao.after-sales@1",
                "taobao.late-shipment@1",
                "taobao.late-shipment@2",
                "tmall.after-sales@1",
                "tmall.late-shipment@1",
                "tmall.penalty-points@1",
                "tmall.penalty-points@2",
            ],
            result.Versions.Select(v => $"{v.RuleSetId}@{v.Version}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_shipped_version_lives_in_its_rule_set_folder_under_its_version_number()
    {
        foreach (var v in RuleSetLoader.LoadDirectory(Rules.Directory).Versions)
            Assert.Equal($"{v.RuleSetId}/v{v.Version}.json", v.SourceFile);
    }

    [Fact]
    public void Each_shipped_version_has_provenance_from_a_source_or_a_noted_assumption()
    {
        foreach (var v in Rules.Catalog.All)
        {
            Assert.Contains(v.Provenance, p => p.Assumption || p.Source is not null);
            Assert.All(v.Provenance, p => Assert.True(p.Source is not null || (p.Assumption && !string.IsNullOrWhiteSpace(p.Note)), $"{v.Reference}: {string.Join(",", p.Fields)}"));
        }
    }

    [Fact]
    public void The_shipped_kinds_are_the_ones_their_calculators_need()
    {
        var kinds = Rules.Catalog.RuleSetIds.ToDictionary(id => id, id => Rules.Catalog.Versions(id).Select(v => v.Kind).Distinct().Single());
        Assert.Equal(RuleKind.LateShipment, kinds["tmall.late-shipment"]);
        Assert.Equal(RuleKind.LateShipment, kinds["taobao.late-shipment"]);
        Assert.Equal(RuleKind.PriceMatch, kinds["jd.price-match"]);
        Assert.Equal(RuleKind.PenaltyPoints, kinds["tmall.penalty-points"]);
        Assert.Equal(RuleKind.PenaltyPoints, kinds["pdd.penalty-points"]);
        foreach (var platform in Enum.GetValues<Penalties.Core.AfterSales.AfterSalesPlatform>())
            Assert.Equal(RuleKind.AfterSales, kinds[Penalties.Core.AfterSales.AfterSalesCalculator.RuleSetFor(platform)]);
    }

    [Fact]
    public void Only_the_latest_version_of_each_shipped_rule_set_is_open_ended()
    {
        foreach (var id in Rules.Catalog.RuleSetIds)
        {
            var versions = Rules.Catalog.Versions(id);
            Assert.Null(versions[^1].EffectiveTo);
            for (int i = 0; i < versions.Count - 1; i++) Assert.Equal(versions[i + 1].EffectiveFrom, versions[i].EffectiveTo);
        }
    }

    [Fact]
    public void A_missing_directory_is_one_error_not_an_exception()
    {
        var result = RuleSetLoader.LoadDirectory(_temp);
        var error = Assert.Single(result.Errors);
        Assert.Equal((_temp, "$", "rules directory does not exist"), (error.File, error.Path, error.Reason));
    }

    [Fact]
    public void A_directory_without_json_files_is_one_error()
    {
        Directory.CreateDirectory(_temp);
        File.WriteAllText(Path.Combine(_temp, "README.md"), "# nothing");
        var result = RuleSetLoader.LoadDirectory(_temp);
        var error = Assert.Single(result.Errors);
        Assert.Equal((_temp, "$", "no rule files (*.json) found"), (error.File, error.Path, error.Reason));
    }

    [Fact]
    public void Errors_from_a_directory_name_files_relative_to_it_with_forward_slashes()
    {
        Directory.CreateDirectory(Path.Combine(_temp, "tmall.late-shipment"));
        var text = RuleDocuments.Shipped(RuleDocuments.TmallLate).Set("parameters.compensation.late.rate", 3).ToJsonString();
        File.WriteAllText(Path.Combine(_temp, "tmall.late-shipment", "v1.json"), text);
        var result = RuleSetLoader.LoadDirectory(_temp);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("tmall.late-shipment/v1.json", "parameters.compensation.late.rate", "rate must be within [0, 1] (got 3)"), (error.File, error.Path, error.Reason));
    }
}
