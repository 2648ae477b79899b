using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;

namespace Penalties.Grpc.Claims;

/// <summary>
/// Finishes pending claims: every <see cref="ClaimsOptions.RedriveInterval"/> it takes each pending claim whose
/// retry is due a step further. The backoff between a claim's attempts is the coordinator's (its next_attempt_at);
/// retries within one call are the sidecar's resiliency policy. A pass reads at most
/// <see cref="ClaimsOptions.RedriveBatch"/> claims, going on (by claim id) after the last one the pass before read,
/// so that a long outage's backlog costs each pass the same, and every pending claim is still reached in turn.
/// </summary>
public sealed partial class ClaimRedriver(IClaimStore store, ClaimCoordinator coordinator, IOptions<ClaimsOptions> options, TimeProvider time,
    PenaltiesMetrics metrics, ILogger<ClaimRedriver> logger) : BackgroundService
{
    /// <summary>The last claim id the previous pass read; null to start from the first.</summary>
    private string? _after;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RedriveInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await RedriveDueAsync(stoppingToken);
    }

    /// <summary>Claims read at once: a page of the pending set.</summary>
    private const int PageSize = 100;

    /// <summary>
    /// One pass over the next batch of the pending set: the claims in it decided or refused meanwhile leave it (one
    /// write per shard here rather than one per claim in the filer's path), each pending one is taken further if its
    /// retry is due.
    /// </summary>
    internal async Task RedriveDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            var pending = (await store.PendingAsync(cancellationToken)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            metrics.PendingClaims(pending.Count);
            var batch = pending.Where(id => _after is null || string.CompareOrdinal(id, _after) > 0).Take(o.RedriveBatch).ToList();
            // Past the end of the set: the next pass starts again from its first claim.
            _after = batch.Count == o.RedriveBatch ? batch[^1] : null;
            foreach (var page in batch.Chunk(PageSize))
            {
                var listed = await store.GetManyAsync(page, cancellationToken);
                await store.DropPendingAsync([.. listed.Where(c => c.Claim.Status != ClaimStatus.Pending).Select(c => c.Claim.ClaimId)], cancellationToken);
                var stillPending = listed.Where(c => c.Claim.Status == ClaimStatus.Pending).Select(c => c.Claim.ClaimId);
                await Parallel.ForEachAsync(stillPending, new ParallelOptions { MaxDegreeOfParallelism = o.RedriveParallelism, CancellationToken = cancellationToken }, async (id, ct) =>
                {
                    try
                    {
                        await coordinator.RedriveAsync(id, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        LogClaimFailed(logger, e, id);
                    }
                });
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
