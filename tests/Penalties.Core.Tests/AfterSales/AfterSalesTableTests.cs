using Penalties.Core.AfterSales;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.AfterSales;

/// <summary>Every bullet of RULES.md §4 (and issue 17) as a table test, with each boundary and one tick past it.</summary>
public class AfterSalesTableTests
{
    internal static readonly DateTimeOffset Ordered = At("2024-03-01 10:00");
    internal static readonly DateTimeOffset SignedFor = At("2024-03-03 15:30");

    internal static AfterSalesCase Case(AfterSalesPlatform platform = AfterSalesPlatform.Tmall, DateTimeOffset? requested = null, ReturnedItem? item = null) => new()
    {
        Platform = platform,
        OrderId = "O-1",
        OrderedAt = Ordered,
        SignedForAt = SignedFor,
        RequestedAt = requested ?? SignedFor.AddDays(2),
        Item = item ?? new ReturnedItem { OutboundPostage = 8.00m, ReturnPostage = 12.00m, PaidAmount = 199.00m },
    };

    private static AfterSalesDecision Assess(AfterSalesCase c) => AfterSalesCalculator.Assess(Catalog, c);

    // --- Seven-day no-reason return: the window ---

    public static TheoryData<AfterSalesPlatform, long, AfterSalesOutcome> ExactSignForBoundary => new()
    {
        { AfterSalesPlatform.Tmall, 0, AfterSalesOutcome.InTime },
        { AfterSalesPlatform.Tmall, 1, AfterSalesOutcome.TooLate },
        { AfterSalesPlatform.Tmall, -1, AfterSalesOutcome.InTime },
        { AfterSalesPlatform.Taobao, 0, AfterSalesOutcome.InTime },
        { AfterSalesPlatform.Taobao, 1, AfterSalesOutcome.TooLate },
    };

    [Theory]
    [MemberData(nameof(ExactSignForBoundary))]
    public void With_an_exact_sign_for_time_the_window_is_168_hours_from_it(AfterSalesPlatform platform, long ticksPast, AfterSalesOutcome expected)
    {
        var d = Assess(Case(platform, SignedFor.AddHours(168).AddTicks(ticksPast)));
        Assert.Equal(SignedFor, d.WindowStartsAt);
        Assert.Equal(SignedFor.AddHours(168), d.WindowEndsAt);
        Assert.Equal(expected, d.Outcome);
        Assert.Contains(AfterSalesReasons.WindowFromSignForTime, d.ReasonCodes);
        Assert.Contains(expected == AfterSalesOutcome.InTime ? AfterSalesReasons.RequestInTime : AfterSalesReasons.RequestTooLate, d.ReasonCodes);
    }

    [Fact]
    public void An_exchange_has_the_same_seven_days_on_Tmall()
    {
        var d = Assess(Case(requested: SignedFor.AddHours(168)) with { Kind = RequestKind.Exchange });
        Assert.Equal(SignedFor.AddHours(168), d.WindowEndsAt);
        Assert.Equal(AfterSalesOutcome.InTime, d.Outcome);
    }

    public static TheoryData<string, string, string, AfterSalesOutcome> DateOnly => new()
    {
        // The window starts at 00:00 China time of the next day, whatever the hour of the sign-for was.
        { "2024-03-03", "2024-03-11 00:00:00", "2024-03-11 00:00:00", AfterSalesOutcome.InTime },
        { "2024-03-03", "2024-03-11 00:00:00.0000001", "2024-03-11 00:00:00", AfterSalesOutcome.TooLate },
        { "2024-03-03", "2024-03-10 23:59:59", "2024-03-11 00:00:00", AfterSalesOutcome.InTime },
        // Across the turn of a month and a year.
        { "2024-02-29", "2024-03-08 00:00:00", "2024-03-08 00:00:00", AfterSalesOutcome.InTime },
        { "2023-12-31", "2024-01-08 00:00:00.0000001", "2024-01-08 00:00:00", AfterSalesOutcome.TooLate },
    };

