using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Penalties.Grpc.Redis;

namespace Penalties.Grpc.Rules;

/// <summary>Where a host's rule versions come from, and the health checks that say how fresh they are.</summary>
public static class RulesRegistration
{
    /// <summary>The gRPC health service name that reports Redis itself (NOT_SERVING while it cannot be reached).</summary>
    public const string RedisHealthService = "penalties.redis";

    public static WebApplicationBuilder AddPenaltiesRules(this WebApplicationBuilder builder, RedisOptions redis)
    {
        var options = RulesOptions.From(builder.Configuration, redis);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RuleCatalogSource>();
        builder.Services.AddSingleton<AdminCredential>();
        if (options.FromRedis)
        {
            builder.Services.AddSingleton<RedisRuleStore>();
            builder.Services.AddSingleton<RedisRuleSync>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisRuleSync>());
        }
        builder.Services.AddSingleton(sp => new RuleSetPublisher(sp.GetService<RedisRuleStore>(), sp.GetService<RedisRuleSync>(), sp.GetService<TimeProvider>()));

        var health = builder.Services.AddHealthChecks();
        // Part of the overall status (""): NOT_SERVING only while there is no snapshot to compute with;
        // a stale snapshot (source unreachable) is Degraded, which still serves.
        health.AddCheck<RulesHealthCheck>("rules", tags: ["ready"]);
        if (redis.Enabled)
        {
            health.AddCheck<RedisHealthCheck>("redis", tags: ["dependency", "redis"]);
            builder.Services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o =>
            {
                o.Services.Map("", r => !r.Tags.Contains("dependency"));
                o.Services.Map(RedisHealthService, r => r.Tags.Contains("redis"));
            });
        }
        return builder;
    }
}

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

/// <summary>Unhealthy while the Redis connection is down, or while it leads to a server too old for the write scripts.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!redis.IsConnected ? HealthCheckResult.Unhealthy("Redis cannot be reached")
            : redis.TooOld is { } problem ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy("connected"));
}
