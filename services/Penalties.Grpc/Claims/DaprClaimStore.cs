using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>
/// Claims through Dapr's state API (a transactional store with ETags, Redis here), on two components over the same keys.
/// A claim has two keys: its pending copy and, once settled, the settled claim, which is written once (first-write
/// without an ETag: the key must be absent), so no save needs an ETag read back. Creating is one bulk read (both keys,
/// its shard of the day index, its pending shard) and one state transaction on the plain component writing the pending
/// copy and both indexes. The deciding save is the settled claim and its outbox projection alone on the outbox
/// component, which publishes every upsert of a transaction, so the claim stays in its pending shard until the
/// re-driver drops it with its pending copy. Keys: docs/claims.md.
/// </summary>
public sealed class DaprClaimStore(DaprClient dapr, IOptions<ClaimsOptions> options) : IClaimStore
{
    /// <summary>Pending claims are spread over this many keys, so that concurrent filings rarely change the same one.</summary>
    public const int PendingShards = 256;

    /// <summary>A merchant's claims of one day are spread over this many keys, so that its concurrent filings rarely change the same one.</summary>
    public const int DayShards = 16;

    /// <summary>How often a creation reads its indexes again after another save changed one meanwhile.</summary>
    private const int MaxIndexRaces = 10;

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private string Store => options.Value.StateStore;

    private string Outbox => options.Value.OutboxStore;

    /// <summary>The settled claim (decided or refused): written once.</summary>
    public static string ClaimKey(string claimId) => "claim|" + claimId;

    /// <summary>The claim in progress: written when it is created and after each step that leaves it pending.</summary>
    public static string PendingCopyKey(string claimId) => "claim-pending|" + claimId;

    public static string DayKey(string merchantId, DateOnly day, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"claims-by-day|{merchantId}|{day:yyyy-MM-dd}|{shard}");

    public static string PendingKey(string claimId) => PendingShardKey(Shard(claimId, PendingShards));

