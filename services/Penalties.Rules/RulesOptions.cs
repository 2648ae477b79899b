namespace Penalties.Rules;

/// <summary>
/// Where the rule versions come from; bound from <see cref="Section"/>. With Redis configured the default
/// source is Redis (published versions); without it, the rules folder.
/// </summary>
public sealed class RulesOptions
{
    public const string Section = "Penalties:Rules";

    /// <summary>The rules folder; empty: the rules/ copied beside the host.</summary>
    public string? Directory { get; set; }

    /// <summary>"redis" or "files"; empty: redis when "Penalties:Redis:Configuration" is set, files otherwise.</summary>
    public string? Source { get; set; }

    /// <summary>With Redis as the source: if Redis cannot be reached at start-up, compute with the rules folder until it can.</summary>
    public bool FallbackToFiles { get; set; }

    /// <summary>How often the snapshot is re-checked against Redis even without a change notice (a notice can be missed while disconnected).</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether publishes announce themselves on a Redis channel that every service with rules from Redis listens to.
    /// Off when a Dapr sidecar carries the notice (the rules-changed topic); the interval re-check stays either way.
    /// </summary>
    public bool RedisChangeChannel { get; set; } = true;

    /// <summary>Whether the snapshot comes from Redis, given whether Redis is configured; null for a <see cref="Source"/> that cannot be.</summary>
    public bool? FromRedis(bool redisEnabled) => Source?.Trim().ToLowerInvariant() switch
    {
        null or "" => redisEnabled,
        "redis" => redisEnabled ? true : null,
        "files" => false,
        _ => null,
    };
}
