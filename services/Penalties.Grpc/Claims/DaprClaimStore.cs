using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>
/// Claims through Dapr's state API (a transactional store with ETags, Redis here), on two components over the same keys.
/// A save is one state transaction on the plain one: the claim (under the ETag read), its day index when new, its
/// pending shard. The deciding save is the claim and its outbox projection alone on the outbox one, which publishes
/// every upsert of a transaction; the claim leaves its pending shard after. Keys: docs/claims.md.
/// </summary>
public sealed class DaprClaimStore(DaprClient dapr, IOptions<ClaimsOptions> options) : IClaimStore
{
    /// <summary>Pending claims are spread over this many keys, so no one key takes every filing.</summary>
    public const int PendingShards = 16;

    /// <summary>How often a save re-reads an index that another save changed meanwhile.</summary>
    private const int MaxIndexRaces = 10;

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private string Store => options.Value.StateStore;

    private string Outbox => options.Value.OutboxStore;

    public static string ClaimKey(string claimId) => "claim|" + claimId;

    public static string DayKey(string merchantId, DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"claims-by-day|{merchantId}|{day:yyyy-MM-dd}");

    public static string PendingKey(string claimId) => PendingShardKey((int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(claimId)) % PendingShards));

    private static string PendingShardKey(int shard) => string.Create(CultureInfo.InvariantCulture, $"claims-pending|{shard}");

    public async Task<ClaimVersion?> GetAsync(string claimId, CancellationToken cancellationToken)
    {
        var (value, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(Store, ClaimKey(claimId), cancellationToken: cancellationToken);
        return value is { ValueKind: JsonValueKind.Object } json ? new ClaimVersion(Parser.Parse<StoredClaim>(json.GetRawText()), etag) : null;
    }

    public async Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0) return [];
        var items = await dapr.GetBulkStateAsync(Store, [.. claimIds.Select(ClaimKey)], parallelism: null, cancellationToken: cancellationToken);
        var byKey = items.Where(i => !string.IsNullOrEmpty(i.Value)).ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        return [.. claimIds.Select(ClaimKey).Where(byKey.ContainsKey).Select(k => Parser.Parse<StoredClaim>(byKey[k]))];
    }

    public async Task<string?> SaveAsync(StoredClaim claim, string? expectedETag, PenaltiesEvent? outbox, CancellationToken cancellationToken)
    {
        var c = claim.Claim;
        if (outbox is not null)
        {
            if (!await TryCommitAsync(Outbox, [ClaimUpsert(claim, expectedETag, outbox), Projection(c.ClaimId, outbox)], cancellationToken)) return null;
            // After the commit, on the plain store: a claim decided but still listed is dropped by the re-driver.
            await DropPendingAsync(c.ClaimId, cancellationToken);
            return (await GetAsync(c.ClaimId, cancellationToken))?.ETag;
        }
        for (int race = 0; ; race++)
        {
            var operations = new List<StateTransactionRequest> { ClaimUpsert(claim, expectedETag, null) };
            if (expectedETag is null)
                operations.Add(await IndexAsync(DayKey(c.MerchantId, ChinaTime.DayOf(c.FiledAt.ToDateTimeOffset())), ids => ids.Add(c.ClaimId), cancellationToken));
            bool pending = c.Status == ClaimStatus.Pending;
            if (expectedETag is null ? pending : !pending) // pending from its creation until it is refused (or decided, above)
                operations.Add(await IndexAsync(PendingKey(c.ClaimId), ids => { if (pending) ids.Add(c.ClaimId); else ids.Remove(c.ClaimId); }, cancellationToken));
            if (await TryCommitAsync(Store, operations, cancellationToken)) return (await GetAsync(c.ClaimId, cancellationToken))?.ETag;
            // An ETag did not match: the claim's (another save came first) or an index's (read again and retry).
            var now = await GetAsync(c.ClaimId, cancellationToken);
            if (now?.ETag != expectedETag || race == MaxIndexRaces) return null;
        }
    }

    public async Task DropPendingAsync(string claimId, CancellationToken cancellationToken)
    {
        for (int race = 0; race <= MaxIndexRaces; race++)
        {
            var change = await IndexAsync(PendingKey(claimId), ids => ids.Remove(claimId), cancellationToken);
            if (await TryCommitAsync(Store, [change], cancellationToken)) return;
        }
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

    public async Task<IReadOnlyList<string>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken) =>
        (await dapr.GetStateAsync<List<string>?>(Store, DayKey(merchantId, day), cancellationToken: cancellationToken)) ?? [];

    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        var items = await dapr.GetBulkStateAsync(Store, [.. Enumerable.Range(0, PendingShards).Select(PendingShardKey)], parallelism: null, cancellationToken: cancellationToken);
        return [.. items.Where(i => !string.IsNullOrEmpty(i.Value)).SelectMany(i => JsonSerializer.Deserialize<List<string>>(i.Value) ?? [])];
    }

    /// <summary>An index key read and changed: the upsert, under the ETag read, that the save's transaction carries.</summary>
    private async Task<StateTransactionRequest> IndexAsync(string key, Action<List<string>> change, CancellationToken cancellationToken)
    {
        var (ids, etag) = await dapr.GetStateAndETagAsync<List<string>?>(Store, key, cancellationToken: cancellationToken);
        ids ??= [];
        change(ids);
        return new StateTransactionRequest(key, JsonSerializer.SerializeToUtf8Bytes(ids), StateOperationType.Upsert,
            string.IsNullOrEmpty(etag) ? null : etag, options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });
    }
}
