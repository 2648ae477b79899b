using System.Text.Json.Nodes;
using Penalties.Core.Rules.Loading;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>Versions as published to Redis: one ends where its successor begins (<see cref="RuleSetLoader.LoadPublished"/>).</summary>
public class PublishedRuleSetsTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static RuleLoadResult LoadPublished(params (string File, JsonNode Document)[] documents) =>
        RuleSetLoader.LoadPublished(documents.Select(d => (d.File, d.Document.ToJsonString())));

    private static JsonNode TmallV2(string from) =>
        Shipped(TmallLate).Set("version", 2).Set("effectiveFrom", from).Set("parameters.compensation.late.rate", 0.4m);

    [Fact]
    public void An_open_ended_version_is_closed_where_its_successor_begins_and_keeps_its_hash()
    {
        var result = LoadPublished((TmallLate, Shipped(TmallLate)), ("v2", TmallV2("2030-01-01")));
        Assert.True(result.Ok, string.Join("; ", result.Errors));
        var v1 = result.Versions.Single(v => v.Version == 1);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, China), v1.EffectiveTo);
        Assert.Null(result.Versions.Single(v => v.Version == 2).EffectiveTo);
        Assert.Equal(RuleSetLoader.Load([(TmallLate, ShippedText(TmallLate))]).Versions[0].ContentHash, v1.ContentHash);

        // The folder loader does not close: the same two documents overlap there.
        Assert.Contains(RuleSetLoader.Load([(TmallLate, ShippedText(TmallLate)), ("v2", TmallV2("2030-01-01").ToJsonString())]).Errors,
            e => e.Reason.Contains("overlaps", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stated_end_that_leaves_a_gap_is_still_an_error()
    {
        var v1 = Shipped(TmallLate).Set("effectiveTo", "2029-06-01");
        var result = LoadPublished((TmallLate, v1), ("v2", TmallV2("2030-01-01")));
        AssertOnlyError(result, "v2", "effectiveFrom", Assert.Single(result.Errors).Reason);
        Assert.StartsWith("gap after version 1", result.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_versions_from_the_same_instant_overlap_rather_than_close_each_other()
    {
        var result = LoadPublished((TmallLate, Shipped(TmallLate)), ("v2", TmallV2("2012-01-01")));
        Assert.Contains(result.Errors, e => e.Path == "effectiveFrom" && e.Reason.Contains("overlaps version 1", StringComparison.Ordinal));
    }
}
