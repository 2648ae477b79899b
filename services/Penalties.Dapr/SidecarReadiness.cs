using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Penalties.Dapr;

/// <summary>
/// The sidecar starts beside the app and is not reachable while the app starts: this waits for it in the background
/// (the SDK's WaitForSidecarAsync asks the sidecar's health endpoint) and, as a health check, is Unhealthy until
/// it answers, so the service reports NOT_SERVING rather than failing the calls that need the sidecar.
/// </summary>
public sealed partial class SidecarReadiness(DaprClient dapr, ILogger<SidecarReadiness> logger) : BackgroundService, IHealthCheck
{
    public const string HealthCheckName = "dapr-sidecar";

    private volatile bool _ready;

    public bool Ready => _ready;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogWaiting(logger);
        try
        {
            await dapr.WaitForSidecarAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        _ready = true;
        LogReady(logger);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy("the Dapr sidecar answers") : HealthCheckResult.Unhealthy("waiting for the Dapr sidecar"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the Dapr sidecar")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Dapr sidecar answers")]
    private static partial void LogReady(ILogger logger);
}
