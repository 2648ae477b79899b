using Penalties.Contracts.V1;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

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
/// Where claims live. A claim is saved twice over its life: pending (its copy in progress, with its place in the indexes)
/// and settled (decided or refused), once. Settling commits the claim and its outbox event together, and only if no
/// settled claim is saved yet: of concurrent settlers one commits, so a claim is decided and announced once.
/// </summary>
public interface IClaimStore
{
    /// <summary>The claim as it stands: settled if it is, else its pending copy; null if it was never filed.</summary>
    Task<StoredClaim?> GetAsync(string claimId, CancellationToken cancellationToken);

    /// <summary>The claims of <paramref name="claimIds"/> that exist, in that order, as <see cref="GetAsync"/> reads each.</summary>
    Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="claim"/> (pending) with its place in its merchant's day index and in the pending set,
    /// unless a claim with its id is stored already. Returns the stored claim, the one given or the one found.
    /// </summary>
    Task<StoredClaim> CreateAsync(StoredClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a pending claim's progress over its pending copy. The last save wins: one lost to a concurrent filer of the
    /// same claim costs a step done again, which its service answers as a replay.
    /// </summary>
    Task SaveProgressAsync(StoredClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the claim settled (decided or refused), publishing <paramref name="outbox"/> with it, unless a settled
    /// claim is saved already: false then, and nothing changed or published. The claim stays in the pending set
    /// until the re-driver drops it (<see cref="DropPendingAsync"/>).
    /// </summary>
    Task<bool> SettleAsync(StoredClaim claim, PenaltiesEvent? outbox, CancellationToken cancellationToken);

    /// <summary>The claims a merchant filed on a day (China time), in no particular order.</summary>
    Task<IReadOnlyList<FiledClaim>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Takes settled claims out of the pending set, with their pending copies; one changed meanwhile may keep them
    /// (the next pass drops them).
    /// </summary>
    Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken);

    /// <summary>The ids of the pending claims (a settled claim may still be listed: see <see cref="DropPendingAsync"/>).</summary>
    Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken);
}
