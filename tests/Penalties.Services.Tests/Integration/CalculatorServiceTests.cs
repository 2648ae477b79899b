using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>LateShipment, PriceMatch and RuleSets over real sockets on the all-in-one host.</summary>
public class CalculatorServiceTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private LateShipment.LateShipmentClient Late => new(fixture.Host.Channel);
    private PriceMatch.PriceMatchClient Price => new(fixture.Host.Channel);
    private RuleSets.RuleSetsClient Rules => new(fixture.Host.Channel);

    [Fact]
    public async Task LateShipment_Assess_answers_with_the_money_the_rule_reference_and_the_explanation()
    {
        var d = (await Late.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() })).Decision;
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal(450.00m, Value(d.BuyerPayout));
        Assert.Equal("CNY", d.BuyerPayout.CurrencyCode);
        Assert.Equal(45_000, d.BuyerPoints);
        Assert.Equal(("tmall.late-shipment", 1), (d.Rule.RuleSetId, d.Rule.Version));
        Assert.StartsWith("sha256:", d.Rule.ContentHash, StringComparison.Ordinal);
        // Explained once, on its line: the order's own steps are for an order without lines.
        Assert.Contains(Assert.Single(d.Lines).Steps, s => s.Text == "30% × 1,500.00 = 450.00" && s.Kind == "RateApplied");
        Assert.Empty(d.Steps);
        Assert.Contains("SHIPPED_LATE", d.ReasonCodes);
    }

    [Fact]
    public async Task An_order_refused_before_payment_has_no_lines_and_is_explained_at_the_order()
    {
        var refused = TmallLate();
        refused.PlacedAt = refused.PaidAt;
        refused.PaidAt = null;
        refused.RefusedBeforePayment = true;
        var d = (await Late.AssessAsync(new AssessLateShipmentRequest { Case = refused })).Decision;
        Assert.Equal(LateShipmentOutcome.RefusedBeforePayment, d.Outcome);
        Assert.Empty(d.Lines);
        Assert.Contains("refused before payment", Assert.Single(d.Steps).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_is_INVALID_ARGUMENT_with_a_BadRequest_listing_every_field_violation()
    {
        var c = TmallLate();
        c.OrderId = "";
        c.PaidAt = null;
        c.RefundReason = RefundReason.Unspecified;
        c.Lines[0].Amount = new Money { CurrencyCode = "USD", Units = -1 };
        var e = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var badRequest = e.GetRpcStatus()!.GetDetail<BadRequest>()!;
        Assert.Equal(
            ["case.refund_reason", "case.lines[0].amount", "case.order_id", "case.paid_at"],
            badRequest.FieldViolations.Select(v => v.Field).Distinct());
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "case.lines[0].amount" && v.Description == "currency must be CNY (got 'USD')");
        Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task An_unknown_pinned_version_is_NOT_FOUND()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest
        {
            Case = TmallLate(),
            Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 9 },
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("no version 9", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pin_with_the_wrong_hash_is_FAILED_PRECONDITION_and_the_right_hash_is_used()
    {
        var wrong = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest
        {
            Case = TmallLate(),
            Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 1, ContentHash = "sha256:00" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, wrong.StatusCode);
        var hash = (await Late.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() })).Decision.Rule.ContentHash;
        var pinned = await Late.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate(), Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 1, ContentHash = hash } });
        Assert.Equal(hash, pinned.Decision.Rule.ContentHash);
    }

    [Fact]
    public async Task No_version_in_force_is_FAILED_PRECONDITION_naming_the_rule_set_and_the_instant()
    {
        var c = TmallLate();
        c.PaidAt = At("2011-06-01 10:00");
        c.Lines[0].ShippedAt = At("2011-06-10 10:00");
        var e = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("tmall.late-shipment", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("2011-06-01 10:00:00", e.Status.Detail, StringComparison.Ordinal);
        var info = e.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal("NO_VERSION_IN_FORCE", info.Reason);
        Assert.Equal("tmall.late-shipment", info.Metadata["rule_set_id"]);
    }

    [Fact]
    public async Task PriceMatch_Assess_pays_twice_the_difference_and_lists_every_failed_condition()
    {
        var d = (await Price.AssessAsync(new AssessPriceMatchRequest { Case = JdPayable() })).Decision;
        Assert.Equal(PriceMatchOutcome.Payable, d.Outcome);
        Assert.Equal(42.00m, Value(d.Payout));

        var bad = JdPayable();
        bad.ItemHasBadge = false;
        bad.Comparison.MonthlySales = 87;
        bad.Comparison.Platform = ComparisonPlatform.Pinduoduo;
        var refused = (await Price.AssessAsync(new AssessPriceMatchRequest { Case = bad })).Decision;
        Assert.Equal(PriceMatchOutcome.Refused, refused.Outcome);
        Assert.Equal(["NO_BADGE", "PLATFORM_NOT_ACCEPTED", "MONTHLY_SALES_TOO_LOW"], refused.FailedConditions.Select(f => f.Code));
        Assert.Equal(0m, Value(refused.Payout));
    }

    [Fact]
    public async Task The_basic_view_is_the_full_decision_without_its_explanation_steps_unary_and_streamed()
    {
        var c = TmallLate();
        c.Lines.Add(new OrderLine { LineId = "2", Amount = Cny(2_000.00m), ShippedAt = c.Lines[0].ShippedAt });
        var full = (await Late.AssessAsync(new AssessLateShipmentRequest { Case = c })).Decision;
        var basic = (await Late.AssessAsync(new AssessLateShipmentRequest { Case = c, View = DecisionView.Basic })).Decision;
        Assert.NotEmpty(full.Steps.Concat(full.Lines.SelectMany(l => l.Steps)));
        Assert.Empty(basic.Steps.Concat(basic.Lines.SelectMany(l => l.Steps)));
        Assert.Equal(WithoutSteps(full), basic);
        Assert.True(basic.CalculateSize() < full.CalculateSize() / 2, $"basic {basic.CalculateSize()} B, full {full.CalculateSize()} B");
        Assert.Equal(full, (await Late.AssessAsync(new AssessLateShipmentRequest { Case = c, View = DecisionView.Full })).Decision);

        var fullPrice = (await Price.AssessAsync(new AssessPriceMatchRequest { Case = JdPayable() })).Decision;
        var basicPrice = (await Price.AssessAsync(new AssessPriceMatchRequest { Case = JdPayable(), View = DecisionView.Basic })).Decision;
        Assert.Empty(basicPrice.Steps);
        var expected = fullPrice.Clone();
        expected.Steps.Clear();
        Assert.Equal(expected, basicPrice);

        using var stream = Late.AssessStream();
        await stream.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = "b", Request = new AssessLateShipmentRequest { Case = c, View = DecisionView.Basic } });
        await stream.RequestStream.CompleteAsync();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(basic, stream.ResponseStream.Current.Decision);
    }

    [Fact]
    public async Task A_line_shipped_before_payment_or_an_amount_beyond_the_maximum_is_INVALID_ARGUMENT_naming_the_field()
    {
        var c = TmallLate();
        c.Lines[0].ShippedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(c.PaidAt.ToDateTimeOffset().AddSeconds(-1));
        var late = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "case.lines[0].shipped_at"),
            (late.StatusCode, Assert.Single(late.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field));

        var p = JdPayable();
        p.Payments[0].Amount = new Money { CurrencyCode = "CNY", Units = long.MaxValue / 2 };
        var price = await Assert.ThrowsAsync<RpcException>(() => Price.AssessAsync(new AssessPriceMatchRequest { Case = p }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "case.payments[0].amount"),
            (price.StatusCode, Assert.Single(price.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field));
    }

    [Fact]
    public async Task A_case_problem_found_while_deciding_names_the_case_field_in_Assess_Record_and_a_stream()
    {
        var c = TmallLate();
        c.Platform = Platform.Taobao;                       // valid on its own; the Taobao rule states no Juhuasuan deadline
        c.Channel = ShippingChannel.Juhuasuan;
        static string Field(RpcException e) => Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field;

        var assess = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest { Case = c }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "case.channel"), (assess.StatusCode, Field(assess)));
        var record = await Assert.ThrowsAsync<RpcException>(() => Late.RecordAsync(new RecordLateShipmentRequest { MerchantId = "m-channel", Case = c }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "case.channel"), (record.StatusCode, Field(record)));

        using var stream = Late.AssessStream();
        await stream.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = "j", Request = new AssessLateShipmentRequest { Case = c } });
        await stream.RequestStream.CompleteAsync();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("request.case.channel", Assert.Single(stream.ResponseStream.Current.Error.FieldViolations).Field);
    }

    private static LateShipmentDecision WithoutSteps(LateShipmentDecision d)
    {
        var copy = d.Clone();
        copy.Steps.Clear();
        foreach (var line in copy.Lines) line.Steps.Clear();
        return copy;
    }

    [Fact]
    public async Task An_unknown_view_is_a_field_violation_reported_with_the_case_s_own()
    {
        var c = TmallLate();
        c.OrderId = "";
        var e = await Assert.ThrowsAsync<RpcException>(() => Late.AssessAsync(new AssessLateShipmentRequest { Case = c, View = (DecisionView)7 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["case.order_id", "view"], e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));

        e = await Assert.ThrowsAsync<RpcException>(() => Price.AssessAsync(new AssessPriceMatchRequest { Case = JdPayable(), View = (DecisionView)7 }).ResponseAsync);
        Assert.Equal("view", Assert.Single(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);

        using var stream = Late.AssessStream();
        await stream.RequestStream.WriteAsync(new AssessLateShipmentStreamRequest { CorrelationId = "v", Request = new AssessLateShipmentRequest { Case = TmallLate(), View = (DecisionView)7 } });
        await stream.RequestStream.CompleteAsync();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("request.view", Assert.Single(stream.ResponseStream.Current.Error.FieldViolations).Field);
    }

    [Fact]
    public async Task PriceMatch_invalid_input_names_the_proto_fields()
    {
        var c = JdPayable();
        c.MerchantType = MerchantType.Unspecified;
        c.Comparison.PaidAmount = Cny(1.005m);
        var e = await Assert.ThrowsAsync<RpcException>(() => Price.AssessAsync(new AssessPriceMatchRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var fields = e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).ToList();
        Assert.Equal(["case.merchant_type", "case.comparison.paid_amount"], fields);
    }

    [Fact]
    public async Task RuleSets_lists_gets_and_resolves_versions()
    {
        var list = await Rules.ListRuleSetsAsync(new ListRuleSetsRequest());
        Assert.Equal(11, list.Versions.Count);
        Assert.Contains(list.Versions, v => v.Rule.RuleSetId == "taobao.late-shipment" && v.Rule.Version == 2 && v.Effective.To is null);

        var got = await Rules.GetRuleSetVersionAsync(new GetRuleSetVersionRequest { RuleSetId = "jd.price-match", Version = 1 });
        Assert.Contains("\"payoutMultiple\": 2", got.ParametersJson, StringComparison.Ordinal);
        Assert.Contains(got.Provenance, p => p.Source == "004_f3643c20d8b46633.txt");
        Assert.Contains(got.Provenance, p => p.Assumption && p.Note.Length > 0);

        var resolved = await Rules.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "taobao.late-shipment", At = At("2022-12-31 23:59:59") });
        Assert.Equal(1, resolved.Summary.Rule.Version);
        Assert.Equal(got.Summary.Rule, (await Rules.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "jd.price-match", At = At("2024-01-01 00:00") })).Summary.Rule);
    }

    [Fact]
    public async Task RuleSets_errors_are_NOT_FOUND_FAILED_PRECONDITION_and_INVALID_ARGUMENT()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Rules.GetRuleSetVersionAsync(new GetRuleSetVersionRequest { RuleSetId = "nope.rule", Version = 1 }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var early = await Assert.ThrowsAsync<RpcException>(() => Rules.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "jd.price-match", At = At("2020-01-01 00:00") }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Rules.ResolveRuleSetAsync(new ResolveRuleSetRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(["rule_set_id", "at"], invalid.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }
}
