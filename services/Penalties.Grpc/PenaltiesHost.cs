using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Penalties.Grpc.Claims;
using Penalties.Dapr;
using Penalties.Grpc.Services;
using Penalties.Redis;
using Penalties.Rules;
using Penalties.ServiceDefaults;
using Penalties.State;

namespace Penalties.Grpc;

/// <summary>Which services a host maps.</summary>
[Flags]
public enum PenaltiesServices
{
    LateShipment = 1,
    PriceMatch = 2,
    PenaltyPoints = 4,
    RuleSets = 8,
    Claims = 16,
    AfterSales = 32,
    All = LateShipment | PriceMatch | PenaltyPoints | RuleSets | Claims | AfterSales,
}

/// <summary>The composition every host shares; a host's Program.cs only says which services and which port.</summary>
public static class PenaltiesHost
{
    /// <summary>The gRPC health service name that reports Redis itself (NOT_SERVING while it cannot be reached).</summary>
    public const string RedisHealthService = "penalties.redis";

    public static WebApplication Create(string[] args, string serviceName, PenaltiesServices services, string defaultUrl)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddPenaltiesDefaults(serviceName, defaultUrl);
        builder.Services.AddSingleton<PenaltiesMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(PenaltiesMetrics.MeterName));
        builder.Services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>());
        // The interceptor and the services keep no per-call state: registered, grpc-dotnet uses one instance of each
        // rather than creating one (and resolving its dependencies) for every call.
        builder.Services.AddSingleton<ErrorInterceptor>();
        var hosted = HostedBy(services).ToArray();
        foreach (var h in hosted) builder.Services.AddSingleton(h.Type);
        bool redis = builder.AddPenaltiesRedis();
        bool sidecar = builder.AddPenaltiesDapr(hosted.Select(h => h.AppId));
        builder.AddPenaltiesRules(redis, redisChangeChannel: !sidecar);
        if (sidecar)
        {
            // rules-changed replaces the Redis channel: RuleSets announces, every host reloads on it.
            builder.Services.AddSingleton<ITopicHandler>(sp => new RulesChangedHandler(sp.GetService<RedisRuleSync>()));
            if (services.HasFlag(PenaltiesServices.RuleSets)) builder.Services.AddSingleton<RulesChangedPublisher>();
        }
        if (services.HasFlag(PenaltiesServices.PenaltyPoints))
        {
            builder.AddPenaltyHistory(redis);
            builder.Services.AddOptions<PenaltyPointsOptions>().BindConfiguration(PenaltyPointsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        }
        if ((services & (PenaltiesServices.LateShipment | PenaltiesServices.PriceMatch)) != 0) builder.AddDecisionLedger(redis);
        if (services.HasFlag(PenaltiesServices.Claims)) builder.AddPenaltiesClaims();
        builder.Services.Configure<global::Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o =>
        {
            // "" and each mapped service's name are the service itself (NOT_SERVING while the sidecar is awaited), so a
            // readiness probe asks for the service it routes to; Redis and the sidecar also have names of their own.
            foreach (var name in HealthServiceNames(services)) o.Services.Map(name, r => !r.Tags.Contains("dependency"));
            if (redis) o.Services.Map(RedisHealthService, r => r.Tags.Contains(RedisRegistration.HealthTag));
            if (sidecar) o.Services.Map(DaprRegistration.HealthService, r => r.Name == SidecarReadiness.HealthCheckName);
        });
        builder.Services.AnswerMalformedRequestsAsInvalidArgument(); // last: it replaces the method binder the AddGrpc* calls registered

        var app = builder.Build();
        _ = app.Services.GetRequiredService<RuleCatalogSource>(); // load the rules now: a bad rules folder stops the start
        // Create the stores (and so the Redis connection) now, not inside the first requests: a burst of them would
        // otherwise queue on the singleton while its handshake waits for threads.
        _ = app.Services.GetService<IPenaltyHistoryStore>();
        _ = app.Services.GetService<IDecisionLedger>();
        app.MapPenaltiesDefaults();
        foreach (var h in hosted) h.Map(app);
        if (sidecar) app.MapPenaltiesDapr();
        return app;
    }

    /// <summary>A service a host may map: its flag, its type, its full gRPC name (its health name), its Dapr app id and how it is mapped.</summary>
    private sealed record HostedService(PenaltiesServices Flag, Type Type, string Name, string AppId, Action<WebApplication> Map);

    private static HostedService Of<TService>(PenaltiesServices flag, Google.Protobuf.Reflection.ServiceDescriptor contract, string appId) where TService : class =>
        new(flag, typeof(TService), contract.FullName, appId, app => app.MapGrpcService<TService>());

    private static readonly HostedService[] Hosted =
    [
        Of<LateShipmentService>(PenaltiesServices.LateShipment, Contracts.V1.LateShipment.Descriptor, AppIds.LateShipment),
        Of<PriceMatchService>(PenaltiesServices.PriceMatch, Contracts.V1.PriceMatch.Descriptor, AppIds.PriceMatch),
        Of<PenaltyPointsService>(PenaltiesServices.PenaltyPoints, Contracts.V1.PenaltyPoints.Descriptor, AppIds.PenaltyPoints),
        Of<RuleSetsService>(PenaltiesServices.RuleSets, Contracts.V1.RuleSets.Descriptor, AppIds.RuleSets),
        Of<ClaimsService>(PenaltiesServices.Claims, Contracts.V1.Claims.Descriptor, AppIds.Claims),
        Of<AfterSalesService>(PenaltiesServices.AfterSales, Contracts.V1.AfterSales.Descriptor, AppIds.AfterSales),
    ];

    private static IEnumerable<HostedService> HostedBy(PenaltiesServices services) => Hosted.Where(h => services.HasFlag(h.Flag));

    /// <summary>The gRPC health names a host answers for its own state: "" and each service it maps (e.g. penalties.v1.LateShipment).</summary>
    public static IReadOnlyList<string> HealthServiceNames(PenaltiesServices services) =>
        ["", .. HostedBy(services).Select(h => h.Name)];
}
