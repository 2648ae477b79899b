using System.Collections.Frozen;

namespace Penalties.Core.Rules;

public enum RuleResolutionError
{
    /// <summary>No rule set with that id is loaded.</summary>
    UnknownRuleSet,
    /// <summary>The rule set has no version whose effective interval contains the instant.</summary>
    NoVersionInForce,
    /// <summary>An explicitly pinned version does not exist.</summary>
    VersionNotFound,
    /// <summary>A pinned version exists but its content hash is not the one the caller expected.</summary>
    ContentHashMismatch,
    /// <summary>The rule set is of another kind than the calculator needs.</summary>
    WrongKind,
}

/// <summary>A rule version could not be resolved. Never answered with a silent default.</summary>
public sealed class RuleResolutionException(RuleResolutionError error, string ruleSetId, string message)
    : Exception(message)
{
    public RuleResolutionError Error { get; } = error;
    public string RuleSetId { get; } = ruleSetId;
    /// <summary>The instant asked about, when the error is <see cref="RuleResolutionError.NoVersionInForce"/>.</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>A caller's explicit choice of version, optionally checked against the content hash it expects.</summary>
public sealed record RulePin(string RuleSetId, int Version, string? ContentHash = null);

/// <summary>
/// Every loaded rule-set version, grouped by rule set and ordered by effective-from. Immutable:
/// a reload builds a new catalog and swaps it whole.
/// </summary>
public sealed class RuleCatalog
{
    private readonly FrozenDictionary<string, RuleSetVersion[]> _byId;

    public RuleCatalog(IEnumerable<RuleSetVersion> versions)
    {
        _byId = versions
            .GroupBy(v => v.RuleSetId, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.OrderBy(v => v.EffectiveFrom).ThenBy(v => v.Version).ToArray(),
                StringComparer.Ordinal);
    }

    public static RuleCatalog Empty { get; } = new([]);

    public IEnumerable<string> RuleSetIds => _byId.Keys.Order(StringComparer.Ordinal);

    /// <summary>Whether a rule set of this id is loaded.</summary>
    public bool Contains(string ruleSetId) => _byId.ContainsKey(ruleSetId);

    /// <summary>All versions of a rule set, ordered by effective-from.</summary>
    public IReadOnlyList<RuleSetVersion> Versions(string ruleSetId) =>
        _byId.TryGetValue(ruleSetId, out var versions)
            ? versions
            : throw new RuleResolutionException(RuleResolutionError.UnknownRuleSet, ruleSetId, $"no rule set '{ruleSetId}' is loaded");

    public IEnumerable<RuleSetVersion> All => _byId.Values.SelectMany(v => v);

    /// <summary>The version in force at <paramref name="at"/> (the business event's instant).</summary>
    public RuleSetVersion InForceAt(string ruleSetId, DateTimeOffset at)
    {
        if (!_byId.TryGetValue(ruleSetId, out var versions))
            throw new RuleResolutionException(RuleResolutionError.UnknownRuleSet, ruleSetId, $"no rule set '{ruleSetId}' is loaded");
        // Versions are few and ordered; the latest one starting at or before the instant is the candidate.
        for (int i = versions.Length - 1; i >= 0; i--)
        {
            var v = versions[i];
            if (v.EffectiveFrom <= at)
            {
                if (v.EffectiveTo is null || at < v.EffectiveTo.Value) return v;
                break;
            }
        }
        throw new RuleResolutionException(
            RuleResolutionError.NoVersionInForce, ruleSetId,
            $"no version of rule set '{ruleSetId}' is in force at {Common.ChinaTime.Format(at)}")
        { At = at };
    }

    /// <summary>An explicitly pinned version, verified against the expected content hash when one is given.</summary>
    public RuleSetVersion Pinned(RulePin pin)
    {
        var versions = Versions(pin.RuleSetId);
        var found = Array.Find((RuleSetVersion[])versions, v => v.Version == pin.Version)
            ?? throw new RuleResolutionException(
                RuleResolutionError.VersionNotFound, pin.RuleSetId,
                $"rule set '{pin.RuleSetId}' has no version {pin.Version}");
        if (pin.ContentHash is not null && !string.Equals(pin.ContentHash, found.ContentHash, StringComparison.OrdinalIgnoreCase))
            throw new RuleResolutionException(
                RuleResolutionError.ContentHashMismatch, pin.RuleSetId,
                $"rule set '{pin.RuleSetId}' version {pin.Version} has content hash {found.ContentHash}, not {pin.ContentHash}");
        return found;
    }

    /// <summary>The pinned version when a pin is given, otherwise the version in force at <paramref name="at"/>.</summary>
    public RuleSetVersion Resolve(string ruleSetId, DateTimeOffset at, RulePin? pin)
    {
        if (pin is null) return InForceAt(ruleSetId, at);
        if (!string.Equals(pin.RuleSetId, ruleSetId, StringComparison.Ordinal)) throw WrongRuleSet(pin.RuleSetId, ruleSetId);
        return Pinned(pin);
    }

    /// <summary>The refusal of a pin naming <paramref name="pinned"/> for a case that needs <paramref name="needed"/>.</summary>
    public static RuleResolutionException WrongRuleSet(string pinned, string needed) =>
        new(RuleResolutionError.WrongKind, pinned, $"the pinned rule set '{pinned}' is not the rule set this case needs ('{needed}')");
}
