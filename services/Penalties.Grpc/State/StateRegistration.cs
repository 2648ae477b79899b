using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Penalties.Grpc.Redis;

namespace Penalties.Grpc.State;

/// <summary>Where recorded state lives: Redis when "Penalties:Redis:Configuration" is set, memory otherwise (the embedded default).</summary>
public static class StateRegistration
{
    public static WebApplicationBuilder AddPenaltiesState(this WebApplicationBuilder builder, PenaltiesServices services, RedisOptions redis)
    {
        if (services.HasFlag(PenaltiesServices.PenaltyPoints))
        {
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
