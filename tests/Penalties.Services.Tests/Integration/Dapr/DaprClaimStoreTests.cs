using Dapr.Client;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Dapr;
using Penalties.Grpc.Claims;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>The Dapr claim store's indexes and pending set, against a sidecar double (one per test) over a real Redis.</summary>
public class DaprClaimStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Merchants = 6;

    /// <summary>A Claims sidecar double and the store on it.</summary>
    private sealed class OnSidecar(DaprNetworkDouble network, SidecarDouble sidecar, DaprClient dapr) : IAsyncDisposable
    {
        public DaprClient Dapr => dapr;

        public DaprClaimStore Store { get; } = new(dapr, Options.Create(new ClaimsOptions()));

        public static async Task<OnSidecar> StartAsync(string redisConfiguration, IReadOnlyDictionary<string, string?>? stateStores = null)
        {
            var network = stateStores is null ? new DaprNetworkDouble(redisConfiguration) : new DaprNetworkDouble(redisConfiguration) { StateStores = stateStores };
            var sidecar = await SidecarDouble.StartAsync(network, AppIds.Claims);
            return new OnSidecar(network, sidecar, new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build());
        }

        public async ValueTask DisposeAsync()
        {
            dapr.Dispose();
            await sidecar.DisposeAsync();
            await network.DisposeAsync();
        }
    }

    private static string MerchantOf(int i) => $"m-drop-{i % Merchants}";

    private static StoredClaim Pending(int i) => new()
    {
        Request = new FileClaimRequest { ClaimId = $"drop-{i}", MerchantId = MerchantOf(i) },
        Claim = new Claim
        {
            ClaimId = $"drop-{i}", MerchantId = MerchantOf(i), Status = ClaimStatus.Pending,
            FiledAt = Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2024-03-05T10:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture)),
        },
    };

    [Fact]
    public async Task Filings_at_once_are_all_created_and_dropping_settled_ones_never_loses_one_created_meanwhile()
    {
        await using var on = await OnSidecar.StartAsync(redis.Configuration);
        var (ct, dapr, store) = (CancellationToken.None, on.Dapr, on.Store);

        var created = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => store.CreateAsync(Pending(i), ct)));
        var settled = created.Where((_, i) => i % 2 == 0).ToList();
        foreach (var claim in settled)
        {
            var decided = claim.Clone();
            decided.Claim.Status = ClaimStatus.Decided;
            Assert.True(await store.SettleAsync(decided, null, ct));
        }
        var settledIds = settled.Select(c => c.Claim.ClaimId).ToList();
        Assert.True(settledIds.Select(DaprClaimStore.PendingKey).Distinct().Count() > 10, "the settled claims span many shards");

        // A pass of the re-driver while other claims are being created, some into the same shards.
        var creating = Task.WhenAll(Enumerable.Range(60, 60).Select(i => store.CreateAsync(Pending(i), ct)));
        await store.DropPendingAsync(settledIds, ct);
        await creating;

        var stillPending = Enumerable.Range(0, 120).Select(i => $"drop-{i}").Except(settledIds).ToHashSet();
        var listed = await store.PendingAsync(ct);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Superset(stillPending, listed.ToHashSet());

        for (int m = 0; m < Merchants; m++)
        {
            var filed = Enumerable.Range(0, 120).Where(i => MerchantOf(i) == MerchantOf(m)).Select(i => $"drop-{i}");
            Assert.Equal(filed.Order(), (await store.FiledOnAsync(MerchantOf(m), new DateOnly(2024, 3, 5), ct)).Select(f => f.ClaimId).Order());
        }

        // A shard whose drop lost to a creation keeps its settled ids until the next pass, which drops them.
        await store.DropPendingAsync([.. settledIds.Where(listed.Contains)], ct);
        Assert.Equal(stillPending, (await store.PendingAsync(ct)).ToHashSet());

        // Dropped with their pending copies; the settled claims stand, the pending ones keep theirs.
        var copies = (await dapr.GetBulkStateAsync(StateStores.ClaimsStateStore, [.. Enumerable.Range(0, 120).Select(i => DaprClaimStore.PendingCopyKey($"drop-{i}"))], null))
            .Where(i => !string.IsNullOrEmpty(i.Value)).Select(i => i.Key["claim-pending|".Length..]).ToHashSet();
        Assert.Equal(stillPending, copies);
        foreach (var id in settledIds) Assert.Equal(ClaimStatus.Decided, (await store.GetAsync(id, ct))!.Claim.Status);
    }

    [Fact]
    public async Task A_burst_of_one_merchants_filings_at_one_instant_is_all_created()
    {
        await using var on = await OnSidecar.StartAsync(redis.Configuration);
        var (ct, dapr, store) = (CancellationToken.None, on.Dapr, on.Store);

        // One merchant, one day, one instant: the filings write the shards of one day index at once.
        var burst = Enumerable.Range(0, 256).Select(i =>
        {
            var c = Pending(i);
            c.Request.ClaimId = c.Claim.ClaimId = $"burst-{i}";
            c.Request.MerchantId = c.Claim.MerchantId = "m-burst";
            return c;
        }).ToList();
        await Task.WhenAll(burst.Select(c => store.CreateAsync(c, ct)));

        var filed = await store.FiledOnAsync("m-burst", new DateOnly(2024, 3, 5), ct);
        Assert.Equal(burst.Select(c => c.Claim.ClaimId).Order(), filed.Select(f => f.ClaimId).Order());
        Assert.All(filed, f => Assert.Equal(burst[0].Claim.FiledAt.ToDateTimeOffset(), f.FiledAt));
    }

    [Fact]
    public async Task A_settling_save_the_sidecar_refuses_for_another_reason_than_a_lost_race_is_an_error_not_a_retry()
    {
        // The outbox component missing from the sidecar: daprd refuses the transaction (INVALID_ARGUMENT), and a claim
        // store that took it for an ETag race would leave the claim pending for the re-driver to retry forever.
        await using var on = await OnSidecar.StartAsync(redis.Configuration,
            new Dictionary<string, string?>(StringComparer.Ordinal) { [StateStores.ClaimsStateStore] = null });
        var claim = Pending(1);
        (claim.Claim.ClaimId, claim.Request.ClaimId, claim.Claim.MerchantId, claim.Request.MerchantId) = ("refused-1", "refused-1", "m-refused", "m-refused");
        await on.Store.CreateAsync(claim, CancellationToken.None);
        var decided = claim.Clone();
        decided.Claim.Status = ClaimStatus.Decided;
        var e = new PenaltiesEvent("refused-1/decided", Topics.ClaimDecided, ClaimCoordinator.DecidedEventType, "{}");
        var refused = await Assert.ThrowsAsync<global::Dapr.DaprException>(() => on.Store.SettleAsync(decided, e, CancellationToken.None));
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, Assert.IsType<global::Grpc.Core.RpcException>(refused.InnerException).StatusCode);
        await on.Store.DropPendingAsync(["refused-1"], CancellationToken.None); // the Redis is the class's: leave its pending set as found
    }
}
