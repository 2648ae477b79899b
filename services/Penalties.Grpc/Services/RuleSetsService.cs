using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Rules;

namespace Penalties.Grpc.Services;

/// <summary>
/// RuleSets: the versions of this service's snapshot, one version with its provenance, resolution at an
/// instant; publishing to Redis (admin credential) and a stream of snapshot changes.
/// </summary>
/// <remarks>With a Dapr sidecar, a publish that changed something is announced on the rules-changed topic (<paramref name="changes"/>).</remarks>
public sealed class RuleSetsService(RuleCatalogSource rules, RuleSetPublisher publisher, AdminCredential admin, RulesChangedPublisher? changes = null)
    : RuleSets.RuleSetsBase
{
    public override Task<ListRuleSetsResponse> ListRuleSets(ListRuleSetsRequest request, ServerCallContext context)
    {
        // Answers without a snapshot too: the status then says why there is none.
        var (current, reason, _) = rules.State;
        var response = new ListRuleSetsResponse { Status = Status(current, reason) };
        if (current is { } snapshot) response.Versions.Add(All(snapshot.Catalog));
        return Task.FromResult(response);
    }

    public override Task<ListVersionsResponse> ListVersions(ListVersionsRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        v.ThrowIfAny();
        var versions = rules.Current.Versions(request.RuleSetId);
        var response = new ListVersionsResponse();
        response.Versions.Add(versions.Select(Summary));
        return Task.FromResult(response);
    }

    public override async Task<PublishRuleSetsResponse> Publish(PublishRuleSetsRequest request, ServerCallContext context)
    {
        admin.Demand(context.RequestHeaders.GetValue("authorization"), context.Peer);
        var (documents, revision) = await publisher.PublishAsync([.. request.Documents.Select(d => (d.Name, d.Json))], request.AllowBackdated);
        if (changes is not null && documents.Any(d => !d.Unchanged)) await changes.PublishedAsync(revision, context.CancellationToken);
        var response = new PublishRuleSetsResponse { Revision = revision };
        foreach (var d in documents)
        {
            response.Versions.Add(new PublishedVersion
            {
                Document = d.Document,
                Summary = Summary(d.Version),
                Outcome = d.Unchanged ? PublishOutcome.Unchanged : PublishOutcome.Published,
            });
        }
        return response;
    }

    public override async Task Watch(WatchRuleSetsRequest request, IServerStreamWriter<RuleSetsChange> responseStream, ServerCallContext context)
    {
        var changes = System.Threading.Channels.Channel.CreateUnbounded<(RuleSnapshot? Before, RuleSnapshot After)>();
        void OnChanged(RuleSnapshot? before, RuleSnapshot after) => changes.Writer.TryWrite((before, after));
        rules.Changed += OnChanged;
        try
        {
            var (current, reason, _) = rules.State;
            var first = new RuleSetsChange { Status = Status(current, reason) };
            if (current is not null) first.Versions.Add(All(current.Catalog));
            await responseStream.WriteAsync(first, context.CancellationToken);
            await foreach (var (before, after) in changes.Reader.ReadAllAsync(context.CancellationToken))
            {
                var change = new RuleSetsChange { Status = Status(after, rules.DegradedReason) }; // the status of the snapshot this message lists
                change.Versions.Add(All(after.Catalog));
                var known = before?.Catalog.All.Select(x => x.Reference).ToHashSet() ?? [];
                change.Added.Add(after.Catalog.All.Where(x => !known.Contains(x.Reference)).OrderBy(x => x.RuleSetId, StringComparer.Ordinal).ThenBy(x => x.EffectiveFrom).Select(Summary));
                await responseStream.WriteAsync(change, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // the caller went away
        }
        finally
        {
            rules.Changed -= OnChanged;
        }
    }

    /// <summary>The status of <paramref name="snapshot"/> (its own source, not the current one's), stale for <paramref name="degradedReason"/>.</summary>
    private static RuleSnapshotStatus Status(RuleSnapshot? snapshot, string? degradedReason) => new()
    {
        Source = snapshot?.Source ?? "none",
        Revision = snapshot?.Revision ?? 0,
        LoadedAt = snapshot is null ? null : Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(snapshot.LoadedAt),
        Degraded = degradedReason is not null || snapshot is null,
        DegradedReason = degradedReason ?? (snapshot is null ? "no rule versions loaded yet" : ""),
    };

    private static IEnumerable<RuleSetVersionSummary> All(RuleCatalog catalog) =>
        catalog.RuleSetIds.SelectMany(id => catalog.Versions(id)).Select(Summary);

    public override Task<GetRuleSetVersionResponse> GetRuleSetVersion(GetRuleSetVersionRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        if (request.Version < 1) v.Add("version", $"must be at least 1 (got {request.Version})");
        v.ThrowIfAny();
        var version = rules.Current.Pinned(new Penalties.Core.Rules.RulePin(request.RuleSetId, request.Version));
        var response = new GetRuleSetVersionResponse { Summary = Summary(version), ParametersJson = version.ParametersJson };
        foreach (var p in version.Provenance)
        {
            response.Provenance.Add(new Contracts.V1.Provenance
            {
                Fields = { p.Fields },
                Source = p.Source ?? "",
                Clause = p.Clause ?? "",
                Quote = p.Quote ?? "",
                Assumption = p.Assumption,
                Note = p.Note ?? "",
            });
        }
        return Task.FromResult(response);
    }

    public override Task<ResolveRuleSetResponse> ResolveRuleSet(ResolveRuleSetRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        var at = Mapping.Time(request.At, "at", v);
        if (request.At is null) v.Add("at", "is required");
        v.ThrowIfAny();
        return Task.FromResult(new ResolveRuleSetResponse { Summary = Summary(rules.Current.InForceAt(request.RuleSetId, at!.Value)) });
    }

    private static RuleSetVersionSummary Summary(RuleSetVersion v) => new()
    {
        Rule = Mapping.Rule(v.Reference),
        Kind = v.Kind.ToString(),
        Title = v.Title,
        Effective = Mapping.Interval(v.EffectiveFrom, v.EffectiveTo),
    };
}
