using Penalties.Core.Common;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.PriceMatch;

/// <summary>Every bullet of RULES.md §2 as a table test.</summary>
public class PriceMatchTableTests
{
    internal static readonly DateTimeOffset Ordered = At("2024-06-18 09:15");

    internal static Dictionary<string, string> Attributes(string colour = "black") => new()
    {
        ["brand"] = "Apple", ["name"] = "iPhone 15", ["model"] = "A3092", ["colour"] = colour, ["storage"] = "256GB",
    };

    internal static PriceMatchCase Case(decimal cash = 120.00m, decimal theirs = 99.00m) => new()
    {
        OrderId = "JD-1",
        MerchantType = MerchantType.ThirdParty,
        Enrollments = [new EnrollmentPeriod(At("2024-01-01 00:00"), null)],
        ItemHasBadge = true,
        ItemAttributes = Attributes(),
        OrderedAt = Ordered,
        ClaimedAt = Ordered.AddHours(3),
        Payments = [new PaymentPart { Kind = PaymentKind.Cash, Amount = cash }],
        Comparison = new ComparisonListing
        {
            Platform = ComparisonPlatform.PinduoduoTenBillionSubsidy,
            PaidAmount = theirs,
            MonthlySales = 500,
            Attributes = Attributes(),
        },
    };

    private static PriceMatchDecision Assess(PriceMatchCase c) => PriceMatchCalculator.Assess(Catalog, c);

    [Fact]
    public void Payout_is_twice_the_positive_difference()
    {
        var d = Assess(Case(120.00m, 99.00m));
        Assert.Equal(PriceMatchOutcome.Payable, d.Outcome);
        Assert.Equal(21.00m, d.Difference);
        Assert.Equal(42.00m, d.Payout);
        Assert.Contains(d.Steps, s => s.Text == "120.00 − 99.00 = 21.00");
        Assert.Contains(d.Steps, s => s.Text == "2 × 21.00 = 42.00");
        Assert.Empty(d.FailedConditions);
    }

    [Theory]
    [InlineData(99.00, 99.00)]
    [InlineData(98.99, 99.00)]
    public void Nothing_is_due_when_the_difference_is_not_positive(decimal ours, decimal theirs)
    {
        var d = Assess(Case(ours, theirs));
        Assert.Equal(PriceMatchOutcome.NoPositiveDifference, d.Outcome);
        Assert.Equal(0m, d.Payout);
        Assert.Contains(PriceMatchConditions.NoPositiveDifference, d.ReasonCodes);
    }

    [Fact]
    public void There_is_no_cap()
    {
        var d = Assess(Case(1_000_000.00m, 1.00m));
        Assert.Equal(1_999_998.00m, d.Payout);
    }

    [Fact]
    public void Paid_amount_counts_cash_beans_ecard_and_balance_and_excludes_coupons_and_promotions()
    {
        var c = Case() with
        {
            Payments =
            [
                new PaymentPart { Kind = PaymentKind.Cash, Amount = 50.00m },
                new PaymentPart { Kind = PaymentKind.JdBeans, Beans = 2_000 },
                new PaymentPart { Kind = PaymentKind.ECard, Amount = 30.00m },
                new PaymentPart { Kind = PaymentKind.Balance, Amount = 20.00m },
                new PaymentPart { Kind = PaymentKind.Coupon, Amount = 15.00m },
                new PaymentPart { Kind = PaymentKind.PlatformPromotion, Amount = 5.00m },
            ],
        };
        var d = Assess(c);
        Assert.Equal(120.00m, d.BuyerPaidAmount); // 50 + 20 (2,000 beans) + 30 + 20
        Assert.Equal(42.00m, d.Payout);
        Assert.Contains(d.Steps, s => s.Text == "JD beans 2,000 ÷ 100 per CNY = 20.00");
        Assert.Contains(d.Steps, s => s.Text == "coupon 15.00 not counted");
        Assert.Contains(d.Steps, s => s.Text == "platform promotion 5.00 not counted");
    }

    [Fact]
    public void Beans_that_do_not_make_whole_fen_are_rounded_by_the_rules_rounding()
    {
        var c = Case() with { Payments = [new PaymentPart { Kind = PaymentKind.Cash, Amount = 100m }, new PaymentPart { Kind = PaymentKind.JdBeans, Beans = 1 }] };
        Assert.Equal(100.01m, Assess(c).BuyerPaidAmount); // 1 bean = 0.01
    }

    // --- The claim day, in China time ---

    [Fact]
    public void A_claim_at_23_59_59_999_China_time_on_the_order_day_is_in_time()
    {
        var d = Assess(Case() with { ClaimedAt = At("2024-06-18 23:59:59.999") });
        Assert.Equal(PriceMatchOutcome.Payable, d.Outcome);
    }

    [Fact]
    public void A_claim_at_00_00_00_China_time_the_next_day_is_too_late()
    {
        var d = Assess(Case() with { ClaimedAt = At("2024-06-19 00:00:00") });
        Assert.Equal(PriceMatchOutcome.Refused, d.Outcome);
        Assert.Equal(PriceMatchConditions.ClaimTooLate, Assert.Single(d.FailedConditions).Code);
    }

