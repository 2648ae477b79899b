using Microsoft.Extensions.DependencyInjection;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.State;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// The decision ledger of LateShipment and PriceMatch: Record (replay, conflict saying what differs, all lines
/// at once, never overwritten) and ListRecorded (by merchant and event time, paged). The same tests run against
/// the embedded default (memory) and Redis: the semantics are the same.
/// </summary>
public abstract class DecisionLedgerTests
{
    protected abstract ServiceHost Host { get; }

    private LateShipment.LateShipmentClient LateShipment => new(Host.Channel);
    private PriceMatch.PriceMatchClient PriceMatch => new(Host.Channel);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static LateShipmentCase TwoLines(string order, string paidAt = "2024-03-01 10:00", params string[] lines)
    {
        var c = TmallLate();
        c.OrderId = order;
        c.PaidAt = At(paidAt);
        c.Lines.Clear();
        // Shipped late (a line cannot ship before the order is paid): 95.5 h after the payment.
        var shippedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(c.PaidAt.ToDateTimeOffset().AddHours(95.5));
        foreach (var id in lines.Length == 0 ? ["1", "2"] : lines)
            c.Lines.Add(new OrderLine { LineId = id, Amount = Cny(1500m), Quantity = 1, ShippedAt = shippedAt });
        return c;
    }

    /// <summary>Every page of a listing of page size <paramref name="size"/>, checked to hold at most that many.</summary>
    private static async Task<List<RecordedLateShipment>> AllPages(int size, Func<string, Task<ListRecordedLateShipmentsResponse>> page)
    {
        var all = new List<RecordedLateShipment>();
        string token = "";
        do
        {
            var p = await page(token);
            Assert.True(p.Records.Count <= size);
            all.AddRange(p.Records);
            token = p.NextPageToken;
        } while (token.Length > 0);
        return all;
    }

