using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

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
    public async Task Three_hundred_concurrent_records_of_distinct_cases_on_one_merchant_all_succeed_at_the_first_call()
    {
        const int cases = 300;
        var client = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var merchant = $"hot-{Guid.NewGuid().ToString("N")[..8]}";
        // Sent at once, each once: a lost race must be retried by the store, not answered ABORTED.
        var answers = await Task.WhenAll(Enumerable.Range(0, cases).Select(i => Task.Run(async () =>
        {
            try
            {
                await client.RecordAsync(Request(merchant, i), deadline: DateTime.UtcNow.AddSeconds(60));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        })));

        Assert.Equal(Enumerable.Repeat(StatusCode.OK, cases), answers);
        Assert.Equal(Enumerable.Range(0, cases).Select(i => $"c{i:D4}").Order(), (await History(client, merchant)).Select(e => e.Violation.CaseId).Order());
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
        // Read back through a fresh replica: every acknowledged record is there, once.
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
        Assert.True((await after.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c0001", Reason = "appeal" })).Replay);
        var history = await History(after, merchant);
        Assert.Equal(5, history.Count);
        Assert.True(history[4].Revocation);
        var standing = (await after.GetStandingAsync(new GetStandingRequest { MerchantId = merchant, RuleSetId = Tmall, AsOf = At("2024-12-01 00:00") })).Standing;
        Assert.Equal(3, standing.Deductions.Count);
    }

    [Fact]
    public async Task While_Redis_is_down_a_record_is_UNAVAILABLE_with_nothing_changed_and_goes_through_once_it_is_back()
    {
        await using var replica = await fixture.StartHostAsync();
        var client = new PenaltyPoints.PenaltyPointsClient(replica.Channel);
        var merchant = $"while-down-{Guid.NewGuid():N}";
        var first = await RecordWithRetries(client, Request(merchant, 1));
        Assert.False(first.Replay);
        fixture.Redis.Kill();
        try
        {
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
        await using var admin = await fixture.Redis.ConnectAsync();
        var server = admin.GetServer(System.Net.IPAddress.Loopback, fixture.Redis.Port);
        // Writes held (reads answered): the append script is sent and waits; then Redis dies without running it.
        var e = await SecondRecordFails(client, merchant,
            fault: () => server.ExecuteAsync("CLIENT", "PAUSE", "30000", "WRITE"),
            repair: () => { fixture.Redis.Kill(); return fixture.Redis.StartAsync(); },
            whilePending: async () =>
            {
                // Killed once the host's Redis client has the script sent and awaiting its answer (the read before it is answered at once).
                var redis = host.App.Services.GetRequiredService<Penalties.Redis.RedisConnection>().Multiplexer;
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (redis.GetCounters().Interactive.SentItemsAwaitingResponse == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the append script was never sent");
                    await Task.Delay(10);
                }
                await Task.Delay(300);
                Assert.True(redis.GetCounters().Interactive.SentItemsAwaitingResponse > 0, "the append script was answered while writes were held");
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
        // Its record in the middle of 100 others sent at once: the others are unaffected.
        var e = await DamagedHistory.RecordAmongOthersAsync(client, admin.GetDatabase(), damaged,
            [.. Enumerable.Range(0, 100).Select(i => $"beside-{run}-{i}")], Request);
        Assert.Contains($"merchant '{damaged}'", e.Status.Detail, StringComparison.Ordinal);
        // Another host reads its history: DATA_LOSS as well, not INTERNAL.
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
}

/// <summary>The measurements of one host's own "Penalties" meter (other tests run hosts in parallel).</summary>
internal sealed class HostMetrics : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();

    public HostMetrics(ServiceHost host)
    {
        var factory = host.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Penalties.Grpc.PenaltiesMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>What a counter has counted since this listener started.</summary>
    public long Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();
}