    [Theory]
    [MemberData(nameof(DateOnly))]
    public void With_a_date_only_the_window_is_168_hours_from_00_00_China_time_of_the_next_day(string date, string requested, string end, AfterSalesOutcome expected)
    {
        var day = System.DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var c = Case(requested: At(requested)) with { OrderedAt = ChinaTime.StartOfDay(day), SignedForAt = null, SignedForDate = day };
        var d = Assess(c);
        Assert.Equal(ChinaTime.StartOfDay(day.AddDays(1)), d.WindowStartsAt);
        Assert.Equal(At(end), d.WindowEndsAt);
        Assert.Equal(expected, d.Outcome);
        Assert.Contains(AfterSalesReasons.WindowFromNextChinaDay, d.ReasonCodes);
    }

    [Fact]
    public void The_next_China_day_is_not_the_next_UTC_day()
    {
        // Signed for on 3 March China time; at 23:30 UTC on 2 March it is already 07:30 on 3 March in China.
        var c = Case(requested: At("2024-03-05 10:00")) with { SignedForAt = null, SignedForDate = new DateOnly(2024, 3, 3) };
        var d = Assess(c);
        Assert.Equal(new DateTimeOffset(2024, 3, 3, 16, 0, 0, TimeSpan.Zero), d.WindowStartsAt);
        Assert.Contains(d.Steps, s => s.Text.StartsWith("window starts 2024-03-04 00:00:00.000 +08:00: at 00:00 China time of the day after the sign-for date 2024-03-03", StringComparison.Ordinal));
    }

    // --- Seven-day no-reason return: postage ---

    public static TheoryData<AfterSalesPlatform, bool, Party, Party, decimal, decimal> PostageLegs => new()
    {
        // Free shipping: the merchant pays the leg it sent (8.00), the buyer the leg back (12.00).
        { AfterSalesPlatform.Tmall, true, Party.Merchant, Party.Buyer, 12.00m, 8.00m },
        // Not free: the buyer pays both legs.
        { AfterSalesPlatform.Tmall, false, Party.Buyer, Party.Buyer, 20.00m, 0.00m },
        { AfterSalesPlatform.Taobao, true, Party.Merchant, Party.Buyer, 12.00m, 8.00m },
        { AfterSalesPlatform.Taobao, false, Party.Buyer, Party.Buyer, 20.00m, 0.00m },
    };

    [Theory]
    [MemberData(nameof(PostageLegs))]
    public void Postage_legs_follow_free_shipping(AfterSalesPlatform platform, bool free, Party outbound, Party back, decimal buyer, decimal merchant)
    {
        var item = new ReturnedItem { FreeShipping = free, OutboundPostage = 8.00m, ReturnPostage = 12.00m, PaidAmount = 100m };
        var p = Assess(Case(platform, item: item)).Postage!;
        Assert.Equal((outbound, back, buyer, merchant), (p.OutboundPaidBy, p.ReturnPaidBy, p.BuyerPays, p.MerchantPays));
    }

    [Fact]
    public void Postage_steps_name_each_leg_and_its_payer()
    {
        var d = Assess(Case(item: new ReturnedItem { FreeShipping = true, OutboundPostage = 8.00m, ReturnPostage = 12.50m }));
        Assert.Contains(d.Steps, s => s.Text == "outbound leg (merchant → buyer) paid by the merchant, free-shipping item: 8.00");
        Assert.Contains(d.Steps, s => s.Text == "return leg (buyer → merchant) paid by the buyer, free-shipping item: 12.50");
        Assert.Contains(AfterSalesReasons.PostageEachSidePaysItsLeg, d.ReasonCodes);
    }

    [Fact]
    public void Platforms_whose_sources_say_nothing_of_postage_split_none()
    {
        Assert.Null(Assess(Case(AfterSalesPlatform.Jd)).Postage);
        Assert.Null(Assess(Case(AfterSalesPlatform.Pinduoduo)).Postage);
    }

