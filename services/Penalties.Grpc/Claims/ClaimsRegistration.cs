using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>The Claims service's composition: the coordinator, its store (memory or the Dapr state API) and the re-driver.</summary>
public static class ClaimsRegistration
{
    public static WebApplicationBuilder AddPenaltiesClaims(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClaimsOptions>().BindConfiguration(ClaimsOptions.Section)
            .Validate(o => o.Store is "memory" or "dapr", $"{ClaimsOptions.Section}:Store must be 'memory' or 'dapr'")
            .Validate(o => o.RetryBase > TimeSpan.Zero && o.RetryMax >= o.RetryBase && o.RedriveInterval > TimeSpan.Zero && o.RedriveDeadline > TimeSpan.Zero,
                $"{ClaimsOptions.Section}: the retry and re-drive times must be positive")
            .Validate(o => o.RulesGrace >= TimeSpan.Zero, $"{ClaimsOptions.Section}:RulesGrace must not be negative")
            .Validate(o => o.RedriveBatch > 0 && o.RedriveParallelism > 0, $"{ClaimsOptions.Section}: RedriveBatch and RedriveParallelism must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddInProcessDapr();
        services.TryAddSingleton(_ => new DaprClientBuilder().Build());
        services.AddSingleton<IClaimStore>(sp => sp.GetRequiredService<IOptions<ClaimsOptions>>().Value.Store == "dapr"
            ? ActivatorUtilities.CreateInstance<DaprClaimStore>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryClaimStore>(sp));
        services.AddSingleton<ClaimCoordinator>();
        services.AddHostedService<ClaimRedriver>();
        return builder;
    }
}
