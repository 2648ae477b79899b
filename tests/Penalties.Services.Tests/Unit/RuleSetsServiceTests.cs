using Penalties.Core.Common;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>RuleSets called directly over the shipped rules folder.</summary>
public class RuleSetsServiceTests
{
    private readonly Grpc.Services.RuleSetsService _service = UnitServices.RuleSets();

    private static TestServerCallContext Context(string method) => new($"/penalties.v1.RuleSets/{method}");

    [Fact]
    public async Task Every_shipped_rule_set_is_listed_from_the_rules_folder()
    {
        var list = await _service.ListRuleSets(new ListRuleSetsRequest(), Context("ListRuleSets"));
        Assert.StartsWith("files:", list.Status.Source, StringComparison.Ordinal);
        Assert.False(list.Status.Degraded);
        Assert.Equal(
            ["jd.after-sales", "jd.price-match", "pdd.after-sales", "pdd.penalty-points", "taobao.after-sales", "taobao.late-shipment", "tmall.after-sales", "tmall.late-shipment", "tmall.penalty-points"],
            list.Versions.Select(v => v.Rule.RuleSetId).Distinct());
        var tmall = list.Versions.First(v => v.Rule.RuleSetId == "tmall.late-shipment");
        Assert.Equal(("LateShipment", 1), (tmall.Kind, tmall.Rule.Version));
        Assert.StartsWith("sha256:", tmall.Rule.ContentHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_version_in_force_is_resolved_and_a_version_shown_with_its_parameters()
    {
        var resolved = await _service.ResolveRuleSet(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = At("2024-03-01 10:00") }, Context("ResolveRuleSet"));
        Assert.Equal(("tmall.late-shipment", 1), (resolved.Summary.Rule.RuleSetId, resolved.Summary.Rule.Version));
        var version = await _service.GetRuleSetVersion(new GetRuleSetVersionRequest { RuleSetId = "tmall.late-shipment", Version = 1 }, Context("GetRuleSetVersion"));
        Assert.Equal(resolved.Summary, version.Summary);
        Assert.StartsWith("{", version.ParametersJson, StringComparison.Ordinal);
        Assert.NotEmpty(version.Provenance);
    }

    [Fact]
    public async Task Publishing_without_an_admin_token_configured_is_refused()
    {
        var e = await Assert.ThrowsAsync<PreconditionException>(() => _service.Publish(new PublishRuleSetsRequest(), Context("Publish")));
        Assert.Contains("no admin token", e.Message, StringComparison.Ordinal);
    }
}
