using System.Globalization;

namespace Penalties.State;

/// <summary>
/// One recorded decision: the request as sent and the response as first answered, both as protobuf bytes,
/// filed under the business keys it holds (e.g. every line of a late-shipment order). Immutable.
/// </summary>
/// <param name="Id">Unique within the merchant's ledger and ordered by event time: "{event UTC ticks, 19 digits}|{first key}".</param>
public sealed record LedgerEntry(string MerchantId, string Id, IReadOnlyList<string> Keys, DateTimeOffset EventAt, DateTimeOffset RecordedAt, byte[] Request, byte[] Response)
{
    /// <summary>What the entry's request and decision take: what a page of entries is bounded by.</summary>
    public long Size => Request.Length + Response.Length;

    public static string IdFor(DateTimeOffset eventAt, string firstKey) => EventPrefix(eventAt) + "|" + firstKey;

    /// <summary>The id prefix of every entry at <paramref name="eventAt"/>; ids sort by it (ordinal).</summary>
    public static string EventPrefix(DateTimeOffset eventAt) => eventAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>
/// What <see cref="IDecisionLedger.RecordAsync"/> did: wrote <see cref="Written"/>, or found some keys
/// recorded already (<see cref="Recorded"/>: key → the entry holding it) and wrote nothing.
/// <see cref="Owner"/> is set when the order is recorded for another merchant.
/// </summary>
public sealed record LedgerWrite(LedgerEntry? Written, IReadOnlyDictionary<string, LedgerEntry> Recorded, string? Owner = null)
{
    /// <summary>Nothing written: the order is recorded for merchant <paramref name="owner"/>.</summary>
    public static LedgerWrite OwnedBy(string owner) => new(null, new Dictionary<string, LedgerEntry>(), owner);
}

/// <summary>A page of a merchant's ledger in event-time order; <see cref="NextAfter"/> is the id to continue after.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntry> Entries, string? NextAfter);

/// <summary>
/// The decision ledger of one kind of claim ("late-shipment", "price-match"): entries keyed by business
/// identity, never overwritten. Writes are all-or-nothing per request; an order belongs to one merchant.
/// </summary>
public interface IDecisionLedger
{
    /// <summary>
    /// Writes the entry <paramref name="create"/> makes, under all <paramref name="keys"/> at once, if none of
    /// them is recorded and <paramref name="order"/> is not recorded for another merchant; otherwise writes
    /// nothing, calls nothing, and returns what is recorded.
    /// </summary>
    Task<LedgerWrite> RecordAsync(string ledger, string merchantId, string order, IReadOnlyList<string> keys, Func<LedgerEntry> create, CancellationToken cancellationToken);

