namespace Penalties.Redis;

/// <summary>
/// Where the services keep what they publish and record. Bound from <see cref="Section"/>. Without
/// <see cref="Configuration"/> there is no Redis: the embedded default (rules from files, state in memory).
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Penalties:Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. "redis:6379,password=…". Empty: no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key and channel the services use, so one Redis can serve several installations.</summary>
    public string KeyPrefix { get; set; } = "penalties:";

    /// <summary>
    /// Refuse to record on a Redis that keeps no append-only file (a restart loses what was acknowledged). Off only
    /// for a developer's throwaway Redis.
    /// </summary>
    public bool RequireDurability { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
