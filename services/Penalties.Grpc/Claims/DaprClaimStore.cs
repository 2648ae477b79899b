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
/// Creating is one bulk read (the claim, its shard of the day index, its pending shard) and one state transaction on the
/// plain one writing all three. The deciding save is the claim and its outbox projection alone on the outbox one, which publishes
/// every upsert of a transaction, so the claim stays in its pending shard until the re-driver drops it. Keys: docs/claims.md.
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

    public static string ClaimKey(string claimId) => "claim|" + claimId;

    public static string DayKey(string merchantId, DateOnly day, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"claims-by-day|{merchantId}|{day:yyyy-MM-dd}|{shard}");

    public static string PendingKey(string claimId) => PendingShardKey(Shard(claimId, PendingShards));

    private static int Shard(string claimId, int shards) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(claimId)) % (uint)shards);

    private static string PendingShardKey(int shard) => string.Create(CultureInfo.InvariantCulture, $"claims-pending|{shard}");

    public async Task<ClaimVersion?> GetAsync(string claimId, CancellationToken cancellationToken)
    {
        var (value, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(Store, ClaimKey(claimId), cancellationToken: cancellationToken);
        return value is { ValueKind: JsonValueKind.Object } json ? new ClaimVersion(Parser.Parse<StoredClaim>(json.GetRawText()), etag) : null;
    }

    public async Task<ClaimVersion> CreateAsync(StoredClaim claim, CancellationToken cancellationToken)
    {
        var c = claim.Claim;
        var filed = new FiledClaim(c.FiledAt.ToDateTimeOffset(), c.ClaimId);
        string key = ClaimKey(c.ClaimId), day = DayKey(c.MerchantId, ChinaTime.DayOf(filed.FiledAt), Shard(c.ClaimId, DayShards)), pending = PendingKey(c.ClaimId);
        for (int race = 0; race <= MaxIndexRaces; race++)
        {
            var read = (await dapr.GetBulkStateAsync(Store, [key, day, pending], parallelism: null, cancellationToken: cancellationToken)).ToDictionary(i => i.Key, StringComparer.Ordinal);
            if (!string.IsNullOrEmpty(read[key].Value)) return new ClaimVersion(Parser.Parse<StoredClaim>(read[key].Value), read[key].ETag);
            // First-write without an ETag: the claim must still be absent; the indexes must be as read.
            if (await TryCommitAsync(Store, [ClaimUpsert(claim, null, null), IndexUpsert<FiledClaim>(read[day], entries => entries.Add(filed)), IndexUpsert<string>(read[pending], ids => ids.Add(c.ClaimId))], cancellationToken))
            {
                // The transaction answers no ETag, and the store's ETags are opaque: read the one the claim got.
                if (await GetAsync(c.ClaimId, cancellationToken) is { } created) return created;
            }
            // One merchant's filings of a day share the day index's shards: a loser waits a random, growing while, so
            // that concurrent filers spread out instead of colliding again.
            else await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 2 << race)), cancellationToken);
        }
        throw new RpcException(new Status(StatusCode.Aborted, $"claim '{CallerErrors.Cut(c.ClaimId, CallerErrors.MaxQuotedBytes)}': its indexes kept changing while it was created; file it again"));
    }

    public async Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0) return [];
        var items = await dapr.GetBulkStateAsync(Store, [.. claimIds.Select(ClaimKey)], parallelism: null, cancellationToken: cancellationToken);
        var byKey = items.Where(i => !string.IsNullOrEmpty(i.Value)).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        return [.. claimIds.Select(ClaimKey).Where(byKey.ContainsKey).Select(k => Parser.Parse<StoredClaim>(byKey[k]))];
    }

    public async Task<bool> SaveAsync(StoredClaim claim, string expectedETag, PenaltiesEvent? outbox, CancellationToken cancellationToken)
    {
        StateTransactionRequest[] operations = outbox is null
            ? [ClaimUpsert(claim, expectedETag, null)]
            : [ClaimUpsert(claim, expectedETag, outbox), Projection(claim.Claim.ClaimId, outbox)];
        return await TryCommitAsync(outbox is null ? Store : Outbox, operations, cancellationToken);
    }

    public async Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0) return;
        var byShard = claimIds.ToLookup(PendingKey, StringComparer.Ordinal);
        var shards = await dapr.GetBulkStateAsync(Store, [.. byShard.Select(g => g.Key)], parallelism: null, cancellationToken: cancellationToken);
        // A transaction per shard, so that a shard a creation changed meanwhile holds up only its own ids.
        await Task.WhenAll(shards.Select(shard =>
        {
            var dropped = byShard[shard.Key].ToHashSet(StringComparer.Ordinal);
            return TryCommitAsync(Store, [IndexUpsert<string>(shard, ids => ids.RemoveAll(dropped.Contains))], cancellationToken);
        }));
    }

    /// <summary>One state transaction on <paramref name="store"/>; false when an ETag did not match (nothing changed).</summary>
    private async Task<bool> TryCommitAsync(string store, IReadOnlyList<StateTransactionRequest> operations, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.ExecuteStateTransactionAsync(store, operations, cancellationToken: cancellationToken);
            return true;
        }
        catch (global::Dapr.DaprException)
        {
            return false;
        }
    }

    /// <summary>The claim's upsert under the ETag read; with none and first-write concurrency the claim must not exist yet.</summary>
    private static StateTransactionRequest ClaimUpsert(StoredClaim claim, string? expectedETag, PenaltiesEvent? outbox) =>
        new(ClaimKey(claim.Claim.ClaimId), Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(claim)), StateOperationType.Upsert, expectedETag,
            metadata: outbox is null ? null : new Dictionary<string, string> { ["outbox.projection"] = "false" },
            options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });

    /// <summary>The message the outbox publishes instead of the claim's state: the same key, marked a projection (Dapr "transactional outbox").</summary>
    private static StateTransactionRequest Projection(string claimId, PenaltiesEvent outbox) =>
        new(ClaimKey(claimId), Encoding.UTF8.GetBytes(outbox.Data), StateOperationType.Upsert, metadata: new Dictionary<string, string>
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
