using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>The Claims service's settings (section <c>Penalties:Claims</c>).</summary>
public sealed class ClaimsOptions
{
    public const string Section = "Penalties:Claims";

    /// <summary>"memory" (the embedded default) or "dapr" (the Dapr state API, through the sidecar).</summary>
    public string Store { get; set; } = "memory";

    /// <summary>The Dapr state component holding the claims, without outbox: every save but the deciding one.</summary>
    public string StateStore { get; set; } = StateStores.ClaimsStateStore;

    /// <summary>The Dapr state component over the same keys whose outbox publishes <c>claim-decided</c>: the deciding save.</summary>
    public string OutboxStore { get; set; } = StateStores.ClaimsOutboxStore;

    /// <summary>How long a pending claim waits before its first retry; each further retry waits twice as long.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries of a pending claim.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long after its creation a claim waits for the rules, rather than being refused, when its calculator has
    /// no such rule set or version (yet): a host picks a new version up within the rules' re-check interval.
    /// </summary>
    public TimeSpan RulesGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the re-driver looks for pending claims due for a retry.</summary>
    public TimeSpan RedriveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The deadline of the calls the re-driver makes for one claim.</summary>
    public TimeSpan RedriveDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most pending claims one pass of the re-driver reads; the next pass goes on after the last.</summary>
    public int RedriveBatch { get; set; } = 1_000;

    /// <summary>How many due claims the re-driver takes further at once.</summary>
    public int RedriveParallelism { get; set; } = 8;
}
