using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>PenaltyPoints called directly over the in-memory history: record, replay, conflict, preview, revoke, standing.</summary>
public class PenaltyPointsServiceTests
{
    private const string Tmall = "tmall.penalty-points";
    private const string Merchant = "m-1";
    private readonly Grpc.Services.PenaltyPointsService _service = UnitServices.PenaltyPoints();

    private static TestServerCallContext Context(string method) => new($"/penalties.v1.PenaltyPoints/{method}");

    private Task<RecordPenaltyResponse> Record(string caseId, string code, string at) =>
        _service.Record(new RecordPenaltyRequest { MerchantId = Merchant, RuleSetId = Tmall, Violation = Violation(caseId, code, at) }, Context("Record"));

    private async Task<Standing> StandingAt(string at) =>
        (await _service.GetStanding(new GetStandingRequest { MerchantId = Merchant, RuleSetId = Tmall, AsOf = At(at) }, Context("GetStanding"))).Standing;

    [Fact]
    public async Task Records_escalate_and_the_standing_adds_them_up()
    {
        var first = await Record("c1", "MISDESCRIBED_SEVERE", "2024-02-01 10:00");
        var second = await Record("c2", "MISDESCRIBED_SEVERE", "2024-03-01 10:00");
        Assert.Equal(("1st MISDESCRIBED_SEVERE: general, 6", 6), (first.Deduction.Explanation, first.Deduction.Points));
        Assert.Equal(("2nd MISDESCRIBED_SEVERE: general, 12", 12), (second.Deduction.Explanation, second.Deduction.Points));
        Assert.False(first.Replay || second.Replay);
        var standing = await StandingAt("2024-12-01 00:00");
        Assert.Equal((18, 0), (standing.Current.General, standing.Current.Serious));
        Assert.Equal(["c1", "c2"], standing.Deductions.Select(d => d.CaseId));
    }

