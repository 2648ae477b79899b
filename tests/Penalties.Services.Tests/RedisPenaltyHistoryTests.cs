using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests;

/// <summary>
/// PenaltyPoints history in a real Redis (AOF, fsync always): exactly once under concurrent retries from two
/// replicas, nothing acknowledged lost when Redis is SIGKILLed, and everything still there after a host restart.
/// </summary>
public sealed class RedisPenaltyHistoryTests(RedisHostFixture fixture) : IClassFixture<RedisHostFixture>
{
    private const string Tmall = "tmall.penalty-points";
    private const string Code = "MISDESCRIBED_SEVERE";

    private static Violation Case(int i) => new() { CaseId = $"c{i:D4}", Code = Code, OccurredAt = At("2024-01-01 00:00") };

    private static RecordPenaltyRequest Request(string merchant, int i)
    {
        var v = Case(i);
        v.OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(v.OccurredAt.ToDateTimeOffset().AddHours(i));
        return new RecordPenaltyRequest { MerchantId = merchant, RuleSetId = Tmall, Violation = v };
    }

    /// <summary>Sends until answered; a Redis outage (UNAVAILABLE) or a lost race (ABORTED) is retried, anything else fails the test.</summary>
    private static async Task<RecordPenaltyResponse> RecordWithRetries(PenaltyPoints.PenaltyPointsClient client, RecordPenaltyRequest request, ConcurrentBag<StatusCode>? failures = null)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(60); // one budget for every attempt of this record
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await client.RecordAsync(request, deadline: giveUp);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Aborted && DateTime.UtcNow < giveUp)
            {
                failures?.Add(e.StatusCode);
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The Redis history store of a host, to read its cache's state.</summary>
    private static Penalties.Grpc.State.RedisPenaltyHistoryStore StoreOf(ServiceHost host) =>
        (Penalties.Grpc.State.RedisPenaltyHistoryStore)host.App.Services.GetRequiredService<Penalties.Grpc.State.IPenaltyHistoryStore>();

    private static async Task<List<HistoryEntry>> History(PenaltyPoints.PenaltyPointsClient client, string merchant)
    {
        var all = new List<HistoryEntry>();
        string token = "";
        do
        {
            var page = await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageSize = 1000, PageToken = token });
            all.AddRange(page.Entries);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return all;
    }

    [Fact]
    public async Task Sixty_four_callers_on_two_replicas_sending_the_same_2000_cases_record_each_exactly_once()
    {
        const int merchants = 16, casesPerMerchant = 125, callers = 64;
        await using var replica = await fixture.StartHostAsync();
        var clients = new[] { new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel), new PenaltyPoints.PenaltyPointsClient(replica.Channel) };
        var run = Guid.NewGuid().ToString("N")[..8];
        string Merchant(int m) => $"m-{run}-{m}";
        var answers = new ConcurrentBag<(int Merchant, int Case, RecordPenaltyResponse Response)>();

        // Each merchant's cases go out in occurrence order from 4 callers at once, split over the two replicas:
        // every case is sent 4 times concurrently, and the replicas race each other through Redis.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            int m = c % merchants;
            var client = clients[c / merchants % 2];
            for (int i = 0; i < casesPerMerchant; i++) answers.Add((m, i, await RecordWithRetries(client, Request(Merchant(m), i))));
        })));

        Assert.Equal(callers * casesPerMerchant, answers.Count);
        var byCase = answers.GroupBy(a => (a.Merchant, a.Case)).ToList();
        Assert.Equal(merchants * casesPerMerchant, byCase.Count);
        foreach (var g in byCase)
        {
            var first = Assert.Single(g, a => !a.Response.Replay).Response;
            Assert.All(g, a => Assert.Equal(first.Deduction, a.Response.Deduction));
            Assert.All(g, a => Assert.Equal(first.NewSanctions, a.Response.NewSanctions));
        }
        for (int m = 0; m < merchants; m++)
        {
            // Each escalation step used exactly once per merchant.
            var occurrences = answers.Where(a => a.Merchant == m && !a.Response.Replay).Select(a => a.Response.Deduction.Occurrence).Order();
            Assert.Equal(Enumerable.Range(1, casesPerMerchant), occurrences);
            var history = await History(clients[m % 2], Merchant(m));
            Assert.Equal(casesPerMerchant, history.Count);
            Assert.Equal(casesPerMerchant, history.Select(h => h.Violation.CaseId).Distinct().Count());
        }

        // Conflicting re-sends are refused and change nothing.
        for (int i = 0; i < 10; i++)
        {
            var conflicting = Request(Merchant(i), i * 7);
            conflicting.Violation.Code = "INVOICE";
            var e = await Assert.ThrowsAsync<RpcException>(() => clients[i % 2].RecordAsync(conflicting).ResponseAsync);
            Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
            Assert.Contains($"code '{Code}' recorded, 'INVOICE' sent", e.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Equal(casesPerMerchant, (await History(clients[0], Merchant(0))).Count);
    }

    [Fact]
    public async Task Redis_SIGKILLed_and_restarted_from_its_AOF_loses_no_acknowledged_record()
    {
        const int callers = 8, casesPerCaller = 60;
        var client = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentBag<(string Merchant, string Case)>();
        var failures = new ConcurrentBag<StatusCode>();

        var recording = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var merchant = $"k-{run}-{c}";
            for (int i = 0; i < casesPerCaller; i++)
            {
                var request = Request(merchant, i);
                await RecordWithRetries(client, request, failures);
                acknowledged.Add((merchant, request.Violation.CaseId));
            }
        })).ToList();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count < callers * casesPerCaller / 3 && !recording.Any(t => t.IsCompleted) && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.False(recording.Any(t => t.IsFaulted), "recording failed before Redis was killed");
        fixture.Redis.Kill();
        int acknowledgedAtKill = acknowledged.Count;
        await Task.Delay(700);
        await fixture.Redis.StartAsync();
        await Task.WhenAll(recording);

        // The kill came in the middle of the run. A call whose script was in flight fails UNAVAILABLE and is retried;
        // calls made while Redis was down may instead wait in the client's backlog and go through once it is back
        // (StackExchange.Redis's default backlog policy), so whether any caller saw a failure depends on timing.
        Assert.InRange(acknowledgedAtKill, 1, callers * casesPerCaller - 1);
        Assert.All(failures, f => Assert.Equal(StatusCode.Unavailable, f));
        // Read back through a fresh replica (no cache): every acknowledged record is there, once.
        await using var fresh = await fixture.StartHostAsync();
        var reader = new PenaltyPoints.PenaltyPointsClient(fresh.Channel);
        foreach (var merchant in acknowledged.Select(a => a.Merchant).Distinct())
        {
            var recorded = (await History(reader, merchant)).Select(h => h.Violation.CaseId).ToList();
            Assert.Equal(recorded.Count, recorded.Distinct().Count());
            Assert.Equal(acknowledged.Where(a => a.Merchant == merchant).Select(a => a.Case).Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_host_shut_down_during_a_recording_run_answers_or_refuses_each_call_and_loses_no_acknowledged_record()
    {
        const int callers = 16;
        var host = await fixture.StartHostAsync();
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(host.Address); // the callers' own, not closed with the host
        var client = new PenaltyPoints.PenaltyPointsClient(channel);
        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentBag<(string Merchant, string Case)>();
        var refused = new ConcurrentBag<StatusCode>();
        var recording = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var merchant = $"stop-{run}-{c}";
            for (int i = 0; i < 10_000; i++)
            {
                var request = Request(merchant, i);
                try
                {
                    await client.RecordAsync(request);
                    acknowledged.Add((merchant, request.Violation.CaseId));
                }
                catch (RpcException e)
                {
                    refused.Add(e.StatusCode);
                    return; // the host is gone: this caller stops
                }
            }
        })).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (acknowledged.Count < 300 && DateTime.UtcNow < deadline) await Task.Delay(5);

        // What Kubernetes does to a pod (SIGTERM): the host stops gracefully while calls are in flight.
        await host.DisposeAsync();
        await Task.WhenAll(recording);

        Assert.InRange(acknowledged.Count, 300, callers * 10_000 - 1);
        // A call in flight was answered, or refused as the server went away: never INTERNAL.
        Assert.All(refused, code => Assert.Contains(code, new[] { StatusCode.Unavailable, StatusCode.Cancelled }));
        await using var fresh = await fixture.StartHostAsync();
        var reader = new PenaltyPoints.PenaltyPointsClient(fresh.Channel);
        foreach (var group in acknowledged.GroupBy(a => a.Merchant))
        {
            var recorded = (await History(reader, group.Key)).Select(h => h.Violation.CaseId).ToList();
            Assert.Equal(recorded.Count, recorded.Distinct().Count());
            // Every acknowledged record is there; at most the one call in flight at the stop may have landed unacknowledged.
            Assert.Empty(group.Select(a => a.Case).Except(recorded, StringComparer.Ordinal));
            Assert.InRange(recorded.Count - group.Count(), 0, 1);
        }
    }

    [Fact]
    public async Task A_cache_past_its_bounds_evicts_and_records_replays_and_escalation_stay_exact()
    {
        // At most 5 cached entries and 2 merchants: merchants are evicted again and again during the run.
        await using var host = await fixture.StartHostAsync("--Penalties:State:HistoryCache:MaxEntries", "5", "--Penalties:State:HistoryCache:MaxMerchants", "2");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var store = StoreOf(host);
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] merchants = [.. Enumerable.Range(0, 3).Select(m => $"bound-{run}-{m}")];
        var first = new Dictionary<(string, int), RecordPenaltyResponse>();
        for (int i = 0; i < 6; i++)
        {
            foreach (var m in merchants) first[(m, i)] = await client.RecordAsync(Request(m, i));
        }

        await store.Eviction;
        var (evictions, cachedMerchants, cachedEntries) = store.CacheState;
        Assert.True(evictions >= 3, $"{evictions} merchants were evicted");
        Assert.InRange(cachedMerchants, 0, 2);
        Assert.InRange(cachedEntries, 0, 5 + 6);
        Assert.Equal(store.RecountEntries(), cachedEntries); // the running count has not drifted through the evictions
        // The same six cases for one merchant on a host with the default bounds (nothing evicted) give the reference ladder.
        var reference = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var expected = new List<string>();
        for (int i = 0; i < 6; i++) expected.Add((await reference.RecordAsync(Request($"bound-{run}-reference", i))).Deduction.Explanation);
        Assert.Equal("4th MISDESCRIBED_SEVERE: serious, 12", expected[3]);
        foreach (var m in merchants)
        {
            // Escalation is counted over the whole history, whatever the cache held at the time.
            Assert.Equal(expected, Enumerable.Range(0, 6).Select(i => first[(m, i)].Deduction.Explanation));
            Assert.All(Enumerable.Range(0, 6), i => Assert.False(first[(m, i)].Replay));
            for (int i = 0; i < 6; i++)
            {
                var again = await client.RecordAsync(Request(m, i));
                Assert.True(again.Replay);
                Assert.Equal(first[(m, i)].Deduction, again.Deduction);
            }
            Assert.Equal(Enumerable.Range(0, 6).Select(i => $"c{i:D4}"), (await History(client, m)).Select(h => h.Violation.CaseId));
        }
    }

    [Fact]
    public async Task Concurrent_callers_on_a_cache_evicting_in_the_background_record_each_case_once_with_exact_escalation_and_counts()
    {
        // 40 merchants against bounds of 5 merchants and 20 entries: evictions start again and again while 32 callers record.
        await using var host = await fixture.StartHostAsync("--Penalties:State:HistoryCache:MaxMerchants", "5", "--Penalties:State:HistoryCache:MaxEntries", "20");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var store = StoreOf(host);
        var run = Guid.NewGuid().ToString("N")[..8];
        var work = (from i in Enumerable.Range(0, 5) from m in Enumerable.Range(0, 40) select (Merchant: $"evicting-{run}-{m}", Case: i)).ToList();
        var answers = new ConcurrentDictionary<(string, int), RecordPenaltyResponse>();
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            // Each merchant's cases in order (case i only after case i - 1 was answered), merchants interleaved.
            for (int k = Interlocked.Increment(ref next); k < work.Count; k = Interlocked.Increment(ref next))
            {
                var (merchant, i) = work[k];
                var giveUp = DateTime.UtcNow.AddSeconds(60); // a caller that failed fails the test, not hangs it
                while (i > 0 && !answers.ContainsKey((merchant, i - 1)))
                {
                    Assert.True(DateTime.UtcNow < giveUp, $"case {i - 1} of {merchant} was never answered");
                    await Task.Delay(1);
                }
                answers[(merchant, i)] = await RecordWithRetries(client, Request(merchant, i));
                Assert.True((await RecordWithRetries(client, Request(merchant, i))).Replay); // and its retry
            }
        })));

        await store.Eviction;
        var (evictions, merchants, entries) = store.CacheState;
        Assert.True(evictions > 0, "nothing was evicted");
        Assert.Equal(store.RecountEntries(), entries); // the running count is exact through the evictions
        string[] nth = ["1st", "2nd", "3rd", "4th", "5th"];
        foreach (var m in Enumerable.Range(0, 40).Select(m => $"evicting-{run}-{m}"))
        {
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"c{i:D4}"), (await History(client, m)).Select(h => h.Violation.CaseId));
            for (int i = 0; i < 5; i++)
            {
                Assert.False(answers[(m, i)].Replay);
                Assert.StartsWith(nth[i] + " ", answers[(m, i)].Deduction.Explanation, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_merchant_whose_history_alone_passes_MaxEntries_stays_cached_alone_and_drops_nothing_on_each_call()
    {
        await using var host = await fixture.StartHostAsync("--Penalties:State:HistoryCache:MaxEntries", "2");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var store = StoreOf(host);
        var merchant = "alone-" + Guid.NewGuid().ToString("N")[..12];
        for (int i = 0; i < 6; i++) Assert.False((await client.RecordAsync(Request(merchant, i))).Replay);
        Assert.Equal(6, (await History(client, merchant)).Count);
        await store.Eviction;
        Assert.Equal((0L, 1, 6L), store.CacheState);
        // The next merchant added evicts it: the cache never holds more than MaxEntries plus one merchant's log.
        await client.RecordAsync(Request(merchant + "-next", 0));
        await store.Eviction;
        Assert.Equal((1L, 1, 1L), store.CacheState);
    }

    [Fact]
    public async Task A_full_cache_evicts_the_least_recently_used_merchant_and_keeps_the_others()
    {
        await using var host = await fixture.StartHostAsync("--Penalties:State:HistoryCache:MaxMerchants", "10");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var store = StoreOf(host);
        using var metrics = new HostMetrics(host);
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] merchants = [.. Enumerable.Range(0, 12).Select(m => $"lru-{run}-{m}")];
        for (int m = 0; m < 10; m++) await client.RecordAsync(Request(merchants[m], 0));
        // A replay, answered from the cache, is a use too: merchant 0 is now the most recently used; merchant 1 the least.
        Assert.True((await client.RecordAsync(Request(merchants[0], 0))).Replay);
        await store.Eviction;
        Assert.Equal((0L, 10, 10L), store.CacheState);
        // Operators see the same: ten histories read whole, none evicted, ten merchants and entries held.
        Assert.Equal((10L, 0L, 10L, 10L), metrics.HistoryCache());

        // The eleventh merchant takes the cache past MaxMerchants: the two least recently used, merchants 1 and 2, are
        // evicted in the background, down to 90% of the bound.
        await client.RecordAsync(Request(merchants[10], 0));
        await store.Eviction;
        Assert.Equal((2L, 9, 9L), store.CacheState);
        Assert.False(store.IsCached(merchants[1]));
        Assert.False(store.IsCached(merchants[2]));
        Assert.All(merchants.Take(11).Where((_, m) => m is not (1 or 2)), id => Assert.True(store.IsCached(id), id));

        // An evicted merchant is read whole again: its escalation counts the entry recorded before the eviction.
        var second = await client.RecordAsync(Request(merchants[1], 1));
        Assert.False(second.Replay);
        Assert.StartsWith("2nd ", second.Deduction.Explanation);
        Assert.Equal(["c0000", "c0001"], (await History(client, merchants[1])).Select(h => h.Violation.CaseId));
        // Back to the bound, not past it: nothing more evicted, and the count of entries stays exact.
        await store.Eviction;
        Assert.Equal((2L, 10, 11L), store.CacheState);
        Assert.Equal(11L, store.RecountEntries());
        Assert.Equal((12L, 2L, 10L, 11L), metrics.HistoryCache()); // merchant 1 read whole a second time
    }

    [Fact]
    public void Cache_bounds_come_from_configuration_and_must_be_positive()
    {
        static Penalties.Grpc.State.HistoryCacheOptions Of(params (string Key, string Value)[] values) =>
            Penalties.Grpc.State.HistoryCacheOptions.From(new ConfigurationBuilder()
                .AddInMemoryCollection(values.Select(v => KeyValuePair.Create("Penalties:State:HistoryCache:" + v.Key, (string?)v.Value))).Build());

        Assert.Equal(new Penalties.Grpc.State.HistoryCacheOptions(100_000, 1_000_000), Of());
        Assert.Equal(new Penalties.Grpc.State.HistoryCacheOptions(7, 1_000_000), Of(("MaxMerchants", "7")));
        Assert.Contains("at least 1", Assert.Throws<InvalidOperationException>(() => Of(("MaxEntries", "0"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_survives_a_host_restart_and_a_replay_returns_the_original_answer()
    {
        var merchant = "r-" + Guid.NewGuid().ToString("N")[..12];
        var answers = new List<RecordPenaltyResponse>();
        await using (var host = await fixture.StartHostAsync())
        {
            var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
            for (int i = 0; i < 4; i++) answers.Add(await client.RecordAsync(Request(merchant, i)));
            Assert.False((await client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c0001", Reason = "appeal" })).Replay);
        }
        await using var restarted = await fixture.StartHostAsync();
        var after = new PenaltyPoints.PenaltyPointsClient(restarted.Channel);
        for (int i = 0; i < 4; i++)
        {
            var replay = await after.RecordAsync(Request(merchant, i));
            Assert.True(replay.Replay);
            Assert.Equal(answers[i].Deduction, replay.Deduction);
        }
        Assert.Equal("4th MISDESCRIBED_SEVERE: serious, 12", answers[3].Deduction.Explanation);
        Assert.True((await after.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c0001" })).Replay);
        var history = await History(after, merchant);
        Assert.Equal(5, history.Count);
        Assert.True(history[4].Revocation);
        var standing = (await after.GetStandingAsync(new GetStandingRequest { MerchantId = merchant, RuleSetId = Tmall, AsOf = At("2024-12-01 00:00") })).Standing;
        Assert.Equal(3, standing.Deductions.Count);
    }

    [Fact]
    public async Task A_replay_is_answered_from_what_the_replica_holds_while_Redis_is_down_and_a_new_record_is_UNAVAILABLE()
    {
        await using var replica = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(replica.Channel);
        const string merchant = "replay-while-down";
        var first = await RecordWithRetries(client, Request(merchant, 1));
        Assert.False(first.Replay);
        fixture.Redis.Kill();
        try
        {
            var replay = await client.RecordAsync(Request(merchant, 1));
            Assert.True(replay.Replay);
            Assert.Equal(first.Deduction, replay.Deduction);
            var conflict = Request(merchant, 1);
            conflict.Violation.Code = "MISDESCRIBED_MINOR";
            Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<RpcException>(() => client.RecordAsync(conflict).ResponseAsync)).StatusCode);
            var fresh = await Assert.ThrowsAsync<RpcException>(() => client.RecordAsync(Request(merchant, 2), deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
            Assert.Equal("NOT_APPLIED", Outcome(fresh)); // never sent: nothing was changed
            Assert.Contains("nothing was changed", fresh.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Redis.StartAsync();
        }
        Assert.False((await RecordWithRetries(client, Request(merchant, 2))).Replay);
        Assert.Equal(["c0001", "c0002"], (await History(client, merchant)).Select(e => e.Violation.CaseId));
    }

    /// <summary>The ErrorInfo of a store outage: reason STORE_UNAVAILABLE and whether the write may have been recorded.</summary>
    private static string Outcome(RpcException e)
    {
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        var info = e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("STORE_UNAVAILABLE", info.Reason);
        return info.Metadata["outcome"];
    }

    /// <summary>
    /// Records the merchant's case 0, then sends case 1 with a fault in place (<paramref name="fault"/>, undone by
    /// <paramref name="repair"/> whatever happens; <paramref name="whilePending"/>, if given, runs while the call is
    /// unanswered) and returns the error case 1 got.
    /// </summary>
    private static async Task<RpcException> SecondRecordFails(PenaltyPoints.PenaltyPointsClient client, string merchant,
        Func<Task> fault, Func<Task> repair, Func<Task>? whilePending = null)
    {
        Assert.False((await RecordWithRetries(client, Request(merchant, 0))).Replay);
        await fault();
        try
        {
            var call = client.RecordAsync(Request(merchant, 1)).ResponseAsync;
            if (whilePending is not null) await whilePending();
            return await Assert.ThrowsAsync<RpcException>(() => call);
        }
        finally
        {
            await repair();
        }
    }

    /// <summary>Case 1 sent again: its replay when the failed call had landed, else recorded now; either way the merchant's 2nd, once.</summary>
    private static async Task RetryRecordsSecondOnce(PenaltyPoints.PenaltyPointsClient client, string merchant, bool landed)
    {
        var retry = await RecordWithRetries(client, Request(merchant, 1));
        Assert.Equal(landed, retry.Replay);
        Assert.Equal("2nd MISDESCRIBED_SEVERE: general, 12", retry.Deduction.Explanation);
        Assert.Equal(["c0000", "c0001"], (await History(client, merchant)).Select(h => h.Violation.CaseId));
    }

    [Fact]
    public async Task A_record_Redis_holds_past_the_timeout_is_UNAVAILABLE_with_outcome_UNKNOWN_and_its_retry_is_the_replay_of_what_landed()
    {
        await using var host = await fixture.StartHostAsync("--Penalties:Redis:Configuration", fixture.Redis.Configuration + ",asyncTimeout=300");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var merchant = "held-" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = await fixture.Redis.ConnectAsync();
        var server = admin.GetServer(System.Net.IPAddress.Loopback, fixture.Redis.Port);
        // Redis holds every write (scripts included) for 5 s: the append script is sent, and not answered in time.
        var e = await SecondRecordFails(client, merchant,
            () => server.ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE"), () => server.ExecuteAsync("CLIENT", "UNPAUSE"));
        Assert.Equal("UNKNOWN", Outcome(e));
        Assert.Contains("may have been recorded", e.Status.Detail, StringComparison.Ordinal);
        // Redis ran the held script once unpaused: the record landed, and the retry answers it as a replay.
        await RetryRecordsSecondOnce(client, merchant, landed: true);
    }

    [Fact]
    public async Task A_read_Redis_holds_past_the_timeout_is_UNAVAILABLE_with_outcome_NOT_APPLIED_a_read_changes_nothing()
    {
        await using var host = await fixture.StartHostAsync("--Penalties:Redis:Configuration", fixture.Redis.Configuration + ",asyncTimeout=300");
        await using var admin = await fixture.Redis.ConnectAsync();
        var server = admin.GetServer(System.Net.IPAddress.Loopback, fixture.Redis.Port);
        await server.ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL"); // every command held, reads too: sent, not answered in time
        RpcException e;
        try
        {
            e = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(host.Channel)
                .ListHistoryAsync(new ListHistoryRequest { MerchantId = "read-" + Guid.NewGuid().ToString("N")[..12] }).ResponseAsync);
        }
        finally
        {
            await server.ExecuteAsync("CLIENT", "UNPAUSE");
        }
        Assert.Equal("NOT_APPLIED", Outcome(e));
        Assert.Contains("nothing was changed", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_Redis_refuses_for_memory_is_UNAVAILABLE_not_INTERNAL_and_goes_through_once_memory_is_back()
    {
        var client = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var merchant = "oom-" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = await fixture.Redis.ConnectAsync();
        var server = admin.GetServer(System.Net.IPAddress.Loopback, fixture.Redis.Port);
        // maxmemory below what Redis already uses: every write is refused.
        var e = await SecondRecordFails(client, merchant, () => server.ConfigSetAsync("maxmemory", "1"), () => server.ConfigSetAsync("maxmemory", "0"));
        Assert.Equal("NOT_APPLIED", Outcome(e)); // the append script is refused whole, before any write
        Assert.Contains("the store (Redis) refused the request (OOM", e.Status.Detail, StringComparison.Ordinal);
        await RetryRecordsSecondOnce(client, merchant, landed: false);
    }

    [Fact]
    public async Task A_record_sent_to_a_Redis_that_dies_before_running_it_is_UNAVAILABLE_with_outcome_UNKNOWN_and_its_retry_records_it_once()
    {
        await using var host = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var merchant = "died-" + Guid.NewGuid().ToString("N")[..12];
        // Frozen, the connection stays up: the append script is sent and waits in its socket; then Redis dies without running it.
        var e = await SecondRecordFails(client, merchant,
            fault: () => { fixture.Redis.Freeze(); return Task.CompletedTask; },
            repair: () => { fixture.Redis.Kill(); return fixture.Redis.StartAsync(); },
            whilePending: async () =>
            {
                // Killed once the host's Redis client has the script sent and awaiting its answer (not on a timer).
                var redis = host.App.Services.GetRequiredService<Penalties.Grpc.Redis.RedisConnection>().Multiplexer;
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (redis.GetCounters().Interactive.SentItemsAwaitingResponse == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the append script was never sent");
                    await Task.Delay(10);
                }
                fixture.Redis.Kill();
            });
        Assert.Equal("UNKNOWN", Outcome(e));
        await RetryRecordsSecondOnce(client, merchant, landed: false);
    }

    [Fact]
    public async Task A_merchant_whose_stored_history_is_damaged_gets_DATA_LOSS_and_the_records_written_with_it_are_unaffected()
    {
        await using var replica = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(replica.Channel);
        var run = Guid.NewGuid().ToString("N")[..8];
        var damaged = $"damaged-{run}";
        await using var admin = await fixture.Redis.ConnectAsync();
        // Its record in the middle of 100 others sent at once: appends are written together.
        var e = await DamagedHistory.RecordAmongOthersAsync(client, admin.GetDatabase(), damaged,
            [.. Enumerable.Range(0, 100).Select(i => $"beside-{run}-{i}")], Request);
        Assert.Contains($"merchant '{damaged}'", e.Status.Detail, StringComparison.Ordinal);
        // A host that has not cached the merchant reads its history: DATA_LOSS as well, not INTERNAL.
        await using var fresh = await fixture.StartHostAsync();
        var read = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(fresh.Channel).ListHistoryAsync(new ListHistoryRequest { MerchantId = damaged }).ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, read.StatusCode);
    }

    [Fact]
    public async Task A_history_entry_the_service_did_not_write_is_DATA_LOSS_naming_it_and_the_log_is_left_as_it_is()
    {
        await using var replica = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(replica.Channel);
        var merchant = $"garbled-{Guid.NewGuid():N}";
        Assert.False((await client.RecordAsync(Request(merchant, 0))).Replay);
        await using var admin = await fixture.Redis.ConnectAsync();
        var log = $"penalties:history:{{{merchant}}}:log";
        await admin.GetDatabase().ListRightPushAsync(log, "pushed by hand");

        // The host that holds the log reads the entry past it (its append finds the log longer); a fresh host reads it all.
        await using var fresh = await fixture.StartHostAsync();
        foreach (var host in new[] { replica, fresh })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(host.Channel).RecordAsync(Request(merchant, 1)).ResponseAsync);
            Assert.Equal(StatusCode.DataLoss, e.StatusCode);
            Assert.Contains($"entry 1 of {log} is damaged", e.Status.Detail, StringComparison.Ordinal);
        }
        var read = await Assert.ThrowsAsync<RpcException>(() => new PenaltyPoints.PenaltyPointsClient(fresh.Channel).ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant }).ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, read.StatusCode);
        Assert.Equal(2, await admin.GetDatabase().ListLengthAsync(log)); // nothing appended after it
    }

    [Fact]
    public async Task A_host_that_does_not_hold_the_merchant_answers_a_retry_from_its_one_entry_without_reading_the_whole_history()
    {
        var merchant = $"cold-{Guid.NewGuid():N}";
        var answers = new List<RecordPenaltyResponse>();
        await using (var first = await fixture.StartHostAsync())
        {
            var writer = new PenaltyPoints.PenaltyPointsClient(first.Channel);
            for (int i = 0; i < 5; i++) answers.Add(await writer.RecordAsync(Request(merchant, i)));
        }
        await using var fresh = await fixture.StartHostAsync(); // as after a restart: it holds nothing
        var client = new PenaltyPoints.PenaltyPointsClient(fresh.Channel);
        var store = StoreOf(fresh);
        await using var admin = await fixture.Redis.ConnectAsync();
        async Task<long> WholeReads() => (await fixture.Redis.CommandStatsAsync(admin)).GetValueOrDefault("lrange");
        long before = await WholeReads();

        var replay = await client.RecordAsync(Request(merchant, 2));
        var expected = answers[2].Clone();
        expected.Replay = true;
        Assert.Equal(expected, replay); // the first answer, exactly, marked replay
        var changed = Request(merchant, 3);
        changed.Violation.Code = "INVOICE";
        var conflict = await Assert.ThrowsAsync<RpcException>(() => client.RecordAsync(changed).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
        Assert.Contains("violation.code", conflict.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await WholeReads());
        Assert.False(store.IsCached(merchant));

        // A new case is decided on the whole history, read now: it is the 6th.
        var sixth = await client.RecordAsync(Request(merchant, 5));
        Assert.False(sixth.Replay);
        Assert.StartsWith("6th ", sixth.Deduction.Explanation, StringComparison.Ordinal);
        Assert.True(store.IsCached(merchant));
        Assert.Equal(6, (await History(client, merchant)).Count);

        // An index naming an entry the log does not have, or another case's, or no position, is damage, not "not recorded".
        var index = $"penalties:history:{{{merchant}}}:index";
        await admin.GetDatabase().HashSetAsync(index, [new("case:c0042", 99), new("case:c0043", 0), new("case:c0044", -1), new("case:c0045", "x"), new("case:c0046", "1e20"), new("case:c0047", "0x1")]);
        await using var another = await fixture.StartHostAsync();
        var cold = new PenaltyPoints.PenaltyPointsClient(another.Channel);
        foreach (var (i, says) in new[] { (42, $"entry 99 of penalties:history:{{{merchant}}}:log is damaged"), (43, "entry 0 of"), (44, "names no position"), (45, "names no position"), (46, "names no position"), (47, "names no position") })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => cold.RecordAsync(Request(merchant, i)).ResponseAsync);
            Assert.Equal(StatusCode.DataLoss, e.StatusCode);
            Assert.Contains(says, e.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Equal(6, await admin.GetDatabase().ListLengthAsync($"penalties:history:{{{merchant}}}:log")); // nothing written
    }

    [Fact]
    public async Task Concurrent_records_of_different_merchants_are_written_together_each_acknowledged_and_kept()
    {
        await using var replica = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(replica.Channel);
        await RecordWithRetries(client, Request("group-commit-warm", 1)); // the script is loaded, the connection up
        await using var admin = await fixture.Redis.ConnectAsync();
        var before = await fixture.Redis.CommandStatsAsync(admin);
        const int merchants = 200;
        var answers = await Task.WhenAll(Enumerable.Range(0, merchants).Select(m => RecordWithRetries(client, Request($"group-commit-{m}", 1))));
        var after = await fixture.Redis.CommandStatsAsync(admin);

        Assert.All(answers, a => Assert.False(a.Replay));
        long scripts = new[] { "evalsha", "eval" }.Sum(c => after.GetValueOrDefault(c) - before.GetValueOrDefault(c));
        // Each new merchant's record first looks its case up (a script running one HGET); the rest are appends.
        long lookups = after.GetValueOrDefault("hget") - before.GetValueOrDefault("hget");
        Assert.InRange(lookups, merchants, 2 * merchants); // once each, or again on a retry
        Assert.InRange(scripts - lookups, 1, merchants - 1); // fewer append script calls than records: appends were batched
        foreach (var m in Enumerable.Range(0, merchants))
            Assert.Equal("c0001", Assert.Single(await History(client, $"group-commit-{m}")).Violation.CaseId);
    }
}

/// <summary>The measurements of one host's own "Penalties" meter (other tests run hosts in parallel).</summary>
internal sealed class HostMetrics : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly ConcurrentDictionary<string, long> _observed = new();

    public HostMetrics(ServiceHost host)
    {
        var factory = host.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Penalties.ServiceDefaults.PenaltiesMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.IsObservable) _observed[instrument.Name] = value;
            else _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>What a counter has counted since this listener started.</summary>
    public long Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    /// <summary>The history cache's instruments now: (loads, evictions, merchants held, entries held).</summary>
    public (long Loads, long Evictions, long Merchants, long Entries) HistoryCache()
    {
        _listener.RecordObservableInstruments();
        return (_sums.GetValueOrDefault("penalties.history_cache.loads"), _sums.GetValueOrDefault("penalties.history_cache.evictions"),
            _observed.GetValueOrDefault("penalties.history_cache.merchants", -1), _observed.GetValueOrDefault("penalties.history_cache.entries", -1));
    }

    public void Dispose() => _listener.Dispose();
}
