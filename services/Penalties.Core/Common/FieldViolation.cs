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
    private List<FieldViolation>? _items;

    public void Add(string field, string description) => (_items ??= []).Add(new FieldViolation(field, description));

    public bool Any => _items is { Count: > 0 };

    public IReadOnlyList<FieldViolation> Items => _items ?? (IReadOnlyList<FieldViolation>)Array.Empty<FieldViolation>();

    public void NonNegativeMoney(string field, decimal value)
    {
        if (value < 0) Add(field, $"must not be negative (got {value})");
        else if (!MoneyText.FitsScale(value, 2)) Add(field, $"must be exact to the fen, at most 2 decimals (got {value})");
    }

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, "is required");
    }

    public void ThrowIfAny()
    {
        if (Any) throw new InvalidCaseException(Items);
    }

    // Allocation-free forms for hot validation paths: the list is created at the first problem.

    public static void Add(ref ViolationList? list, string field, string description) => (list ??= new()).Add(field, description);

    public static void Required(ref ViolationList? list, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(ref list, field, "is required");
    }

    /// <summary>True when <paramref name="value"/> is negative or finer than the fen (check before building a field path).</summary>
    public static bool IsBadMoney(decimal value) => (decimal.IsNegative(value) && value != 0m) || !MoneyText.FitsScale(value, 2);

    public static void NonNegativeMoney(ref ViolationList? list, string field, decimal value)
    {
        if (value < 0) Add(ref list, field, $"must not be negative (got {value})");
        else if (!MoneyText.FitsScale(value, 2)) Add(ref list, field, $"must be exact to the fen, at most 2 decimals (got {value})");
    }

    public static IReadOnlyList<FieldViolation> ItemsOf(ViolationList? list) => list?.Items ?? Array.Empty<FieldViolation>();
}
