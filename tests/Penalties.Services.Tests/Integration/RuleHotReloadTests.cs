using Grpc.Core;
using Grpc.Health.V1;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;
using static Penalties.Services.Tests.Integration.RulesInRedis;

namespace Penalties.Services.Tests.Integration;

/// <summary>Calculators computing from a snapshot of what is published in Redis, while it changes.</summary>
public class RuleHotReloadTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_version_published_during_a_stream_of_calculations_is_used_consistently_with_event_time_and_none_fails()
    {
        var prefix = NewPrefix();
        await using var rulesHost = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(rulesHost, [.. ShippedDocuments()]);
        await using var calculator = await StartAsync(redis, prefix, PenaltiesServices.LateShipment);
        var client = new LateShipment.LateShipmentClient(calculator.Channel);

        // v2 (40%) is in force from 2025-01-01: a 2024 order stays on v1 (300.00 of 1,000.00); a 2025 order
        // moves from v1 to v2 (400.00) once the calculator has the new snapshot, and never back.
        var before = LateCase("2024-06-01T10:00:00");
        var after = LateCase("2025-06-01T10:00:00");
        var failures = new List<string>();
        var afterVersions = new List<int>();
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            int i = 0;
            while (!stop.IsCancellationRequested || i < 200)
            {
                var c = (i++ % 2 == 0) ? before : after;
                try
                {
                    var d = (await client.AssessAsync(new AssessLateShipmentRequest { Case = c })).Decision;
                    var (version, payout) = (d.Rule.Version, Value(d.BuyerPayout));
                    if (c == before && (version, payout) != (1, 300.00m)) failures.Add($"2024 order: v{version} {payout}");
                    if (c == after)
                    {
                        if ((version, payout) is not ((1, 300.00m) or (2, 400.00m))) failures.Add($"2025 order: v{version} {payout}");
                        lock (afterVersions) afterVersions.Add(version);
                    }
                }
                catch (RpcException e) { failures.Add(e.Status.ToString()); }
            }
        });
        Task<bool> AfterVersions(Func<List<int>, bool> condition) { lock (afterVersions) return Task.FromResult(condition(afterVersions)); }
        // v2 is published once a 2025-order answer has come back (on v1), and the load stops once one has come back on v2.
        await Eventually(() => AfterVersions(v => v.Count > 0), "a first 2025-order answer");
        await PublishAsync(rulesHost, TmallLateV2("2025-01-01"));
        await Eventually(async () => (await client.AssessAsync(new AssessLateShipmentRequest { Case = after })).Decision.Rule.Version == 2, "the calculator picks up v2");
        await Eventually(() => AfterVersions(v => v[^1] == 2), "a 2025-order answer of the load on v2");
        await stop.CancelAsync();
        await load;

        Assert.Empty(failures);
        Assert.Equal(1, afterVersions[0]);
        Assert.Equal(2, afterVersions[^1]);
        int firstV2 = afterVersions.IndexOf(2);
        Assert.All(afterVersions.Skip(firstV2), v => Assert.Equal(2, v));
    }

    [Fact]
    public async Task A_change_notice_that_was_missed_is_made_up_by_the_interval_recheck()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "00:00:01");
        await PublishAsync(host, [.. ShippedDocuments()]);
        var rules = new RuleSets.RuleSetsClient(host.Channel);
        await Eventually(async () => (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Revision == 1, "revision 1 loaded");

        // Write v2 the way Publish does, but without the notice.
        var connection = new Penalties.Redis.RedisConnection(
            Microsoft.Extensions.Options.Options.Create(new Penalties.Redis.RedisOptions { Configuration = redis.Configuration, KeyPrefix = prefix }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Penalties.Redis.RedisConnection>.Instance);
        using (connection)
        {
            var store = new Penalties.Rules.RedisRuleStore(connection);
            var doc = TmallLateV2("2030-01-01");
            var errors = new List<Penalties.Core.Rules.Loading.RuleLoadError>();
            var v2 = Penalties.Core.Rules.Loading.RuleSetLoader.Parse(doc.Name, doc.Json, errors)!;
            Assert.Equal(2, await store.TryWriteAsync(1, [(v2, doc.Json)], notify: false));
        }
        await Eventually(async () => (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Revision == 2, "revision 2 picked up by the recheck", seconds: 10);
        Assert.Equal(2, (await rules.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = At("2030-02-01 00:00") })).Summary.Rule.Version);
    }

    [Fact]
    public async Task Ten_thousand_calculations_in_steady_state_issue_no_Redis_command()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "01:00:00");
        await PublishAsync(host, [.. ShippedDocuments()]);
        var late = new LateShipment.LateShipmentClient(host.Channel);
        var price = new PriceMatch.PriceMatchClient(host.Channel);
        await Eventually(async () => (await late.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() })).Decision.Rule.Version == 1, "loaded");

        await using var admin = await redis.ConnectAsync();
        var beforeStats = await redis.CommandStatsAsync(admin);
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            if (i % 2 == 0) Assert.Equal(TmallLatePayout, await TmallLatePayoutOf(late, ct));
            else Assert.Equal(42.00m, Value((await price.AssessAsync(new AssessPriceMatchRequest { Case = JdPayable() }, cancellationToken: ct)).Decision.Payout));
        });
        var afterStats = await redis.CommandStatsAsync(admin);

        // INFO is this test's own command; PING/ECHO are the client's connection keep-alive, not the calculation.
        string[] ignored = ["info", "ping", "echo", "client|setinfo", "client|setname", "hello", "subscribe", "cluster|nodes", "config|get", "select"];
        var changed = afterStats.Where(kv => !ignored.Contains(kv.Key) && (!beforeStats.TryGetValue(kv.Key, out var n) || n != kv.Value))
            .Select(kv => $"{kv.Key}: {beforeStats.GetValueOrDefault(kv.Key)} -> {kv.Value}").ToList();
        Assert.Empty(changed);
    }
}

