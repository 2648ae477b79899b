using Penalties.Contracts.V1;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>A stored claim and the ETag it was read with (the version a save must find to replace it).</summary>
public sealed record ClaimVersion(StoredClaim Stored, string ETag);

/// <summary>A claim's entry in its merchant's day index; entries sort by filing time, then claim id (ordinal).</summary>
public readonly record struct FiledClaim(
    [property: System.Text.Json.Serialization.JsonPropertyName("filedAt")] DateTimeOffset FiledAt,
    [property: System.Text.Json.Serialization.JsonPropertyName("claimId")] string ClaimId)
{
    /// <summary>The order List answers in.</summary>
    public static IComparer<FiledClaim> Order { get; } = Comparer<FiledClaim>.Create((a, b) =>
        a.FiledAt != b.FiledAt ? a.FiledAt.CompareTo(b.FiledAt) : string.CompareOrdinal(a.ClaimId, b.ClaimId));
}

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
    /// Creates <paramref name="claim"/> (pending) with its place in its merchant's day index and in the pending set,
    /// unless a claim with its id is stored already. Returns the stored claim, the one given or the one found.
    /// </summary>
    Task<ClaimVersion> CreateAsync(StoredClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the claim if the stored one still has <paramref name="expectedETag"/>, publishing <paramref name="outbox"/>
    /// with it. False when another save came first (nothing changed). A claim no longer pending may stay in the pending
    /// set until the re-driver drops it (<see cref="DropPendingAsync"/>).
    /// </summary>
    Task<bool> SaveAsync(StoredClaim claim, string expectedETag, PenaltiesEvent? outbox, CancellationToken cancellationToken);

    /// <summary>The claims a merchant filed on a day (China time), in no particular order.</summary>
    Task<IReadOnlyList<FiledClaim>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>Takes claims that are no longer pending out of the pending set; one changed meanwhile may keep them (the next pass drops them).</summary>
    Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken);

    /// <summary>The ids of the pending claims (a decided or refused claim may still be listed: see <see cref="DropPendingAsync"/>).</summary>
    Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken);
}
