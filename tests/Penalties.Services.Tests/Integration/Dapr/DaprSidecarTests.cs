using System.Text;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Dapr;
using Penalties.Grpc;
using Penalties.Rules;
using Penalties.Services.Tests.Unit;
using StackExchange.Redis;
using static Penalties.Services.Tests.Integration.RulesInRedis;
using DaprHealth = Grpc.Health.V1.Health;
using Status = global::Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>The hosts with a Dapr sidecar, against the sidecar double over real sockets and a real Redis.</summary>
public class DaprSidecarTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly ByteString RulesChangedData = ByteString.CopyFromUtf8("""{"revision":"1"}""");

    /// <summary>One host with its sidecar double, on a network of its own; disposed together.</summary>
    private sealed record WithSidecar(DaprNetworkDouble Network, SidecarDouble Sidecar, ServiceHost Host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Sidecar.DisposeAsync();
            await Network.DisposeAsync();
        }
    }

    private async Task<WithSidecar> StartWithSidecarAsync(string appId, PenaltiesServices services)
    {
        var network = new DaprNetworkDouble(redis.Configuration);
        var sidecar = await SidecarDouble.StartAsync(network, appId);
        var host = await ServiceHost.StartAsync(services, sidecar.HostArgs);
        sidecar.AttachApp(host.Address);
        return new WithSidecar(network, sidecar, host);
    }

    [Fact]
    public async Task AppCallback_as_daprd_calls_it_lists_the_topics_and_answers_a_malformed_event_DROP_logged_never_an_error()
    {
        await using var deployment = await StartWithSidecarAsync(AppIds.LateShipment, PenaltiesServices.LateShipment);
        var host = deployment.Host;
        var log = new CapturedLog();
        host.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        var app = new AppCallbackCaller(host.Channel);

        var subscription = Assert.Single((await app.ListTopicSubscriptionsAsync()).Subscriptions);
        Assert.Equal((Topics.PubSub, Topics.RulesChanged, Topics.DeadLetter), (subscription.PubsubName, subscription.Topic, subscription.DeadLetterTopic));

        TopicEventRequest Event(string id, string topic, ByteString data) => new()
        {
            Id = id, Source = AppIds.RuleSets, Type = RulesChangedPublisher.EventType, SpecVersion = "1.0",
            DataContentType = "application/json", Data = data, Topic = topic, PubsubName = Topics.PubSub,
        };
        Assert.Equal(Status.Success, (await app.OnTopicEventAsync(Event("rules-changed-1", Topics.RulesChanged, RulesChangedData))).Status);
        Assert.Equal(Status.Drop, (await app.OnTopicEventAsync(Event("", Topics.RulesChanged, RulesChangedData))).Status);
        Assert.Equal(Status.Drop, (await app.OnTopicEventAsync(Event("e-2", "no-such-topic", RulesChangedData))).Status);
        Assert.Equal(Status.Drop, (await app.OnTopicEventAsync(Event("e-3", Topics.RulesChanged, ByteString.CopyFromUtf8("{not json")))).Status);
        Assert.Contains(log.Lines, l => l.Contains("dropped: the CloudEvent has no id", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("e-2 on topic no-such-topic dropped", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("e-3 on topic rules-changed dropped: the data is not JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_through_the_sidecar_reaches_the_app_by_its_id_and_carries_the_served_calls_deadline()
    {
        await using var deployment = await StartWithSidecarAsync(AppIds.LateShipment, PenaltiesServices.LateShipment);
        await using var callerSidecar = await SidecarDouble.StartAsync(deployment.Network, AppIds.Claims);

        // The invoker as Claims uses it while serving a call with a deadline.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var accessor = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };
        accessor.HttpContext.Features.Set<IServerCallContextFeature>(new ServedCall(new DeadlineCallContext(deadline)));
        var invoker = new DaprServiceInvoker(Options.Create(new DaprOptions { GrpcEndpoint = callerSidecar.GrpcEndpoint }), accessor);

        var client = new LateShipment.LateShipmentClient(invoker.ToApp(AppIds.LateShipment));
        var decision = (await client.AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() })).Decision;
        Assert.Equal(Cases.TmallLatePayout, Cases.Value(decision.BuyerPayout));

        var call = Assert.Single(callerSidecar.ForwardedCalls);
        Assert.Equal((AppIds.LateShipment, "/penalties.v1.LateShipment/Assess"), (call.AppId, call.Method));
        Assert.NotNull(call.GrpcTimeout); // the served call's deadline, sent on to the sidecar and by it to the app

        // An app id nobody fronts, or an app that is down, is UNAVAILABLE, as daprd answers.
        var unknown = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(invoker.ToApp("no-such-app"))
            .AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, unknown.StatusCode);
        deployment.Sidecar.AttachApp($"http://127.0.0.1:{RedisServer.FreePort()}");
        var down = await Assert.ThrowsAsync<RpcException>(() => client.AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
    }

    [Fact]
    public async Task The_all_in_one_host_behind_its_one_sidecar_calls_its_own_services_in_process_and_decides_a_claim()
    {
        // The sidecar fronts the host as "penalties" only: calls to the calculators' app ids through it would find no app.
        await using var deployment = await StartWithSidecarAsync("penalties", PenaltiesServices.All);
        var claim = await new Claims.ClaimsClient(deployment.Host.Channel).FileAsync(Cases.RefusedBeforePaymentClaim("aio-1", "m-aio-1"),
            deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(ClaimStatus.Decided, claim.Status);
        Assert.NotNull(claim.Penalty);
        Assert.Empty(deployment.Sidecar.ForwardedCalls);
    }

    [Fact]
    public async Task A_rules_publish_reaches_every_calculator_through_pub_sub_with_the_Redis_channel_off()
    {
        var prefix = NewPrefix();
        string[] rulesArgs = [.. RedisArgs(redis, prefix), .. AdminArgs(), "--Penalties:Rules:RecheckInterval", "01:00:00"];
        await using var network = new DaprNetworkDouble(redis.Configuration);
        await using var rulesSidecar = await SidecarDouble.StartAsync(network, AppIds.RuleSets);
        await using var ruleSets = await ServiceHost.StartAsync(PenaltiesServices.RuleSets, [.. rulesSidecar.HostArgs, .. rulesArgs]);
        rulesSidecar.AttachApp(ruleSets.Address);
        var calculators = new List<(string AppId, SidecarDouble Sidecar, ServiceHost Host)>();
        foreach (var (appId, services) in new[] { (AppIds.LateShipment, PenaltiesServices.LateShipment), (AppIds.PriceMatch, PenaltiesServices.PriceMatch), (AppIds.PenaltyPoints, PenaltiesServices.PenaltyPoints) })
        {
            var sidecar = await SidecarDouble.StartAsync(network, appId);
            var host = await ServiceHost.StartAsync(services, [.. sidecar.HostArgs, .. rulesArgs]);
            sidecar.AttachApp(host.Address);
            calculators.Add((appId, sidecar, host));
        }
        try
        {
            var published = await PublishAsync(ruleSets, [.. ShippedDocuments()]);

            var e = Assert.Single(network.Published);
            Assert.Equal((Topics.RulesChanged, $"rules-changed-{published.Revision}", AppIds.RuleSets), (e.Topic, e.Id, e.Source));
            foreach (var (appId, _, host) in calculators)
            {
                var source = host.App.Services.GetRequiredService<RuleCatalogSource>();
                await DaprNetworkDouble.EventuallyAsync(() => source.Snapshot?.Revision == published.Revision, $"{appId} reloads on rules-changed");
                Assert.Contains(network.Attempts, a => a.AppId == appId && a.EventId == e.Id && a.Outcome == "SUCCESS");
            }
            // Nobody listens on the Redis channel: the notice came through the sidecar.
            await using var connection = await redis.ConnectAsync();
            Assert.Empty(await connection.GetServer(redis.Configuration).SubscriptionChannelsAsync(RedisChannel.Pattern(prefix + "*")));
        }
        finally
        {
            foreach (var (_, sidecar, host) in calculators)
            {
                await host.DisposeAsync();
                await sidecar.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_the_sidecar_unreachable_at_start_the_service_is_NOT_SERVING_then_SERVING_once_it_answers()
    {
        int grpcPort = RedisServer.FreePort(), httpPort = RedisServer.FreePort();
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.LateShipment,
            SidecarDouble.HostArgsFor($"http://127.0.0.1:{grpcPort}", $"http://127.0.0.1:{httpPort}"));
        var health = new DaprHealth.HealthClient(host.Channel);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest())).Status);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing,
            (await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest { Service = DaprRegistration.HealthService })).Status);

        await using var network = new DaprNetworkDouble(redis.Configuration);
        await using var sidecar = await SidecarDouble.StartAsync(network, AppIds.LateShipment, grpcPort, httpPort);
        await Eventually(async () => (await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest())).Status == global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            "SERVING once the sidecar answers");
    }

    [Fact]
    public async Task A_state_transaction_refused_for_its_ETag_publishes_nothing_and_a_committed_one_publishes_its_message_once()
    {
        await using var network = new DaprNetworkDouble(redis.Configuration);
        await using var sidecar = await SidecarDouble.StartAsync(network, "state-" + Guid.NewGuid().ToString("N")[..8]);
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
        await dapr.WaitForSidecarAsync();
        var store = StateStores.ClaimsOutboxStore;
        static StateTransactionRequest Upsert(string value, string? etag, string eventId) =>
            new("claim-1", Encoding.UTF8.GetBytes(value), StateOperationType.Upsert, etag,
                new Dictionary<string, string> { ["cloudevent.id"] = eventId, ["cloudevent.type"] = "penalties.claim.decided.v1" },
                new StateOptions { Concurrency = ConcurrencyMode.FirstWrite });

        await dapr.ExecuteStateTransactionAsync(store, [Upsert("""{"status":"PENDING"}""", null, "e-1")]);
        var (_, etag) = await dapr.GetStateAndETagAsync<System.Text.Json.JsonElement>(store, "claim-1");
        Assert.Equal("1", etag);

        // A second first write, and a stale ETag: refused, nothing saved, nothing published.
        await Assert.ThrowsAsync<global::Dapr.DaprException>(() => dapr.ExecuteStateTransactionAsync(store, [Upsert("""{"status":"X"}""", null, "e-x")]));
        await Assert.ThrowsAsync<global::Dapr.DaprException>(() => dapr.ExecuteStateTransactionAsync(store, [Upsert("""{"status":"X"}""", "7", "e-y")]));
        Assert.False(await dapr.TrySaveStateAsync(store, "claim-1", new { status = "X" }, "7"));
        Assert.Equal(["e-1"], network.Published.Select(p => p.Id));

        await dapr.ExecuteStateTransactionAsync(store, [Upsert("""{"status":"DECIDED"}""", etag, "e-2")]);
        var (state, etag2) = await dapr.GetStateAndETagAsync<System.Text.Json.JsonElement>(store, "claim-1");
        Assert.Equal(("DECIDED", "2"), (state.GetProperty("status").GetString(), etag2));
        var decided = network.Published[^1];
        Assert.Equal(("e-2", Topics.ClaimDecided, "penalties.claim.decided.v1", """{"status":"DECIDED"}"""), (decided.Id, decided.Topic, decided.Type, decided.DataText));
        Assert.Equal(2, network.Published.Count);
        var bulk = await dapr.GetBulkStateAsync(store, ["claim-1", "no-such-claim"], parallelism: 1);
        Assert.Equal([("claim-1", "2"), ("no-such-claim", "")], bulk.Select(b => (b.Key, b.ETag ?? "")));

        // The claims' other component, over the same keys without outbox: it commits and publishes nothing.
        await dapr.ExecuteStateTransactionAsync(StateStores.ClaimsStateStore, [Upsert("""{"status":"LATER"}""", "2", "e-3")]);
        var (_, etag3) = await dapr.GetStateAndETagAsync<System.Text.Json.JsonElement>(store, "claim-1");
        Assert.Equal(("3", 2), (etag3, network.Published.Count));
    }

    /// <summary>A served call with a deadline, as grpc-dotnet exposes it to the invoker.</summary>
    private sealed class ServedCall(ServerCallContext context) : IServerCallContextFeature
    {
        public ServerCallContext ServerCallContext => context;
    }

    private sealed class DeadlineCallContext(DateTime deadline) : ServerCallContext
    {
        private readonly TestServerCallContext _inner = new("/penalties.v1.Claims/File");
        protected override string MethodCore => _inner.Method;
        protected override string HostCore => _inner.Host;
        protected override string PeerCore => _inner.Peer;
        protected override DateTime DeadlineCore => deadline;
        protected override Metadata RequestHeadersCore => _inner.RequestHeaders;
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;
        protected override global::Grpc.Core.Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => _inner.AuthContext;
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