/// <summary>Redis going away and coming back under a running calculator (its own Redis server: these tests stop it).</summary>
public class RuleOutageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Redis_down_calculations_go_on_health_degraded_then_back_recovers_and_picks_up_a_version_published_meanwhile()
    {
        var prefix = NewPrefix();
        await using var calculator = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "00:00:01");
        await PublishAsync(calculator, [.. ShippedDocuments()]);
        var late = new LateShipment.LateShipmentClient(calculator.Channel);
        var rules = new RuleSets.RuleSetsClient(calculator.Channel);
        var health = new Health.HealthClient(calculator.Channel);
        await Eventually(async () => (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Revision == 1, "loaded");

        redis.Kill();
        await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest { Service = "penalties.redis" })).Status == HealthCheckResponse.Types.ServingStatus.NotServing, "redis health NOT_SERVING");
        await Eventually(async () => (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Degraded, "snapshot marked degraded");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        for (int i = 0; i < 200; i++)
            Assert.Equal(TmallLatePayout, await TmallLatePayoutOf(late));

        await redis.StartAsync(); // from its AOF: what was published is still there
        await using var publisher = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(publisher, TmallLateV2("2025-01-01"));

        await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest { Service = "penalties.redis" })).Status == HealthCheckResponse.Types.ServingStatus.Serving, "redis health SERVING again", seconds: 30);
        await Eventually(async () => (await late.AssessAsync(new AssessLateShipmentRequest { Case = LateCase("2025-06-01T10:00:00") })).Decision.Rule.Version == 2, "v2 picked up", seconds: 30);
        var status = (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.False(status.Degraded, status.DegradedReason);
        Assert.Equal(2, status.Revision);
    }
}

/// <summary>A host configured for Redis that cannot reach it at start-up (nothing listens on the port).</summary>
public class RuleStartupWithoutRedisTests
{
    private static string DeadRedis() => $"127.0.0.1:{RedisServer.FreePort()},connectTimeout=500,connectRetry=0";

    [Fact]
    public async Task With_fallback_configured_it_computes_from_the_rules_folder_and_says_so()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.All,
            "--Penalties:Redis:Configuration", DeadRedis(), "--Penalties:Rules:FallbackToFiles", "true");
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.StartsWith("files:", status.Source, StringComparison.Ordinal);
        Assert.Contains("fallback", status.Source, StringComparison.Ordinal);
        Assert.True(status.Degraded);
        Assert.Contains("Redis unreachable", status.DegradedReason, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", status.DegradedReason, StringComparison.Ordinal); // the client's diagnostics go to the log
        Assert.True(status.DegradedReason.Length < 300, status.DegradedReason);
        Assert.Equal(TmallLatePayout, await TmallLatePayoutOf(new LateShipment.LateShipmentClient(host.Channel)));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task Without_fallback_calculations_are_UNAVAILABLE_and_health_NOT_SERVING_but_the_process_live()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.All, "--Penalties:Redis:Configuration", DeadRedis());
        var e = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(host.Channel).AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("Redis unreachable", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest())).Status);
        // What liveness asks: restarting the process would not bring Redis back.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(host.Channel).CheckAsync(
            new HealthCheckRequest { Service = Penalties.ServiceDefaults.ServiceDefaultsExtensions.LiveHealthService })).Status);
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.True(status.Degraded);
    }
}
