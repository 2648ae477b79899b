using System.Collections.Concurrent;
using Dapr.Client;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Dapr;
using Penalties.Grpc;
using Penalties.Grpc.Claims;
using static Penalties.Services.Tests.Cases;
using ClaimsApi = Penalties.Contracts.V1.Claims;
using PenaltyPointsApi = Penalties.Contracts.V1.PenaltyPoints;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>
/// A claim-decided consumer as a subscriber must be: idempotent by event id. It counts a claim the first time its event
/// arrives and answers RETRY then (an acknowledgement lost), so every event is delivered at least twice.
/// </summary>
public sealed class DecidedClaimsConsumer : ITopicHandler
{
    public ConcurrentDictionary<string, string> Counted { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Deliveries { get; } = new();

    public string Topic => Topics.ClaimDecided;

    public Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken)
    {
        Deliveries.Enqueue(e.Id);
        return Task.FromResult(Counted.TryAdd(e.Id, e.Data) ? DeliveryResult.Retry : DeliveryResult.Success);
    }
}

/// <summary>
/// One deployment for the class: a host and a sidecar double per service the claim flow uses (Claims with the Dapr
/// state store, LateShipment, PriceMatch, PenaltyPoints) and a claim-decided consumer, over a real Redis.
/// </summary>
public sealed class ClaimsDeployment : IAsyncLifetime
{
    public const string ConsumerAppId = "claims-consumer";

