using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using Penalties.Grpc.Services;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>PenaltyPoints over real sockets: stateless assessment and the recorded history (kept in memory by the embedded default).</summary>
public class PenaltyPointsServiceTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private const string Tmall = "tmall.penalty-points";
    private PenaltyPoints.PenaltyPointsClient Client => new(fixture.Host.Channel);

    private static string NewMerchant() => "m-" + Guid.NewGuid().ToString("N");

    private async Task<RecordPenaltyResponse> Record(string merchant, Violation v) =>
        await Client.RecordAsync(new RecordPenaltyRequest { MerchantId = merchant, RuleSetId = Tmall, Violation = v });

    [Fact]
    public async Task Record_escalates_and_the_4th_misdescription_is_serious()
    {
        var merchant = NewMerchant();
        var explanations = new List<string>();
        for (int i = 1; i <= 4; i++)
            explanations.Add((await Record(merchant, Violation($"c{i}", "MISDESCRIBED_SEVERE", $"2024-0{i + 1}-01 10:00"))).Deduction.Explanation);
        Assert.Equal(
            ["1st MISDESCRIBED_SEVERE: general, 6", "2nd MISDESCRIBED_SEVERE: general, 12", "3rd MISDESCRIBED_SEVERE: general, 12", "4th MISDESCRIBED_SEVERE: serious, 12"],
            explanations);
        var standing = (await Client.GetStandingAsync(new GetStandingRequest { MerchantId = merchant, RuleSetId = Tmall, AsOf = At("2024-12-01 00:00") })).Standing;
        Assert.Equal((30, 12), (standing.Current.General, standing.Current.Serious));
    }

    [Fact]
    public async Task Recording_the_same_case_again_is_a_replay_with_the_original_result()
    {
        var merchant = NewMerchant();
        var first = await Record(merchant, Violation("c1", "INVOICE", "2024-03-01 10:00"));
        var again = await Record(merchant, Violation("c1", "INVOICE", "2024-03-01 10:00"));
        Assert.False(first.Replay);
        Assert.True(again.Replay);
        Assert.Equal(first.Deduction, again.Deduction);
        var history = await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant });
        Assert.Single(history.Entries);
    }

    [Fact]
    public async Task Recording_the_same_case_with_other_content_is_ALREADY_EXISTS_saying_what_differs()
    {
        var merchant = NewMerchant();
        await Record(merchant, Violation("c1", "INVOICE", "2024-03-01 10:00"));
        var e = await Assert.ThrowsAsync<RpcException>(() => Record(merchant, Violation("c1", "INFO_LEAK", "2024-03-01 10:00")));
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("code 'INVOICE' recorded, 'INFO_LEAK' sent", e.Status.Detail, StringComparison.Ordinal);
        Assert.Single((await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries);
    }

    [Fact]
    public async Task An_instant_far_outside_business_time_is_INVALID_ARGUMENT_not_INTERNAL()
    {
        var merchant = NewMerchant();
        var far = Violation("c9", "INVOICE", "2024-03-01 10:00");
        far.OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(9999, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var e = await Assert.ThrowsAsync<RpcException>(() => Record(merchant, far));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal(("violation.occurred_at", "must be within [1900-01-01, 9000-01-01) UTC"), (violation.Field, violation.Description));
        Assert.Empty((await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries);
    }

    [Fact]
    public async Task An_invalid_record_changes_nothing()
    {
        var merchant = NewMerchant();
        await Record(merchant, Violation("c1", "INVOICE", "2024-03-01 10:00"));
        var e = await Assert.ThrowsAsync<RpcException>(() => Record(merchant, Violation("c2", "NO_SUCH_CODE", "2024-03-02 10:00")));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("violation.code", Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.RecordAsync(new RecordPenaltyRequest { RuleSetId = Tmall }).ResponseAsync);
        Assert.Equal(["merchant_id", "violation"], missing.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Single((await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries);
    }

    [Fact]
    public async Task Revoke_is_its_own_entry_is_idempotent_and_takes_the_case_out_of_every_later_step()
    {
        var merchant = NewMerchant();
        for (int i = 1; i <= 4; i++) await Record(merchant, Violation($"c{i}", "MISDESCRIBED_SEVERE", $"2024-0{i + 1}-01 10:00"));
        var revoked = await Client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c2", Reason = "appeal A-7" });
        Assert.False(revoked.Replay);
        Assert.Equal("3rd MISDESCRIBED_SEVERE: general, 12", revoked.Standing.Deductions.Last().Explanation);
        Assert.Equal(0, revoked.Standing.Current.Serious);
        var again = await Client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c2", Reason = "appeal A-7" });
        Assert.True(again.Replay);
        var other = await Assert.ThrowsAsync<RpcException>(() => Client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c2", Reason = "appeal B-2" }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, other.StatusCode);
        Assert.Contains("reason 'appeal A-7' recorded, 'appeal B-2' sent", other.Status.Detail, StringComparison.Ordinal);
        var history = await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant });
        Assert.Equal(5, history.Entries.Count);
        Assert.True(history.Entries[4].Revocation);
        Assert.Equal("appeal A-7", history.Entries[4].Reason);
        Assert.False(history.Entries[1].Violation.Revoked); // the original entry is never rewritten
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Preview_records_nothing()
    {
        var merchant = NewMerchant();
        for (int i = 1; i <= 3; i++) await Record(merchant, Violation($"c{i}", "MISDESCRIBED_SEVERE", $"2024-0{i + 1}-01 10:00"));
        var preview = (await Client.PreviewAsync(new PreviewPenaltyRequest { MerchantId = merchant, RuleSetId = Tmall, Violation = Violation("c4", "MISDESCRIBED_SEVERE", "2024-09-01 10:00") })).Preview;
        Assert.Equal("4th MISDESCRIBED_SEVERE: serious, 12", preview.Deduction.Explanation);
        Assert.Equal(3, (await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries.Count);
    }

    [Fact]
    public async Task Assess_is_stateless_over_the_history_sent()
    {
        var request = new AssessPenaltyRequest { RuleSetId = "pdd.penalty-points", Violation = Violation("h1", "HARASSMENT_SERIOUS", "2024-05-10 22:30") };
        var response = await Client.AssessAsync(request);
        var sanction = Assert.Single(response.NewSanctions);
        Assert.Equal(["DelistAllItems"], sanction.Actions);
        Assert.Equal(At("2024-05-17 22:30"), sanction.EndsAt);
    }

    [Fact]
    public async Task Assess_without_a_violation_is_the_standing_of_the_history_sent()
    {
        var request = new AssessPenaltyRequest { RuleSetId = Tmall, AsOf = At("2024-12-01 00:00") };
        for (int i = 1; i <= 4; i++) request.History.Add(Violation($"c{i}", "MISDESCRIBED_SEVERE", $"2024-0{i + 1}-01 10:00"));
        var response = await Client.AssessAsync(request);
        Assert.Null(response.Deduction);
        Assert.Equal((30, 12), (response.StandingAfter.Current.General, response.StandingAfter.Current.Serious));
        request.AsOf = null;
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.AssessAsync(request).ResponseAsync);
        Assert.Equal("as_of", Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Assess_as_of_an_instant_before_the_violation_is_INVALID_ARGUMENT_naming_as_of()
    {
        var request = new AssessPenaltyRequest { RuleSetId = Tmall, Violation = Violation("c1", "INVOICE", "2024-03-01 10:00"), AsOf = At("2024-02-01 00:00") };
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.AssessAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("as_of", Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task ListHistory_pages_in_recording_order()
    {
        var merchant = NewMerchant();
        for (int i = 0; i < 5; i++) await Record(merchant, Violation($"c{i}", "CLOSE_ORDER", $"2024-03-0{i + 1} 10:00"));
        var page1 = await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageSize = 2 });
        var page2 = await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageSize = 2, PageToken = page1.NextPageToken });
        var page3 = await Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageSize = 2, PageToken = page2.NextPageToken });
        Assert.Equal(["c0", "c1", "c2", "c3", "c4"], page1.Entries.Concat(page2.Entries).Concat(page3.Entries).Select(e => e.Violation.CaseId));
        Assert.Equal("", page3.NextPageToken);
        var bad = await Assert.ThrowsAsync<RpcException>(() => Client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageToken = "x" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task Concurrent_records_for_one_merchant_never_share_an_escalation_step()
    {
        var merchant = NewMerchant();
        var tasks = Enumerable.Range(1, 20).Select(i => Record(merchant, Violation($"c{i}", "MISDESCRIBED_AFFECTS_USE", $"2024-03-01 10:{i:00}")));
        await Task.WhenAll(tasks);
        var standing = (await Client.GetStandingAsync(new GetStandingRequest { MerchantId = merchant, RuleSetId = Tmall, AsOf = At("2024-12-01 00:00") })).Standing;
        Assert.Equal(Enumerable.Range(1, 20), standing.Deductions.Select(d => d.Occurrence));
        Assert.Equal((24, 96), (standing.Current.General, standing.Current.Serious));
    }

    [Fact]
    public async Task What_one_record_or_revocation_adds_to_a_history_is_bounded_by_field()
    {
        var client = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var merchant = "bounded-" + Guid.NewGuid().ToString("N")[..8];
        var longCase = new RecordPenaltyRequest { MerchantId = merchant, RuleSetId = "tmall.penalty-points", Violation = Cases.Violation(new string('c', 129), "MISDESCRIBED_SEVERE", "2024-01-01 00:00") };
        var e = await Assert.ThrowsAsync<RpcException>(() => client.RecordAsync(longCase).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("violation.case_id", Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);

        Assert.False((await client.RecordAsync(new RecordPenaltyRequest { MerchantId = merchant, RuleSetId = "tmall.penalty-points", Violation = Cases.Violation("c1", "MISDESCRIBED_SEVERE", "2024-01-01 00:00") })).Replay);
        e = await Assert.ThrowsAsync<RpcException>(() => client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = "c1", Reason = new string('r', 1_001) }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("reason", Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations).Field);
        Assert.Single((await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant })).Entries); // nothing written
    }

    [Fact]
    public async Task A_full_history_refuses_a_new_case_before_writing_and_still_answers_replays_revocations_and_standing()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.PenaltyPoints, "--Penalties:PenaltyPoints:MaxRecordsPerMerchant", "3");
        var client = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        RecordPenaltyRequest Request(int i) => new() { MerchantId = "full", RuleSetId = "tmall.penalty-points", Violation = Cases.Violation($"c{i}", "MISDESCRIBED_SEVERE", $"2024-01-0{i + 1} 00:00") };
        for (int i = 0; i < 3; i++) Assert.False((await client.RecordAsync(Request(i))).Replay);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.RecordAsync(Request(3)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("HISTORY_FULL", e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
        Assert.True((await client.RecordAsync(Request(1))).Replay);
        Assert.False((await client.RevokeAsync(new RevokePenaltyRequest { MerchantId = "full", CaseId = "c0", Reason = "appeal" })).Replay);
        Assert.Equal(4, (await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = "full" })).Entries.Count);
        Assert.Equal(2, (await client.GetStandingAsync(new GetStandingRequest { MerchantId = "full", RuleSetId = "tmall.penalty-points", AsOf = Cases.At("2024-02-01 00:00") })).Standing.Deductions.Count);
    }

    [Fact]
    public async Task A_history_bound_outside_1_to_50000_stops_the_host_at_start() =>
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ServiceHost.StartAsync(PenaltiesServices.PenaltyPoints, "--Penalties:PenaltyPoints:MaxRecordsPerMerchant", "50001"));

    [Fact]
    public async Task A_full_page_of_every_answer_about_a_history_fits_a_default_client()
    {
        // Measured on 200 cases with ids of the longest length kept, scaled to a full page: answers grow by case.
        const int cases = 200;
        var client = new PenaltyPoints.PenaltyPointsClient(fixture.Host.Channel);
        var merchant = "full-page-" + Guid.NewGuid().ToString("N")[..8];
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string CaseId(int i) => $"{i:D6}-" + new string('c', PenaltyPointsService.MaxCaseIdLength - 7);
        for (int i = 0; i < cases; i++)
        {
            await client.RecordAsync(new RecordPenaltyRequest
            {
                MerchantId = merchant, RuleSetId = "tmall.penalty-points",
                Violation = new Violation { CaseId = CaseId(i), Code = "MISDESCRIBED_SEVERE", OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start.AddMinutes(i)) },
            });
        }
        var revoked = await client.RevokeAsync(new RevokePenaltyRequest { MerchantId = merchant, CaseId = CaseId(0), Reason = new string('r', PenaltyPointsService.MaxReasonLength) });
        var standing = await client.GetStandingAsync(new GetStandingRequest { MerchantId = merchant, RuleSetId = "tmall.penalty-points", AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start.AddDays(5)) });
        var history = await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchant, PageSize = 1000 });
        Assert.Equal(cases - 1, standing.Standing.Deductions.Count);
        Assert.Empty(standing.Standing.NextPageToken);
        const int defaultClientLimit = 4 * 1024 * 1024;
        Assert.InRange((long)standing.CalculateSize() * StandingPages.MaxPageSize / cases, 0, defaultClientLimit * 3L / 4);
        Assert.InRange((long)revoked.CalculateSize() * StandingPages.MaxPageSize / cases, 0, defaultClientLimit * 3L / 4);
        Assert.InRange((long)history.CalculateSize() * 1000 / (cases + 1), 0, defaultClientLimit * 3L / 4); // a full page
    }
}