    [Fact]
    public void The_claim_day_is_the_China_day_not_the_UTC_day()
    {
        // Ordered 23:30 China time = 15:30 UTC; claimed 00:10 China time next day = 16:10 UTC the same UTC day.
        var c = Case() with { OrderedAt = At("2024-06-18 23:30"), ClaimedAt = At("2024-06-19 00:10") };
        Assert.Equal(c.OrderedAt.UtcDateTime.Date, c.ClaimedAt.UtcDateTime.Date);
        Assert.Equal(PriceMatchOutcome.Refused, Assess(c).Outcome);
        // Ordered 00:30 China time = 16:30 UTC the previous UTC day; a claim at 23:00 China time is still the same China day.
        var early = Case() with { OrderedAt = At("2024-06-18 00:30"), ClaimedAt = At("2024-06-18 23:00") };
        Assert.Equal(PriceMatchOutcome.Payable, Assess(early).Outcome);
    }

    // --- Eligibility: every failed condition is listed, not only the first ---

    [Fact]
    public void A_refusal_lists_every_failed_condition()
    {
        var c = Case() with
        {
            MerchantType = MerchantType.JdSmallShop,
            Enrollments = [new EnrollmentPeriod(At("2024-07-01 00:00"), null)],
            ItemHasBadge = false,
            ClaimedAt = At("2024-06-19 00:00:03"),
            Comparison = Case().Comparison with
            {
                Platform = ComparisonPlatform.Pinduoduo,
                MonthlySales = 87,
                Attributes = Attributes("white"),
            },
        };
        var d = Assess(c);
        Assert.Equal(PriceMatchOutcome.Refused, d.Outcome);
        Assert.Equal(0m, d.Payout);
        Assert.Equal(
            [
                PriceMatchConditions.MerchantNotEligible, PriceMatchConditions.NotEnrolledAtOrderTime, PriceMatchConditions.NoBadge,
                PriceMatchConditions.ClaimTooLate, PriceMatchConditions.PlatformNotAccepted, PriceMatchConditions.MonthlySalesTooLow,
                PriceMatchConditions.AttributeMismatch,
            ],
            d.FailedConditions.Select(f => f.Code));
        Assert.Equal(d.FailedConditions.Select(f => f.Code), d.ReasonCodes);
        Assert.Contains(d.FailedConditions, f => f.Detail == "monthly sales 87 < 100");
        Assert.Contains(d.FailedConditions, f => f.Detail == "colour: 'black' ≠ 'white'");
        Assert.Contains(d.FailedConditions, f => f.Detail.Contains("JD small shops", StringComparison.Ordinal));
        Assert.Contains(d.FailedConditions, f => f.Detail.StartsWith("claimed at 2024-06-19 00:00:03.000 +08:00, after 23:59:59 China time on 2024-06-18", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ComparisonPlatform.PinduoduoTenBillionSubsidy, true)]
    [InlineData(ComparisonPlatform.Tmall, true)]
    [InlineData(ComparisonPlatform.Pinduoduo, false)]
    [InlineData(ComparisonPlatform.Taobao, false)]
    [InlineData(ComparisonPlatform.Other, false)]
    public void Only_the_named_platforms_count(ComparisonPlatform platform, bool accepted)
    {
        var d = Assess(Case() with { Comparison = Case().Comparison with { Platform = platform } });
        Assert.Equal(accepted ? PriceMatchOutcome.Payable : PriceMatchOutcome.Refused, d.Outcome);
    }

    [Theory]
    [InlineData(MerchantType.ThirdParty, true)]
    [InlineData(MerchantType.JdSmallShop, false)]
    [InlineData(MerchantType.JdSelfOperated, false)]
    public void Only_third_party_merchants_are_covered(MerchantType type, bool covered) =>
        Assert.Equal(covered, Assess(Case() with { MerchantType = type }).Outcome == PriceMatchOutcome.Payable);

    [Theory]
    [InlineData(99, false)]
    [InlineData(100, true)]
    public void The_other_listing_needs_monthly_sales_of_at_least_100(int sales, bool ok) =>
        Assert.Equal(ok, Assess(Case() with { Comparison = Case().Comparison with { MonthlySales = sales } }).Outcome == PriceMatchOutcome.Payable);

    [Fact]
    public void The_other_listing_must_be_on_sale_and_purchasable()
    {
        var d = Assess(Case() with { Comparison = Case().Comparison with { OnSale = false, Purchasable = false } });
        Assert.Equal([PriceMatchConditions.ListingNotOnSale, PriceMatchConditions.ListingNotPurchasable], d.FailedConditions.Select(f => f.Code));
    }

    [Fact]
    public void A_merchant_that_left_still_owes_orders_placed_before_it_left()
    {
        var left = At("2024-06-18 12:00");
        var before = Case() with { Enrollments = [new EnrollmentPeriod(At("2024-01-01 00:00"), left)] };
        Assert.Equal(PriceMatchOutcome.Payable, Assess(before).Outcome);
        var after = before with { OrderedAt = left, ClaimedAt = left.AddHours(1) };
        Assert.Equal(PriceMatchConditions.NotEnrolledAtOrderTime, Assert.Single(Assess(after).FailedConditions).Code);
    }

    [Fact]
    public void Every_attribute_given_must_match_and_brand_name_model_must_be_given()
    {
        var theirs = Attributes();
        theirs.Remove("model");
        theirs["size"] = "6.1 inch";
        var d = Assess(Case() with { Comparison = Case().Comparison with { Attributes = theirs } });
        Assert.Equal(PriceMatchOutcome.Refused, d.Outcome);
        Assert.Equal(
            [(PriceMatchConditions.AttributeMissing, "'model' is not given for the other listing"),
             (PriceMatchConditions.AttributeMismatch, "size: not given for the JD item, '6.1 inch' on the other listing")],
            d.FailedConditions.Select(f => (f.Code, f.Detail)));
    }

    [Fact]
    public void The_same_attributes_in_another_order_give_the_same_decision_listed_in_ordinal_order()
    {
        // A protobuf map has no order on the wire: dictionaries built from it keep whichever order came.
        (string, string)[] ours = [("size", "L"), ("colour", "black"), ("flavour", "none"), ("brand", "Apple"), ("name", "iPhone 15"), ("model", "A3092")];
        (string, string)[] theirs = [("scent", "rose"), ("colour", "white"), ("size", "M"), ("brand", "Apple"), ("name", "iPhone 15"), ("model", "A3092")];
        PriceMatchDecision In(IEnumerable<(string, string)> o, IEnumerable<(string, string)> t) => Assess(Case() with
        {
            ItemAttributes = o.ToDictionary(a => a.Item1, a => a.Item2),
            Comparison = Case().Comparison with { Attributes = t.ToDictionary(a => a.Item1, a => a.Item2) },
        });
        var d = In(ours, theirs);
        Assert.Equal(
            ["colour: 'black' ≠ 'white'", "flavour: 'none' on the JD item, not given for the other listing", "size: 'L' ≠ 'M'",
             "scent: not given for the JD item, 'rose' on the other listing"],
            d.FailedConditions.Select(f => f.Detail));
        var reversed = In(ours.Reverse(), theirs.Reverse());
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(d), System.Text.Json.JsonSerializer.Serialize(reversed));
    }

