using Penalties.Contracts.V1;
using Penalties.Core.Common;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>AfterSales Assess and AssessStream called directly: the answer in contract terms, its views and the refusals.</summary>
public class AfterSalesServiceTests
{
    private static TestServerCallContext Context(string method) => new($"/penalties.v1.AfterSales/{method}");

    private static async Task<AfterSalesDecision> Assess(AfterSalesCase c, DecisionView view = DecisionView.Unspecified) =>
        (await UnitServices.AfterSales().Assess(new AssessAfterSalesRequest { Case = c, View = view }, Context("Assess"))).Decision;

    [Fact]
    public async Task A_Tmall_return_at_the_168th_hour_is_in_time_with_its_postage_legs()
    {
        var d = await Assess(TmallReturn());
        Assert.Equal(AfterSalesOutcome.InTime, d.Outcome);
        Assert.Equal(("tmall.after-sales", 1), (d.Rule.RuleSetId, d.Rule.Version));
        Assert.Equal(At("2024-03-10 15:30"), d.WindowEndsAt);
        Assert.Equal((Party.Merchant, Party.Buyer, 12.00m, 8.00m),
            (d.Postage.OutboundPaidBy, d.Postage.ReturnPaidBy, Value(d.Postage.BuyerPays), Value(d.Postage.MerchantPays)));
        Assert.Equal(At("2024-03-13 15:30"), d.InterventionFrom);
        Assert.Null(d.Refund);
        Assert.Contains(d.Steps, s => s.Kind == "TimerSet" && s.Text.StartsWith("return window ends 2024-03-10 15:30:00.000 +08:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_tick_past_the_window_is_too_late()
    {
        var c = TmallReturn();
        c.RequestedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(c.RequestedAt.ToDateTimeOffset().AddTicks(1));
        var d = await Assess(c);
        Assert.Equal(AfterSalesOutcome.TooLate, d.Outcome);
        Assert.Contains("REQUEST_TOO_LATE", d.ReasonCodes);
    }

    [Fact]
    public async Task A_JD_return_answers_the_refund_after_deductions()
    {
        var d = await Assess(JdReturn());
        Assert.Equal(AfterSalesOutcome.InTime, d.Outcome);
        Assert.Equal(At("2024-03-04 00:00"), d.WindowStartsAt);
        Assert.Equal((250L, 2.50m, 196.50m), (d.Refund.PointsTakenBack, Value(d.Refund.PointsDeduction), Value(d.Refund.Refund)));
        Assert.Null(d.Postage);
    }

    [Fact]
    public async Task The_basic_view_has_the_same_numbers_without_steps()
    {
        var full = await Assess(TmallReturn());
        var basic = await Assess(TmallReturn(), DecisionView.Basic);
        Assert.Empty(basic.Steps);
        Assert.NotEmpty(full.Steps);
        full.Steps.Clear();
        Assert.Equal(full, basic);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_every_field_under_the_case()
    {
        var c = TmallReturn();
        c.Platform = (AfterSalesPlatform)42;
        c.SignedForAt = At("2024-02-28 10:00"); // before the order
        c.Item.ReturnPostage = Cny(-1m);
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => Assess(c));
        Assert.Equal(["case.item.returnPostage", "case.platform", "case.signedForAt"], e.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sign_for_date_that_is_no_date_is_refused_once_not_also_as_a_missing_sign_for_time()
    {
        var c = JdReturn();
        c.SignedForDate = "2024-02-30";
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => Assess(c));
        var v = Assert.Single(e.Violations);
        Assert.Equal("case.signedForDate", v.Field);
        Assert.Contains("'2024-02-30'", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_for_time_out_of_range_is_refused_once()
    {
        var c = TmallReturn();
        c.SignedForAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = -3_000_000_000 }; // 1874
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => Assess(c));
        Assert.Equal(("case.signedForAt", "must be within [1900-01-01, 9000-01-01) UTC"), (Assert.Single(e.Violations).Field, e.Violations[0].Description));
    }

    [Fact]
    public async Task Neither_sign_for_time_nor_date_is_still_refused_as_missing()
    {
        var c = TmallReturn();
        c.SignedForAt = null;
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => Assess(c));
        Assert.Equal("case.signedForAt", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public async Task A_stream_answers_each_item_in_order_and_an_invalid_item_with_its_error()
    {
        var bad = TmallReturn();
        bad.Item.OutboundPostage = Cny(-0.01m);
        var streams = new TestStreams<AssessAfterSalesStreamRequest, AssessAfterSalesStreamResponse>(
        [
            new() { CorrelationId = "a", Request = new AssessAfterSalesRequest { Case = TmallReturn() } },
            new() { CorrelationId = "b", Request = new AssessAfterSalesRequest { Case = bad } },
            new() { CorrelationId = "c", Request = new AssessAfterSalesRequest { Case = JdReturn() } },
        ]);
        await UnitServices.AfterSales().AssessStream(streams, streams, Context("AssessStream"));
        Assert.Equal(["a", "b", "c"], streams.Written.Select(r => r.CorrelationId));
        Assert.Equal(AfterSalesOutcome.InTime, streams.Written[0].Decision.Outcome);
        Assert.Equal((int)global::Grpc.Core.StatusCode.InvalidArgument, streams.Written[1].Error.Code);
        Assert.Contains(streams.Written[1].Error.FieldViolations, v => v.Field == "request.case.item.outbound_postage");
        Assert.Equal(196.50m, Value(streams.Written[2].Decision.Refund.Refund));
    }
}
