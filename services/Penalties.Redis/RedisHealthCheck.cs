using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Penalties.Redis;

/// <summary>Unhealthy while the Redis connection is down, or while it leads to a server too old for the write scripts or, unless allowed, without an append-only file.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!redis.IsConnected ? HealthCheckResult.Unhealthy("Redis cannot be reached")
            : redis.TooOld is { } problem ? HealthCheckResult.Unhealthy(problem)
            : redis.RefusesWrites ? HealthCheckResult.Unhealthy(redis.NotDurable)
            : HealthCheckResult.Healthy("connected"));
}
