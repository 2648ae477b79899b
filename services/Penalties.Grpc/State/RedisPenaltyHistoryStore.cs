using System.Collections.Concurrent;
using Penalties.Core.PenaltyPoints;
using Penalties.Grpc.Redis;
using StackExchange.Redis;

namespace Penalties.Grpc.State;

/// <summary>
/// Penalty history in Redis, per merchant: <c>history:{merchant}:log</c> (a list, append-only: one entry per
/// record or revocation) and <c>history:{merchant}:index</c> (hash: "case:ID" / "revoke:ID" → position).
/// Both share the hash tag <c>{merchant}</c>, so the append script is cluster-safe.
/// <para>
/// Optimistic: the decision is made in C# on the merchant's log as read, and the append succeeds only if the
/// log's length is still the one the decision saw and the case is not indexed yet; a lost race re-reads and
/// decides again, so two concurrent records can never both be "the 3rd". Each merchant's log is cached in
/// process; since the log only grows, a call reads just the tail past the cached length (usually nothing).
/// Calls for one merchant in this process queue on a gate, so they do not race each other through Redis;
/// the appends of different merchants' calls are written together (<see cref="RedisAppendBatcher"/>).
/// </para>
/// <para>
/// The cache is bounded by <see cref="HistoryCacheOptions"/>: it is dropped whole before a merchant is added past
/// MaxMerchants or while it holds more than MaxEntries entries, and on any call while it holds more than MaxEntries
/// entries and more than one merchant. A merchant whose log alone passes MaxEntries so stays cached while it is
/// the only one (its whole log is needed for every decision anyway) rather than making each of its calls drop the
/// cache; the next merchant added drops it.
/// </para>
/// </summary>
public sealed class RedisPenaltyHistoryStore(RedisConnection redis, HistoryCacheOptions cache) : IPenaltyHistoryStore, IDisposable
{
    private const int MaxAttempts = 50;

    // Appends of concurrent records (of different merchants) share one script call: see RedisAppendBatcher.
    private readonly RedisAppendBatcher _appends = new(redis);

    public void Dispose() => _appends.Dispose();

    // The gate's wait handle is never used, so an undisposed SemaphoreSlim holds no kernel resource.
#pragma warning disable CA1001
    private sealed class MerchantLog(RedisKey logKey, RedisKey indexKey, int generation) : MerchantHistory
#pragma warning restore CA1001
    {
        /// <summary>The cache generation it was added in: its entries count towards the bound only while that is current.</summary>
        public readonly int Generation = generation;
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly RedisKey LogKey = logKey;
        public readonly RedisKey IndexKey = indexKey;
        public bool Loaded;
    }

    public HistoryRecord? FindRecorded(string merchantId, string caseId) =>
        _cache.TryGetValue(merchantId, out var log) ? log.FindRecorded(caseId) : null;

