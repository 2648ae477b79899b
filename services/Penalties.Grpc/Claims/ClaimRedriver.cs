using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Penalties.Grpc.Claims;

/// <summary>
/// Finishes pending claims: every <see cref="ClaimsOptions.RedriveInterval"/> it takes each pending claim whose
/// retry is due a step further. The backoff between a claim's attempts is the coordinator's (its next_attempt_at);
/// retries within one call are the sidecar's resiliency policy.
/// </summary>
public sealed partial class ClaimRedriver(IClaimStore store, ClaimCoordinator coordinator, IOptions<ClaimsOptions> options, TimeProvider time, ILogger<ClaimRedriver> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RedriveInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await RedriveDueAsync(stoppingToken);
    }

    /// <summary>One pass over the pending claims.</summary>
    internal async Task RedriveDueAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var id in await store.PendingAsync(cancellationToken))
            {
                try
                {
                    await coordinator.RedriveAsync(id, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogClaimFailed(logger, e, id);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPassFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-driving claim {ClaimId} failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception e, string claimId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the pending claims failed")]
    private static partial void LogPassFailed(ILogger logger, Exception e);
}
