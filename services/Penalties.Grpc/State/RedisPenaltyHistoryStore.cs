using System.Collections.Concurrent;
using Penalties.Core.PenaltyPoints;
using Penalties.Grpc.Redis;
using Penalties.ServiceDefaults;
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
/// The cache is bounded by <see cref="HistoryCacheOptions"/>. When a merchant added takes it past MaxMerchants, or a
/// call finds it holding more than MaxEntries entries, an eviction starts in the background: the least recently used
/// merchants are evicted until it is back to 90% of both bounds (so eviction does not run on every call), never the
/// most recently used one. A merchant whose log alone passes MaxEntries so stays cached while it is the only one (its
/// whole log is needed for every decision anyway); calls for other merchants evict it when it is the least recently
/// used. The bounds are checked when a call starts, and calls go on while an eviction runs, so the cache may pass
/// them for a while by what those calls read.
/// </para>
/// </summary>
public sealed class RedisPenaltyHistoryStore : IPenaltyHistoryStore, IDisposable
{
    private const int MaxAttempts = 50;

    private readonly RedisConnection _redis;
    private readonly HistoryCacheOptions _bounds;
    private readonly HistoryCacheInstruments _instruments;
    // Appends of concurrent records (of different merchants) share one script call: see RedisAppendBatcher.
    private readonly RedisAppendBatcher _appends;

    public RedisPenaltyHistoryStore(RedisConnection redis, HistoryCacheOptions bounds, PenaltiesMetrics metrics)
    {
        _redis = redis;
        _bounds = bounds;
        _appends = new(redis);
        _instruments = metrics.HistoryCache(() => (Volatile.Read(ref _cachedMerchants), Interlocked.Read(ref _cachedEntries)));
    }

    public void Dispose() => _appends.Dispose();

