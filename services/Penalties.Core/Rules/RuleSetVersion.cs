namespace Penalties.Core.Rules;

/// <summary>Which calculator a rule set feeds.</summary>
public enum RuleKind
{
    LateShipment,
    PriceMatch,
    PenaltyPoints,
    AfterSales,
}

/// <summary>Where a parameter or clause comes from: a source file in shared/seeds and its clause.</summary>
public sealed record Provenance(
    IReadOnlyList<string> Fields,
    string? Source,
    string? Clause,
    string? Quote,
    bool Assumption,
    string? Note);

/// <summary>Names exactly one rule-set version: id, version and the SHA-256 of its canonical content.</summary>
public sealed record RuleReference(string RuleSetId, int Version, string ContentHash)
{
    public override string ToString() => $"{RuleSetId}@{Version} ({ContentHash})";
}

/// <summary>Base of the typed parameters of each rule kind.</summary>
public abstract record RuleParameters;

/// <summary>
/// One immutable, content-hashed version of a rule set, in force over
/// [<see cref="EffectiveFrom"/>, <see cref="EffectiveTo"/>) (China time on the data side, instants here).
/// </summary>
public sealed record RuleSetVersion(
    string RuleSetId,
    int Version,
    RuleKind Kind,
    string Title,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset? EffectiveTo,
    RuleParameters Parameters,
    IReadOnlyList<Provenance> Provenance,
    string ContentHash,
    string SourceFile)
{
    public RuleReference Reference { get; } = new(RuleSetId, Version, ContentHash);

    /// <summary>The version's parameters as JSON, exactly as published.</summary>
    public string ParametersJson { get; init; } = "{}";

    public bool IsInForceAt(DateTimeOffset instant) =>
        instant >= EffectiveFrom && (EffectiveTo is null || instant < EffectiveTo.Value);

    /// <summary>Provenance entries flagged as assumptions (a date or value the sources do not state).</summary>
    public IEnumerable<Provenance> Assumptions => Provenance.Where(p => p.Assumption);

    public TParameters ParametersAs<TParameters>() where TParameters : RuleParameters =>
        Parameters as TParameters ?? throw new RuleResolutionException(
            RuleResolutionError.WrongKind, RuleSetId,
            $"rule set '{RuleSetId}' version {Version} is a {Kind} rule set, not a {typeof(TParameters).Name.Replace("Parameters", "", StringComparison.Ordinal)} one");
}