    private Task<List<RecordedLateShipment>> ListAll(string merchant, Google.Protobuf.WellKnownTypes.Timestamp? from = null, Google.Protobuf.WellKnownTypes.Timestamp? to = null) =>
        AllPages(2, token => LateShipment.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant, From = from, To = to, PageSize = 2, PageToken = token }).ResponseAsync);

    [Fact]
    public async Task Recording_the_same_request_again_returns_the_original_decision_as_a_replay()
    {
        var merchant = NewId("m-");
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(NewId("T-")) };
        var first = await LateShipment.RecordAsync(request);
        var again = await LateShipment.RecordAsync(request);
        Assert.False(first.Replay);
        Assert.True(again.Replay);
        Assert.Equal(first.Decision, again.Decision);
        Assert.Equal(first.RecordedAt, again.RecordedAt);
        Assert.Equal(900.00m, Value(first.Decision.BuyerPayout));
        var recorded = Assert.Single(await ListAll(merchant));
        Assert.Equal(first.Decision, recorded.Decision);
        Assert.Equal(request.Case, recorded.Case);
        Assert.Equal(first.Decision.Rule, recorded.Rule);
        Assert.Equal(first.RecordedAt, recorded.RecordedAt);
        Assert.Equal(request.Case.PaidAt, recorded.EventAt);
    }

    [Fact]
    public async Task Other_content_under_a_recorded_key_is_ALREADY_EXISTS_saying_what_differs_and_changes_nothing()
    {
        var merchant = NewId("m-");
        var c = TwoLines(NewId("T-"));
        var first = await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = c });
        var changed = c.Clone();
        changed.Lines[1].Amount = Cny(1600m);
        changed.BuyerAbuse = true;
        var e = await Assert.ThrowsAsync<RpcException>(() => LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = changed }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("case.lines[1].amount 1500.00 CNY recorded, 1600.00 CNY sent", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("case.buyer_abuse false recorded, true sent", e.Status.Detail, StringComparison.Ordinal);
        // The same order for another merchant is refused too: an order belongs to one merchant.
        var other = await Assert.ThrowsAsync<RpcException>(() => LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = NewId("m-"), Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, other.StatusCode);
        Assert.Contains($"recorded for merchant '{merchant}'", other.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(first.Decision, Assert.Single(await ListAll(merchant)).Decision);
    }

    [Fact]
    public async Task All_lines_of_a_request_are_recorded_together_or_not_at_all()
    {
        var merchant = NewId("m-");
        var order = NewId("T-");
        await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, lines: ["1", "2"]) });
        // Line 2 is recorded already: nothing of this request is written, not even line 3.
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, lines: ["2", "3"]) }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("case.lines[0].line_id '1' recorded, '2' sent", e.Status.Detail, StringComparison.Ordinal);
        Assert.Single(await ListAll(merchant));
        // Line 3 on its own is a new record.
        var third = await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, lines: ["3"]) });
        Assert.False(third.Replay);
        Assert.Equal(2, (await ListAll(merchant)).Count);
    }

    private Task<List<RecordedLateShipment>> ExportAll(Google.Protobuf.WellKnownTypes.Timestamp from, Google.Protobuf.WellKnownTypes.Timestamp to, int shard, int shards) =>
        AllPages(4, token => LateShipment.ExportRecordedAsync(new ExportRecordedRequest { From = from, To = to, ShardIndex = shard, ShardCount = shards, PageSize = 4, PageToken = token }).ResponseAsync);

    [Fact]
    public async Task ExportRecorded_gives_every_merchants_records_of_a_period_once_whatever_the_shards_and_pages()
    {
        // 40 orders of 15 merchants over three days of July 2025 (no other test records there), and one just after.
        string run = NewId("");
        var expected = new List<(string Merchant, string Order)>();
        for (int i = 0; i <= 40; i++)
        {
            var merchant = $"export-{i % 15}-{run}";
            var order = NewId("E-");
            var c = TwoLines(order, $"2025-07-0{1 + i % 3} {i % 24:D2}:{i % 60:D2}");
            if (i == 40) c.PaidAt = At("2025-07-04 00:00");
            c.EvaluatedAt = At("2025-07-20 00:00");
            await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = c });
            if (i < 40) expected.Add((merchant, order));
        }
        expected.Sort();

        var (from, to) = (At("2025-07-01 00:00"), At("2025-07-04 00:00"));
        var whole = await ExportAll(from, to, 0, 1);
        Assert.Equal(expected, whole.Select(r => (r.MerchantId, r.Case.OrderId)).Order());
        var shards = new List<List<RecordedLateShipment>>();
        for (int shard = 0; shard < 3; shard++) shards.Add(await ExportAll(from, to, shard, 3));
        Assert.Equal(expected, shards.SelectMany(s => s).Select(r => (r.MerchantId, r.Case.OrderId)).Order());
        // Whole merchants per shard: no merchant in two of them.
        Assert.Equal(15, shards.Sum(s => s.Select(r => r.MerchantId).Distinct().Count()));

        var bad = await Assert.ThrowsAsync<RpcException>(() => LateShipment.ExportRecordedAsync(new ExportRecordedRequest
        {
            From = At("2025-07-05 00:00"), To = At("2025-07-01 00:00"), ShardIndex = 3, ShardCount = 3, PageSize = 5000, PageToken = "nonsense",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["to", "shard_index", "page_size", "page_token"], bad.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        var unbounded = await Assert.ThrowsAsync<RpcException>(() => LateShipment.ExportRecordedAsync(new ExportRecordedRequest
        {
            From = At("2024-01-01 00:00"), To = At("2025-07-01 00:00"), ShardCount = 65,
        }).ResponseAsync);
        Assert.Equal(["to", "shard_count"], unbounded.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        var missing = await Assert.ThrowsAsync<RpcException>(() => LateShipment.ExportRecordedAsync(new ExportRecordedRequest()).ResponseAsync);
        Assert.Equal(["from", "to"], missing.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    /// <summary>How many stored entries the ledger has read so far, where the store can tell; null when it cannot.</summary>
    protected virtual Task<long?> EntryReadsAsync() => Task.FromResult<long?>(null);

    [Fact]
    public async Task An_export_far_over_the_byte_cap_gives_every_entry_once_reading_at_most_a_chunk_past_each_page()
    {
        // A ledger of its own, so nothing else is exported; entries of one merchant in one hour, two to a page by size.
        var ledger = Host.App.Services.GetRequiredService<IDecisionLedger>();
        string kind = NewId("cap-"), merchant = NewId("m-");
        var hour = new DateTimeOffset(2025, 9, 1, 10, 0, 0, TimeSpan.Zero);
        const int count = 60, size = 1_000, maxBytes = 2_500, chunk = 16;
        var ids = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var at = hour.AddSeconds(i);
            var id = LedgerEntry.IdFor(at, $"k{i:D3}");
            ids.Add(id);
            await ledger.RecordAsync(kind, merchant, NewId("o-"), [$"k{i:D3}"],
                () => new LedgerEntry(merchant, id, [$"k{i:D3}"], at, at, new byte[size / 2], new byte[size / 2]), CancellationToken.None);
        }

        var exported = new List<string>();
        LedgerExport.Cursor? after = null;
        do
        {
            var before = await EntryReadsAsync();
            var page = await ledger.ExportAsync(kind, hour, hour.AddHours(1), 0, 1, after, 1_000, maxBytes, CancellationToken.None);
            var read = await EntryReadsAsync() - before;
            Assert.True(page.Entries.Count is >= 1 and <= 2, $"a page of {page.Entries.Count} entries");
            Assert.True(read is null || read <= page.Entries.Count + chunk, $"{read} entries read for a page of {page.Entries.Count}");
            exported.AddRange(page.Entries.Select(e => e.Id));
            after = page.NextAfter is null ? null : LedgerExport.Cursor.Parse(page.NextAfter);
        } while (after is not null);
        Assert.Equal(ids, exported);
    }

    /// <summary>The single violation of an INVALID_ARGUMENT, which must name page_token as issued for another request.</summary>
    private static async Task RefusedAsIssuedForAnotherRequest(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("page_token", violation.Field);
        Assert.Contains("was issued for another request", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_token_goes_on_only_with_the_merchant_period_and_shard_it_was_returned_for()
    {
        // Two records of one merchant, and two in shard 1 of 2, in October 2025 (no other test records there).
        static LateShipmentCase October(string paidAt)
        {
            var c = TwoLines(NewId("T-"), paidAt);
            c.EvaluatedAt = At("2025-10-20 00:00");
            return c;
        }
        var merchant = NewId("m-");
        foreach (var day in new[] { 1, 2 })
            await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = October($"2025-10-0{day} 10:00") });
        for (int inShardOne = LedgerExport.InShard(LedgerExport.Bucket(merchant), 1, 2) ? 2 : 0; inShardOne < 2;)
        {
            var other = NewId("m-");
            await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = other, Case = October("2025-10-01 12:00") });
            if (LedgerExport.InShard(LedgerExport.Bucket(other), 1, 2)) inShardOne++;
        }

        ListRecordedLateShipmentsRequest List(string m, string day = "2025-10-03 00:00") =>
            new() { MerchantId = m, From = At("2025-10-01 00:00"), To = At(day), PageSize = 1 };
        var listed = await LateShipment.ListRecordedAsync(List(merchant));
        Assert.NotEmpty(listed.NextPageToken);
        foreach (var other in new[] { List(NewId("m-")), List(merchant, "2025-10-04 00:00") })
        {
            other.PageToken = listed.NextPageToken;
            await RefusedAsIssuedForAnotherRequest(() => LateShipment.ListRecordedAsync(other).ResponseAsync);
        }
        var same = List(merchant);
        same.PageToken = listed.NextPageToken;
        Assert.Single((await LateShipment.ListRecordedAsync(same)).Records);

        ExportRecordedRequest Export(int shard, string day = "2025-10-03 00:00") =>
            new() { From = At("2025-10-01 00:00"), To = At(day), ShardIndex = shard, ShardCount = 2, PageSize = 1 };
        var exported = await LateShipment.ExportRecordedAsync(Export(1));
        Assert.NotEmpty(exported.NextPageToken);
        foreach (var other in new[] { Export(0), Export(1, "2025-10-04 00:00") })
        {
            other.PageToken = exported.NextPageToken;
            await RefusedAsIssuedForAnotherRequest(() => LateShipment.ExportRecordedAsync(other).ResponseAsync);
        }
        // A ListRecorded token is no export cursor either.
        var list = Export(1);
        list.PageToken = listed.NextPageToken;
        await RefusedAsIssuedForAnotherRequest(() => LateShipment.ExportRecordedAsync(list).ResponseAsync);
        var next = Export(1);
        next.PageToken = exported.NextPageToken;
        Assert.Single((await LateShipment.ExportRecordedAsync(next)).Records);
    }

    [Fact]
    public async Task ListRecorded_returns_one_merchants_records_in_a_payment_time_range_page_by_page()
    {
        var merchant = NewId("m-");
        var orders = new List<string>();
        foreach (var day in new[] { 5, 1, 3, 2, 4, 6, 3 })
        {
            var order = NewId($"T-{day}-");
            orders.Add(order);
            await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, $"2024-03-0{day} 10:00") });
        }
        await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = NewId("m-"), Case = TwoLines(NewId("T-"), "2024-03-03 10:00") });

        // [Mar 2 10:00, Mar 5 10:00): days 2, 3, 3, 4, in payment-time order; the 5th is excluded.
        var inRange = await ListAll(merchant, At("2024-03-02 10:00"), At("2024-03-05 10:00"));
        Assert.Equal([2, 3, 3, 4], inRange.Select(r => r.EventAt.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).Day));
        Assert.All(inRange, r => Assert.Equal(merchant, r.MerchantId));
        Assert.Equal(7, (await ListAll(merchant)).Count);
        Assert.Empty(await ListAll(NewId("m-")));

        var bad = await Assert.ThrowsAsync<RpcException>(() => LateShipment.ListRecordedAsync(new ListRecordedLateShipmentsRequest
        {
            From = At("2024-03-05 00:00"), To = At("2024-03-01 00:00"), PageSize = 5000, PageToken = "nonsense",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["merchant_id", "to", "page_size", "page_token"], bad.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task Invalid_record_requests_are_INVALID_ARGUMENT_with_every_field_and_record_nothing()
    {
        var c = TwoLines(NewId("T-"));
        c.Lines[1].LineId = "1";
        var e = await Assert.ThrowsAsync<RpcException>(() => LateShipment.RecordAsync(new RecordLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["merchant_id", "case.lines[1].line_id"], e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        // Nothing was recorded: the same order, corrected, is a first record, not a replay or a conflict.
        c.Lines[1].LineId = "2";
        var merchant = NewId("m-");
        Assert.False((await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = c })).Replay);
        Assert.Single(await ListAll(merchant));

        var pm = await Assert.ThrowsAsync<RpcException>(() => PriceMatch.RecordAsync(new RecordPriceMatchRequest { MerchantId = " " }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, pm.StatusCode);
        Assert.Equal(["merchant_id", "item_id", "case"], pm.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_record_refused_by_its_decision_claims_nothing_so_the_order_can_still_be_recorded()
    {
        var order = NewId("T-");
        var refused = new RecordLateShipmentRequest
        {
            MerchantId = NewId("m-"),
            Case = TwoLines(order),
            Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 99 },
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => LateShipment.RecordAsync(refused).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);

        var other = NewId("m-");
        var recorded = await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = other, Case = TwoLines(order) });
        Assert.False(recorded.Replay);
        Assert.Single(await ListAll(other));
        Assert.Empty(await ListAll(refused.MerchantId));
    }

    [Fact]
    public async Task Price_match_records_per_order_and_item_with_replay_and_conflict()
    {
        var merchant = NewId("m-");
        var c = JdPayable();
        c.OrderId = NewId("JD-");
        var request = new RecordPriceMatchRequest { MerchantId = merchant, ItemId = "sku-1", Case = c };
        var first = await PriceMatch.RecordAsync(request);
        Assert.False(first.Replay);
        Assert.Equal(42.00m, Value(first.Decision.Payout));
        var again = await PriceMatch.RecordAsync(request);
        Assert.True(again.Replay);
        Assert.Equal(first.Decision, again.Decision);

        var changed = request.Clone();
        changed.Case.Comparison.PaidAmount = Cny(89m);
        var e = await Assert.ThrowsAsync<RpcException>(() => PriceMatch.RecordAsync(changed).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("case.comparison.paid_amount 99.00 CNY recorded, 89.00 CNY sent", e.Status.Detail, StringComparison.Ordinal);

        // Another item of the same order is its own record.
        var second = await PriceMatch.RecordAsync(new RecordPriceMatchRequest { MerchantId = merchant, ItemId = "sku-2", Case = c });
        Assert.False(second.Replay);
        var list = await PriceMatch.ListRecordedAsync(new ListRecordedPriceMatchesRequest { MerchantId = merchant, From = At("2024-06-18 09:15"), To = At("2024-06-18 09:16") });
        Assert.Equal(["sku-1", "sku-2"], list.Records.Select(r => r.ItemId));
        Assert.Equal(first.Decision, list.Records[0].Decision);
        Assert.Equal(c.OrderedAt, list.Records[0].EventAt);
        Assert.Empty((await PriceMatch.ListRecordedAsync(new ListRecordedPriceMatchesRequest { MerchantId = merchant, To = At("2024-06-18 09:15") })).Records);
    }

    [Fact]
    public async Task A_record_whose_answer_would_not_fit_is_refused_naming_its_lines_before_anything_is_written()
    {
        var merchant = NewId("m-");
        var order = NewId("T-");
        // The most lines an order may have, with long line ids: the request and its decision pass the entry bound.
        string Line(int i) => $"line-{i}-" + new string('x', 2_000);
        var huge = new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, lines: [.. Enumerable.Range(0, 1_000).Select(Line)]) };
        var e = await Assert.ThrowsAsync<RpcException>(() => LateShipment.RecordAsync(huge).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("case.lines", e.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(f => f.Field));
        Assert.Empty((await LateShipment.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant, PageSize = 1 })).Records);

        // In two parts (each over half the bound with its decision), the same order records, and every page of the merchant's records is answered.
        for (int part = 0; part < 2; part++)
        {
            var lines = Enumerable.Range(part * 500, 500).Select(Line).ToArray();
            Assert.False((await LateShipment.RecordAsync(new RecordLateShipmentRequest { MerchantId = merchant, Case = TwoLines(order, lines: lines) })).Replay);
        }
        var page = await LateShipment.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant, PageSize = 1000 });
        int listed = page.Records.Count;
        for (var token = page.NextPageToken; token.Length > 0; listed++)
        {
            var next = await LateShipment.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant, PageSize = 1000, PageToken = token });
            Assert.Single(next.Records);
            token = next.NextPageToken;
        }
        Assert.Equal(2, listed);
        Assert.True(page.Records.Count < 2, "a page is bounded by size as well as by count");
    }
}

