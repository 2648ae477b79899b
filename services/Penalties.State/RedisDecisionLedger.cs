using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Penalties.Core.Common;
using Penalties.Redis;
using Penalties.State.Storage.V1;
using StackExchange.Redis;

namespace Penalties.State;

/// <summary>
/// The decision ledger in Redis. Per ledger and merchant (one hash tag, so the write script is cluster-safe):
/// <c>ledger:{kind}:{merchant}:keys</c> (hash: business key → entry id), <c>…:entries</c> (hash: entry id →
/// the <see cref="StoredLedgerEntry"/>) and <c>…:by-event</c> (sorted set of entry ids, which sort by event time). Per order,
/// <c>ledger:{kind}:order:{order}</c> names the merchant it belongs to. Entries are written once by a script
/// that first checks that none of the request's keys is recorded; nothing is ever overwritten or deleted.
/// </summary>
public sealed class RedisDecisionLedger(RedisConnection redis) : IDecisionLedger
{
    // KEYS: keys hash, entries hash, by-event set. ARGV: entry id, entry, business keys...
    // Returns 1 written, 0 a key is recorded already, -1 damaged (a key holds another type: nothing written,
    // where an error halfway would have kept the writes made before it).
    // The shebang: refused whole when Redis is out of memory, never stopped halfway (see RedisPenaltyHistoryStore).
    private const string WriteScript = """
        #!lua
        local t1, t2, t3 = redis.call('TYPE', KEYS[1]).ok, redis.call('TYPE', KEYS[2]).ok, redis.call('TYPE', KEYS[3]).ok
        if (t1 ~= 'none' and t1 ~= 'hash') or (t2 ~= 'none' and t2 ~= 'hash') or (t3 ~= 'none' and t3 ~= 'zset') then return -1 end
        for i = 3, #ARGV do
          if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return 0 end
        end
        for i = 3, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[3], 0, ARGV[1])
        return 1
        """;

    /// <summary>The prefix of the ledger's keys for one merchant ("…keys", "…entries", "…by-event").</summary>
    private string MerchantPrefix(string ledger, string merchantId) => redis.Key($"ledger:{ledger}:{{{merchantId}}}:");

    public async Task<LedgerWrite> RecordAsync(string ledger, string merchantId, string order, IReadOnlyList<string> keys, Func<LedgerEntry> create, CancellationToken cancellationToken)
    {
        var db = redis.Database;
        RedisKey ownerKey = redis.Key($"ledger:{ledger}:order:{{{order}}}");
        var prefix = MerchantPrefix(ledger, merchantId);
        RedisKey keysHash = prefix + "keys", entriesHash = prefix + "entries", byEvent = prefix + "by-event";
        var fields = keys.Select(k => (RedisValue)k).ToArray();
        // Who owns the order and what is recorded under the keys: two reads that do not depend on each other, sent at once.
        var ownerRead = db.StringGetAsync(ownerKey);
        var recordedRead = RecordedAsync(db, keysHash, entriesHash, keys, fields);
        await Task.WhenAll(ownerRead, recordedRead); // both observed, even when both fail
        string? owner = await ownerRead;
        var recorded = await recordedRead;
        if (owner is not null && !string.Equals(owner, merchantId, StringComparison.Ordinal)) return LedgerWrite.OwnedBy(owner);
        if (recorded is not null) return recorded;
        cancellationToken.ThrowIfCancellationRequested();
        // A Redis that cannot record (too old for the write script, or keeping no append-only file) refuses before the order is claimed.
        await redis.ThrowIfCannotRecordAsync();
        var entry = create(); // decides: a request refused here has claimed nothing
        // The order is claimed for this merchant once its decision is made, just before it is written (the
        // claim is another slot than the merchant's keys, so it cannot be in the same script).
        if (owner is null && !await db.StringSetAsync(ownerKey, merchantId, when: When.NotExists))
        {
            owner = await db.StringGetAsync(ownerKey);
            if (owner is not null && !string.Equals(owner, merchantId, StringComparison.Ordinal)) return LedgerWrite.OwnedBy(owner);
        }
        // Filed in the export index first, so an entry is never written without it; a write that then loses to another
        // leaves an index member without an entry, which exports skip.
        await db.SortedSetAddAsync(ExportKey(ledger, LedgerExport.HourOf(entry.EventAt), LedgerExport.Bucket(merchantId)),
            LedgerExport.Member(merchantId, entry.Id), 0);
        var args = new RedisValue[2 + keys.Count];
        args[0] = entry.Id;
        args[1] = Encode(entry);
        fields.CopyTo(args, 2);
        long written;
        try
        {
            written = (long)await db.ScriptEvaluateAsync(WriteScript, [keysHash, entriesHash, byEvent], args);
        }
        catch (Exception e) when (RedisFailures.IsStoreOutage(e))
        {
            throw RedisFailures.OfWrite(e);
        }
        if (written == 1) return new LedgerWrite(entry, new Dictionary<string, LedgerEntry>());
        if (written == -1) throw new DataLossException($"merchant '{merchantId}': the stored {ledger} ledger is damaged (its Redis keys hold another type); nothing was recorded");
        // Another request recorded one of the keys in between; keys are never deleted, so one read finds what it wrote.
        return await RecordedAsync(db, keysHash, entriesHash, keys, fields)
            ?? throw new AbortedException($"the {ledger} ledger refused a write but holds none of its keys (changed meanwhile); retry");
    }

