using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Penalties.Rules;

/// <summary>
/// Healthy with a fresh snapshot, Degraded with a stale one (still computing) or while nothing is published yet (up,
/// ready to be given its rules), Unhealthy without one otherwise.
/// </summary>
public sealed class RulesHealthCheck(RuleCatalogSource rules) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (snapshot, degradedReason, awaitingPublish) = rules.State;
        if (awaitingPublish)
            return Task.FromResult(HealthCheckResult.Degraded($"{degradedReason}: calculations are UNAVAILABLE until rule versions are published"));
        if (snapshot is null) return Task.FromResult(HealthCheckResult.Unhealthy("no rule versions loaded yet"));
        var where = $"{snapshot.Source}, revision {snapshot.Revision}, loaded {snapshot.LoadedAt:O}";
        return Task.FromResult(degradedReason is { } reason
            ? HealthCheckResult.Degraded($"{reason}; computing with {where}")
            : HealthCheckResult.Healthy(where));
    }
}
