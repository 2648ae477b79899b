namespace Penalties.Core.Common;

/// <summary>One problem with a caller's input: the field path (e.g. "lines[0].amount") and why.</summary>
public sealed record FieldViolation(string Field, string Description)
{
    public override string ToString() => $"{Field}: {Description}";
}

/// <summary>The case given to a calculator is invalid; every problem is listed.</summary>
public sealed class InvalidCaseException(IReadOnlyList<FieldViolation> violations)
    : ArgumentException("invalid case: " + string.Join("; ", violations))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>Collects field violations while a case is checked.</summary>
public sealed class ViolationList
{
    // Created on the first problem: a valid case, the usual one, allocates no list.
    private List<FieldViolation>? _items;

    public void Add(string field, string description) => (_items ??= []).Add(new FieldViolation(field, description));

    public bool Any => _items is not null;

    public IReadOnlyList<FieldViolation> Items => _items ?? [];

    /// <summary>A CNY amount: not negative, exact to the fen, at most <see cref="InputLimits.MaxMoney"/>.</summary>
    public void Money(string field, decimal value)
    {
        if (MoneyProblem(value) is { } problem) Add(field, problem);
    }

    /// <summary>What is wrong with a CNY amount, or null: callers with an indexed field name it only when needed.</summary>
    public static string? MoneyProblem(decimal value) =>
        value < 0 ? $"must not be negative (got {value})"
        : value > InputLimits.MaxMoney ? $"must be at most {InputLimits.MaxMoney} CNY (got {value})"
        : !MoneyText.FitsScale(value, 2) ? $"must be exact to the fen, at most 2 decimals (got {value})"
        : null;

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, "is required");
    }

    /// <summary>False (and a violation) when the list holds more than <paramref name="max"/> entries: the caller then skips checking them one by one.</summary>
    public bool AtMost<T>(string field, IReadOnlyCollection<T> items, int max)
    {
        if (items.Count <= max) return true;
        Add(field, $"must hold at most {max} entries (got {items.Count})");
        return false;
    }

    /// <summary><paramref name="later"/> (at <paramref name="field"/>) must not be before <paramref name="earlier"/>, which <paramref name="earlierName"/> names.</summary>
    public void NotBefore(string field, DateTimeOffset? later, DateTimeOffset? earlier, string earlierName)
    {
        if (IsBefore(later, earlier)) Add(field, $"must not be before {earlierName}");
    }

    /// <summary>Whether <paramref name="later"/> is before <paramref name="earlier"/>, both given.</summary>
    public static bool IsBefore(DateTimeOffset? later, DateTimeOffset? earlier) =>
        later is { } l && earlier is { } e && l != default && e != default && l < e;

    public void ThrowIfAny()
    {
        if (Any) throw new InvalidCaseException(Items);
    }
}
