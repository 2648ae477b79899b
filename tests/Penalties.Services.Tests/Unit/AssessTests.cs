using Penalties.Contracts.V1;
using Penalties.Core.Common;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>LateShipment and PriceMatch Assess and AssessStream called directly: the answer, its views and the refusals.</summary>
public class AssessTests
{
    private static TestServerCallContext Context(string method) => new($"/penalties.v1.Test/{method}");

    [Fact]
    public async Task A_late_tmall_line_is_assessed_with_its_rule_reasons_and_steps()
    {
        var answer = await UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = TmallLate() }, Context("Assess"));
        var d = answer.Decision;
        Assert.Equal((LateShipmentOutcome.Compensable, TmallLatePayout), (d.Outcome, Value(d.BuyerPayout)));
        Assert.Equal("tmall.late-shipment", d.Rule.RuleSetId);
        Assert.StartsWith("sha256:", d.Rule.ContentHash, StringComparison.Ordinal);
        var line = Assert.Single(d.Lines);
        Assert.Contains(line.Steps, s => s.Text == "30% × 1,500.00 = 450.00");
        Assert.NotEmpty(line.ReasonCodes);
    }

    [Fact]
    public async Task The_basic_view_has_the_same_numbers_without_steps()
    {
        var service = UnitServices.LateShipment();
        var full = (await service.Assess(new AssessLateShipmentRequest { Case = TmallLate() }, Context("Assess"))).Decision;
        var basic = (await service.Assess(new AssessLateShipmentRequest { Case = TmallLate(), View = DecisionView.Basic }, Context("Assess"))).Decision;
        Assert.Empty(basic.Lines.SelectMany(l => l.Steps));
        Assert.Equal((full.Outcome, full.BuyerPayout, full.Rule), (basic.Outcome, basic.BuyerPayout, basic.Rule));
        Assert.Equal(full.Lines.Single().ReasonCodes, basic.Lines.Single().ReasonCodes);
    }

    [Fact]
    public async Task A_line_shipped_before_payment_is_refused_naming_its_field()
    {
        var c = TmallLate();
        c.Lines[0].ShippedAt = At("2024-03-01 09:00"); // paid at 10:00
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = c }, Context("Assess")));
        Assert.Contains(e.Violations, v => v.Field == "case.lines[0].shippedAt");
    }

    [Fact]
    public async Task A_force_majeure_report_ending_at_the_LateShipment_deadline_does_not_cover_it()
    {
        var c = TmallLate(); // deadline 2024-03-04 10:00
        c.ForceMajeureReports.Add(new TimeInterval { From = At("2024-03-02 00:00"), To = At("2024-03-04 10:00") });
        var d = (await UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = c }, Context("Assess"))).Decision;
        Assert.Equal((LateShipmentOutcome.Compensable, TmallLatePayout), (d.Outcome, Value(d.BuyerPayout)));
    }

    [Fact]
    public async Task A_force_majeure_report_without_an_end_is_open_ended_and_exempts_the_LateShipment()
    {
        var c = TmallLate();
        c.ForceMajeureReports.Add(new TimeInterval { From = At("2024-03-02 00:00") });
        var d = (await UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = c }, Context("Assess"))).Decision;
        Assert.Equal((LateShipmentOutcome.Exempt, 0m), (d.Outcome, Value(d.BuyerPayout)));
        Assert.Contains("FORCE_MAJEURE_REPORTED", d.ReasonCodes);
    }

    // The wire carries nanoseconds and the core 100 ns ticks: an instant between two ticks is refused, not cut.
    [Theory]
    [InlineData(99, null)]
    [InlineData(1, null)]
    [InlineData(100, "10:00:00.0000001 +08:00 (courier record), after the deadline 2024-03-04 10:00:00.000 +08:00: late")]
    [InlineData(123_456_700, "10:00:00.1234567 +08:00 (courier record), after the deadline 2024-03-04 10:00:00.000 +08:00: late")]
    public async Task A_LateShipment_instant_finer_than_100_ns_is_refused_naming_its_field(int nanosAfterDeadline, string? lateStep)
    {
        var c = TmallLate();
        c.Lines[0].ShippedAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = At("2024-03-04 10:00").Seconds, Nanos = nanosAfterDeadline };
        var assess = () => UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = c }, Context("Assess"));
        if (lateStep is null)
        {
            var e = await Assert.ThrowsAsync<InvalidCaseException>(assess);
            var v = Assert.Single(e.Violations);
            Assert.Equal(("case.lines[0].shippedAt", $"must be a whole number of 100 ns: nanos a multiple of 100 (got {nanosAfterDeadline})"), (v.Field, v.Description));
            return;
        }
        var line = Assert.Single((await assess()).Decision.Lines);
        Assert.Equal(LateShipmentOutcome.Compensable, line.Outcome);
        Assert.Contains(line.Steps, s => s.Text.EndsWith(lateStep, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_PriceMatch_instant_finer_than_100_ns_is_refused_naming_its_field()
    {
        var c = JdPayable();
        c.ClaimedAt.Nanos = 50;
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => UnitServices.PriceMatch().Assess(new AssessPriceMatchRequest { Case = c }, Context("Assess")));
        Assert.Equal("case.claimedAt", Assert.Single(e.Violations).Field);
    }

    // One violation per problem: a start out of range is not also reported missing.
    [Theory]
    [InlineData(-3_000_000_000L, "must be within [1900-01-01, 9000-01-01) UTC")]
    [InlineData(null, "is required")]
    public async Task A_LateShipment_force_majeure_report_start_out_of_range_or_missing_is_refused_once(long? seconds, string description)
    {
        var c = TmallLate();
        c.ForceMajeureReports.Add(new TimeInterval { From = seconds is { } s ? new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = s } : null, To = At("2024-03-05 00:00") });
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = c }, Context("Assess")));
        var v = Assert.Single(e.Violations);
        Assert.Equal(("case.forceMajeureReports[0].from", description), (v.Field, v.Description));
    }

    [Theory]
    [InlineData(-3_000_000_000L, "must be within [1900-01-01, 9000-01-01) UTC")]
    [InlineData(null, "is required")]
    public async Task A_PriceMatch_enrollment_start_out_of_range_or_missing_is_refused_once(long? seconds, string description)
    {
        var c = JdPayable();
        c.Enrollments[0].From = seconds is { } s ? new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = s } : null;
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => UnitServices.PriceMatch().Assess(new AssessPriceMatchRequest { Case = c }, Context("Assess")));
        var v = Assert.Single(e.Violations);
        Assert.Equal(("case.enrollments[0].from", description), (v.Field, v.Description));
    }

    [Fact]
    public async Task A_jd_claim_pays_double_the_difference()
    {
        var d = (await UnitServices.PriceMatch().Assess(new AssessPriceMatchRequest { Case = JdPayable() }, Context("Assess"))).Decision;
        Assert.Equal((PriceMatchOutcome.Payable, 42.00m), (d.Outcome, Value(d.Payout)));
        Assert.Contains(d.Steps, s => s.Kind == "Multiplied");
    }

    [Fact]
    public async Task A_stream_answers_each_item_in_order_and_an_invalid_item_with_its_error()
    {
        var bad = TmallLate();
        bad.Lines[0].Amount = Cny(-1m);
        var streams = new TestStreams<AssessLateShipmentStreamRequest, AssessLateShipmentStreamResponse>(
        [
            new() { CorrelationId = "a", Request = new AssessLateShipmentRequest { Case = TmallLate() } },
            new() { CorrelationId = "b", Request = new AssessLateShipmentRequest { Case = bad } },
            new() { CorrelationId = "c", Request = new AssessLateShipmentRequest { Case = TmallLate(1000m) } },
        ]);
        await UnitServices.LateShipment().AssessStream(streams, streams, Context("AssessStream"));
        Assert.Equal(["a", "b", "c"], streams.Written.Select(r => r.CorrelationId));
        Assert.Equal(TmallLatePayout, Value(streams.Written[0].Decision.BuyerPayout));
        Assert.Equal((int)global::Grpc.Core.StatusCode.InvalidArgument, streams.Written[1].Error.Code);
        Assert.Contains(streams.Written[1].Error.FieldViolations, v => v.Field == "request.case.lines[0].amount");
        Assert.Equal(300.00m, Value(streams.Written[2].Decision.BuyerPayout));
    }
}
