using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.Rules;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.LateShipment;

/// <summary>Every worked example and bullet of RULES.md §1 as a table test.</summary>
public class LateShipmentTableTests
{
    private static readonly DateTimeOffset Paid = At("2024-03-01 10:00");

    internal static LateShipmentCase Case(Platform platform = Platform.Tmall, decimal amount = 1500.00m, DateTimeOffset? shippedAt = null,
        DateTimeOffset? evaluatedAt = null, RefundReason reason = RefundReason.NotShippedInAgreedTime, ShippingChannel channel = ShippingChannel.Ordinary,
        DateTimeOffset? paidAt = null, DateTimeOffset? agreed = null) => new()
    {
        Platform = platform,
        OrderId = "O-1",
        PaidAt = paidAt ?? Paid,
        Channel = channel,
        AgreedShipBy = agreed,
        Lines = [new OrderLine { LineId = "1", Amount = amount, ShippedAt = shippedAt }],
        EvaluatedAt = evaluatedAt ?? At("2024-04-01 00:00"),
        RefundReason = reason,
    };

    private static LateShipmentDecision Assess(LateShipmentCase c) => LateShipmentCalculator.Assess(Catalog, c);

    // --- Worked examples (RULES.md §1) ---

    [Fact]
    public void Taobao_1000_order_late_pays_100()
    {
        var d = Assess(Case(Platform.Taobao, 1000.00m, shippedAt: Paid.AddHours(49)));
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal(100.00m, d.BuyerPayout);
        Assert.Equal(PayoutInstrument.Money, d.Instrument);
        Assert.Null(d.BuyerPoints);
    }

    [Fact]
    public void Tmall_1500_item_late_pays_450_not_the_articles_500()
    {
        var d = Assess(Case(amount: 1500.00m, shippedAt: Paid.AddHours(73)));
        Assert.Equal(450.00m, d.BuyerPayout);
        Assert.Equal(45_000L, d.BuyerPoints);
        Assert.Equal(450.00m, d.MerchantTotal);
        Assert.Equal(["30% × 1,500.00 = 450.00", "cap 500.00 not reached", "rounded half-up to 0.01: 450.00 (unchanged)"],
            d.Lines[0].Steps.Where(s => s.Kind is StepKind.RateApplied or StepKind.CapNotReached or StepKind.Rounded).Select(s => s.Text));
        Assert.DoesNotContain(LateShipmentReasons.CapApplied, d.ReasonCodes);
    }

    [Fact]
    public void Tmall_2000_item_late_is_600_capped_to_500()
    {
        var d = Assess(Case(amount: 2000.00m, shippedAt: Paid.AddHours(73)));
        Assert.Equal(500.00m, d.BuyerPayout);
        Assert.Equal(50_000L, d.BuyerPoints);
        Assert.Contains(LateShipmentReasons.CapApplied, d.ReasonCodes);
        Assert.Contains(d.Steps, s => s.Text == "600.00 capped to 500.00");
    }

    // --- Amounts at and around the cap ---

    [Theory]
    [InlineData(1666.66, 500.00, false)] // 499.998 is under the cap; rounds half-up to 500.00
    [InlineData(1666.67, 500.00, true)]  // 500.001 is over the cap
    [InlineData(1666.60, 499.98, false)]
    [InlineData(1666.65, 500.00, false)] // 499.995 → 500.00 half-up
    [InlineData(1666.64, 499.99, false)] // 499.992 → 499.99
    [InlineData(0.01, 0.00, false)]      // 0.003 → 0.00
    [InlineData(0.02, 0.01, false)]      // 0.006 → 0.01
    [InlineData(0.00, 0.00, false)]
    [InlineData(99999999.99, 500.00, true)]
    public void Tmall_amounts_around_the_cap(decimal amount, decimal expected, bool capped)
    {
        var d = Assess(Case(amount: amount, shippedAt: Paid.AddHours(80)));
        Assert.Equal(expected, d.BuyerPayout);
        Assert.Equal(capped, d.ReasonCodes.Contains(LateShipmentReasons.CapApplied));
        Assert.Equal((long)(expected * 100), d.BuyerPoints);
    }