/// <summary>The ledger in memory (the embedded default).</summary>
public sealed class InMemoryDecisionLedgerTests(AllInOneFixture fixture) : DecisionLedgerTests, IClassFixture<AllInOneFixture>
{
    protected override ServiceHost Host => fixture.Host;
}

/// <summary>The ledger in a real Redis.</summary>
public sealed class RedisDecisionLedgerTests(RedisHostFixture fixture) : DecisionLedgerTests, IClassFixture<RedisHostFixture>
{
    protected override ServiceHost Host => fixture.Host;

    protected override async Task<long?> EntryReadsAsync()
    {
        await using var admin = await fixture.Redis.ConnectAsync();
        return (await fixture.Redis.CommandStatsAsync(admin)).GetValueOrDefault("hget");
    }

    [Fact]
    public async Task An_export_skips_an_index_member_whose_write_was_lost_and_reads_records_filed_by_hour_and_bucket()
    {
        var merchant = "m-" + Guid.NewGuid().ToString("N")[..12];
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        request.Case.PaidAt = At("2025-08-01 10:00");
        request.Case.Lines[0].ShippedAt = At("2025-08-05 10:00");
        request.Case.EvaluatedAt = At("2025-08-06 10:00");
        await new LateShipment.LateShipmentClient(fixture.Host.Channel).RecordAsync(request);
        // Filed under its UTC hour and its merchant's bucket; a second member there, as a write that lost leaves it.
        await using var admin = await fixture.Redis.ConnectAsync();
        var key = $"penalties:ledger:late-shipment:export:{{2025080102-{LedgerExport.Bucket(merchant):D2}}}";
        var members = await admin.GetDatabase().SortedSetRangeByValueAsync(key);
        Assert.Equal(merchant, LedgerExport.Parse(Assert.Single(members)!)!.Value.MerchantId);
        await admin.GetDatabase().SortedSetAddAsync(key, LedgerExport.Member(merchant, "0638884008000000000|lost"), 0);

        var page = await new LateShipment.LateShipmentClient(fixture.Host.Channel).ExportRecordedAsync(new ExportRecordedRequest { From = At("2025-08-01 00:00"), To = At("2025-08-02 00:00") });
        Assert.Equal(request.Case, Assert.Single(page.Records).Case);
        Assert.Empty(page.NextPageToken);
    }

