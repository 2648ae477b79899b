using System.Globalization;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Rules;

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
public sealed class RuleSetPublisher(RedisRuleStore? store, RedisRuleSync? sync, TimeProvider? clock = null, bool redisChangeChannel = true)
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
            RuleListing listing;
            try
            {
                listing = await store.ReadAsync();
            }
            catch (Exception e) when (RedisRuleStore.IsDamage(e)) // the store's, not the caller's documents
            {
                throw new PreconditionException($"the rules published in Redis are damaged, nothing was published: {e.Message}");
            }
            var check = Validate(documents, listing);
            if (check.Added.Count == 0) return (check.Published, listing.Revision);
            if (!allowBackdated) RefuseBackdated(check.Before, check.After);
            var revision = await store.TryWriteAsync(listing.Revision, check.Added, notify: redisChangeChannel);
            if (revision is not null)
            {
                sync?.Signal();
                return (check.Published, revision.Value);
            }
        }
        throw new UnavailableException("rules are being published concurrently; nothing was changed by this request; retry");
    }

    private sealed record Check(List<PublishedDocument> Published, List<(RuleSetVersion Version, string Json)> Added,
        IReadOnlyList<RuleSetVersion> Before, IReadOnlyList<RuleSetVersion> After);

    /// <summary>
    /// Parses every new document once (the stored ones come parsed and checked from the store); refuses a new one whose id and version are
    /// published with other content; then closes and validates the whole set, as the services will load it.
    /// Before: the published versions as they stand; after: with the new ones.
    /// </summary>
    private static Check Validate(IReadOnlyList<(string Name, string Json)> documents, RuleListing listing)
    {
        // Each document's label in errors: its name, made unique (two documents may carry the same name).
        var labels = new List<string>(documents.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(documents[i].Name) ? Field(i) : documents[i].Name;
            labels.Add(labels.Contains(name) ? $"{name} ({Field(i)})" : name);
        }
        var errors = new List<RuleLoadError>();
        var storedKeys = listing.Versions.ToDictionary(v => (v.RuleSetId, v.Version));
        var conflicts = new List<string>();
        var parsed = new RuleSetVersion?[documents.Count];
        var fresh = new List<RuleSetVersion>();
        for (int i = 0; i < documents.Count; i++)
        {
            if (RuleSetLoader.Parse(labels[i], documents[i].Json ?? "", errors) is not { } p) continue;
            parsed[i] = p;
            if (!storedKeys.TryGetValue((p.RuleSetId, p.Version), out var existing)) fresh.Add(p);
            else if (existing.ContentHash != p.ContentHash)
                conflicts.Add($"{labels[i]}: version {p.Version} of '{p.RuleSetId}' is published with content {existing.ContentHash}; this document's content is {p.ContentHash} (a published version never changes: publish a new version)");
        }
        if (conflicts.Count > 0) throw new ConflictException(string.Join("; ", conflicts));

        var stored = listing.Versions;
        var result = RuleSetLoader.LoadPublished([.. stored, .. fresh]);
        var violations = new ViolationList();
        foreach (var e in errors.Concat(result.Errors))
        {
            int i = labels.IndexOf(e.File);
            violations.Add(i < 0 ? "documents" : Field(i), $"{e.File}: {e.Path}: {e.Reason}");
        }
        violations.ThrowIfAny();

        var byKey = result.Versions.ToDictionary(v => (v.RuleSetId, v.Version));
        var published = new List<PublishedDocument>();
        var added = new List<(RuleSetVersion, string)>();
        for (int i = 0; i < documents.Count; i++)
        {
            if (parsed[i] is not { } p) continue;
            var final = byKey[(p.RuleSetId, p.Version)];
            bool unchanged = storedKeys.ContainsKey((p.RuleSetId, p.Version));
            if (p.EffectiveTo is { } end && final.EffectiveTo != end)
                violations.Add(Field(i), $"{labels[i]}: effectiveTo: ends {ChinaTime.Format(end)}, but the published versions make it end {(final.EffectiveTo is { } f ? ChinaTime.Format(f) : "never (open-ended)")}: a version ends where its successor begins");
            published.Add(new PublishedDocument(labels[i], final, unchanged));
            if (!unchanged) added.Add((final, documents[i].Json));
        }
        violations.ThrowIfAny();
        return new Check(published, added, RuleSetLoader.CloseBySuccessors(stored), result.Versions);
    }

    /// <summary>
    /// Refuses a publish that ends an already published version earlier than it ended before, at an instant
    /// before now: events between that instant and now were decided by it and would now resolve to another.
    /// </summary>
    private void RefuseBackdated(IReadOnlyList<RuleSetVersion> before, IReadOnlyList<RuleSetVersion> after)
    {
        var now = _clock.GetUtcNow();
        var was = before.ToDictionary(v => (v.RuleSetId, v.Version));
        var problems = new List<string>();
        foreach (var v in after)
        {
            if (!was.TryGetValue((v.RuleSetId, v.Version), out var old) || v.EffectiveTo is not { } end || end == old.EffectiveTo) continue;
            if (end < now && (old.EffectiveTo is null || end < old.EffectiveTo))
                problems.Add($"'{v.RuleSetId}' v{v.Version.ToString(CultureInfo.InvariantCulture)} would end {ChinaTime.Format(end)}, before now ({ChinaTime.Format(now)}), "
                    + $"instead of {(old.EffectiveTo is { } e ? ChinaTime.Format(e) : "never")}: events from then until now would resolve to another version");
        }
        if (problems.Count > 0)
            throw new PreconditionException($"backdated publish refused, nothing was changed: {string.Join("; ", problems)}. Set allow_backdated to publish it on purpose (decisions already recorded keep their rule reference)",
                Penalties.Contracts.CallerErrors.BackdatedPublish);
    }

    private static string Field(int i) => $"documents[{i.ToString(CultureInfo.InvariantCulture)}]";
}