    private static int Shard(string claimId, int shards) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(claimId)) % (uint)shards);

    private static string PendingShardKey(int shard) => string.Create(CultureInfo.InvariantCulture, $"claims-pending|{shard}");

    public async Task<StoredClaim?> GetAsync(string claimId, CancellationToken cancellationToken) =>
        (await GetManyAsync([claimId], cancellationToken)).SingleOrDefault();

    public async Task<StoredClaim> CreateAsync(StoredClaim claim, CancellationToken cancellationToken)
    {
        var c = claim.Claim;
        var filed = new FiledClaim(c.FiledAt.ToDateTimeOffset(), c.ClaimId);
        string settled = ClaimKey(c.ClaimId), copy = PendingCopyKey(c.ClaimId);
        string day = DayKey(c.MerchantId, ChinaTime.DayOf(filed.FiledAt), Shard(c.ClaimId, DayShards)), pending = PendingKey(c.ClaimId);
        for (int race = 0; race <= MaxIndexRaces; race++)
        {
            var read = (await dapr.GetBulkStateAsync(Store, [settled, copy, day, pending], parallelism: null, cancellationToken: cancellationToken))
                .ToDictionary(i => i.Key, StringComparer.Ordinal);
            if ((Stored(read[settled]) ?? Stored(read[copy])) is { } found) return found;
            // First-write without an ETag: the pending copy must still be absent; the indexes must be as read.
            if (await TryCommitAsync(Store, [Upsert(copy, claim), IndexUpsert<FiledClaim>(read[day], entries => entries.Add(filed)), IndexUpsert<string>(read[pending], ids => ids.Add(c.ClaimId))], cancellationToken))
                return claim;
            // One merchant's filings of a day share the day index's shards: a loser waits a random, growing while, so
            // that concurrent filers spread out instead of colliding again.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 2 << race)), cancellationToken);
        }
        throw new RpcException(new Status(StatusCode.Aborted, $"claim '{CallerErrors.Cut(c.ClaimId, CallerErrors.MaxQuotedBytes)}': its indexes kept changing while it was created; file it again"));
    }

    public async Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0) return [];
        var items = (await dapr.GetBulkStateAsync(Store, [.. claimIds.Distinct(StringComparer.Ordinal).SelectMany(id => new[] { ClaimKey(id), PendingCopyKey(id) })],
                parallelism: null, cancellationToken: cancellationToken))
            .ToDictionary(i => i.Key, StringComparer.Ordinal);
        return [.. claimIds.Select(id => Stored(items[ClaimKey(id)]) ?? Stored(items[PendingCopyKey(id)])).OfType<StoredClaim>()];
    }

    public async Task SaveProgressAsync(StoredClaim claim, CancellationToken cancellationToken) =>
        await dapr.ExecuteStateTransactionAsync(Store, [new StateTransactionRequest(PendingCopyKey(claim.Claim.ClaimId), Json(claim), StateOperationType.Upsert)],
            cancellationToken: cancellationToken);

    public async Task<bool> SettleAsync(StoredClaim claim, PenaltiesEvent? outbox, CancellationToken cancellationToken)
    {
        string key = ClaimKey(claim.Claim.ClaimId);
        StateTransactionRequest[] operations = outbox is null
            ? [Upsert(key, claim)]
            : [Upsert(key, claim, new Dictionary<string, string> { ["outbox.projection"] = "false" }), Projection(key, outbox)];
        return await TryCommitAsync(outbox is null ? Store : Outbox, operations, cancellationToken);
    }

    public async Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0) return;
        var byShard = claimIds.ToLookup(PendingKey, StringComparer.Ordinal);
        var shards = await dapr.GetBulkStateAsync(Store, [.. byShard.Select(g => g.Key)], parallelism: null, cancellationToken: cancellationToken);
        // A transaction per shard, so that a shard a creation changed meanwhile holds up only its own ids; the settled
        // claims' pending copies go with them.
        await Task.WhenAll(shards.Select(shard =>
        {
            var dropped = byShard[shard.Key].ToHashSet(StringComparer.Ordinal);
            return TryCommitAsync(Store, [IndexUpsert<string>(shard, ids => ids.RemoveAll(dropped.Contains)),
                .. dropped.Select(id => new StateTransactionRequest(PendingCopyKey(id), null, StateOperationType.Delete))], cancellationToken);
        }));
    }

    /// <summary>
    /// One state transaction on <paramref name="store"/>; false when an ETag or first write did not match (daprd's
    /// ABORTED: nothing changed). Any other refusal (a component or topic the sidecar will not use) is a failure to
    /// report, not a lost race to retry forever.
    /// </summary>
    private async Task<bool> TryCommitAsync(string store, IReadOnlyList<StateTransactionRequest> operations, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.ExecuteStateTransactionAsync(store, operations, cancellationToken: cancellationToken);
            return true;
        }
        catch (global::Dapr.DaprException e) when (e.InnerException is RpcException { StatusCode: StatusCode.Aborted })
        {
            return false;
        }
    }

    /// <summary>A claim's upsert with first-write concurrency and no ETag: the key must not exist yet.</summary>
    private static StateTransactionRequest Upsert(string key, StoredClaim claim, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(key, Json(claim), StateOperationType.Upsert, metadata: metadata, options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });

    private static byte[] Json(StoredClaim claim) => Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(claim));

    private static StoredClaim? Stored(BulkStateItem item) => string.IsNullOrEmpty(item.Value) ? null : Parser.Parse<StoredClaim>(item.Value);

    /// <summary>The message the outbox publishes instead of the claim's state: the same key, marked a projection (Dapr "transactional outbox").</summary>
    private static StateTransactionRequest Projection(string key, PenaltiesEvent outbox) =>
        new(key, Encoding.UTF8.GetBytes(outbox.Data), StateOperationType.Upsert, metadata: new Dictionary<string, string>
        {
            ["outbox.projection"] = "true",
            ["cloudevent.id"] = outbox.Id,
            ["cloudevent.type"] = outbox.Type,
            ["datacontenttype"] = "application/json",
        });

    public async Task<IReadOnlyList<FiledClaim>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken)
    {
        var shards = await dapr.GetBulkStateAsync(Store, [.. Enumerable.Range(0, DayShards).Select(shard => DayKey(merchantId, day, shard))], parallelism: null, cancellationToken: cancellationToken);
        return [.. shards.Where(s => !string.IsNullOrEmpty(s.Value)).SelectMany(s => JsonSerializer.Deserialize<List<FiledClaim>>(s.Value) ?? [])];
    }

    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        var items = await dapr.GetBulkStateAsync(Store, [.. Enumerable.Range(0, PendingShards).Select(PendingShardKey)], parallelism: null, cancellationToken: cancellationToken);
        return [.. items.Where(i => !string.IsNullOrEmpty(i.Value)).SelectMany(i => JsonSerializer.Deserialize<List<string>>(i.Value) ?? [])];
    }

    /// <summary>
    /// An index as the bulk read found it, changed: the upsert that a transaction carries, under the ETag read (with none
    /// and first-write concurrency the key must not exist yet).
    /// </summary>
    private static StateTransactionRequest IndexUpsert<T>(BulkStateItem read, Action<List<T>> change)
    {
        var entries = string.IsNullOrEmpty(read.Value) ? [] : JsonSerializer.Deserialize<List<T>>(read.Value) ?? [];
        change(entries);
        return new StateTransactionRequest(read.Key, JsonSerializer.SerializeToUtf8Bytes(entries), StateOperationType.Upsert,
            string.IsNullOrEmpty(read.ETag) ? null : read.ETag, options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });
    }
}
