using Google.Protobuf;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Redis;
using Penalties.State.Storage.V1;
using StackExchange.Redis;

namespace Penalties.State;

/// <summary>
/// Penalty history in Redis, per merchant: <c>history:{merchant}:log</c> (a list, append-only: one
/// <see cref="StoredHistoryEntry"/> per record or revocation) and <c>history:{merchant}:index</c> (hash:
/// "case:ID" / "revoke:ID" → position). Both share the hash tag <c>{merchant}</c>, so the append script is cluster-safe.
/// <para>
/// Optimistic, with nothing held in process: the decision is made in C# on the merchant's log as read, and the append
/// succeeds only if the log's length is still the one the decision saw and the case is not indexed yet; a lost race
/// reads again and decides again, so two concurrent records can never both be "the 3rd", on one replica or many.
/// A lost race waits a random, doubling while (capped) before it reads again, so many writers of one merchant take turns.
/// </para>
/// </summary>
public sealed class RedisPenaltyHistoryStore(RedisConnection redis) : IPenaltyHistoryStore
{
    private const int MaxAttempts = 50;

    // The wait after a lost race: up to FirstWait, doubling per loss up to MaxWait. Retrying at once only
    // collides again with the writers it lost to; random waits spread them so each reads a settled log.
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(2), MaxWait = TimeSpan.FromMilliseconds(250);

    /// <summary>How long to wait after losing <paramref name="losses"/> races in a row: random, under a doubling cap.</summary>
    private static TimeSpan WaitAfter(int losses)
    {
        var cap = Math.Min(MaxWait.TotalMilliseconds, FirstWait.TotalMilliseconds * Math.Pow(2, Math.Min(losses - 1, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }

    // KEYS: log, index. ARGV: expected length, index field, entry. Returns -1 appended, -2 already indexed, -3 damaged
    // (the log is not a list or the index not a hash: nothing written), else the log's actual length (a lost race).
    // The shebang makes Redis (7+) refuse the script up front when it is out of memory (maxmemory), never stop it halfway.
    private const string AppendScript = """
        #!lua
        local n = redis.pcall('LLEN', KEYS[1])
        local indexed = type(n) == 'number' and redis.pcall('HEXISTS', KEYS[2], ARGV[2])
        if type(n) ~= 'number' or type(indexed) ~= 'number' then return -3 end
        if n ~= tonumber(ARGV[1]) then return n end
        if indexed == 1 then return -2 end
        redis.call('RPUSH', KEYS[1], ARGV[3])
        redis.call('HSET', KEYS[2], ARGV[2], n)
        return -1
        """;

    public async Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        var logKey = KeysOf(merchantId).Log;
        RedisValue[] values;
        try
        {
            values = await redis.Database.ListRangeAsync(logKey);
        }
        catch (RedisServerException e) when (RedisFailures.IsWrongType(e))
        {
            throw Damaged(merchantId);
        }
        var records = new HistoryRecord[values.Length];
        for (int i = 0; i < values.Length; i++) records[i] = Decode(values[i], i, logKey);
        return records;
    }

    public async Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken)
    {
        var (logKey, indexKey) = KeysOf(merchantId);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var records = await ReadAsync(merchantId, cancellationToken);
            var (append, result) = decide(records);
            if (append is null) return result;
            await redis.ThrowIfCannotRecordAsync(); // before the append: a replay or a refusal still answers
            var field = (append.Revocation ? "revoke:" : "case:") + append.Violation.CaseId;
            long outcome;
            try
            {
                outcome = (long)await redis.Database.ScriptEvaluateAsync(AppendScript, [logKey, indexKey], [records.Count, field, Encode(append)]);
            }
            catch (Exception e) when (RedisFailures.IsStoreOutage(e))
            {
                throw RedisFailures.OfWrite(e);
            }
            if (outcome == -3) throw Damaged(merchantId);
            // The log as read does not hold the case, yet the index names it: the two keys disagree.
            if (outcome == -2) throw new DataLossException($"merchant '{merchantId}': the stored history's index names {field} but its log does not hold it; nothing was recorded");
            if (outcome == -1) return result;
            // Another write came in between: read the log again and decide again, after a wait unless this was the last try.
            if (attempt + 1 < MaxAttempts) await Task.Delay(WaitAfter(attempt + 1), cancellationToken);
        }
        throw new AbortedException($"merchant '{merchantId}': too many concurrent writes, retry");
    }

    private static DataLossException Damaged(string merchantId) =>
        new($"merchant '{merchantId}': the stored history is damaged (its Redis keys hold another type); nothing was recorded");

    /// <summary>A merchant's log and index keys (one hash tag: the append script is cluster-safe).</summary>
    private (RedisKey Log, RedisKey Index) KeysOf(string merchantId) =>
        (redis.Key($"history:{{{merchantId}}}:log"), redis.Key($"history:{{{merchantId}}}:index"));

    internal static byte[] Encode(HistoryRecord r) => new StoredHistoryEntry
    {
        RuleSetId = r.RuleSetId, Violation = Mapping.Violation(r.Violation), Revocation = r.Revocation, Reason = r.Reason ?? "", Response = r.Response,
    }.ToByteArray();

    /// <summary>The entry at <paramref name="position"/> of a log, or DATA_LOSS naming it when it is not what the service wrote.</summary>
    internal static HistoryRecord Decode(RedisValue value, long position, RedisKey logKey)
    {
        try
        {
            var e = StoredHistoryEntry.Parser.ParseFrom((byte[])value!);
            var problems = new ViolationList();
            var violation = Mapping.Violation(e.Violation, "violation", problems);
            if (problems.Any) throw new InvalidDataException(string.Join("; ", problems.Items));
            if (e.Violation.OccurredAt is null || violation.CaseId.Length == 0 || e.RuleSetId.Length == 0) throw new InvalidDataException("required fields are missing");
            return new HistoryRecord(position, e.RuleSetId, violation, e.Revocation, e.Revocation ? e.Reason : null, e.Response);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException or InvalidOperationException or ArgumentException)
        {
            throw new DataLossException($"entry {position} of {logKey} is damaged: {e.Message}; the merchant's history cannot be read");
        }
    }
}
