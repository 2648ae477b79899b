using System.Collections.Concurrent;
using Grpc.Core;
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
/// </summary>
public sealed class RedisPenaltyHistoryStore(RedisConnection redis, HistoryCacheOptions cache) : IPenaltyHistoryStore, IDisposable
{
    private const int MaxAttempts = 50;

    // Appends of concurrent records (of different merchants) share one script call: see RedisAppendBatcher.
    private readonly RedisAppendBatcher _appends = new(redis);

    public void Dispose() => _appends.Dispose();


    // The gate's wait handle is never used, so an undisposed SemaphoreSlim holds no kernel resource.
#pragma warning disable CA1001
    private sealed class MerchantLog
#pragma warning restore CA1001
    {
        public readonly List<HistoryRecord> Records = [];
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly ConcurrentDictionary<string, HistoryRecord> ByCase = new(StringComparer.Ordinal);
        public bool Loaded;

        public void Add(HistoryRecord record)
        {
            Records.Add(record);
            if (!record.Revocation) ByCase.TryAdd(record.Violation.CaseId, record);
        }
    }

    public HistoryRecord? FindRecorded(string merchantId, string caseId) =>
        _cache.TryGetValue(merchantId, out var log) && log.ByCase.TryGetValue(caseId, out var r) ? r : null;

    private readonly ConcurrentDictionary<string, MerchantLog> _cache = new(StringComparer.Ordinal);

    private RedisKey LogKey(string merchantId) => redis.Key($"history:{{{merchantId}}}:log");

    private RedisKey IndexKey(string merchantId) => redis.Key($"history:{{{merchantId}}}:index");

    public async Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        var log = Log(merchantId);
        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(merchantId, log);
            return [.. log.Records];
        }
        finally
        {
            log.Gate.Release();
        }
    }

    public async Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken,
        bool answerFromCache = false)
    {
        var log = Log(merchantId);
        await log.Gate.WaitAsync(cancellationToken);
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                // The first attempt decides on the cache when it has been read: in the usual case (one writer per
                // merchant) it is current, and the append script refuses it if it is not. Only a decision that
                // appends nothing is checked against the current log first, unless the caller says a cached
                // answer is final.
                bool fresh = !log.Loaded || attempt > 0;
                if (fresh) await RefreshAsync(merchantId, log);
                HistoryRecord? append;
                T result;
                try
                {
                    (append, result) = decide(log.Records);
                }
                catch (Exception e) when (!fresh && e is not ConflictException)
                {
                    continue; // e.g. "not recorded": decide again on the current log
                }
                if (append is null)
                {
                    if (fresh || answerFromCache) return result;
                    continue;
                }
                var record = append with { Sequence = log.Records.Count };
                var field = (record.Revocation ? "revoke:" : "case:") + record.Violation.CaseId;
                var outcome = await _appends.AppendAsync(LogKey(merchantId), IndexKey(merchantId), log.Records.Count, field, Encode(record));
                if (outcome == -1)
                {
                    log.Add(record);
                    Interlocked.Increment(ref _cachedEntries);
                    return result;
                }
                // Lost a race (re-read the tail and decide again), or the log is not what the cache holds
                // (shorter, or indexed differently): read it whole again.
                if (outcome < log.Records.Count)
                {
                    log.Records.Clear();
                    log.ByCase.Clear();
                    log.Loaded = false;
                }
            }
            throw new RpcException(new Status(StatusCode.Aborted, $"merchant '{merchantId}': too many concurrent writes, retry"));
        }
        finally
        {
            log.Gate.Release();
        }
    }

    private int _cachedMerchants; // about _cache.Count, which would take every lock of the dictionary on each call
    private long _cachedEntries;

    private MerchantLog Log(string merchantId)
    {
        // Both bounds are checked on every call: a few merchants with long histories fill the cache as surely as many merchants.
        if (Interlocked.Read(ref _cachedEntries) > cache.MaxEntries) Evict();
        if (_cache.TryGetValue(merchantId, out var log)) return log;
        if (Interlocked.Increment(ref _cachedMerchants) > cache.MaxMerchants) Evict();
        return _cache.GetOrAdd(merchantId, _ => new MerchantLog());
    }

    /// <summary>Drops the whole cache (a merchant evicted is read whole again on its next call). Calls in flight keep their log; their appends stay checked by Redis.</summary>
    private void Evict()
    {
        Interlocked.Exchange(ref _cachedEntries, 0);
        _cache.Clear();
        Interlocked.Exchange(ref _cachedMerchants, 0);
        Interlocked.Increment(ref _evictions);
    }

    private long _evictions;

    /// <summary>How many times the cache was dropped for its bounds, and what it holds now (merchants, entries): for tests and diagnostics.</summary>
    internal (long Evictions, int Merchants, long Entries) CacheState => (Interlocked.Read(ref _evictions), _cache.Count, Interlocked.Read(ref _cachedEntries));

    /// <summary>Reads the entries appended since the cached length (the log is append-only).</summary>
    private async Task<bool> RefreshAsync(string merchantId, MerchantLog log)
    {
        var tail = await redis.Database.ListRangeAsync(LogKey(merchantId), log.Records.Count, -1);
        foreach (var value in tail) log.Add(Decode((byte[])value!, log.Records.Count));
        Interlocked.Add(ref _cachedEntries, tail.Length);
        log.Loaded = true;
        return true;
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
        var ruleSetId = r.String();
        var violation = new Violation { CaseId = r.String(), Code = r.String(), OccurredAt = r.Time(), Revoked = r.Bool(), AssessedPoints = r.OptionalInt() };
        return new HistoryRecord(sequence, ruleSetId, violation, r.Bool(), r.OptionalString(), r.Bytes());
    }
}