    // --- Excluded items ---

    public static TheoryData<AfterSalesPlatform, ItemCategory, bool, bool> Exclusions => new()
    {
        { AfterSalesPlatform.Tmall, ItemCategory.Food, true, true },
        { AfterSalesPlatform.Tmall, ItemCategory.Food, false, false },
        { AfterSalesPlatform.Tmall, ItemCategory.Medicine, true, true },
        { AfterSalesPlatform.Tmall, ItemCategory.IntimateApparel, true, true },
        { AfterSalesPlatform.Tmall, ItemCategory.Ordinary, true, false },
        { AfterSalesPlatform.Tmall, ItemCategory.Fruit, true, false },
        { AfterSalesPlatform.Pinduoduo, ItemCategory.Fruit, false, true },
        { AfterSalesPlatform.Pinduoduo, ItemCategory.FreshProduce, false, true },
        { AfterSalesPlatform.Pinduoduo, ItemCategory.Virtual, false, true },
        { AfterSalesPlatform.Pinduoduo, ItemCategory.Food, true, false },
        { AfterSalesPlatform.Jd, ItemCategory.Food, true, false },
        { AfterSalesPlatform.Taobao, ItemCategory.Food, true, false },
    };

    [Theory]
    [MemberData(nameof(Exclusions))]
    public void Items_the_sources_name_are_excluded(AfterSalesPlatform platform, ItemCategory category, bool opened, bool excluded)
    {
        var d = Assess(Case(platform, item: new ReturnedItem { Category = category, Opened = opened }));
        Assert.Equal(excluded, d.Outcome == AfterSalesOutcome.Excluded);
        Assert.Equal(excluded, d.ReasonCodes.Contains(AfterSalesReasons.ItemExcluded));
    }

    // --- After-sales timers ---

    public static TheoryData<long, AfterSalesOutcome, string> FifteenDays => new()
    {
        { 0, AfterSalesOutcome.InTime, AfterSalesReasons.AfterSalesInTime },
        { 1, AfterSalesOutcome.TooLate, AfterSalesReasons.AfterSalesTooLate },
    };

    [Theory]
    [MemberData(nameof(FifteenDays))]
    public void After_sales_may_be_asked_within_15_days_of_a_successful_transaction(long ticksPast, AfterSalesOutcome expected, string reason)
    {
        var succeeded = SignedFor.AddHours(1);
        // An exchange for a quality problem: the seven-day window is not what limits it here.
        var c = Case(requested: succeeded.AddDays(15).AddTicks(ticksPast)) with { TransactionSucceededAt = succeeded, SignedForAt = succeeded.AddDays(-1) };
        var d = AfterSalesCalculator.Assess(Catalog.InForceAt(AfterSalesCalculator.TmallRuleSet, c.RequestedAt) with
        {
            Parameters = Catalog.InForceAt(AfterSalesCalculator.TmallRuleSet, c.RequestedAt).ParametersAs<AfterSalesParameters>() with { ReturnWindow = null },
        }, c);
        Assert.Equal(succeeded.AddDays(15), d.AfterSalesEndsAt);
        Assert.Contains(reason, d.ReasonCodes);
        Assert.Equal(expected == AfterSalesOutcome.InTime ? AfterSalesOutcome.NoWindow : AfterSalesOutcome.TooLate, d.Outcome);
    }

    [Fact]
    public void A_request_before_the_transaction_succeeded_is_not_checked_against_the_after_sales_period()
    {
        var d = Assess(Case(requested: SignedFor.AddDays(1)) with { TransactionSucceededAt = SignedFor.AddDays(3) });
        Assert.Equal(SignedFor.AddDays(18), d.AfterSalesEndsAt);
        Assert.DoesNotContain(AfterSalesReasons.AfterSalesInTime, d.ReasonCodes);
        Assert.DoesNotContain(AfterSalesReasons.AfterSalesTooLate, d.ReasonCodes);
    }

