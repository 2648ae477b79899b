using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Penalties.Dapr;

/// <summary>The embedded default: calls straight to the services' addresses and events to this process's subscribers.</summary>
public static class InProcessRegistration
{
    /// <summary>
    /// Registers <see cref="InProcessServiceInvoker"/> and <see cref="InProcessEventPublisher"/> unless an
    /// <see cref="IServiceInvoker"/> or <see cref="IEventPublisher"/> is already registered (the sidecar-backed ones,
    /// registered first when a sidecar is configured).
    /// </summary>
    public static IServiceCollection AddInProcessDapr(this IServiceCollection services)
    {
        services.TryAddSingleton<IServiceInvoker, InProcessServiceInvoker>();
        services.TryAddSingleton<IEventPublisher, InProcessEventPublisher>();
        return services;
    }
}
