namespace Penalties.Core.Rules.Loading;

public static partial class RuleSetLoader
{
    /// <summary>
    /// Loads versions as published (to Redis): one version ends where its successor begins. Every
    /// open-ended version that has a successor (the next by effective-from in the same rule set) is closed
    /// at the successor's effective-from; a version that states its own end keeps it, so a stated end that
    /// leaves a gap or an overlap is still an error. Then the versions are validated across each rule set as
    /// <see cref="Load"/> does. Closing does not change a content hash (effectiveTo is outside it), so pins stay valid.
    /// </summary>
    public static RuleLoadResult LoadPublished(IEnumerable<(string File, string Json)> documents)
    {
        var errors = new List<RuleLoadError>();
        return LoadPublished(ParseAll(documents, errors), errors);
    }

    /// <summary>The same for versions already parsed (each by <see cref="Parse"/>): closed by their successors, then validated across each rule set.</summary>
    public static RuleLoadResult LoadPublished(IReadOnlyList<RuleSetVersion> parsed) => LoadPublished(parsed, []);

    private static RuleLoadResult LoadPublished(IReadOnlyList<RuleSetVersion> parsed, List<RuleLoadError> errors)
    {
        var versions = CloseBySuccessors(parsed);
        ValidateAcrossVersions(versions, errors);
        return new RuleLoadResult(versions, errors);
    }

    /// <summary>Each open-ended version followed by another of its rule set ends where that one begins.</summary>
    public static List<RuleSetVersion> CloseBySuccessors(IReadOnlyList<RuleSetVersion> versions)
    {
        var result = new List<RuleSetVersion>(versions.Count);
        foreach (var group in versions.GroupBy(v => v.RuleSetId, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(v => v.EffectiveFrom).ThenBy(v => v.Version).ToList();
            for (int i = 0; i < ordered.Count; i++)
            {
                var v = ordered[i];
                var next = ordered.Skip(i + 1).FirstOrDefault(n => n.Version != v.Version && n.EffectiveFrom > v.EffectiveFrom);
                result.Add(v.EffectiveTo is null && next is not null ? v with { EffectiveTo = next.EffectiveFrom } : v);
            }
        }
        return result;
    }
}
