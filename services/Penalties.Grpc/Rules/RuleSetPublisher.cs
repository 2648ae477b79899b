using System.Globalization;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Grpc.Rules;

/// <summary>What publishing did to one requested document.</summary>
public sealed record PublishedDocument(string Document, RuleSetVersion Version, bool Unchanged);

/// <summary>
/// Publishes rule-set versions to Redis: the documents and everything already published are validated as one
/// set by the core's validator (an invalid set never becomes visible), a published version is immutable
/// (same id and version: same content hash or refused), and the write is one script that succeeds only at
/// the revision that was validated (a concurrent publish makes it validate again). A publish that would close
/// a published version at an instant already past (a backdated successor) changes which version decided events
/// between then and now, so it is refused unless the caller allows it explicitly.
/// </summary>
public sealed class RuleSetPublisher(RedisRuleStore? store, RedisRuleSync? sync, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const int Attempts = 5;

    public async Task<(IReadOnlyList<PublishedDocument> Documents, long Revision)> PublishAsync(IReadOnlyList<(string Name, string Json)> documents,
        bool allowBackdated = false)
    {
        if (store is null)
            throw new PreconditionException("this service computes with rules from files: publishing needs Redis (Penalties:Redis:Configuration, Penalties:Rules:Source=redis)");
        if (documents.Count == 0)
            throw new InvalidCaseException([new FieldViolation("documents", "at least one rule document is required")]);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var listing = await store.ReadAsync();
            var (published, added, after) = Validate(documents, listing);
            if (added.Count == 0) return (published, listing.Revision);
            if (!allowBackdated) RefuseBackdated(listing, after);
            var revision = await store.TryWriteAsync(listing.Revision, added);
            if (revision is not null)
            {
                sync?.Signal();
                return (published, revision.Value);
            }
        }
        throw new UnavailableException("rules are being published concurrently; nothing was changed by this request; retry");
    }

    private static (List<PublishedDocument>, List<(RuleSetVersion, string)>, IReadOnlyList<RuleSetVersion> After) Validate(IReadOnlyList<(string Name, string Json)> documents, RuleListing listing)
    {
        var names = documents.Select((d, i) => string.IsNullOrWhiteSpace(d.Name) ? $"documents[{i.ToString(CultureInfo.InvariantCulture)}]" : d.Name).ToList();
        var stored = listing.Versions.ToDictionary(v => (v.RuleSetId, v.Version));
        var violations = new ViolationList();
        var conflicts = new List<string>();
        var parseErrors = new List<RuleLoadError>(); // reported below by LoadPublished, which parses the new documents again
        var candidate = listing.Versions.Select(v => (v.Name, v.Json)).ToList();
        var parsed = new RuleSetVersion?[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            parsed[i] = RuleSetLoader.Parse(names[i], documents[i].Json ?? "", parseErrors);
            if (parsed[i] is { } p && stored.TryGetValue((p.RuleSetId, p.Version), out var existing))
            {
                if (existing.ContentHash != p.ContentHash)
                    conflicts.Add($"{names[i]}: version {p.Version} of '{p.RuleSetId}' is published with content {existing.ContentHash}; this document's content is {p.ContentHash} (a published version never changes: publish a new version)");
                continue; // unchanged: the stored document stands
            }
            candidate.Add((names[i], documents[i].Json ?? ""));
        }
        if (conflicts.Count > 0) throw new ConflictException(string.Join("; ", conflicts));

        var result = RuleSetLoader.LoadPublished(candidate);
        foreach (var e in result.Errors) violations.Add(FieldOf(e.File, names), $"{e.File}: {e.Path}: {e.Reason}");
        var byKey = result.Versions.GroupBy(v => (v.RuleSetId, v.Version)).ToDictionary(g => g.Key, g => g.First());
        var published = new List<PublishedDocument>();
        var added = new List<(RuleSetVersion, string)>();
        for (int i = 0; i < documents.Count; i++)
        {
            if (parsed[i] is not { } p || !byKey.TryGetValue((p.RuleSetId, p.Version), out var final)) continue;
            bool unchanged = stored.ContainsKey((p.RuleSetId, p.Version));
            if (p.EffectiveTo is { } end && final.EffectiveTo != end)
                violations.Add($"documents[{i.ToString(CultureInfo.InvariantCulture)}]", $"{names[i]}: effectiveTo: ends {ChinaTime.Format(end)}, but the published versions make it end {(final.EffectiveTo is { } f ? ChinaTime.Format(f) : "never (open-ended)")}: a version ends where its successor begins");
            published.Add(new PublishedDocument(names[i], final, unchanged));
            if (!unchanged && added.All(a => a.Item1.Reference != final.Reference)) added.Add((final, documents[i].Json));
        }
        violations.ThrowIfAny();
        return (published, added, result.Versions);
    }

    /// <summary>
    /// Refuses a publish that ends an already published version earlier than it ended before, at an instant
    /// before now: events between that instant and now were decided by it and would now resolve to another.
    /// </summary>
    private void RefuseBackdated(RuleListing listing, IReadOnlyList<RuleSetVersion> after)
    {
        var now = _clock.GetUtcNow();
        var before = RuleSetLoader.LoadPublished(listing.Versions.Select(v => (v.Name, v.Json))).Versions
            .ToDictionary(v => (v.RuleSetId, v.Version));
        var problems = new List<string>();
        foreach (var v in after)
        {
            if (!before.TryGetValue((v.RuleSetId, v.Version), out var was) || was.EffectiveTo == v.EffectiveTo || v.EffectiveTo is not { } end) continue;
            if (end < now && (was.EffectiveTo is null || end < was.EffectiveTo))
                problems.Add($"'{v.RuleSetId}' v{v.Version.ToString(CultureInfo.InvariantCulture)} would end {ChinaTime.Format(end)}, before now ({ChinaTime.Format(now)}), "
                    + $"instead of {(was.EffectiveTo is { } e ? ChinaTime.Format(e) : "never")}: events from then until now would resolve to another version");
        }
        if (problems.Count > 0)
            throw new PreconditionException($"backdated publish refused, nothing was changed: {string.Join("; ", problems)}. Set allow_backdated to publish it on purpose (decisions already recorded keep their rule reference)");
    }

    private static string FieldOf(string file, List<string> names)
    {
        int i = names.IndexOf(file);
        return i < 0 ? "documents" : $"documents[{i.ToString(CultureInfo.InvariantCulture)}]";
    }
}