    public static TheoryData<long, string> Intervention => new()
    {
        { 0, AfterSalesReasons.InterventionAllowed },
        { -1, AfterSalesReasons.InterventionTooEarly },
        { 1, AfterSalesReasons.InterventionAllowed },
    };

    [Theory]
    [MemberData(nameof(Intervention))]
    public void Platform_intervention_may_be_asked_72_hours_after_the_refund_request(long ticks, string reason)
    {
        var requested = SignedFor.AddDays(1);
        var d = Assess(Case(requested: requested) with { InterventionRequestedAt = requested.AddHours(72).AddTicks(ticks) });
        Assert.Equal(requested.AddHours(72), d.InterventionFrom);
        Assert.Contains(reason, d.ReasonCodes);
        Assert.Equal(AfterSalesOutcome.InTime, d.Outcome); // asking too early does not change the request itself
    }

    public static TheoryData<long?, bool> MerchantAnswers => new()
    {
        { 0, false },
        { 1, true },
        { -1, false },
        { null, false },
    };

    [Theory]
    [MemberData(nameof(MerchantAnswers))]
    public void A_Pinduoduo_merchant_has_48_hours_to_answer_then_the_request_is_agreed(long? ticksPast, bool agreed)
    {
        var requested = SignedFor.AddDays(1);
        var c = Case(AfterSalesPlatform.Pinduoduo, requested) with
        {
            MerchantAnsweredAt = ticksPast is { } t ? requested.AddHours(48).AddTicks(t) : null,
        };
        var d = Assess(c);
        Assert.Equal(requested.AddHours(48), d.MerchantAnswerBy);
        Assert.Equal(agreed ? requested.AddHours(48) : null, d.AutoAgreedAt);
        Assert.Equal(AfterSalesOutcome.NoWindow, d.Outcome);
        Assert.Contains(ticksPast is null ? AfterSalesReasons.MerchantAnswerPending : agreed ? AfterSalesReasons.AutoAgreed : AfterSalesReasons.MerchantAnsweredInTime, d.ReasonCodes);
    }

    [Fact]
    public void Only_Pinduoduo_sets_a_merchant_answer_deadline_and_only_Tmall_the_intervention_timer()
    {
        Assert.Null(Assess(Case(AfterSalesPlatform.Tmall)).MerchantAnswerBy);
        Assert.Null(Assess(Case(AfterSalesPlatform.Pinduoduo)).InterventionFrom);
        Assert.Null(Assess(Case(AfterSalesPlatform.Taobao)).InterventionFrom);
        Assert.NotNull(Assess(Case(AfterSalesPlatform.Tmall)).InterventionFrom);
    }

    // --- JD returns ---

    public static TheoryData<RequestKind, string, AfterSalesOutcome> JdWindows => new()
    {
        // Received on 3 March (China time): counted in dates from 00:00 on 4 March.
        { RequestKind.Return, "2024-03-11 00:00:00", AfterSalesOutcome.InTime },
        { RequestKind.Return, "2024-03-11 00:00:00.0000001", AfterSalesOutcome.TooLate },
        { RequestKind.Exchange, "2024-03-19 00:00:00", AfterSalesOutcome.InTime },
        { RequestKind.Exchange, "2024-03-19 00:00:00.0000001", AfterSalesOutcome.TooLate },
        { RequestKind.Exchange, "2024-03-12 10:00:00", AfterSalesOutcome.InTime },
    };

    [Theory]
    [MemberData(nameof(JdWindows))]
    public void JD_gives_7_days_to_return_and_15_to_exchange_from_the_receipt_date(RequestKind kind, string requested, AfterSalesOutcome expected)
    {
        var d = Assess(Case(AfterSalesPlatform.Jd, At(requested)) with { Kind = kind });
        Assert.Equal(At("2024-03-04 00:00"), d.WindowStartsAt);
        Assert.Equal(expected, d.Outcome);
    }