    [Theory]
    [InlineData(999.99, 100.00)]  // 99.999 → 100.00 (not capped)
    [InlineData(1000.01, 100.00)] // capped
    [InlineData(612.35, 61.24)]   // 61.235 → 61.24 half-up
    public void Taobao_amounts_around_the_cap(decimal amount, decimal expected)
    {
        var d = Assess(Case(Platform.Taobao, amount, shippedAt: Paid.AddHours(50)));
        Assert.Equal(expected, d.BuyerPayout);
    }

    // --- Deadlines per channel, and the boundaries ---

    [Fact]
    public void Tmall_shipped_exactly_72h_after_payment_is_on_time()
    {
        var d = Assess(Case(shippedAt: Paid.AddHours(72)));
        Assert.Equal(LateShipmentOutcome.NotLate, d.Outcome);
        Assert.Equal(Lateness.OnTime, d.Lines[0].Lateness);
        Assert.Equal(0m, d.BuyerPayout);
    }

    [Fact]
    public void Tmall_shipped_one_tick_after_72h_is_late()
    {
        var d = Assess(Case(shippedAt: Paid.AddHours(72).AddTicks(1)));
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal(Lateness.Late, d.Lines[0].Lateness);
        Assert.Equal(450.00m, d.BuyerPayout);
    }

    [Theory]
    [InlineData(48, LateShipmentOutcome.NotLate)]
    [InlineData(49, LateShipmentOutcome.Compensable)]
    [InlineData(72, LateShipmentOutcome.Compensable)] // Tmall's 72 h is not Taobao's deadline
    public void Taobao_deadline_is_48h(int hours, LateShipmentOutcome expected) =>
        Assert.Equal(expected, Assess(Case(Platform.Taobao, 1000m, shippedAt: Paid.AddHours(hours))).Outcome);

    [Fact]
    public void Tmall_Juhuasuan_deadline_is_7_days()
    {
        Assert.Equal(LateShipmentOutcome.NotLate, Assess(Case(channel: ShippingChannel.Juhuasuan, shippedAt: Paid.AddDays(7))).Outcome);
        var late = Assess(Case(channel: ShippingChannel.Juhuasuan, shippedAt: Paid.AddDays(7).AddTicks(1)));
        Assert.Equal(LateShipmentOutcome.Compensable, late.Outcome);
        Assert.Equal(Paid.AddDays(7), late.Lines[0].Deadline);
    }

    [Fact]
    public void Taobao_has_no_stated_Juhuasuan_deadline_so_the_case_must_give_the_agreed_time()
    {
        var e = Assert.Throws<InvalidCaseException>(() => Assess(Case(Platform.Taobao, channel: ShippingChannel.Juhuasuan, shippedAt: Paid.AddDays(3))));
        Assert.Equal("channel", Assert.Single(e.Violations).Field);
    }

    [Theory]
    [InlineData(ShippingChannel.Presale)]
    [InlineData(ShippingChannel.Custom)]
    [InlineData(ShippingChannel.Agreed)]
    public void Presale_custom_and_agreed_use_the_agreed_ship_by_time(ShippingChannel channel)
    {
        var agreed = At("2024-03-20 18:00");
        Assert.Equal(LateShipmentOutcome.NotLate, Assess(Case(channel: channel, agreed: agreed, shippedAt: agreed)).Outcome);
        var late = Assess(Case(channel: channel, agreed: agreed, shippedAt: agreed.AddTicks(1)));
        Assert.Equal(LateShipmentOutcome.Compensable, late.Outcome);
        Assert.Equal(agreed, late.Lines[0].Deadline);
        Assert.Equal(StepKind.DeadlineAgreed, late.Lines[0].Steps[0].Kind);
    }

