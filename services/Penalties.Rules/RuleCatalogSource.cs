using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Penalties.Core.Rules;
using Penalties.Core.Common;
using Penalties.Core.Rules.Loading;

namespace Penalties.Rules;

/// <summary>One immutable catalog of rule versions, where it came from, and when.</summary>
public sealed record RuleSnapshot(RuleCatalog Catalog, string Source, long Revision, DateTimeOffset LoadedAt);

/// <summary>
/// The rule versions a service computes with: an immutable snapshot, swapped whole. Calculations read
/// <see cref="Current"/> and nothing else: no I/O on the calculation path.
/// With rules from files (the embedded default) the folder is loaded here, at start-up, and an invalid
/// folder stops the host with every problem logged. With rules from Redis the snapshot is loaded and
/// refreshed by <see cref="RedisRuleSync"/>; until the first one arrives calculations are UNAVAILABLE.
/// </summary>
public sealed partial class RuleCatalogSource
{
    private readonly ILogger<RuleCatalogSource> _logger;
    private readonly object _gate = new();
    private volatile RuleSnapshot? _snapshot;
    private volatile Degradation? _degraded; // why, and whether it is the wait for a first publish: one value, written whole

    private sealed record Degradation(string Reason, bool AwaitingPublish);

    public RuleCatalogSource(ILogger<RuleCatalogSource> logger, RulesOptions options, bool fromRedis)
    {
        _logger = logger;
        Options = options;
        if (fromRedis) return;
        var snapshot = LoadFiles(options, logger, fallback: false);
        Replace(snapshot);
    }

    public RulesOptions Options { get; }

    /// <summary>The catalog to compute with; UNAVAILABLE while no snapshot has been loaded.</summary>
    public RuleCatalog Current => _snapshot?.Catalog ?? throw new UnavailableException(
        $"rule versions are not loaded yet ({_degraded?.Reason ?? "Redis has not answered since start-up"}); retry");

    /// <summary>The current snapshot, or null before the first load.</summary>
    public RuleSnapshot? Snapshot => _snapshot;

    /// <summary>Where the current snapshot came from, e.g. "files:/app/rules" or "redis".</summary>
    private string Source => _snapshot?.Source ?? "none";

    /// <summary>Why the snapshot may be stale (the source cannot be reached), or null.</summary>
    public string? DegradedReason => _degraded?.Reason;

    /// <summary>Raised after a new snapshot replaced the previous one (which is null for the first).</summary>
    public event Action<RuleSnapshot?, RuleSnapshot>? Changed;

    /// <summary>Swaps the snapshot whole; readers see the old one or the new one, never a mix.</summary>
    public void Replace(RuleSnapshot snapshot)
    {
        RuleSnapshot? previous;
        lock (_gate)
        {
            previous = _snapshot;
            _snapshot = snapshot;
        }
        int count = snapshot.Catalog.All.Count();
        LogLoaded(_logger, count, snapshot.Source, snapshot.Revision);
        Changed?.Invoke(previous, snapshot);
    }

    /// <summary>
    /// The state read whole: the current snapshot, and why it is stale or missing (null when fresh), and whether that
    /// is the wait for a first publish — the source answers but holds no rule versions at all, and nothing else was
    /// loaded: the service is up (its RuleSets API can publish) but calculations are UNAVAILABLE, and health says
    /// Degraded rather than NOT_SERVING so that a fresh installation behind a readiness probe can be given its rules.
    /// </summary>
    public (RuleSnapshot? Snapshot, string? DegradedReason, bool AwaitingPublish) State
    {
        get
        {
            var snapshot = _snapshot;
            var degraded = _degraded;
            return (snapshot, degraded?.Reason, snapshot is null && degraded is { AwaitingPublish: true });
        }
    }

    /// <summary>Says that the source is reachable and empty (<paramref name="reason"/>): see <see cref="State"/>.</summary>
    public void AwaitPublish(string reason) => Degrade(new Degradation(reason, AwaitingPublish: true));

    /// <summary>Marks the snapshot stale (with why), or fresh again (null).</summary>
    public void SetDegraded(string? reason) => Degrade(reason is null ? null : new Degradation(reason, AwaitingPublish: false));

    private void Degrade(Degradation? degraded)
    {
        var before = Interlocked.Exchange(ref _degraded, degraded);
        if (degraded is not null && before is null) LogDegraded(_logger, degraded.Reason, Source);
        if (degraded is null && before is not null) LogRecovered(_logger, Source);
    }

    /// <summary>Loads the rules folder (<see cref="RulesOptions.Directory"/>, default the rules/ copied beside the host).</summary>
    public static RuleSnapshot LoadFiles(RulesOptions options, ILogger logger, bool fallback)
    {
        var directory = options.Directory;
        if (string.IsNullOrWhiteSpace(directory)) directory = Path.Combine(AppContext.BaseDirectory, "rules");
        var result = RuleSetLoader.LoadDirectory(directory);
        if (!result.Ok)
        {
            foreach (var e in result.Errors) LogRuleError(logger, e.File, e.Path, e.Reason);
            throw new RuleLoadException(result.Errors);
        }
        var source = $"files:{Path.GetFullPath(directory)}" + (fallback ? " (fallback: the rules in Redis could not be used at start-up)" : "");
        return new RuleSnapshot(result.ToCatalog(), source, 0, DateTimeOffset.UtcNow);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule data problem: {File}: {Path}: {Reason}")]
    private static partial void LogRuleError(ILogger logger, string file, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} rule-set versions from {Source} (revision {Revision})")]
    private static partial void LogLoaded(ILogger logger, int count, string source, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rules degraded: {Reason}; computing with the last good snapshot from {Source}")]
    private static partial void LogDegraded(ILogger logger, string reason, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules source {Source} reachable again")]
    private static partial void LogRecovered(ILogger logger, string source);
}