    [Fact]
    public async Task Records_survive_a_host_restart()
    {
        var merchant = "m-" + Guid.NewGuid().ToString("N")[..12];
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        var first = await new LateShipment.LateShipmentClient(fixture.Host.Channel).RecordAsync(request);
        await using var restarted = await fixture.StartHostAsync();
        var client = new LateShipment.LateShipmentClient(restarted.Channel);
        var again = await client.RecordAsync(request);
        Assert.True(again.Replay);
        Assert.Equal(first.Decision, again.Decision);
        // A recorded one-line order has the unary shape: explained once, on its line.
        Assert.Empty(first.Decision.Steps);
        Assert.NotEmpty(Assert.Single(first.Decision.Lines).Steps);
        Assert.Single((await client.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant })).Records);
    }

    [Fact]
    public async Task On_a_Redis_too_old_for_the_write_scripts_records_are_FAILED_PRECONDITION_STORE_VERSION_before_anything_is_written_and_health_says_so()
    {
        // No Redis 6 runs here: the host is told what its version check finds on one (RedisConnection.VersionProblemOf).
        await using var host = await fixture.StartHostAsync();
        var redis = host.App.Services.GetRequiredService<Penalties.Redis.RedisConnection>();
        redis.TooOld = Penalties.Redis.RedisConnection.VersionProblemOf(new System.Net.DnsEndPoint("redis", 6379), new Version(6, 2, 14), new Version(6, 0, 0));
        var merchant = "old-" + Guid.NewGuid().ToString("N")[..12];
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        var points = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var penalty = new RecordPenaltyRequest
        {
            MerchantId = merchant, RuleSetId = "tmall.penalty-points",
            Violation = new Violation { CaseId = "c1", Code = "MISDESCRIBED_SEVERE", OccurredAt = At("2024-01-01 00:00") },
        };
        // The ledger and the penalty history refuse alike, and the Redis health service says why.
        foreach (var call in new Func<Task>[] { () => new LateShipment.LateShipmentClient(host.Channel).RecordAsync(request).ResponseAsync, () => points.RecordAsync(penalty).ResponseAsync })
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains("older than 7.0", e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("redis:6379", e.Status.Detail, StringComparison.Ordinal); // the server is named in the log only
            Assert.Equal("STORE_VERSION", e.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        }
        var health = new global::Grpc.Health.V1.Health.HealthClient(host.Channel);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing,
            (await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest { Service = "penalties.redis" })).Status);
        await using var admin = await fixture.Redis.ConnectAsync();
        var server = admin.GetServers().Single();
        bool Claimed() => server.Keys(pattern: $"penalties:ledger:late-shipment:order:*T-{merchant}*").Any();
        Assert.False(Claimed());
        Assert.False(server.Keys(pattern: $"penalties:history:{{{merchant}}}:*").Any());

        // Once the server is new enough, the same request records (and claims its order).
        redis.TooOld = null;
        Assert.False((await new LateShipment.LateShipmentClient(host.Channel).RecordAsync(request)).Replay);
        Assert.True(Claimed());
        Assert.False((await points.RecordAsync(penalty)).Replay);
    }

    [Fact]
    public async Task A_merchant_whose_stored_ledger_is_damaged_gets_DATA_LOSS_and_nothing_is_written()
    {
        var merchant = "dmg-" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = await fixture.Redis.ConnectAsync();
        var db = admin.GetDatabase();
        // The by-event set changed by hand into a string: it is written last, so a write would fail halfway.
        await db.StringSetAsync($"penalties:ledger:late-shipment:{{{merchant}}}:by-event", "overwritten by hand");
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        var e = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(fixture.Host.Channel).RecordAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, e.StatusCode);
        Assert.Contains("damaged", e.Status.Detail, StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync($"penalties:ledger:late-shipment:{{{merchant}}}:keys"));
        Assert.False(await db.KeyExistsAsync($"penalties:ledger:late-shipment:{{{merchant}}}:entries"));
        // Reading it is DATA_LOSS too, not INTERNAL.
        var read = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(fixture.Host.Channel).ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant }).ResponseAsync);
        Assert.Equal(StatusCode.DataLoss, read.StatusCode);
    }

    [Fact]
    public async Task A_stored_decision_the_service_did_not_write_is_DATA_LOSS_naming_it_when_read_or_replayed()
    {
        var merchant = "garbled-" + Guid.NewGuid().ToString("N")[..12];
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        Assert.False((await client.RecordAsync(request)).Replay);
        await using var admin = await fixture.Redis.ConnectAsync();
        var db = admin.GetDatabase();
        var entries = $"penalties:ledger:late-shipment:{{{merchant}}}:entries";
        var id = Assert.Single(await db.HashKeysAsync(entries));
        await db.HashSetAsync(entries, id, new byte[] { 1, 0x20, (byte)'c' }); // a version byte and a string cut short

        foreach (var call in new Func<Task>[] { () => client.RecordAsync(request).ResponseAsync, () => client.ListRecordedAsync(new ListRecordedLateShipmentsRequest { MerchantId = merchant }).ResponseAsync })
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.DataLoss, e.StatusCode);
            Assert.Contains($"{id} in {entries} is damaged", e.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Equal(new byte[] { 1, 0x20, (byte)'c' }, (byte[]?)await db.HashGetAsync(entries, id)); // left as it is
    }
}
