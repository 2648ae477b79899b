namespace Penalties.Core.Rules.Loading;

/// <summary>One problem found while loading rule data: the file, the field path inside it and the reason.</summary>
public sealed record RuleLoadError(string File, string Path, string Reason)
{
    public override string ToString() => $"{File}: {Path}: {Reason}";
}

/// <summary>Rule data is invalid. Carries every problem found, not only the first.</summary>
public sealed class RuleLoadException(IReadOnlyList<RuleLoadError> errors)
    : Exception($"{errors.Count} problem(s) in rule data:{Environment.NewLine}" + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<RuleLoadError> Errors { get; } = errors;
}
