using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Penalties.State;

/// <summary>Where recorded state lives: Redis when "Penalties:Redis:Configuration" is set, memory otherwise (the embedded default).</summary>
public static class StateRegistration
{
    /// <summary>Merchants' penalty histories.</summary>
    public static IHostApplicationBuilder AddPenaltyHistory(this IHostApplicationBuilder builder, bool redisEnabled)
    {
        if (redisEnabled) builder.Services.AddSingleton<IPenaltyHistoryStore, RedisPenaltyHistoryStore>();
        else builder.Services.AddSingleton<IPenaltyHistoryStore, InMemoryPenaltyHistoryStore>();
        return builder;
    }

    /// <summary>The decision ledgers of late-shipment and price-match claims.</summary>
    public static IHostApplicationBuilder AddDecisionLedger(this IHostApplicationBuilder builder, bool redisEnabled)
    {
        if (redisEnabled) builder.Services.AddSingleton<IDecisionLedger, RedisDecisionLedger>();
        else builder.Services.AddSingleton<IDecisionLedger, InMemoryDecisionLedger>();
        return builder;
    }
}
