using Penalties.Contracts.V1;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>A stored claim and the ETag it was read with (the version a save must find to replace it).</summary>
public sealed record ClaimVersion(StoredClaim Stored, string ETag);

/// <summary>
/// Where claims live. A save replaces the claim only if it still has the ETag read (optimistic concurrency) and
/// commits the claim, its indexes and its outbox event together: the event goes out if and only if the save commits.
/// </summary>
public interface IClaimStore
{
    Task<ClaimVersion?> GetAsync(string claimId, CancellationToken cancellationToken);

    /// <summary>The claims of <paramref name="claimIds"/> that exist, in that order.</summary>
    Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="claim"/> if the stored one has <paramref name="expectedETag"/> (null: none is stored yet),
    /// adding it to its merchant's day index when new and keeping the pending set to its status; publishes
    /// <paramref name="outbox"/> with it. Returns the new ETag, or null when another save came first (nothing changed).
    /// </summary>
    Task<string?> SaveAsync(StoredClaim claim, string? expectedETag, PenaltiesEvent? outbox, CancellationToken cancellationToken);

    /// <summary>The ids of the claims a merchant filed on a day (China time), in the order they were first saved.</summary>
    Task<IReadOnlyList<string>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Takes a claim that is no longer pending out of the pending set (its save may have left it there).</summary>
    Task DropPendingAsync(string claimId, CancellationToken cancellationToken);

    /// <summary>The ids of the pending claims (a decided or refused claim may still be listed: see <see cref="DropPendingAsync"/>).</summary>
    Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken);
}