    private readonly ConcurrentDictionary<string, MerchantLog> _cache = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        var log = Log(merchantId);
        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(log);
            return [.. log.Records];
        }
        finally
        {
            log.Gate.Release();
        }
    }

    public async Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken)
    {
        var log = Log(merchantId);
        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                // The first attempt decides on the cache when it has been read: in the usual case (one writer per
                // merchant) it is current, and the append script refuses it if it is not. A decision that appends
                // nothing, or finds its case not recorded, is checked against the current log first.
                bool fresh = !log.Loaded || attempt > 0;
                if (fresh) await RefreshAsync(log);
                HistoryRecord? append;
                T result;
                try
                {
                    (append, result) = decide(log.Records);
                }
                catch (NotFoundException) when (!fresh)
                {
                    continue; // "not recorded" on the cached log: decide again on the current log
                }
                if (append is null)
                {
                    if (fresh) return result;
                    continue;
                }
                var record = log.Next(append);
                var field = (record.Revocation ? "revoke:" : "case:") + record.Violation.CaseId;
                var outcome = await _appends.AppendAsync(log.LogKey, log.IndexKey, log.Records.Count, field, Encode(record));
                if (outcome == -3)
                    throw new DataLossException($"merchant '{merchantId}': the stored history is damaged (its Redis keys hold another type); nothing was recorded");
                if (outcome == -1)
                {
                    log.Add(record);
                    Counted(log, 1);
                    return result;
                }
                // Lost a race (re-read the tail and decide again), or the log is not what the cache holds
                // (shorter, or indexed differently): read it whole again.
                if (outcome < log.Records.Count)
                {
                    Counted(log, -log.Records.Count);
                    log.Clear();
                    log.Loaded = false;
                }
            }
            throw new AbortedException($"merchant '{merchantId}': too many concurrent writes, retry");
        }
        finally
        {
            log.Gate.Release();
        }
    }

    private int _cachedMerchants; // about _cache.Count, which would take every lock of the dictionary on each call
    private long _cachedEntries;
    private int _generation;

    /// <summary>Adds <paramref name="delta"/> entries of <paramref name="log"/> to the count, unless the log was dropped from the cache since it was added.</summary>
    private void Counted(MerchantLog log, long delta)
    {
        if (log.Generation == Volatile.Read(ref _generation)) Interlocked.Add(ref _cachedEntries, delta);
    }

    private MerchantLog Log(string merchantId)
    {
        // The entries bound is checked on every call: a few merchants with long histories fill the cache as surely as many merchants.
        if (Interlocked.Read(ref _cachedEntries) > cache.MaxEntries && Volatile.Read(ref _cachedMerchants) > 1) Evict();
        while (true)
        {
            if (_cache.TryGetValue(merchantId, out var log)) return log;
            if (Volatile.Read(ref _cachedMerchants) >= cache.MaxMerchants || Interlocked.Read(ref _cachedEntries) > cache.MaxEntries) Evict();
            log = new MerchantLog(redis.Key($"history:{{{merchantId}}}:log"), redis.Key($"history:{{{merchantId}}}:index"), Volatile.Read(ref _generation));
            if (_cache.TryAdd(merchantId, log))
            {
                Interlocked.Increment(ref _cachedMerchants);
                return log;
            }
        }
    }

    /// <summary>Drops the whole cache (a merchant evicted is read whole again on its next call). Calls in flight keep their log; their appends stay checked by Redis.</summary>
    private void Evict()
    {
        Interlocked.Increment(ref _generation); // calls still running on a dropped log no longer count its entries
        Interlocked.Exchange(ref _cachedEntries, 0);
        _cache.Clear();
        Interlocked.Exchange(ref _cachedMerchants, 0);
        Interlocked.Increment(ref _evictions);
    }

    private long _evictions;

    /// <summary>How many times the cache was dropped for its bounds, and what it holds now (merchants, entries): for tests and diagnostics.</summary>
    internal (long Evictions, int Merchants, long Entries) CacheState => (Interlocked.Read(ref _evictions), _cache.Count, Interlocked.Read(ref _cachedEntries));

    /// <summary>Reads the entries appended since the cached length (the log is append-only).</summary>
    private async Task RefreshAsync(MerchantLog log)
    {
        var tail = await redis.Database.ListRangeAsync(log.LogKey, log.Records.Count, -1);
        foreach (var value in tail) log.Add(Decode((byte[])value!, log.Records.Count));
        Counted(log, tail.Length);
        log.Loaded = true;
    }

    internal static byte[] Encode(HistoryRecord r)
    {
        using var w = new EntryWriter(1);
        var v = r.Violation;
        return w.String(r.RuleSetId).String(v.CaseId).String(v.Code).Time(v.OccurredAt).Bool(v.Revoked).OptionalInt(v.AssessedPoints)
            .Bool(r.Revocation).OptionalString(r.Reason).Bytes(r.Response).ToArray();
    }

    internal static HistoryRecord Decode(byte[] data, long sequence)
    {
        using var r = new EntryReader(data);
        var ruleSetId = MerchantHistory.Shared(r.String());
        var violation = new Violation { CaseId = r.String(), Code = MerchantHistory.Shared(r.String()), OccurredAt = r.Time(), Revoked = r.Bool(), AssessedPoints = r.OptionalInt() };
        return new HistoryRecord(sequence, ruleSetId, violation, r.Bool(), r.OptionalString(), r.Bytes());
    }
}
