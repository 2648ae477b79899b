using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Grpc.Redis;
using Penalties.Grpc.Rules;
using Penalties.Grpc.Services;
using Penalties.Grpc.State;
using Penalties.ServiceDefaults;

namespace Penalties.Grpc;

/// <summary>Which services a host maps.</summary>
[Flags]
public enum PenaltiesServices
{
    LateShipment = 1,
    PriceMatch = 2,
    PenaltyPoints = 4,
    RuleSets = 8,
    All = LateShipment | PriceMatch | PenaltyPoints | RuleSets,
}

/// <summary>The composition every host shares; a host's Program.cs only says which services and which port.</summary>
public static class PenaltiesHost
{
    public static WebApplication Create(string[] args, string serviceName, PenaltiesServices services, string defaultUrl)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddPenaltiesDefaults(serviceName, defaultUrl);
        builder.Services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>());
        var redis = RedisOptions.From(builder.Configuration);
        builder.Services.AddSingleton(redis);
        if (redis.Enabled) builder.Services.AddSingleton<RedisConnection>();
        builder.AddPenaltiesRules(redis);
        builder.AddPenaltiesState(services, redis);
        builder.Services.AnswerMalformedRequestsAsInvalidArgument(); // last: it replaces the method binder the AddGrpc* calls registered

        var app = builder.Build();
        _ = app.Services.GetRequiredService<RuleCatalogSource>(); // load the rules now: a bad rules folder stops the start
        app.MapPenaltiesDefaults();
        if (services.HasFlag(PenaltiesServices.LateShipment)) app.MapGrpcService<LateShipmentService>();
        if (services.HasFlag(PenaltiesServices.PriceMatch)) app.MapGrpcService<PriceMatchService>();
        if (services.HasFlag(PenaltiesServices.PenaltyPoints)) app.MapGrpcService<PenaltyPointsService>();
        if (services.HasFlag(PenaltiesServices.RuleSets)) app.MapGrpcService<RuleSetsService>();
        return app;
    }
}
