using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Penalties.Dapr;

/// <summary>The one switch between working through a Dapr sidecar and working without one.</summary>
public static class DaprRegistration
{
    /// <summary>The gRPC health service name that reports the sidecar alone (it also counts in the overall status).</summary>
    public const string HealthService = "penalties.dapr";

    /// <summary>
    /// With a sidecar configured (<see cref="DaprOptions.SidecarConfigured"/>): the DaprClient, calls and events through
    /// the sidecar (replacing any in-process <see cref="IServiceInvoker"/>/<see cref="IEventPublisher"/>, which
    /// other registrations add with TryAdd), the AppCallback services and the wait for the sidecar. Returns whether
    /// a sidecar is configured; without one this registers nothing. The apps in <paramref name="servedHere"/> (the app
    /// ids of the services this host maps) are called in process even so: the sidecar fronts this host under one app id.
    /// </summary>
    public static bool AddPenaltiesDapr(this IHostApplicationBuilder builder, IEnumerable<string>? servedHere = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!DaprOptions.SidecarConfigured(builder.Configuration)) return false;
        var services = builder.Services;
        services.AddOptions<DaprOptions>().BindConfiguration(DaprOptions.Section)
            .Validate(o => o.Valid(), $"{DaprOptions.Section}: PubSubName is required and the endpoints must be absolute http(s) URIs")
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DaprOptions>>().Value;
            var client = new DaprClientBuilder();
            if (!string.IsNullOrWhiteSpace(o.GrpcEndpoint)) client.UseGrpcEndpoint(o.GrpcEndpoint);
            if (!string.IsNullOrWhiteSpace(o.HttpEndpoint)) client.UseHttpEndpoint(o.HttpEndpoint);
            return client.Build();
        });
        services.RemoveAll<IServiceInvoker>();
        var served = new HashSet<string>(servedHere ?? [], StringComparer.Ordinal);
        services.TryAddSingleton<InProcessServiceInvoker>();
        services.AddSingleton<IServiceInvoker>(sp => new DaprServiceInvoker(sp.GetRequiredService<IOptions<DaprOptions>>(),
            sp.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>(), served, sp.GetRequiredService<InProcessServiceInvoker>()));
        services.RemoveAll<IEventPublisher>();
        services.AddSingleton<IEventPublisher, DaprEventPublisher>();
        services.AddSingleton<SidecarReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<SidecarReadiness>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(SidecarReadiness.HealthCheckName,
            sp => sp.GetRequiredService<SidecarReadiness>(), HealthStatus.Unhealthy, ["dapr"]));
        return true;
    }

    /// <summary>Maps the services the sidecar calls: AppCallback (topic list, deliveries) and AppCallbackHealthCheck.</summary>
    public static WebApplication MapPenaltiesDapr(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AppCallbackService>();
        app.MapGrpcService<AppCallbackHealthService>();
        return app;
    }
}
