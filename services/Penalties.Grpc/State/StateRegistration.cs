using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Penalties.Grpc.Redis;

namespace Penalties.Grpc.State;

/// <summary>
/// Bounds of a process's cache of merchants' penalty histories (Redis-backed state): "Penalties:State:HistoryCache:MaxMerchants"
/// (default 100,000) and "…:MaxEntries" (default 1,000,000 entries; an entry with its stored answer takes about
/// 0.7 KB, so the default is about 0.7 GB: size it to the container's memory limit). Past either bound the
/// least recently used merchants are evicted, down to 90% of both bounds, and read again from Redis on their next
/// call (a lone merchant whose log alone passes MaxEntries stays cached while it is the only one: see RedisPenaltyHistoryStore).
/// </summary>
public sealed record HistoryCacheOptions(int MaxMerchants = 100_000, long MaxEntries = 1_000_000)
{
    public static HistoryCacheOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection("Penalties:State:HistoryCache");
        var defaults = new HistoryCacheOptions();
        int merchants = int.TryParse(section["MaxMerchants"], System.Globalization.CultureInfo.InvariantCulture, out int m) ? m : defaults.MaxMerchants;
        long entries = long.TryParse(section["MaxEntries"], System.Globalization.CultureInfo.InvariantCulture, out long e) ? e : defaults.MaxEntries;
        if (merchants < 1 || entries < 1)
            throw new InvalidOperationException($"Penalties:State:HistoryCache: MaxMerchants and MaxEntries must be at least 1 (got {merchants} and {entries})");
        return new HistoryCacheOptions(merchants, entries);
    }
}

/// <summary>Where recorded state lives: Redis when "Penalties:Redis:Configuration" is set, memory otherwise (the embedded default).</summary>
public static class StateRegistration
{
    public static WebApplicationBuilder AddPenaltiesState(this WebApplicationBuilder builder, PenaltiesServices services, RedisOptions redis)
    {
        if (services.HasFlag(PenaltiesServices.PenaltyPoints))
        {
            builder.Services.AddSingleton(HistoryCacheOptions.From(builder.Configuration));
            if (redis.Enabled) builder.Services.AddSingleton<IPenaltyHistoryStore, RedisPenaltyHistoryStore>();
            else builder.Services.AddSingleton<IPenaltyHistoryStore, InMemoryPenaltyHistoryStore>();
        }
        if ((services & (PenaltiesServices.LateShipment | PenaltiesServices.PriceMatch)) != 0)
        {
            if (redis.Enabled) builder.Services.AddSingleton<IDecisionLedger, RedisDecisionLedger>();
            else builder.Services.AddSingleton<IDecisionLedger, InMemoryDecisionLedger>();
        }
        // Create the stores (and so the Redis connection) while the host starts, not inside the first
        // requests: a burst of them would otherwise queue on the singleton while its handshake waits for threads.
        builder.Services.AddHostedService<StateStartup>();
        return builder;
    }

    private sealed class StateStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetService<IPenaltyHistoryStore>();
            _ = services.GetService<IDecisionLedger>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