    [Fact]
    public void Agreed_channels_without_an_agreed_time_are_invalid()
    {
        var e = Assert.Throws<InvalidCaseException>(() => Assess(Case(channel: ShippingChannel.Presale)));
        Assert.Contains(e.Violations, v => v.Field == "agreedShipBy");
    }

    [Fact]
    public void Not_shipped_and_evaluated_exactly_at_the_deadline_is_not_yet_due()
    {
        var d = Assess(Case(evaluatedAt: Paid.AddHours(72)));
        Assert.Equal(LateShipmentOutcome.NotYetDue, d.Outcome);
        Assert.Contains(LateShipmentReasons.NotYetDue, d.ReasonCodes);
    }

    [Fact]
    public void Not_shipped_and_evaluated_one_tick_after_the_deadline_is_late()
    {
        var d = Assess(Case(evaluatedAt: Paid.AddHours(72).AddTicks(1)));
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal(Lateness.Late, d.Lines[0].Lateness);
        Assert.Contains(LateShipmentReasons.NotShippedPastDeadline, d.ReasonCodes);
    }

    // --- Out of stock ---

    [Fact]
    public void Still_not_shipped_72h_after_becoming_late_is_out_of_stock()
    {
        var deadline = Paid.AddHours(72);
        Assert.Equal(Lateness.Late, Assess(Case(evaluatedAt: deadline.AddHours(72))).Lines[0].Lateness);
        var d = Assess(Case(evaluatedAt: deadline.AddHours(72).AddTicks(1)));
        Assert.Equal(Lateness.OutOfStock, d.Lines[0].Lateness);
        Assert.Contains(LateShipmentReasons.OutOfStockByTime, d.ReasonCodes);
        Assert.Equal(450.00m, d.BuyerPayout); // same compensation as late shipment (001: 缺货 30%, ≤ 500)
    }

    [Fact]
    public void Shipped_more_than_72h_after_becoming_late_was_out_of_stock()
    {
        var d = Assess(Case(shippedAt: Paid.AddHours(144).AddMinutes(1)));
        Assert.Equal(Lateness.OutOfStock, d.Lines[0].Lateness);
    }

    [Theory]
    [InlineData(nameof(LateShipmentCase.MerchantAdmittedOutOfStock), LateShipmentReasons.OutOfStockAdmitted)]
    [InlineData(nameof(LateShipmentCase.MerchantRefusedToShip), LateShipmentReasons.OutOfStockRefusedToShip)]
    [InlineData(nameof(LateShipmentCase.MerchantDemandedHigherPrice), LateShipmentReasons.OutOfStockHigherPrice)]
    public void The_merchants_own_acts_make_it_out_of_stock_even_before_the_deadline(string act, string reason)
    {
        var c = Case(reason: RefundReason.SellerOutOfStock, evaluatedAt: Paid.AddHours(5));
        c = act switch
        {
            nameof(LateShipmentCase.MerchantAdmittedOutOfStock) => c with { MerchantAdmittedOutOfStock = true },
            nameof(LateShipmentCase.MerchantRefusedToShip) => c with { MerchantRefusedToShip = true },
            _ => c with { MerchantDemandedHigherPrice = true },
        };
        var d = Assess(c);
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal(Lateness.OutOfStock, d.Lines[0].Lateness);
        Assert.Contains(reason, d.ReasonCodes);
        Assert.Equal(450.00m, d.BuyerPayout);
    }

    // --- Refund reasons ---

