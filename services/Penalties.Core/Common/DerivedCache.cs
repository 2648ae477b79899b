namespace Penalties.Core.Common;

/// <summary>
/// A value derived from a source object (e.g. a record's own fields), computed once and kept
/// beside it. It is tied to the source it was derived from (compared by reference), so a copy made with a
/// <c>with</c> expression, which shares this cache, derives its own value; and it is no part of its owner's value
/// (every cache equals every other), so a record holding one compares and hashes as its published fields do.
/// Racing first reads may each derive the value; each result is complete and equal.
/// </summary>
public sealed class DerivedCache<TSource, TValue> : IEquatable<DerivedCache<TSource, TValue>>
    where TSource : class
    where TValue : class
{
    private sealed record Entry(TSource Source, TValue Value);

    private Entry? _entry;

    public TValue Get(TSource source, Func<TSource, TValue> derive)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && ReferenceEquals(entry.Source, source)) return entry.Value;
        var value = derive(source);
        Volatile.Write(ref _entry, new Entry(source, value));
        return value;
    }

    public bool Equals(DerivedCache<TSource, TValue>? other) => other is not null;

    public override bool Equals(object? obj) => obj is DerivedCache<TSource, TValue>;

    public override int GetHashCode() => 0;
}