    // The gate's wait handle is never used, so an undisposed SemaphoreSlim holds no kernel resource.
#pragma warning disable CA1001
    private sealed class MerchantLog(RedisKey logKey, RedisKey indexKey) : MerchantHistory
#pragma warning restore CA1001
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        /// <summary>Guards <see cref="Entries"/> and <see cref="Evicted"/>: a call in flight and an eviction do not count the same entries twice.</summary>
        public readonly Lock Counting = new();
        /// <summary>The entries this log adds to the cache's count; once evicted, its calls in flight count nothing more.</summary>
        public long Entries;
        public bool Evicted;
        /// <summary>When it was last used (<see cref="System.Diagnostics.Stopwatch"/> ticks, a per-core clock read, no shared counter): the least recently used are evicted first.</summary>
        public long LastUsed;
        public readonly RedisKey LogKey = logKey;
        public readonly RedisKey IndexKey = indexKey;
        public bool Loaded;
    }

    public ValueTask<HistoryRecord?> FindRecordedAsync(string merchantId, string caseId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(merchantId, out var log) && log.Loaded)
        {
            log.LastUsed = System.Diagnostics.Stopwatch.GetTimestamp(); // a replay is a use: a merchant only replayed is not the least recently used
            return new(log.FindRecorded(caseId));
        }
        return FindStoredAsync(merchantId, caseId, cancellationToken);
    }

    // KEYS: log, index. ARGV: the case's index field. Nil when the case is not indexed; else its position as stored and,
    // when it is a count (digits only, as the append script writes it), the entry there (nil past the end). One script: both reads see the same state.
    // No shebang: a read that Redis 6 runs too (a retry is answered there; only appends need Redis 7).
    private const string FindScript = """
        local position = redis.call('HGET', KEYS[2], ARGV[1])
        if not position then return false end
        if not string.match(position, '^%d+$') or #position > 18 then return {position} end
        return {position, redis.call('LINDEX', KEYS[1], position)}
        """;

    /// <summary>
    /// A merchant whose history this process does not hold (after a restart, or evicted): the one entry of the case,
    /// read through the index in one script call, instead of the whole history a decision needs. Retries after a restart are answered so,
    /// and the merchant is not added to the cache for them.
    /// </summary>
    private async ValueTask<HistoryRecord?> FindStoredAsync(string merchantId, string caseId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (logKey, indexKey) = KeysOf(merchantId);
        var found = await _redis.Database.ScriptEvaluateAsync(FindScript, [logKey, indexKey], ["case:" + caseId]);
        if (found.IsNull) return null; // not recorded: a record of a merchant not held costs this one read more
        var parts = (RedisResult[])found!;
        var position = (RedisValue)parts[0];
        if (!position.TryParse(out long at) || at < 0)
            throw new DataLossException($"the index {indexKey} of case '{caseId}' is damaged: it names no position in the log ({position})");
        var record = DecodeAt(parts.Length > 1 ? (RedisValue)parts[1] : RedisValue.Null, at, logKey);
        if (record.Revocation || !string.Equals(record.Violation.CaseId, caseId, StringComparison.Ordinal))
            throw new DataLossException($"the index {indexKey} of case '{caseId}' is damaged: entry {at} of {logKey} is {(record.Revocation ? "a revocation" : "the record")} of case '{record.Violation.CaseId}'");
        return record;
    }

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
                _redis.ThrowIfTooOld(); // before the append: a replay or a refusal still answers
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
    private long _evictions;

    /// <summary>Adds <paramref name="delta"/> entries of <paramref name="log"/> to the count, unless the log was evicted since it was added.</summary>
    private void Counted(MerchantLog log, long delta)
    {
        lock (log.Counting)
        {
            if (log.Evicted) return;
            log.Entries += delta;
            Interlocked.Add(ref _cachedEntries, delta);
        }
    }

    private MerchantLog Log(string merchantId)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            if (_cache.TryGetValue(merchantId, out var log))
            {
                log.LastUsed = now;
                // The entries bound is checked on every call: a few merchants with long histories fill the cache as surely as many merchants.
                if (PastBounds()) StartEviction();
                return log;
            }
            var (logKey, indexKey) = KeysOf(merchantId);
            log = new MerchantLog(logKey, indexKey) { LastUsed = now };
            if (_cache.TryAdd(merchantId, log))
            {
                Interlocked.Increment(ref _cachedMerchants);
                if (PastBounds()) StartEviction();
                return log;
            }
        }
    }

    private readonly Lock _evictionStart = new();
    private bool _evictionRunning; // guarded by _evictionStart
    private Task _eviction = Task.CompletedTask; // the latest eviction, guarded by _evictionStart

    /// <summary>
    /// Starts an eviction on the thread pool unless one is running: the call that finds the cache past a bound does not
    /// wait for it (sorting 100,000 merchants by use takes milliseconds), and calls go on meanwhile.
    /// </summary>
    private void StartEviction()
    {
        lock (_evictionStart)
        {
            if (_evictionRunning) return;
            _evictionRunning = true;
            _eviction = Task.Run(() =>
            {
                bool released = false;
                try
                {
                    // Again while calls made meanwhile left the cache past a bound (their own start was refused: one runs),
                    // unless a pass found nothing to evict (every candidate in use): no spinning; the next call starts one.
                    while (EvictLeastRecentlyUsed() > 0)
                    {
                        lock (_evictionStart)
                        {
                            if (PastBounds()) continue;
                            _evictionRunning = false; // with the check, under the lock: a call past a bound after it starts another
                            released = true;
                            return;
                        }
                    }
                }
                finally
                {
                    if (!released)
                    {
                        lock (_evictionStart) _evictionRunning = false;
                    }
                }
            });
        }
    }

    /// <summary>Past a bound with a merchant to evict (the most recently used one never is, so one merchant alone is never past).</summary>
    private bool PastBounds()
    {
        int merchants = Volatile.Read(ref _cachedMerchants);
        return merchants > 1 && (merchants > _bounds.MaxMerchants || Interlocked.Read(ref _cachedEntries) > _bounds.MaxEntries);
    }

    /// <summary>The latest eviction started (complete when none runs): for tests.</summary>
    internal Task Eviction
    {
        get
        {
            lock (_evictionStart) return _eviction;
        }
    }

    /// <summary>
    /// Evicts the least recently used merchants until the cache is at 90% of both bounds; an evicted merchant is read
    /// whole again on its next call. Never the most recently used one, nor a merchant used since the eviction started or
    /// with a call holding its gate (a second log for it would let two calls for one merchant run at once: still correct,
    /// the append script checks, but each would retry). Calls in flight keep their log; their appends stay checked by Redis.
    /// </summary>
    private long EvictLeastRecentlyUsed()
    {
        long evicted = 0;
        try
        {
            long startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            long entriesTarget = _bounds.MaxEntries - Math.Max(1, _bounds.MaxEntries / 10);
            int merchantsTarget = _bounds.MaxMerchants - Math.Max(1, _bounds.MaxMerchants / 10);
            var oldestFirst = _cache.ToArray();
            Array.Sort(oldestFirst.Select(e => e.Value.LastUsed).ToArray(), oldestFirst);
            foreach (var entry in oldestFirst.AsSpan(0, Math.Max(0, oldestFirst.Length - 1)))
            {
                if (Interlocked.Read(ref _cachedEntries) <= entriesTarget && Volatile.Read(ref _cachedMerchants) <= merchantsTarget) break;
                if (entry.Value.LastUsed >= startedAt || entry.Value.Gate.CurrentCount == 0 || !_cache.TryRemove(entry)) continue;
                Interlocked.Decrement(ref _cachedMerchants);
                Interlocked.Increment(ref _evictions);
                evicted++;
                lock (entry.Value.Counting)
                {
                    entry.Value.Evicted = true;
                    Interlocked.Add(ref _cachedEntries, -entry.Value.Entries);
                }
            }
        }
        finally
        {
            if (evicted > 0) _instruments.Evicted(evicted);
        }
        return evicted;
    }

    /// <summary>How many merchants were evicted for the bounds, and what the cache holds now (merchants, entries): for tests and diagnostics.</summary>
    internal (long Evictions, int Merchants, long Entries) CacheState => (Interlocked.Read(ref _evictions), _cache.Count, Interlocked.Read(ref _cachedEntries));

    /// <summary>The entries the cached logs hold, counted one by one (when no call runs, what the running count must equal): for tests.</summary>
    internal long RecountEntries() => _cache.Values.Sum(l => (long)l.Records.Count);

    /// <summary>Whether the merchant's log is cached: for tests.</summary>
    internal bool IsCached(string merchantId) => _cache.ContainsKey(merchantId);

    /// <summary>Reads the entries appended since the cached length (the log is append-only).</summary>
    private async Task RefreshAsync(MerchantLog log)
    {
        bool whole = !log.Loaded; // not held yet (or the held copy was found out of date): the whole log is read
        var tail = await _redis.Database.ListRangeAsync(log.LogKey, log.Records.Count, -1);
        int added = 0;
        try
        {
            foreach (var value in tail)
            {
                log.Add(DecodeAt(value, log.Records.Count, log.LogKey));
                added++;
            }
        }
        finally
        {
            Counted(log, added); // what was added, even when an entry further on does not decode
        }
        if (whole) _instruments.Loaded();
        log.Loaded = true;
    }

    /// <summary>A merchant's log and index keys (one hash tag: the append script is cluster-safe).</summary>
    private (RedisKey Log, RedisKey Index) KeysOf(string merchantId) =>
        (_redis.Key($"history:{{{merchantId}}}:log"), _redis.Key($"history:{{{merchantId}}}:index"));

    /// <summary>The entry at <paramref name="position"/> of a log, or DATA_LOSS naming it when it is missing or not what the service wrote.</summary>
    private static HistoryRecord DecodeAt(RedisValue value, long position, RedisKey logKey)
    {
        try
        {
            return Decode((byte[]?)value ?? throw new InvalidDataException("the entry is missing though the index names it"), position);
        }
        catch (InvalidDataException e)
        {
            throw new DataLossException($"entry {position} of {logKey} is damaged: {e.Message}; the merchant's history cannot be read");
        }
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
        var r = new EntryReader(data);
        var ruleSetId = MerchantHistory.Shared(r.String());
        var violation = new Violation { CaseId = r.String(), Code = MerchantHistory.Shared(r.String()), OccurredAt = r.Time(), Revoked = r.Bool(), AssessedPoints = r.OptionalInt() };
        var record = new HistoryRecord(sequence, ruleSetId, violation, r.Bool(), r.OptionalString(), r.Bytes());
        r.End();
        return record;
    }
}
