using System.Net;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using StackExchange.Redis;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// A real three-node Redis Cluster on loopback (no replicas; AOF, fsync always on each node): every master owns a
/// third of the slots. Formed with CLUSTER ADDSLOTSRANGE and CLUSTER MEET, then waited on until every node says
/// cluster_state:ok.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime
{
    // Each node's cluster bus port, set explicitly: the default (port + 10,000) can be past 65,535 for a free port.
    private readonly int[] _busPorts = [.. Enumerable.Range(0, 3).Select(_ => RedisServer.FreePort())];

    public RedisCluster() => Nodes = [.. _busPorts.Select(bus => new RedisServer
    {
        ExtraArgs = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--cluster-port", bus.ToString(System.Globalization.CultureInfo.InvariantCulture)],
    })];

    public RedisServer[] Nodes { get; }

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(",", Nodes.Select(n => n.Configuration));

    public async Task InitializeAsync()
    {
        foreach (var node in Nodes) await node.InitializeAsync();
        var connections = new List<ConnectionMultiplexer>();
        try
        {
            foreach (var node in Nodes) connections.Add(await node.ConnectAsync());
            for (int i = 0; i < Nodes.Length; i++)
            {
                int from = 16384 * i / Nodes.Length, to = 16384 * (i + 1) / Nodes.Length - 1;
                await Server(connections[i], Nodes[i]).ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", from, to);
            }
            for (int i = 1; i < Nodes.Length; i++) await Server(connections[0], Nodes[0]).ExecuteAsync("CLUSTER", "MEET", "127.0.0.1", Nodes[i].Port, _busPorts[i]);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                bool ok = true;
                for (int i = 0; i < Nodes.Length; i++)
                    ok &= ((string?)await Server(connections[i], Nodes[i]).ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:ok", StringComparison.Ordinal);
                if (ok) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the three Redis nodes did not form a cluster within 30 s");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }

    private static IServer Server(ConnectionMultiplexer connection, RedisServer node) => connection.GetServer(IPAddress.Loopback, node.Port);

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
    }
}

/// <summary>
/// The services on a real Redis Cluster: rules published and loaded (one hash tag, one slot), penalty histories and
/// ledger records of merchants spread over the three nodes (each merchant's keys share its hash tag), recorded
/// once under concurrent retries.
/// </summary>
public sealed class RedisClusterTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    private Task<ServiceHost> StartAsync() => ServiceHost.StartAsync(PenaltiesServices.All,
        ["--Penalties:Redis:Configuration", cluster.Configuration, .. RulesInRedis.AdminArgs()]);

    /// <summary>Publishes the shipped rules to the cluster (again: unchanged the second time) and waits until the host computes with them.</summary>
    private static async Task<PublishRuleSetsResponse> PublishAsync(ServiceHost host)
    {
        var published = await RulesInRedis.PublishAsync(host, [.. RulesInRedis.ShippedDocuments()]);
        var late = new LateShipment.LateShipmentClient(host.Channel);
        await RulesInRedis.Eventually(async () => await TmallLatePayoutOf(late) == TmallLatePayout,
            "the published rules are loaded from the cluster");
        return published;
    }

    [Fact]
    public async Task Rules_are_published_and_computed_with_and_records_of_merchants_on_every_node_are_kept_exactly_once()
    {
        await using var host = await StartAsync();
        var published = await PublishAsync(host);
        // Every shipped version is in the cluster, listed by this host (published now, or by the other test first).
        Assert.Equal(RulesInRedis.ShippedDocuments().Count(), published.Versions.Count);
        Assert.Equal(published.Versions.Count, (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Versions.Count);
        var late = new LateShipment.LateShipmentClient(host.Channel);

        // 60 merchants (their keys spread over the three nodes), 3 cases each, every case sent twice at once.
        var points = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var run = Guid.NewGuid().ToString("N")[..8];
        const int merchants = 60;
        var answers = await Task.WhenAll(Enumerable.Range(0, merchants).Select(m => Task.Run(async () =>
        {
            var mine = new List<RecordPenaltyResponse>();
            for (int i = 0; i < 3; i++)
            {
                var request = new RecordPenaltyRequest
                {
                    MerchantId = $"cl-{run}-{m}", RuleSetId = "tmall.penalty-points",
                    Violation = new Violation { CaseId = $"c{i}", Code = "MISDESCRIBED_SEVERE", OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(At("2024-01-01 00:00").ToDateTimeOffset().AddDays(i)) },
                };
                mine.AddRange(await Task.WhenAll(points.RecordAsync(request).ResponseAsync, points.RecordAsync(request).ResponseAsync));
            }
            return mine;
        })));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var nodesHolding = new HashSet<EndPoint>();
        for (int m = 0; m < merchants; m++)
        {
            Assert.Equal(3, answers[m].Count(a => !a.Replay));
            Assert.Equal(["1st MISDESCRIBED_SEVERE: general, 6", "2nd MISDESCRIBED_SEVERE: general, 12", "3rd MISDESCRIBED_SEVERE: general, 12"],
                answers[m].Where(a => !a.Replay).Select(a => a.Deduction.Explanation).Order(StringComparer.Ordinal));
            var history = await points.ListHistoryAsync(new ListHistoryRequest { MerchantId = $"cl-{run}-{m}" });
            Assert.Equal(["c0", "c1", "c2"], history.Entries.Select(e => e.Violation.CaseId));
            nodesHolding.Add(admin.GetDatabase().IdentifyEndpoint($"penalties:history:{{cl-{run}-{m}}}:log")!);
        }
        Assert.Equal(3, nodesHolding.Count); // the merchants' histories are on every node

        // The ledger: a late-shipment record and its replay.
        var record = new RecordLateShipmentRequest { MerchantId = $"cl-{run}-ledger", Case = TmallLate() };
        record.Case.OrderId = $"T-{run}";
        Assert.False((await late.RecordAsync(record)).Replay);
        Assert.True((await late.RecordAsync(record)).Replay);
        Assert.Single((await late.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = record.MerchantId })).Records);

        // A fresh host reads the same from the cluster.
        await using var fresh = await StartAsync();
        var again = await new PenaltyPoints.PenaltyPointsClient(fresh.Channel).RecordAsync(new RecordPenaltyRequest
        {
            MerchantId = $"cl-{run}-0", RuleSetId = "tmall.penalty-points",
            Violation = new Violation { CaseId = "c1", Code = "MISDESCRIBED_SEVERE", OccurredAt = At("2024-01-02 00:00") },
        });
        Assert.True(again.Replay);
        Assert.Equal("2nd MISDESCRIBED_SEVERE: general, 12", again.Deduction.Explanation);
    }

    [Fact]
    public async Task On_a_cluster_each_append_is_answered_on_its_own_a_damaged_merchant_fails_alone()
    {
        await using var host = await StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var points = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var run = Guid.NewGuid().ToString("N")[..8];
        var damaged = $"cl-damaged-{run}";
        RecordPenaltyRequest Request(string merchant, string caseId = "c1") => new()
        {
            MerchantId = merchant, RuleSetId = "tmall.penalty-points",
            Violation = new Violation { CaseId = caseId, Code = "MISDESCRIBED_SEVERE", OccurredAt = At("2024-01-01 00:00") },
        };
        await PublishAsync(host);
        await DamagedHistory.RecordAmongOthersAsync(points, admin.GetDatabase(), damaged,
            [.. Enumerable.Range(0, 40).Select(i => $"cl-beside-{run}-{i}")], (m, i) => Request(m, $"c{i}"));
    }
}
