using System.Threading.Channels;
using Penalties.Grpc.Redis;
using StackExchange.Redis;

namespace Penalties.Grpc.State;

/// <summary>
/// Group commit for penalty-history appends: the compare-and-append of every record waiting at the moment
/// runs in one Lua script call (one round trip, one fsync with `appendfsync always`), each entry checked
/// and answered on its own. A caller is answered only when the script that wrote its entry has returned,
/// so an acknowledged record is on disk exactly as with one call per record; what is saved is the client
/// library's cost per command, which is most of a new record's cost. One batch is in flight at a time;
/// those that arrive meanwhile form the next. On Redis Cluster (keys of different merchants live in
/// different slots) every append is its own script call.
/// </summary>
internal sealed class RedisAppendBatcher : IDisposable
{
    private const int MaxBatch = 128;

    // KEYS: log, index per entry. ARGV: expected length, index field, entry per entry.
    // Returns per entry: -1 appended, -2 already indexed, -3 damaged (the log is not a list or the index not a
    // hash: nothing written), else the log's actual length (a stale expectation). The two reads are protected
    // calls, so one merchant's damaged keys fail only its own entry, not the others' in the same call (a script
    // stopped by an error would keep the writes it had made and fail them all); once both read without error,
    // the writes to the same keys cannot fail on their types.
    // The shebang makes Redis (7+) refuse the whole script up front when it is out of memory (maxmemory), rather than
    // stop it at its first write with the writes before it kept: a refusal then changed nothing.
    private const string BatchScript = """
        #!lua
        local out = {}
        for i = 1, #KEYS, 2 do
          local a = (i - 1) / 2 * 3 + 1
          local n = redis.pcall('LLEN', KEYS[i])
          local indexed = type(n) == 'number' and redis.pcall('HEXISTS', KEYS[i + 1], ARGV[a + 1])
          if type(n) ~= 'number' or type(indexed) ~= 'number' then
            out[#out + 1] = -3
          elseif n ~= tonumber(ARGV[a]) then
            out[#out + 1] = n
          elseif indexed == 1 then
            out[#out + 1] = -2
          else
            redis.call('RPUSH', KEYS[i], ARGV[a + 2])
            redis.call('HSET', KEYS[i + 1], ARGV[a + 1], n)
            out[#out + 1] = -1
          end
        end
        return out
        """;

    private sealed record Pending(RedisKey Log, RedisKey Index, long Expected, string Field, byte[] Entry, TaskCompletionSource<long> Done);

    private readonly RedisConnection _redis;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public RedisAppendBatcher(RedisConnection redis)
    {
        _redis = redis;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// Appends <paramref name="entry"/> if the log still has <paramref name="expected"/> entries and <paramref name="field"/> is
    /// not indexed; the script's answer for it. The callers of a batch are answered by one thread-pool work item, each
    /// caller's continuation run there in turn, rather than one work item (and wake-up) per caller: what follows an append
    /// is mostly the rest of a handler (CPU work and an asynchronous response write), cheaper than a wake-up (new records
    /// +14% a second, bench/RESULTS.md). It can also be a retry (which reads Redis asynchronously and queues again) or an
    /// error logged; for a batch of two or more the loop does not wait for any of it and sends the next batch at once. A
    /// batch of one (or each entry on Redis Cluster) is answered where its own script call completes, and the loop waits
    /// for that caller's synchronous part.
    /// </summary>
    public Task<long> AppendAsync(RedisKey log, RedisKey index, long expected, string field, byte[] entry)
    {
        var pending = new Pending(log, index, expected, field, entry, new TaskCompletionSource<long>());
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
            if (batch.Count == 1 || IsCluster()) await Task.WhenAll(batch.Select(AppendOneAsync)).ConfigureAwait(false);
            else await AppendTogetherAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>One entry in its own script call, answered on its own: another entry's failed call does not fail it.</summary>
    private async Task AppendOneAsync(Pending p)
    {
        try
        {
            var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(BatchScript, [p.Log, p.Index], [p.Expected, p.Field, p.Entry]).ConfigureAwait(false))!;
            p.Done.TrySetResult((long)result[0]);
        }
        catch (Exception e)
        {
            p.Done.TrySetException(Errors.OfWrite(e));
        }
    }

    /// <summary>The whole batch in one script call: it succeeds or fails as one, and so is answered.</summary>
    private async Task AppendTogetherAsync(List<Pending> batch)
    {
        try
        {
            var keys = new RedisKey[batch.Count * 2];
            var args = new RedisValue[batch.Count * 3];
            for (int i = 0; i < batch.Count; i++)
            {
                var p = batch[i];
                keys[2 * i] = p.Log;
                keys[2 * i + 1] = p.Index;
                args[3 * i] = p.Expected;
                args[3 * i + 1] = p.Field;
                args[3 * i + 2] = p.Entry;
            }
            var results = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(BatchScript, keys, args).ConfigureAwait(false))!;
            Answer([.. batch], results, null);
        }
        catch (Exception e)
        {
            Answer([.. batch], null, Errors.OfWrite(e));
        }
    }

    /// <summary>Answers a batch's callers, each with its result or all with <paramref name="error"/>, from one thread-pool work item.</summary>
    private static void Answer(Pending[] batch, RedisResult[]? results, Exception? error) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state =>
        {
            var (batch, results, error) = state;
            for (int i = 0; i < batch.Length; i++)
            {
                if (error is null) batch[i].Done.TrySetResult((long)results![i]);
                else batch[i].Done.TrySetException(error);
            }
        }, (batch, results, error), preferLocal: false);

    private bool? _cluster; // known once connected: whether Redis is a cluster does not change while the process runs

    private bool IsCluster()
    {
        if (_cluster is { } known) return known;
        bool cluster = false, connected = false;
        foreach (var server in _redis.Multiplexer.GetServers())
        {
            connected |= server.IsConnected;
            cluster |= server.ServerType == ServerType.Cluster;
        }
        if (connected) _cluster = cluster;
        return cluster;
    }
}