    [Fact]
    public async Task The_same_record_again_is_a_replay_of_the_first_answer_and_other_content_a_conflict()
    {
        var first = await Record("c1", "INVOICE", "2024-03-01 10:00");
        var again = await Record("c1", "INVOICE", "2024-03-01 10:00");
        Assert.True(again.Replay);
        Assert.Equal(first.Deduction, again.Deduction);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => Record("c1", "INFO_LEAK", "2024-03-01 10:00"));
        Assert.Contains("code 'INVOICE' recorded, 'INFO_LEAK' sent", conflict.Message, StringComparison.Ordinal);
        var history = await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant }, Context("ListHistory"));
        Assert.Equal("c1", Assert.Single(history.Entries).Violation.CaseId);
    }

    [Fact]
    public async Task A_preview_says_what_a_record_would_deduct_and_records_nothing()
    {
        await Record("c1", "MISDESCRIBED_SEVERE", "2024-02-01 10:00");
        var preview = (await _service.Preview(new PreviewPenaltyRequest
        {
            MerchantId = Merchant, RuleSetId = Tmall, Violation = Violation("c2", "MISDESCRIBED_SEVERE", "2024-03-01 10:00"),
        }, Context("Preview"))).Preview;
        Assert.Equal(("2nd MISDESCRIBED_SEVERE: general, 12", 12), (preview.Deduction.Explanation, preview.Deduction.Points));
        Assert.False(preview.AlreadyInHistory);
        Assert.Equal(18, preview.StandingAfter.Current.General);
        Assert.Equal(6, (await StandingAt("2024-12-01 00:00")).Current.General);
    }

    [Fact]
    public async Task A_revoked_case_leaves_the_standing_and_revoking_it_again_is_a_replay()
    {
        await Record("c1", "MISDESCRIBED_SEVERE", "2024-02-01 10:00");
        await Record("c2", "INVOICE", "2024-03-01 10:00");
        var before = await StandingAt("2024-12-01 00:00");
        var revoked = await _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c1", Reason = "appeal upheld" }, Context("Revoke"));
        Assert.False(revoked.Replay);
        Assert.DoesNotContain(revoked.Standing.Deductions, d => d.CaseId == "c1");
        Assert.Equal(before.Current.General - 6, revoked.Standing.Current.General);
        var ignored = Assert.Single(revoked.Standing.Ignored); // the revocation entry is no second violation of c1
        Assert.Equal(("c1", "REVOKED"), (ignored.CaseId, ignored.Reason));
        var again = await _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c1", Reason = "appeal upheld" }, Context("Revoke"));
        Assert.True(again.Replay);
        Assert.Equal(revoked.Standing.Current, again.Standing.Current);
        await Assert.ThrowsAsync<NotFoundException>(() => _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c9" }, Context("Revoke")));
    }

    [Fact]
    public async Task The_standing_as_of_an_instant_counts_only_the_cases_that_occurred_by_then()
    {
        for (int m = 1; m <= 9; m++) await Record($"S{m}", "MISDESCRIBED_SEVERE", $"2024-{m:00}-10 10:00");
        var early = await StandingAt("2024-02-01 00:00");
        Assert.Equal((6, 0), (early.Current.General, early.Current.Serious));
        Assert.Equal(["S1"], early.Deductions.Select(d => d.CaseId));
        Assert.Empty(early.Sanctions);
        var late = await StandingAt("2024-12-01 00:00");
        Assert.Equal((30, 72), (late.Current.General, late.Current.Serious));
        var clearance = Assert.Single(late.Sanctions);
        Assert.Equal(("Clearance", "S7", true), (string.Join("+", clearance.Actions), clearance.CaseId, clearance.Active));

        var assess = new AssessPenaltyRequest { RuleSetId = Tmall, AsOf = At("2024-02-01 00:00") };
        for (int m = 1; m <= 9; m++) assess.History.Add(Violation($"S{m}", "MISDESCRIBED_SEVERE", $"2024-{m:00}-10 10:00"));
        var stateless = (await _service.Assess(assess, Context("Assess"))).StandingAfter;
        Assert.Equal((6, 0, 1), (stateless.Current.General, stateless.Current.Serious, stateless.Deductions.Count));
    }

    [Fact]
    public async Task A_back_dated_record_answers_the_sanction_a_later_case_now_crosses()
    {
        // Six cases: 36 serious points. One more before them makes the July case the 7th, at 48: clearance.
        for (int m = 2; m <= 7; m++) await Record($"S{m}", "MISDESCRIBED_SEVERE", $"2024-{m:00}-10 10:00");
        var backDated = await Record("S1", "MISDESCRIBED_SEVERE", "2024-01-10 10:00");
        Assert.Equal("1st MISDESCRIBED_SEVERE: general, 6", backDated.Deduction.Explanation);
        var clearance = Assert.Single(backDated.NewSanctions);
        Assert.Equal(("Clearance", "S7"), (string.Join("+", clearance.Actions), clearance.CaseId));
    }

    [Fact]
    public async Task An_assessment_as_of_an_instant_before_the_violation_is_refused_naming_asOf()
    {
        var violation = Violation("c1", "INVOICE", "2024-03-01 10:00");
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Assess(
            new AssessPenaltyRequest { RuleSetId = Tmall, Violation = violation, AsOf = At("2024-03-01 09:59") }, Context("Assess")));
        Assert.Equal(("asOf", "must not be before violation.occurredAt"), (Assert.Single(e.Violations).Field, e.Violations[0].Description));
        e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Preview(
            new PreviewPenaltyRequest { MerchantId = Merchant, RuleSetId = Tmall, Violation = violation, AsOf = At("2024-02-01 00:00") }, Context("Preview")));
        Assert.Equal("asOf", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public async Task A_record_refused_by_its_rule_names_the_violation_field_and_changes_nothing()
    {
        await Record("c1", "INVOICE", "2024-03-01 10:00");
        var unknown = await Assert.ThrowsAsync<InvalidCaseException>(() => Record("c2", "NOPE", "2024-03-02 10:00"));
        Assert.Equal("violation.code", Assert.Single(unknown.Violations).Field);
        Assert.StartsWith("unknown violation code 'NOPE'", unknown.Violations[0].Description, StringComparison.Ordinal);
        var unassessed = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Record(new RecordPenaltyRequest
        {
            MerchantId = Merchant, RuleSetId = "pdd.penalty-points", Violation = Violation("p1", "PLATFORM_INTERVENTION_PENALTY", "2024-03-02 10:00"),
        }, Context("Record")));
        Assert.Equal(("violation.assessedPoints", "is required for PLATFORM_INTERVENTION_PENALTY"), (Assert.Single(unassessed.Violations).Field, unassessed.Violations[0].Description));
        var preview = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Preview(
            new PreviewPenaltyRequest { MerchantId = Merchant, RuleSetId = Tmall, Violation = Violation("c3", "NOPE", "2024-03-03 10:00") }, Context("Preview")));
        Assert.Equal("violation.code", Assert.Single(preview.Violations).Field);
        Assert.Single((await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant }, Context("ListHistory"))).Entries);
    }

    [Fact]
    public async Task Assess_names_the_violation_problems_by_the_violation_and_the_history_ones_by_their_entry()
    {
        var request = new AssessPenaltyRequest { RuleSetId = Tmall, Violation = Violation("c2", "NOPE", "2024-03-02 10:00") };
        request.History.Add(Violation("c1", "INVOICE", "2024-03-01 10:00"));
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Assess(request, Context("Assess")));
        Assert.Equal("violation.code", Assert.Single(e.Violations).Field);
        request.History[0].Code = "NOPE_EITHER";
        e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Assess(request, Context("Assess")));
        Assert.Equal(["history[0].code", "violation.code"], e.Violations.Select(v => v.Field));

        request.History[0].Code = "INVOICE";
        var streams = new TestStreams<AssessPenaltyStreamRequest, AssessPenaltyStreamResponse>([new() { CorrelationId = "a", Request = request }]);
        await _service.AssessStream(streams, streams, Context("AssessStream"));
        Assert.Equal("request.violation.code", Assert.Single(Assert.Single(streams.Written).Error.FieldViolations).Field);
    }

    [Theory]
    [InlineData("appeal B-2")]
    [InlineData("")]
    public async Task Revoking_a_revoked_case_for_another_reason_is_a_conflict_naming_the_reason(string reason)
    {
        await Record("c1", "INVOICE", "2024-03-01 10:00");
        await _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c1", Reason = "appeal A-7" }, Context("Revoke"));
        var conflict = await Assert.ThrowsAsync<ConflictException>(() =>
            _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c1", Reason = reason }, Context("Revoke")));
        Assert.Contains($"reason 'appeal A-7' recorded, '{reason}' sent", conflict.Message, StringComparison.Ordinal);
        var history = await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant }, Context("ListHistory"));
        Assert.Equal(["", "appeal A-7"], history.Entries.Select(e => e.Reason));
    }

    [Fact]
    public async Task A_history_page_token_goes_on_only_with_the_merchant_it_was_returned_for()
    {
        foreach (var (c, day) in new[] { ("c1", "01"), ("c2", "02"), ("c3", "03") }) await Record(c, "INVOICE", $"2024-03-{day} 10:00");
        await _service.Record(new RecordPenaltyRequest { MerchantId = "m-2", RuleSetId = Tmall, Violation = Violation("d1", "INVOICE", "2024-03-01 10:00") }, Context("Record"));
        var first = await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant, PageSize = 2 }, Context("ListHistory"));
        Assert.Equal(["c1", "c2"], first.Entries.Select(e => e.Violation.CaseId));
        var next = await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant, PageSize = 2, PageToken = first.NextPageToken }, Context("ListHistory"));
        Assert.Equal(["c3"], next.Entries.Select(e => e.Violation.CaseId));
        Assert.Equal("", next.NextPageToken);

        var other = await Assert.ThrowsAsync<InvalidCaseException>(() =>
            _service.ListHistory(new ListHistoryRequest { MerchantId = "m-2", PageSize = 2, PageToken = first.NextPageToken }, Context("ListHistory")));
        Assert.StartsWith("was issued for another request", Assert.Single(other.Violations, v => v.Field == "pageToken").Description, StringComparison.Ordinal);
        var forged = await Assert.ThrowsAsync<InvalidCaseException>(() =>
            _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant, PageToken = "1" }, Context("ListHistory")));
        Assert.Equal("pageToken", Assert.Single(forged.Violations).Field);
    }

    [Fact]
    public async Task A_record_missing_its_fields_names_them_and_changes_nothing()
    {
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Record(new RecordPenaltyRequest { RuleSetId = Tmall }, Context("Record")));
        Assert.Equal(["merchantId", "violation"], e.Violations.Select(v => v.Field));
        Assert.Empty((await _service.ListHistory(new ListHistoryRequest { MerchantId = Merchant }, Context("ListHistory"))).Entries);
    }

    [Fact]
    public async Task A_rule_set_of_another_family_is_refused_naming_its_family_not_a_type()
    {
        var e = await Assert.ThrowsAsync<Core.Rules.RuleResolutionException>(() => _service.Record(new RecordPenaltyRequest
        {
            MerchantId = Merchant, RuleSetId = "tmall.late-shipment", Violation = Violation("c1", "INVOICE", "2024-03-01 10:00"),
        }, Context("Record")));
        Assert.Equal(Core.Rules.RuleResolutionError.WrongKind, e.Error);
        Assert.Equal("rule set 'tmall.late-shipment' version 1 is a LateShipment rule set, not a PenaltyPoints one", e.Message);
    }
}