    public static TheoryData<decimal, long, long, decimal, long, decimal, decimal> JdRefunds => new()
    {
        // paid, earned, spent, benefits → taken back, points deduction, refund
        { 199.00m, 0, 0, 0m, 0, 0m, 199.00m },
        { 199.00m, 500, 0, 0m, 500, 0m, 199.00m },
        { 199.00m, 500, 200, 0m, 300, 2.00m, 197.00m },
        { 199.00m, 500, 500, 5.00m, 0, 5.00m, 189.00m },
        { 199.00m, 1, 1, 0m, 0, 0.01m, 198.99m },
        { 10.00m, 5000, 5000, 0m, 0, 50.00m, 0.00m },
        { 0.00m, 100, 50, 3.00m, 50, 0.50m, 0.00m },
    };

    [Theory]
    [MemberData(nameof(JdRefunds))]
    public void JD_takes_back_review_points_and_deducts_spent_points_and_benefits_from_the_refund(
        decimal paid, long earned, long spent, decimal benefits, long takenBack, decimal pointsDeduction, decimal refund)
    {
        var d = Assess(Case(AfterSalesPlatform.Jd, item: new ReturnedItem { PaidAmount = paid, ReviewPoints = earned, ReviewPointsSpent = spent, ReviewBenefits = benefits }));
        var r = d.Refund!;
        Assert.Equal((takenBack, pointsDeduction, benefits, refund), (r.PointsTakenBack, r.PointsDeduction, r.BenefitsDeduction, r.Refund));
        Assert.Equal(refund == 0m && paid < pointsDeduction + benefits, d.ReasonCodes.Contains(AfterSalesReasons.RefundFloorZero));
    }

    [Fact]
    public void The_JD_refund_is_explained_in_money_terms()
    {
        var d = Assess(Case(AfterSalesPlatform.Jd, item: new ReturnedItem { PaidAmount = 199.00m, ReviewPoints = 500, ReviewPointsSpent = 250 }));
        Assert.Equal(
            [
                "250 of the 500 review points taken back from the account",
                "250 review points already spent ÷ 100 per CNY = 2.50 deducted from the refund",
                "rounded half-up to 0.01: 2.50 (unchanged)",
                "refund 199.00 − 2.50 = 196.50",
            ],
            d.Steps.Where(s => s.Kind is StepKind.PointsTakenBack or StepKind.PointsDeducted or StepKind.Rounded or StepKind.RefundAfterDeductions).Select(s => s.Text));
    }

    [Fact]
    public void The_points_rate_and_rounding_are_rule_data()
    {
        var version = Catalog.InForceAt(AfterSalesCalculator.JdRuleSet, SignedFor);
        var p = version.ParametersAs<AfterSalesParameters>();
        var other = version with { Parameters = p with { ReviewDeductions = p.ReviewDeductions! with { PointsPerYuan = 3m }, Rounding = new RoundingRule(RoundingMode.Down, 2) } };
        var d = AfterSalesCalculator.Assess(other, Case(AfterSalesPlatform.Jd, item: new ReturnedItem { PaidAmount = 50m, ReviewPoints = 10, ReviewPointsSpent = 10 }));
        Assert.Equal(3.33m, d.Refund!.PointsDeduction);
        Assert.Equal(46.67m, d.Refund.Refund);
    }

    [Fact]
    public void Only_JD_computes_a_refund_after_deductions()
    {
        Assert.Null(Assess(Case(AfterSalesPlatform.Tmall)).Refund);
        Assert.Null(Assess(Case(AfterSalesPlatform.Pinduoduo)).Refund);
    }

    // --- The decision names its rule ---

    [Theory]
    [InlineData(AfterSalesPlatform.Tmall, "tmall.after-sales")]
    [InlineData(AfterSalesPlatform.Taobao, "taobao.after-sales")]
    [InlineData(AfterSalesPlatform.Jd, "jd.after-sales")]
    [InlineData(AfterSalesPlatform.Pinduoduo, "pdd.after-sales")]
    public void Each_platform_has_its_rule_set_picked_at_the_request_time(AfterSalesPlatform platform, string ruleSet)
    {
        var d = Assess(Case(platform));
        Assert.Equal(ruleSet, d.Rule.RuleSetId);
        Assert.Equal(Catalog.InForceAt(ruleSet, Case(platform).RequestedAt).ContentHash, d.Rule.ContentHash);
    }