    [Theory]
    [InlineData(RefundReason.SellerOutOfStock)]
    [InlineData(RefundReason.NotShippedInAgreedTime)]
    public void A_compensable_reason_with_an_on_time_courier_record_gets_nothing_and_says_why(RefundReason reason)
    {
        var d = Assess(Case(reason: reason, shippedAt: Paid.AddHours(10)));
        Assert.Equal(LateShipmentOutcome.NotLate, d.Outcome);
        Assert.Equal(0m, d.BuyerPayout);
        Assert.Contains(LateShipmentReasons.ClaimedLateButOnTime, d.ReasonCodes);
        Assert.Contains(d.Steps, s => s.Text.Contains("on-time shipment", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RefundReason.OrderedByMistake)]
    [InlineData(RefundReason.NoLongerWanted)]
    [InlineData(RefundReason.Other)]
    public void A_late_order_refunded_for_another_reason_is_not_compensated(RefundReason reason)
    {
        var d = Assess(Case(reason: reason, shippedAt: Paid.AddHours(80)));
        Assert.Equal(LateShipmentOutcome.RefundReasonNotCompensable, d.Outcome);
        Assert.Equal(0m, d.BuyerPayout);
        Assert.Contains(LateShipmentReasons.RefundReasonNotCompensable, d.ReasonCodes);
    }

    // --- Not enforced, exempt ---

    [Fact]
    public void Buyer_abuse_is_not_enforced()
    {
        var d = Assess(Case(shippedAt: Paid.AddHours(80)) with { BuyerAbuse = true });
        Assert.Equal(LateShipmentOutcome.NotEnforced, d.Outcome);
        Assert.Contains(LateShipmentReasons.BuyerAbuse, d.ReasonCodes);
        Assert.Equal(0m, d.MerchantTotal);
    }

    [Fact]
    public void A_platform_stop_ship_order_is_not_enforced()
    {
        var d = Assess(Case(evaluatedAt: Paid.AddDays(5)) with { PlatformStopShipOrder = true });
        Assert.Equal(LateShipmentOutcome.NotEnforced, d.Outcome);
        Assert.Contains(LateShipmentReasons.PlatformStopShipOrder, d.ReasonCodes);
    }

    // A reported period is half-open [from, to), as the contract's TimeInterval: it covers the deadline only when it
    // starts at or before it and ends after it; an unset end is open-ended.
    [Theory]
    [InlineData(-24 * TimeSpan.TicksPerHour, 0L, LateShipmentOutcome.Compensable)] // ends exactly at the deadline
    [InlineData(-24 * TimeSpan.TicksPerHour, 1L, LateShipmentOutcome.Exempt)]
    [InlineData(0L, 48 * TimeSpan.TicksPerHour, LateShipmentOutcome.Exempt)]       // starts exactly at the deadline
    [InlineData(1L, 48 * TimeSpan.TicksPerHour, LateShipmentOutcome.Compensable)]
    [InlineData(-24 * TimeSpan.TicksPerHour, null, LateShipmentOutcome.Exempt)]    // open-ended
    [InlineData(1L, null, LateShipmentOutcome.Compensable)]
    public void A_force_majeure_report_covering_the_deadline_exempts(long fromTicks, long? toTicks, LateShipmentOutcome expected)
    {
        var deadline = Paid.AddHours(72);
        var reported = Case(shippedAt: Paid.AddHours(80)) with
        {
            ForceMajeureReports = [new ReportedPeriod(deadline.AddTicks(fromTicks), toTicks is { } t ? deadline.AddTicks(t) : null)],
        };
        var d = Assess(reported);
        Assert.Equal(expected, d.Outcome);
        Assert.Equal(expected == LateShipmentOutcome.Exempt, d.ReasonCodes.Contains(LateShipmentReasons.ForceMajeureReported));
        Assert.Equal(expected == LateShipmentOutcome.Exempt ? 0m : 450.00m, d.BuyerPayout);
    }

    [Fact]
    public void Exemptions_do_not_matter_when_the_order_was_on_time()
    {
        var d = Assess(Case(shippedAt: Paid.AddHours(1)) with { BuyerAbuse = true });
        Assert.Equal(LateShipmentOutcome.NotLate, d.Outcome);
    }

    // --- Refused before payment ---

    [Fact]
    public void Refusing_before_payment_is_a_points_referral_not_money()
    {
        var c = Case() with { PaidAt = null, PlacedAt = Paid, RefusedBeforePayment = true };
        var d = Assess(c);
        Assert.Equal(LateShipmentOutcome.RefusedBeforePayment, d.Outcome);
        Assert.Equal(0m, d.BuyerPayout);
        Assert.Equal(new ViolationReferral("tmall.penalty-points", "REFUSE_BEFORE_PAYMENT"), d.Referral);
        Assert.Empty(d.Lines);
        // The referral names a code that exists, and it is worth 1 point.
        var points = Catalog.InForceAt("tmall.penalty-points", Paid).ParametersAs<Penalties.Core.PenaltyPoints.PenaltyPointsParameters>();
        Assert.Equal(1, points.Violations["REFUSE_BEFORE_PAYMENT"].Ladder[0].Points);
    }

    [Fact]
    public void Refusing_after_payment_is_30_percent_and_no_referral()
    {
        var d = Assess(Case(reason: RefundReason.SellerOutOfStock, evaluatedAt: Paid.AddHours(1)) with { MerchantRefusedToShip = true });
        Assert.Equal(450.00m, d.BuyerPayout);
        Assert.Null(d.Referral);
    }

    // --- Taobao: the two versions and the merchant's total liability ---

    [Fact]
    public void Old_Taobao_rule_doubles_the_merchants_cost_when_not_paid_before_judgment()
    {
        var paid2022 = At("2022-05-01 10:00");
        var d = Assess(Case(Platform.Taobao, 1000.00m, paidAt: paid2022, shippedAt: paid2022.AddHours(60)));
        Assert.Equal(new RuleReference("taobao.late-shipment", 1, d.Rule.ContentHash), d.Rule);
        Assert.Equal(100.00m, d.BuyerPayout);
        Assert.Equal(100.00m, d.PlatformLiability);
        Assert.Equal(200.00m, d.MerchantTotal);
        Assert.Contains(LateShipmentReasons.PlatformLiability, d.ReasonCodes);
    }

    [Fact]
    public void Old_Taobao_rule_has_no_platform_liability_when_the_merchant_paid_before_judgment()
    {
        var paid2022 = At("2022-05-01 10:00");
        var d = Assess(Case(Platform.Taobao, 1000.00m, paidAt: paid2022, shippedAt: paid2022.AddHours(60)) with { MerchantPaidBeforeJudgment = true });
        Assert.Equal(100.00m, d.BuyerPayout);
        Assert.Equal(0m, d.PlatformLiability);
        Assert.Equal(100.00m, d.MerchantTotal);
        Assert.Contains(LateShipmentReasons.PaidBeforeJudgment, d.ReasonCodes);
    }

    [Fact]
    public void New_Taobao_rule_from_2023_has_no_platform_liability()
    {
        var d = Assess(Case(Platform.Taobao, 1000.00m, shippedAt: Paid.AddHours(60)));
        Assert.Equal(2, d.Rule.Version);
        Assert.Equal(100.00m, d.BuyerPayout);
        Assert.Equal(0m, d.PlatformLiability);
        Assert.Equal(100.00m, d.MerchantTotal);
    }

    [Fact]
    public void The_version_is_chosen_by_payment_time_not_by_evaluation_time()
    {
        var lastMoment = At("2022-12-31 23:59:59.9999999");
        var d = Assess(Case(Platform.Taobao, 1000m, paidAt: lastMoment, shippedAt: lastMoment.AddDays(3), evaluatedAt: At("2024-01-01 00:00")));
        Assert.Equal(1, d.Rule.Version);
        Assert.Equal(2, Assess(Case(Platform.Taobao, 1000m, paidAt: lastMoment.AddTicks(1), shippedAt: lastMoment.AddDays(3))).Rule.Version);
    }

    [Fact]
    public void A_pinned_version_overrides_the_one_in_force()
    {
        var old = Catalog.Pinned(new RulePin("taobao.late-shipment", 1));
        var d = LateShipmentCalculator.Assess(Catalog, Case(Platform.Taobao, 1000m, shippedAt: Paid.AddDays(3)),
            new RulePin("taobao.late-shipment", 1, old.ContentHash));
        Assert.Equal(old.Reference, d.Rule);
        Assert.Equal(200.00m, d.MerchantTotal);
    }

    [Fact]
    public void A_case_before_any_version_is_a_typed_error_not_a_default()
    {
        var e = Assert.Throws<RuleResolutionException>(() => Assess(Case(paidAt: At("2011-06-01 10:00"), shippedAt: At("2011-06-10 10:00"))));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
        Assert.Equal("tmall.late-shipment", e.RuleSetId);
        Assert.Equal(At("2011-06-01 10:00"), e.At);
    }

    [Fact]
    public void A_version_for_another_platform_is_refused()
    {
        var taobao = Catalog.InForceAt("taobao.late-shipment", Paid);
        var e = Assert.Throws<InvalidCaseException>(() => LateShipmentCalculator.Assess(taobao, Case(Platform.Tmall, shippedAt: Paid.AddDays(4))));
        Assert.Equal("platform", Assert.Single(e.Violations).Field);
    }

    // --- Quantity and multi-line orders ---

    [Fact]
    public void Multi_line_orders_are_assessed_per_line_and_totalled()
    {
        var c = Case() with
        {
            Lines =
            [
                new OrderLine { LineId = "a", Amount = 300.00m, Quantity = 3, ShippedAt = Paid.AddHours(10) },
                new OrderLine { LineId = "b", Amount = 1000.00m, Quantity = 2, ShippedAt = Paid.AddHours(75) },
                new OrderLine { LineId = "c", Amount = 2500.00m, Quantity = 1, ShippedAt = null },
            ],
            EvaluatedAt = Paid.AddHours(100),
        };
        var d = Assess(c);
        Assert.Equal(LateShipmentOutcome.Compensable, d.Outcome);
        Assert.Equal([LateShipmentOutcome.NotLate, LateShipmentOutcome.Compensable, LateShipmentOutcome.Compensable], d.Lines.Select(l => l.Outcome));
        Assert.Equal([0m, 300.00m, 500.00m], d.Lines.Select(l => l.BuyerPayout)); // each line capped on its own
        Assert.Equal(800.00m, d.BuyerPayout);
        Assert.Equal(80_000L, d.BuyerPoints);
        Assert.Equal(800.00m, d.MerchantTotal);
    }

    // --- Input validation: every problem, with its field ---

    [Fact]
    public void Invalid_cases_list_every_field_violation()
    {
        var c = new LateShipmentCase
        {
            Platform = Platform.Tmall,
            OrderId = " ",
            PaidAt = null,
            Channel = ShippingChannel.Custom,
            Lines =
            [
                new OrderLine { LineId = "1", Amount = -1m },
                new OrderLine { LineId = "1", Amount = 1.005m, Quantity = 0 },
            ],
            EvaluatedAt = default,
            RefundReason = RefundReason.Other,
        };
        var e = Assert.Throws<InvalidCaseException>(() => Assess(c));
        Assert.Equal(
            ["orderId", "paidAt", "evaluatedAt", "agreedShipBy", "lines[0].amount", "lines[1].lineId", "lines[1].amount", "lines[1].quantity"],
            e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Every_decision_names_the_rule_version_and_content_hash_it_used()
    {
        var d = Assess(Case(shippedAt: Paid.AddDays(4)));
        var v = Catalog.InForceAt("tmall.late-shipment", Paid);
        Assert.Equal(v.Reference, d.Rule);
        Assert.StartsWith("sha256:", d.Rule.ContentHash, StringComparison.Ordinal);
    }
}
