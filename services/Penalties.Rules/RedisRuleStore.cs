using System.Collections.Concurrent;
using System.Globalization;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using Penalties.Redis;
using StackExchange.Redis;

namespace Penalties.Rules;

/// <summary>Everything published, read atomically at one revision.</summary>
public sealed record RuleListing(long Revision, IReadOnlyList<RuleSetVersion> Versions);

/// <summary>
/// Published rule versions in Redis. Every key shares the hash tag {rules}, so the scripts below touch one slot:
/// <list type="bullet">
/// <item><c>{prefix}{rules}:body:{id}:{version}:{hash}</c> — the document, immutable (named by its content hash, written once);</item>
/// <item><c>{prefix}{rules}:index:{id}</c> — a sorted set of "{version}|{hash}" scored by effective-from (Unix ms): the versions in order;</item>
/// <item><c>{prefix}{rules}:ids</c> — the set of rule-set ids; <c>{prefix}{rules}:revision</c> — a counter raised by every publish that changed something;</item>
/// <item>channel <c>{prefix}rules:changed</c> — the new revision, sent by the same script that wrote it.</item>
/// </list>
/// </summary>
public sealed class RedisRuleStore(RedisConnection redis)
{
    // KEYS: revision, ids. ARGV: index-key prefix. Returns {revision, id1, member1, id2, member2, ...}.
    private const string ListingScript = """
        local rev = redis.call('GET', KEYS[1]) or '0'
        local out = {rev}
        local ids = redis.call('SMEMBERS', KEYS[2])
        table.sort(ids)
        for _, id in ipairs(ids) do
          for _, m in ipairs(redis.call('ZRANGE', ARGV[1] .. id, 0, -1)) do
            out[#out + 1] = id
            out[#out + 1] = m
          end
        end
        return out
        """;

    // KEYS: revision, ids. ARGV: expected revision, channel ('' = no notice), index-key prefix, body-key prefix,
    // then per version: id, member, score, body-key suffix, body. Returns the new revision, or -1 if another
    // publish came in between (the caller re-validates and tries again).
    private const string WriteScript = """
        local rev = tonumber(redis.call('GET', KEYS[1]) or '0')
        if rev ~= tonumber(ARGV[1]) then return -1 end
        for i = 5, #ARGV, 5 do
          redis.call('SET', ARGV[4] .. ARGV[i + 3], ARGV[i + 4], 'NX')
          redis.call('ZADD', ARGV[3] .. ARGV[i], ARGV[i + 2], ARGV[i + 1])
          redis.call('SADD', KEYS[2], ARGV[i])
        end
        local new = redis.call('INCR', KEYS[1])
        if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], new) end
        return new
        """;

    private readonly ConcurrentDictionary<string, RuleSetVersion> _parsed = new(StringComparer.Ordinal); // by body key: immutable once checked

    private RedisKey RevisionKey => redis.Key("{rules}:revision");
    private RedisKey IdsKey => redis.Key("{rules}:ids");
    private string IndexPrefix => redis.Key("{rules}:index:");
    private string BodyPrefix => redis.Key("{rules}:body:");

    /// <summary>The pub/sub channel that carries change notices.</summary>
    public RedisChannel Channel => RedisChannel.Literal(ChannelName);

    private string ChannelName => redis.Key("rules:changed");

    public async Task<long> RevisionAsync()
    {
        var value = await redis.Database.StringGetAsync(RevisionKey);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>
    /// Every published version, parsed, at one revision. A body is read, parsed and checked once (bodies are immutable)
    /// and kept only if it is what was published. <see cref="InvalidDataException"/> (damaged) for a body deleted by
    /// hand, or changed by hand: it no longer parses, or no longer hashes to the content hash its key names (it was
    /// validated when published, and decisions would name a hash whose rules they were not computed with). A rules key
    /// of another type is Redis's WRONGTYPE (<see cref="IsDamage"/>).
    /// </summary>
    public async Task<RuleListing> ReadAsync()
    {
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(ListingScript, [RevisionKey, IdsKey], [IndexPrefix]))!;
        long revision = long.Parse((string)result[0]!, CultureInfo.InvariantCulture);
        var entries = new List<(string Id, int Version, string Hash, string BodyKey)>();
        for (int i = 1; i + 1 < result.Length; i += 2)
        {
            var id = (string)result[i]!;
            var member = (string)result[i + 1]!;
            int bar = member.IndexOf('|', StringComparison.Ordinal);
            int version = int.Parse(member.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture);
            var hash = member[(bar + 1)..];
            entries.Add((id, version, hash, BodyPrefix + BodySuffix(id, version, hash)));
        }
        var missing = entries.Where(e => !_parsed.ContainsKey(e.BodyKey)).ToArray();
        if (missing.Length > 0)
        {
            var bodies = await redis.Database.StringGetAsync([.. missing.Select(e => (RedisKey)e.BodyKey)]);
            for (int i = 0; i < missing.Length; i++)
            {
                var (id, version, hash, key) = missing[i];
                if (bodies[i].IsNull) throw new InvalidDataException($"Redis key {key} is missing: a published rule body was deleted by hand");
                var name = $"published {id} v{version.ToString(CultureInfo.InvariantCulture)}";
                var errors = new List<RuleLoadError>();
                // A body published before a newer check stays readable: read as damaged, it would stop every publish until restored by hand.
                var parsed = RuleSetLoader.Parse(name, bodies[i]!, errors, published: true)
                    ?? throw new InvalidDataException($"Redis key {key} no longer parses: a published rule body was overwritten by hand ({string.Join("; ", errors.Select(e => $"{e.Path}: {e.Reason}"))})");
                if (parsed.ContentHash != hash)
                    throw new InvalidDataException($"Redis key {key} no longer matches the content hash it was published with ({hash}; it now hashes to {parsed.ContentHash}): a published rule body was changed by hand");
                _parsed[key] = parsed;
            }
        }
        return new RuleListing(revision, [.. entries.Select(e => _parsed[e.BodyKey])]);
    }

    /// <summary>
    /// Writes new versions and raises the revision in one script, only if the revision is still
    /// <paramref name="expectedRevision"/>; returns the new revision, or null if another publish won the race.
    /// </summary>
    public async Task<long?> TryWriteAsync(long expectedRevision, IReadOnlyList<(RuleSetVersion Version, string Json)> added, bool notify = true)
    {
        var args = new List<RedisValue> { expectedRevision, notify ? ChannelName : "", IndexPrefix, BodyPrefix };
        foreach (var (v, json) in added)
        {
            args.Add(v.RuleSetId);
            args.Add($"{v.Version.ToString(CultureInfo.InvariantCulture)}|{v.ContentHash}");
            args.Add(v.EffectiveFrom.ToUnixTimeMilliseconds());
            args.Add(BodySuffix(v.RuleSetId, v.Version, v.ContentHash));
            args.Add(json);
        }
        var result = (long)(await redis.Database.ScriptEvaluateAsync(WriteScript, [RevisionKey, IdsKey], [.. args]));
        return result < 0 ? null : result;
    }

    /// <summary>Whether a failure reading or parsing the published rules means they are damaged (changed by hand), not unreachable.</summary>
    public static bool IsDamage(Exception e) =>
        e is InvalidDataException || RedisFailures.IsWrongType(e);

    private static string BodySuffix(string id, int version, string hash) =>
        $"{id}:{version.ToString(CultureInfo.InvariantCulture)}:{hash}";
}