    public RedisServer Redis { get; } = new();
    public DaprNetworkDouble Network { get; private set; } = null!;
    public SidecarDouble ClaimsSidecar { get; private set; } = null!;
    public SidecarDouble PointsSidecar { get; private set; } = null!;
    public ServiceHost Claims { get; private set; } = null!;
    public ServiceHost Points { get; private set; } = null!;
    public DecidedClaimsConsumer Consumer { get; } = new();
    private readonly List<IAsyncDisposable> _others = [];
    private WebApplication _consumerApp = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Network = new DaprNetworkDouble(Redis.Configuration) { MaxDeliveryAttempts = 5 };
        foreach (var (appId, services) in new[] { (AppIds.LateShipment, PenaltiesServices.LateShipment), (AppIds.PriceMatch, PenaltiesServices.PriceMatch) })
            await StartAsync(appId, services);
        (PointsSidecar, Points) = await StartAsync(AppIds.PenaltyPoints, PenaltiesServices.PenaltyPoints);
        ClaimsSidecar = await SidecarDouble.StartAsync(Network, AppIds.Claims);
        Claims = await StartClaimsAsync();
        var consumerSidecar = await SidecarDouble.StartAsync(Network, ConsumerAppId);
        _others.Add(consumerSidecar);
        _consumerApp = await PubSubDeliveryTests.StartSubscriberAsync(Consumer);
        consumerSidecar.AttachApp(PubSubDeliveryTests.AddressOf(_consumerApp));
    }

    private async Task<(SidecarDouble, ServiceHost)> StartAsync(string appId, PenaltiesServices services)
    {
        var sidecar = await SidecarDouble.StartAsync(Network, appId);
        var host = await ServiceHost.StartAsync(services, sidecar.HostArgs);
        sidecar.AttachApp(host.Address);
        _others.Add(host);
        _others.Add(sidecar);
        return (sidecar, host);
    }

    /// <summary>A Claims host on the claims sidecar (the first, or one restarted after <see cref="StopClaimsAsync"/>).</summary>
    public async Task<ServiceHost> StartClaimsAsync()
    {
        var host = await ServiceHost.StartAsync(PenaltiesServices.Claims,
        [
            .. ClaimsSidecar.HostArgs, "--Penalties:Claims:Store", "dapr",
            "--Penalties:Claims:RetryBase", "00:00:00.200", "--Penalties:Claims:RetryMax", "00:00:01", "--Penalties:Claims:RedriveInterval", "00:00:00.100",
        ]);
        ClaimsSidecar.AttachApp(host.Address);
        return Claims = host;
    }

    public async Task StopClaimsAsync() => await Claims.DisposeAsync();

    /// <summary>The claims' store as the Claims host uses it, through the claims sidecar.</summary>
    public static DaprClaimStore Store(DaprClient dapr) => new(dapr, Options.Create(new ClaimsOptions { Store = "dapr" }));

    public DaprClient NewDaprClient() => new DaprClientBuilder().UseGrpcEndpoint(ClaimsSidecar.GrpcEndpoint).UseHttpEndpoint(ClaimsSidecar.HttpEndpoint).Build();

    public async Task DisposeAsync()
    {
        await Claims.DisposeAsync();
        await ClaimsSidecar.DisposeAsync();
        await _consumerApp.DisposeAsync();
        foreach (var d in Enumerable.Reverse(_others)) await d.DisposeAsync();
        await Network.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

/// <summary>
/// Claims end to end through the sidecar doubles over real sockets (issue 14): one deduction per claim however often
/// it is filed, the re-driver finishing what an unavailable service or a stopped host left, and the outbox publishing
/// exactly the decided claims.
/// </summary>
public class ClaimsThroughSidecarsTests(ClaimsDeployment deployment) : IClassFixture<ClaimsDeployment>
{
    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    private ClaimsApi.ClaimsClient ClaimsClient => new(deployment.Claims.Channel);

    private async Task<IReadOnlyList<HistoryEntry>> HistoryOf(string merchant) =>
        [.. (await new PenaltyPointsApi.PenaltyPointsClient(deployment.Points.Channel).ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries];

    /// <summary>What the broker accepted about a claim (decided events carry it as data, as would any other upsert of its key).</summary>
    private IReadOnlyList<CloudEventDouble> PublishedAbout(string claimId) =>
        [.. deployment.Network.Published.Where(e => e.Topic == Topics.ClaimDecided && e.DataText.Contains($"\"{claimId}\"", StringComparison.Ordinal))];

    private async Task<Claim> EventuallyDecidedAsync(string claimId)
    {
        Claim? claim = null;
        await Eventually(async () => (claim = await ClaimsClient.GetAsync(new GetClaimRequest { ClaimId = claimId })).Status == ClaimStatus.Decided, $"claim {claimId} decided");
        return claim!;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within 20 s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_claim_refused_before_payment_filed_64_times_at_once_deducts_one_point_once_and_announces_it_once()
    {
        var request = RefusedBeforePaymentClaim("e2e-1", "m-e2e-1");

        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => ClaimsClient.FileAsync(request, deadline: Deadline).ResponseAsync));

        Assert.All(claims, c => Assert.Equal((ClaimStatus.Decided, 1), (c.Status, c.Penalty.Deduction.Points)));
        var entry = Assert.Single(await HistoryOf("m-e2e-1"));
        Assert.Equal((ClaimCoordinator.PenaltyCaseId("e2e-1"), "REFUSE_BEFORE_PAYMENT"), (entry.Violation.CaseId, entry.Violation.Code));
        // Only the deciding transaction went through the outbox: no PENDING save or index reached the topic.
        var published = Assert.Single(PublishedAbout("e2e-1"));
        Assert.Equal(("e2e-1/decided", ClaimCoordinator.DecidedEventType, AppIds.Claims), (published.Id, published.Type, published.Source));
        Assert.Equal(claims[0], Google.Protobuf.JsonParser.Default.Parse<Claim>(published.DataText));
        Assert.Equal(claims[0], await ClaimsClient.FileAsync(request, deadline: Deadline));
    }

    [Fact]
    public async Task With_PenaltyPoints_down_the_claim_is_PENDING_then_the_redriver_completes_it_with_one_deduction()
    {
        deployment.PointsSidecar.DetachApp();
        Claim pending;
        try
        {
            pending = await ClaimsClient.FileAsync(RefusedBeforePaymentClaim("e2e-2", "m-e2e-2"), deadline: Deadline);
        }
        finally
        {
            deployment.PointsSidecar.AttachApp(deployment.Points.Address);
        }
        Assert.Equal((ClaimStatus.Pending, ClaimStep.RecordPenalty), (pending.Status, pending.Pending.Step));
        Assert.StartsWith($"{AppIds.PenaltyPoints}: Unavailable", pending.Pending.Reason, StringComparison.Ordinal);
        Assert.Empty(PublishedAbout("e2e-2"));

        var decided = await EventuallyDecidedAsync("e2e-2");

        Assert.Equal(pending.LateShipment, decided.LateShipment); // the recorded decision was kept, not taken again
        Assert.Single(await HistoryOf("m-e2e-2"));
        Assert.Single(PublishedAbout("e2e-2"));
        using var dapr = deployment.NewDaprClient();
        await Eventually(async () => !(await ClaimsDeployment.Store(dapr).PendingAsync(CancellationToken.None)).Contains("e2e-2"), "the decided claim leaves the pending set");
    }

    [Fact]
    public async Task A_Claims_host_stopped_after_the_calculator_recorded_is_completed_by_the_restarted_host()
    {
        deployment.PointsSidecar.DetachApp();
        var pending = await ClaimsClient.FileAsync(RefusedBeforePaymentClaim("e2e-3", "m-e2e-3"), deadline: Deadline);
        Assert.Equal((ClaimStatus.Pending, ClaimStep.RecordPenalty), (pending.Status, pending.Pending.Step));
        await deployment.StopClaimsAsync(); // between step 1 (recorded) and step 2
        deployment.PointsSidecar.AttachApp(deployment.Points.Address);
        Assert.Empty(await HistoryOf("m-e2e-3"));

        await deployment.StartClaimsAsync();
        var decided = await EventuallyDecidedAsync("e2e-3");

        Assert.Equal((1, pending.LateShipment), (decided.Penalty.Deduction.Points, decided.LateShipment));
        Assert.Single(await HistoryOf("m-e2e-3"));
        Assert.Single(PublishedAbout("e2e-3"));
    }

    [Fact]
    public async Task A_settling_transaction_refused_publishes_nothing_and_each_committed_claim_is_counted_once_by_the_consumer()
    {
        using var dapr = deployment.NewDaprClient();
        var store = ClaimsDeployment.Store(dapr);
        var request = RefusedBeforePaymentClaim("e2e-4", "m-e2e-4");
        // Not due for the host's re-driver: this test alone saves it.
        var created = new StoredClaim
        {
            Request = request,
            Claim = new Claim { ClaimId = "e2e-4", MerchantId = "m-e2e-4", FiledAt = request.FiledAt, Status = ClaimStatus.Pending, Pending = new PendingStep { NextAttemptAt = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(1)) } },
        };
        Assert.Equal(created, await store.CreateAsync(created, CancellationToken.None));
        Assert.Contains("e2e-4", await store.PendingAsync(CancellationToken.None));
        var decided = created.Clone();
        decided.Claim.Status = ClaimStatus.Decided;
        decided.Claim.Pending = null;
        var e = new PenaltiesEvent("e2e-4/decided", Topics.ClaimDecided, ClaimCoordinator.DecidedEventType, Google.Protobuf.JsonFormatter.Default.Format(decided.Claim));

        Assert.Equal(created, await store.CreateAsync(decided, CancellationToken.None)); // created again: the stored one stands
        Assert.Empty(PublishedAbout("e2e-4"));
        Assert.True(await store.SettleAsync(decided, e, CancellationToken.None));
        Assert.Equal("e2e-4/decided", Assert.Single(PublishedAbout("e2e-4")).Id);
        var again = decided.Clone();
        again.Claim.CompletedAt = Timestamp.FromDateTime(DateTime.UtcNow);
        Assert.False(await store.SettleAsync(again, e, CancellationToken.None)); // settled already: refused, nothing published
        Assert.Equal(decided, await store.GetAsync("e2e-4", CancellationToken.None));
        Assert.Single(PublishedAbout("e2e-4"));
        await Eventually(async () => !(await store.PendingAsync(CancellationToken.None)).Contains("e2e-4"), "the re-driver drops the decided claim from the pending set");

        var filed = await Task.WhenAll(new[] { "e2e-5", "e2e-6" }.Select(id => ClaimsClient.FileAsync(RefusedBeforePaymentClaim(id, "m-" + id), deadline: Deadline).ResponseAsync));
        var consumer = deployment.Consumer;
        string[] ids = ["e2e-4/decided", .. filed.Select(c => Assert.Single(c.Events).Id)];
        await DaprNetworkDouble.EventuallyAsync(() => ids.All(id => consumer.Deliveries.Count(d => d == id) >= 2), "each event delivered, then again after RETRY");
        Assert.All(ids, id => Assert.True(consumer.Counted.ContainsKey(id)));
        Assert.Equal(filed.Select(c => c.ClaimId), ids[1..].Select(id => Google.Protobuf.JsonParser.Default.Parse<Claim>(consumer.Counted[id]).ClaimId));
        Assert.Equal(consumer.Counted.Count, consumer.Deliveries.Distinct().Count());
    }
}