    [Fact]
    public void Attributes_too_long_are_refused_in_ordinal_order_whatever_order_they_came_in()
    {
        var longValue = new string('x', InputLimits.MaxAttributeLength + 1);
        string[] names = ["size", "colour", "brand"];
        IEnumerable<string> Refused(IEnumerable<string> order) =>
            Assert.Throws<InvalidCaseException>(() => Assess(Case() with { ItemAttributes = order.ToDictionary(n => n, _ => longValue) }))
                .Violations.Select(v => v.Description);
        Assert.Equal(["'brand'", "'colour'", "'size'"], Refused(names).Select(d => d[..d.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal(Refused(names), Refused(names.Reverse()));
    }

    [Fact]
    public void Custom_goods_go_to_manual_review()
    {
        var d = Assess(Case() with { ItemIsCustom = true });
        Assert.Equal(PriceMatchOutcome.ManualReview, d.Outcome);
        Assert.Equal(0m, d.Payout);
        Assert.Equal([PriceMatchConditions.CustomGoodsManualReview], d.ReasonCodes);
    }

    [Fact]
    public void Custom_goods_with_other_failures_are_refused_and_the_manual_review_is_listed_too()
    {
        var d = Assess(Case() with { ItemIsCustom = true, ItemHasBadge = false });
        Assert.Equal(PriceMatchOutcome.Refused, d.Outcome);
        Assert.Equal([PriceMatchConditions.NoBadge, PriceMatchConditions.CustomGoodsManualReview], d.FailedConditions.Select(f => f.Code));
    }

    [Fact]
    public void Orders_before_the_rule_took_effect_have_no_version_in_force()
    {
        var c = Case() with { OrderedAt = At("2023-02-27 23:59:59.999"), ClaimedAt = At("2023-02-27 23:59:59.999") };
        var e = Assert.Throws<RuleResolutionException>(() => Assess(c));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
        Assert.Equal(1, Assess(c with { OrderedAt = At("2023-02-28 00:00"), ClaimedAt = At("2023-02-28 00:00") }).Rule.Version);
    }

    [Fact]
    public void Invalid_claims_list_every_field_violation()
    {
        var c = Case() with
        {
            OrderId = "",
            ClaimedAt = Ordered.AddHours(-1),
            Payments = [new PaymentPart { Kind = PaymentKind.Cash, Amount = -5m }, new PaymentPart { Kind = PaymentKind.JdBeans, Beans = -1, Amount = 3m }],
            Comparison = Case().Comparison with { PaidAmount = 1.001m, MonthlySales = -1 },
        };
        var e = Assert.Throws<InvalidCaseException>(() => Assess(c));
        Assert.Equal(
            ["orderId", "claimedAt", "payments[0].amount", "payments[1].beans", "payments[1].amount", "comparison.paidAmount", "comparison.monthlySales"],
            e.Violations.Select(v => v.Field));
    }
}
