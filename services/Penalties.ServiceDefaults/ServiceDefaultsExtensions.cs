using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Grpc.AspNetCore.Server;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Penalties.ServiceDefaults;

/// <summary>The defaults every Penalties host shares, in the style of a ServiceDefaults project.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// The gRPC health name of the process alone (the "self" check): what startup and liveness probes ask, so that an
    /// outage of Redis or the sidecar makes a pod not ready but never restarts it.
    /// </summary>
    public const string LiveHealthService = "penalties.live";

    /// <summary>
    /// Kestrel on HTTP/2 without TLS (h2c, as gRPC behind a sidecar or on loopback), gRPC with request
    /// limits, the gRPC health service, server reflection, JSON console logs and OpenTelemetry
    /// metrics and traces (exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
    /// </summary>
    public static WebApplicationBuilder AddPenaltiesDefaults(this WebApplicationBuilder builder, string serviceName, string defaultUrl)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(defaultUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
        });

        builder.Logging.ClearProviders();
        // One log line per request is too much for a service answering thousands of calls a second:
        // ASP.NET Core's own categories log warnings and errors unless configuration says otherwise.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Request start and finish (Information) are one line per call, and while the category is enabled ASP.NET Core
        // opens a scope and an Activity for every request; the services log their own errors with the method name.
        // Configure the category (e.g. Information) to have requests logged again.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // grpc-dotnet logs every refused call ("Error status code ... with detail ...", "Error reading message") at
        // Information, with the caller's text in it: a caller could fill the logs. Its warnings and errors stay.
        if (builder.Configuration["Logging:LogLevel:Grpc.AspNetCore.Server"] is null)
            builder.Logging.AddFilter("Grpc.AspNetCore.Server", LogLevel.Warning);
        // Every probe runs the health checks, and a degraded or failing one logs a line each time: the services log
        // their dependencies' failures and recoveries themselves.
        if (builder.Configuration["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] is null)
            builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });

        builder.Services.AddOptions<RequestLimits>().BindConfiguration(RequestLimits.Section)
            .Validate(l => l.MaxReceiveMessageSize > 0 && l.MaxSendMessageSize > 0, $"{RequestLimits.Section}: message sizes must be positive")
            .ValidateOnStart();
        builder.Services.AddGrpc();
        builder.Services.AddOptions<GrpcServiceOptions>().Configure<IOptions<RequestLimits>>((o, limits) =>
        {
            o.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageSize;
            o.MaxSendMessageSize = limits.Value.MaxSendMessageSize;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        builder.Services.Configure<Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>(o => o.Services.Map(LiveHealthService, r => r.Name == "self"));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation());
        // Traces cost a sampled activity per request: they are recorded only when they go somewhere.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(t => t.AddAspNetCoreInstrumentation());
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Maps the gRPC health service (grpc.health.v1) and server reflection.</summary>
    public static WebApplication MapPenaltiesDefaults(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