    /// <summary>
    /// The merchant's entries with event time in [<paramref name="since"/>, <paramref name="until"/>), after the entry id
    /// <paramref name="after"/>: at most <paramref name="pageSize"/>, and no more than <paramref name="maxBytes"/> of requests
    /// and decisions unless the first entry alone takes more.
    /// </summary>
    Task<LedgerPage> ListAsync(string ledger, string merchantId, DateTimeOffset? since, DateTimeOffset? until, string? after, int pageSize, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Every merchant's entries with event time in [<paramref name="since"/>, <paramref name="until"/>) whose merchant's
    /// bucket is in shard <paramref name="shardIndex"/> of <paramref name="shardCount"/>, after <paramref name="after"/>, in
    /// <see cref="LedgerExport"/> order; bounded like <see cref="ListAsync"/>. <see cref="LedgerPage.NextAfter"/> is a cursor.
    /// </summary>
    Task<LedgerPage> ExportAsync(string ledger, DateTimeOffset since, DateTimeOffset until, int shardIndex, int shardCount, LedgerExport.Cursor? after, int pageSize, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>The embedded default: the ledger in memory, one lock per ledger and merchant. Lost on restart (the Redis ledger is durable).</summary>
public sealed class InMemoryDecisionLedger : IDecisionLedger
{
    private sealed class MerchantLedger
    {
        public readonly Dictionary<string, LedgerEntry> ByKey = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, LedgerEntry> ById = new(StringComparer.Ordinal);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), MerchantLedger> _merchants = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string> _owners = new();

    public Task<LedgerWrite> RecordAsync(string ledger, string merchantId, string order, IReadOnlyList<string> keys, Func<LedgerEntry> create, CancellationToken cancellationToken)
    {
        if (_owners.TryGetValue((ledger, order), out var owner) && !string.Equals(owner, merchantId, StringComparison.Ordinal))
            return Task.FromResult(LedgerWrite.OwnedBy(owner));
        var m = _merchants.GetOrAdd((ledger, merchantId), _ => new MerchantLedger());
        lock (m)
        {
            var recorded = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
            foreach (var k in keys)
            {
                if (m.ByKey.TryGetValue(k, out var e)) recorded[k] = e;
            }
            if (recorded.Count > 0) return Task.FromResult(new LedgerWrite(null, recorded));
            var entry = create(); // decides: a request refused here has claimed nothing
            owner = _owners.GetOrAdd((ledger, order), merchantId);
            if (!string.Equals(owner, merchantId, StringComparison.Ordinal))
                return Task.FromResult(LedgerWrite.OwnedBy(owner));
            foreach (var k in keys) m.ByKey.Add(k, entry);
            m.ById.Add(entry.Id, entry);
            return Task.FromResult(new LedgerWrite(entry, recorded));
        }
    }

    public Task<LedgerPage> ListAsync(string ledger, string merchantId, DateTimeOffset? since, DateTimeOffset? until, string? after, int pageSize, long maxBytes, CancellationToken cancellationToken)
    {
        if (!_merchants.TryGetValue((ledger, merchantId), out var m)) return Task.FromResult(new LedgerPage([], null));
        var (lower, upper) = LedgerRange.Bounds(since, until, after);
        var page = new List<LedgerEntry>();
        bool more = false;
        long bytes = 0;
        lock (m)
        {
            // Linear in the merchant's ledger: fine for the embedded default; the Redis ledger ranges by index.
            foreach (var (id, entry) in m.ById)
            {
                if (!LedgerRange.Contains(id, lower, upper)) continue;
                bytes += entry.Size;
                if (page.Count == pageSize || (page.Count > 0 && bytes > maxBytes)) { more = true; break; }
                page.Add(entry);
            }
        }
        return Task.FromResult(new LedgerPage(page, more ? page[^1].Id : null));
    }

    public Task<LedgerPage> ExportAsync(string ledger, DateTimeOffset since, DateTimeOffset until, int shardIndex, int shardCount, LedgerExport.Cursor? after, int pageSize, long maxBytes, CancellationToken cancellationToken)
    {
        // Every merchant's ledger, then sorted: fine for the embedded default; the Redis ledger reads its hourly index.
        var all = new List<(LedgerExport.Cursor At, LedgerEntry Entry)>();
        foreach (var ((name, _), m) in _merchants)
        {
            if (!string.Equals(name, ledger, StringComparison.Ordinal)) continue;
            lock (m)
            {
                foreach (var entry in m.ById.Values)
                {
                    if (entry.EventAt < since || entry.EventAt >= until) continue;
                    var at = ExportOrder.Of(entry);
                    if (LedgerExport.InShard(at.Bucket, shardIndex, shardCount) && (after is null || ExportOrder.Compare(at, after) > 0)) all.Add((at, entry));
                }
            }
        }
        all.Sort((x, y) => ExportOrder.Compare(x.At, y.At));
        var page = new List<LedgerEntry>();
        long bytes = 0;
        foreach (var (_, entry) in all)
        {
            bytes += entry.Size;
            if (page.Count == pageSize || (page.Count > 0 && bytes > maxBytes))
                return Task.FromResult(new LedgerPage(page, ExportOrder.Of(page[^1]).ToString()));
            page.Add(entry);
        }
        return Task.FromResult(new LedgerPage(page, null));
    }
}

/// <summary>The export order of entries, the same for every ledger: hour, bucket, member.</summary>
internal static class ExportOrder
{
    public static LedgerExport.Cursor Of(LedgerEntry e) =>
        new(LedgerExport.HourOf(e.EventAt), LedgerExport.Bucket(e.MerchantId), LedgerExport.Member(e.MerchantId, e.Id));

    public static int Compare(LedgerExport.Cursor x, LedgerExport.Cursor y)
    {
        int c = x.Hour.UtcTicks.CompareTo(y.Hour.UtcTicks);
        if (c == 0) c = x.Bucket.CompareTo(y.Bucket);
        return c != 0 ? c : string.CompareOrdinal(x.Member, y.Member);
    }
}

/// <summary>The id range of a ledger query: ids strictly after <c>Lower</c> (or from it, when inclusive) and before <c>Upper</c>.</summary>
internal static class LedgerRange
{
    /// <summary>(lower bound, inclusive?), exclusive upper bound or null.</summary>
    public static ((string Id, bool Inclusive)? Lower, string? Upper) Bounds(DateTimeOffset? from, DateTimeOffset? to, string? after)
    {
        (string, bool)? lower = from is { } f ? (LedgerEntry.EventPrefix(f), true) : null;
        if (after is not null && (lower is null || string.CompareOrdinal(after, lower.Value.Item1) >= 0)) lower = (after, false);
        // Every id at event time t is "prefix(t)|…", which sorts after "prefix(t)": so "< prefix(to)" excludes t = to.
        return (lower, to is { } t ? LedgerEntry.EventPrefix(t) : null);
    }

    public static bool Contains(string id, (string Id, bool Inclusive)? lower, string? upper)
    {
        if (lower is { } l)
        {
            int c = string.CompareOrdinal(id, l.Id);
            if (c < 0 || (c == 0 && !l.Inclusive)) return false;
        }
        return upper is null || string.CompareOrdinal(id, upper) < 0;
    }
}
