using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;

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

    /// <summary>Claims read at once: a page of the pending set.</summary>
    private const int PageSize = 100;

    /// <summary>
    /// One pass over the pending set: the claims in it decided or refused meanwhile leave it (one write per shard here
    /// rather than one per claim in the filer's path), each pending one is taken further if its retry is due.
    /// </summary>
    internal async Task RedriveDueAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var page in (await store.PendingAsync(cancellationToken)).Chunk(PageSize))
            {
                var listed = await store.GetManyAsync(page, cancellationToken);
                await store.DropPendingAsync([.. listed.Where(c => c.Claim.Status != ClaimStatus.Pending).Select(c => c.Claim.ClaimId)], cancellationToken);
                foreach (var id in listed.Where(c => c.Claim.Status == ClaimStatus.Pending).Select(c => c.Claim.ClaimId))
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