    [Fact]
    public void A_request_before_the_first_version_has_no_rule_in_force()
    {
        var early = At("2022-06-01 10:00");
        var c = Case(AfterSalesPlatform.Pinduoduo, early) with { OrderedAt = early.AddDays(-3), SignedForAt = early.AddDays(-1) };
        var e = Assert.Throws<RuleResolutionException>(() => Assess(c));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
    }

    [Fact]
    public void A_pin_of_another_platform_is_the_wrong_rule_set()
    {
        var e = Assert.Throws<RuleResolutionException>(() => AfterSalesCalculator.Assess(Catalog, Case(), new RulePin("jd.after-sales", 1)));
        Assert.Equal(RuleResolutionError.WrongKind, e.Error);
    }

    [Fact]
    public void Without_steps_the_reason_codes_are_the_same()
    {
        var c = Case(item: new ReturnedItem { FreeShipping = true, OutboundPostage = 5m, ReturnPostage = 6m });
        var full = AfterSalesCalculator.Assess(Catalog, c);
        var basic = AfterSalesCalculator.Assess(Catalog, c, explain: false);
        Assert.NotEmpty(full.Steps);
        Assert.Empty(basic.Steps);
        Assert.Equal(full.ReasonCodes, basic.ReasonCodes);
        Assert.Equal(full.Postage, basic.Postage);
    }

    // --- Input that cannot be true ---

    public static TheoryData<string, Func<AfterSalesCase, AfterSalesCase>> Impossible => new()
    {
        { "signedForAt", c => c with { SignedForAt = Ordered.AddTicks(-1) } },
        { "signedForDate", c => c with { SignedForAt = null, SignedForDate = new DateOnly(2024, 2, 29) } },
        { "signedForDate", c => c with { SignedForDate = new DateOnly(2024, 3, 3) } },
        { "signedForAt", c => c with { SignedForAt = null } },
        { "requestedAt", c => c with { RequestedAt = SignedFor.AddTicks(-1) } },
        { "transactionSucceededAt", c => c with { TransactionSucceededAt = Ordered.AddTicks(-1) } },
        { "interventionRequestedAt", c => c with { InterventionRequestedAt = c.RequestedAt.AddTicks(-1) } },
        { "merchantAnsweredAt", c => c with { MerchantAnsweredAt = c.RequestedAt.AddTicks(-1) } },
        { "item.outboundPostage", c => c with { Item = c.Item with { OutboundPostage = -0.01m } } },
        { "item.returnPostage", c => c with { Item = c.Item with { ReturnPostage = -1m } } },
        { "item.returnPostage", c => c with { Item = c.Item with { ReturnPostage = 1.001m } } },
        { "item.paidAmount", c => c with { Item = c.Item with { PaidAmount = -5m } } },
        { "item.reviewPoints", c => c with { Item = c.Item with { ReviewPoints = -1 } } },
        { "item.reviewPointsSpent", c => c with { Item = c.Item with { ReviewPoints = 10, ReviewPointsSpent = 11 } } },
        { "platform", c => c with { Platform = (AfterSalesPlatform)9 } },
        { "kind", c => c with { Kind = (RequestKind)7 } },
        { "item.category", c => c with { Item = c.Item with { Category = (ItemCategory)42 } } },
        { "orderId", c => c with { OrderId = " " } },
    };

    [Theory]
    [MemberData(nameof(Impossible))]
    public void Input_that_cannot_be_true_is_refused_naming_the_field(string field, Func<AfterSalesCase, AfterSalesCase> change)
    {
        var e = Assert.Throws<InvalidCaseException>(() => Assess(change(Case())));
        Assert.Contains(e.Violations, v => v.Field == field);
    }
}