    /// <summary>What is recorded under any of <paramref name="keys"/> (key → its entry), or null when none is.</summary>
    private static async Task<LedgerWrite?> RecordedAsync(IDatabase db, RedisKey keysHash, RedisKey entriesHash, IReadOnlyList<string> keys, RedisValue[] fields)
    {
        var ids = await db.HashGetAsync(keysHash, fields);
        if (ids.All(id => id.IsNull)) return null;
        var distinct = ids.Where(id => !id.IsNull).Distinct().ToArray();
        var values = await db.HashGetAsync(entriesHash, distinct);
        var entries = new Dictionary<RedisValue, LedgerEntry>();
        for (int i = 0; i < distinct.Length; i++) entries[distinct[i]] = Decode(values[i], entriesHash, distinct[i]);
        var recorded = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            if (!ids[i].IsNull) recorded[keys[i]] = entries[ids[i]];
        }
        return new LedgerWrite(null, recorded);
    }

    public async Task<LedgerPage> ListAsync(string ledger, string merchantId, DateTimeOffset? since, DateTimeOffset? until, string? after, int pageSize, long maxBytes, CancellationToken cancellationToken)
    {
        var db = redis.Database;
        var (lower, upper) = LedgerRange.Bounds(since, until, after);
        var exclude = Exclude.Stop | (lower is { Inclusive: false } ? Exclude.Start : Exclude.None);
        var prefix = MerchantPrefix(ledger, merchantId);
        var ids = await db.SortedSetRangeByValueAsync(prefix + "by-event",
            lower is { } l ? (RedisValue)l.Id : RedisValue.Null, upper is null ? RedisValue.Null : (RedisValue)upper,
            exclude, Order.Ascending, 0, pageSize + 1);
        bool more = ids.Length > pageSize;
        var page = more ? ids[..pageSize] : ids;
        if (page.Length == 0) return new LedgerPage([], null);
        var entries = new List<LedgerEntry>();
        long bytes = 0;
        await foreach (var (id, value) in InChunks(page, chunk => db.HashGetAsync(prefix + "entries", chunk)))
        {
            var entry = Decode(value, prefix + "entries", id);
            bytes += entry.Size;
            if (entries.Count > 0 && bytes > maxBytes) return new LedgerPage(entries, entries[^1].Id);
            entries.Add(entry);
        }
        return new LedgerPage(entries, more ? entries[^1].Id : null);
    }

    /// <summary>How many stored entries are read at once: a page of large entries stops near its byte bound without holding the rest.</summary>
    private const int EntryChunk = 16;

    /// <summary>
    /// Each item with its stored value, read <see cref="EntryChunk"/> at a time: a caller that stops reading when its page
    /// is full has fetched at most one chunk more.
    /// </summary>
    private static async IAsyncEnumerable<(T Item, RedisValue Value)> InChunks<T>(IReadOnlyList<T> items, Func<T[], Task<RedisValue[]>> read)
    {
        foreach (var chunk in items.Chunk(EntryChunk))
        {
            var values = await read(chunk);
            for (int i = 0; i < chunk.Length; i++) yield return (chunk[i], values[i]);
        }
    }

    /// <summary>The export index of one hour and bucket: its own hash slot (<c>ledger:{kind}:export:{2024030110-07}</c>).</summary>
    private RedisKey ExportKey(string ledger, DateTimeOffset hour, int bucket) =>
        redis.Key(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ledger:{ledger}:export:{{{LedgerExport.HourKey(hour)}-{bucket:D2}}}"));

    public async Task<LedgerPage> ExportAsync(string ledger, DateTimeOffset since, DateTimeOffset until, int shardIndex, int shardCount, LedgerExport.Cursor? after, int pageSize, long maxBytes, CancellationToken cancellationToken)
    {
        var db = redis.Database;
        var entries = new List<LedgerEntry>();
        long bytes = 0;
        var buckets = Enumerable.Range(0, LedgerExport.Buckets).Where(b => LedgerExport.InShard(b, shardIndex, shardCount)).ToArray();
        var first = LedgerExport.HourOf(since);
        if (after is not null && after.Hour > first) first = after.Hour;
        for (var hour = first; hour < until; hour = hour.AddHours(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The hour's buckets of this shard read at once; each from after the cursor when it stopped there.
            var reads = buckets
                .Where(b => after is null || hour > after.Hour || b >= after.Bucket)
                .Select(b => (Bucket: b, Members: db.SortedSetRangeByValueAsync(ExportKey(ledger, hour, b),
                    after is not null && hour == after.Hour && b == after.Bucket ? (RedisValue)after.Member : RedisValue.Null, RedisValue.Null,
                    after is not null && hour == after.Hour && b == after.Bucket ? Exclude.Start : Exclude.None, Order.Ascending, 0, pageSize + 1)))
                .ToArray();
            await Task.WhenAll(reads.Select(r => r.Members));
            foreach (var (bucket, read) in reads)
            {
                var chunk = await read;
                while (chunk.Length > 0)
                {
                    var members = chunk.Select(m => LedgerExport.Parse(m!)).OfType<(string MerchantId, string EntryId)>().ToArray();
                    // The members' entries a chunk at a time, stopping once the page is full: the rest are read by the next page.
                    var values = InChunks(members, part => Task.WhenAll(part.Select(m => db.HashGetAsync(MerchantPrefix(ledger, m.MerchantId) + "entries", m.EntryId))));
                    await foreach (var (member, value) in values)
                    {
                        if (value.IsNull) continue; // filed, then lost to another write of the same keys
                        var entry = Decode(value, MerchantPrefix(ledger, member.MerchantId) + "entries", member.EntryId);
                        if (entry.EventAt < since || entry.EventAt >= until) continue;
                        bytes += entry.Size;
                        if (entries.Count == pageSize || (entries.Count > 0 && bytes > maxBytes))
                            return new LedgerPage(entries, ExportOrder.Of(entries[^1]).ToString());
                        entries.Add(entry);
                    }
                    // Skipped members (lost writes, the edges of the range) can leave the page short: read on in this bucket.
                    chunk = chunk.Length <= pageSize ? [] : await db.SortedSetRangeByValueAsync(ExportKey(ledger, hour, bucket),
                        chunk[^1], RedisValue.Null, Exclude.Start, Order.Ascending, 0, pageSize + 1);
                }
            }
        }
        return new LedgerPage(entries, null);
    }

    internal static byte[] Encode(LedgerEntry e) => new StoredLedgerEntry
    {
        MerchantId = e.MerchantId, Id = e.Id, Keys = { e.Keys }, EventAt = Timestamp.FromDateTimeOffset(e.EventAt),
        RecordedAt = Timestamp.FromDateTimeOffset(e.RecordedAt), Request = ByteString.CopyFrom(e.Request), Response = ByteString.CopyFrom(e.Response),
    }.ToByteArray();

    /// <summary>A stored entry, or DATA_LOSS naming where it is when it is missing or not what the service wrote.</summary>
    internal static LedgerEntry Decode(RedisValue value, RedisKey hash, RedisValue field)
    {
        try
        {
            if (value.IsNull) throw new InvalidDataException("the entry is missing though its keys name it");
            var e = StoredLedgerEntry.Parser.ParseFrom((byte[])value!);
            if (e.EventAt is null || e.RecordedAt is null || e.Keys.Count == 0 || e.Id.Length == 0)
                throw new InvalidDataException("required fields are missing");
            return new LedgerEntry(e.MerchantId, e.Id, [.. e.Keys], e.EventAt.ToDateTimeOffset(), e.RecordedAt.ToDateTimeOffset(), e.Request.ToByteArray(), e.Response.ToByteArray());
        }
        catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException or InvalidOperationException or ArgumentException)
        {
            throw new DataLossException($"the stored decision {field} in {hash} is damaged: {e.Message}");
        }
    }
}
