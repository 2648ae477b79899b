using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using static Penalties.Core.Tests.Rules;
using LateCases = Penalties.Core.Tests.LateShipment.LateShipmentTableTests;
using PriceCases = Penalties.Core.Tests.PriceMatch.PriceMatchTableTests;

namespace Penalties.Core.Tests;

/// <summary>Input that cannot be true, or beyond the documented bounds, is refused naming the field; explanations are never cut short.</summary>
public class ImpossibleInputTests
{
    private static readonly DateTimeOffset Paid = At("2024-03-01 10:00");

    private static IEnumerable<string> FieldsRefused(LateShipmentCase c) =>
        Assert.Throws<InvalidCaseException>(() => LateShipmentCalculator.Assess(Catalog, c)).Violations.Select(v => v.Field);

    private static IEnumerable<string> FieldsRefused(PriceMatchCase c) =>
        Assert.Throws<InvalidCaseException>(() => PriceMatchCalculator.Assess(Catalog, c)).Violations.Select(v => v.Field);

    [Fact]
    public void A_line_shipped_before_the_order_was_paid_is_refused() =>
        Assert.Equal(["lines[0].shippedAt"], FieldsRefused(LateCases.Case(shippedAt: Paid.AddTicks(-1))));

    [Fact]
    public void A_line_shipped_the_instant_it_was_paid_is_accepted() =>
        Assert.Equal(LateShipmentOutcome.NotLate, LateShipmentCalculator.Assess(Catalog, LateCases.Case(shippedAt: Paid)).Outcome);

    [Fact]
    public void Payment_before_the_order_was_placed_is_refused() =>
        Assert.Equal(["paidAt"], FieldsRefused(LateCases.Case(shippedAt: Paid.AddHours(1)) with { PlacedAt = Paid.AddMinutes(1) }));

    [Fact]
    public void An_evaluation_before_the_payment_is_refused() =>
        Assert.Equal(["evaluatedAt"], FieldsRefused(LateCases.Case(evaluatedAt: Paid.AddSeconds(-1))));

    [Fact]
    public void An_evaluation_before_a_shipment_is_an_as_of_query_and_accepted() =>
        Assert.Equal(LateShipmentOutcome.Compensable,
            LateShipmentCalculator.Assess(Catalog, LateCases.Case(shippedAt: Paid.AddHours(80), evaluatedAt: Paid.AddHours(1))).Outcome);

    [Fact]
    public void An_order_never_paid_evaluated_before_it_was_placed_is_refused() =>
        Assert.Equal(["evaluatedAt"], FieldsRefused(LateCases.Case() with { PaidAt = null, RefusedBeforePayment = true, PlacedAt = Paid, EvaluatedAt = Paid.AddDays(-1) }));

    [Fact]
    public void A_force_majeure_period_ending_before_it_starts_is_refused() =>
        Assert.Equal(["forceMajeureReports[0].to"], FieldsRefused(LateCases.Case() with { ForceMajeureReports = [new ReportedPeriod(Paid, Paid.AddTicks(-1))] }));

    [Fact]
    public void A_claim_before_the_order_and_an_enrollment_ending_before_it_starts_are_refused() =>
        Assert.Equal(["claimedAt", "enrollments[0].to"], FieldsRefused(PriceCases.Case() with
        {
            ClaimedAt = PriceCases.Ordered.AddTicks(-1),
            Enrollments = [new EnrollmentPeriod(PriceCases.Ordered, PriceCases.Ordered.AddDays(-1))],
        }));

    [Fact]
    public void Amounts_above_the_maximum_are_refused_and_the_maximum_is_decided()
    {
        var over = InputLimits.MaxMoney + 0.01m;
        Assert.Equal(["lines[0].amount"], FieldsRefused(LateCases.Case(amount: over)));
        Assert.Equal(["payments[0].amount", "comparison.paidAmount"], FieldsRefused(PriceCases.Case(cash: over, theirs: over)));
        Assert.Equal(["payments[0].beans"], FieldsRefused(PriceCases.Case() with { Payments = [new PaymentPart { Kind = PaymentKind.JdBeans, Beans = InputLimits.MaxJdBeans + 1 }] }));
        // Near the 64-bit limit a doubled payout once overflowed; at the maximum every number fits.
        var d = PriceMatchCalculator.Assess(Catalog, PriceCases.Case(cash: InputLimits.MaxMoney, theirs: 0m));
        Assert.Equal(InputLimits.MaxMoney, d.Difference);
        Assert.Equal(LateShipmentOutcome.Compensable, LateShipmentCalculator.Assess(Catalog, LateCases.Case(amount: InputLimits.MaxMoney, shippedAt: Paid.AddDays(4))).Outcome);
    }

    [Fact]
    public void Collections_beyond_their_limits_are_refused()
    {
        var line = new OrderLine { LineId = "x", Amount = 1m };
        Assert.Equal(["lines"], FieldsRefused(LateCases.Case() with
        {
            Lines = [.. Enumerable.Range(0, InputLimits.MaxOrderLines + 1).Select(i => line with { LineId = $"L{i}" })],
        }));
        Assert.Equal(["forceMajeureReports"], FieldsRefused(LateCases.Case() with
        {
            ForceMajeureReports = [.. Enumerable.Repeat(new ReportedPeriod(Paid, Paid), InputLimits.MaxForceMajeureReports + 1)],
        }));
        var many = Enumerable.Range(0, InputLimits.MaxAttributes + 1).ToDictionary(i => $"a{i}", i => "v");
        Assert.Equal(["itemAttributes", "payments", "enrollments"], FieldsRefused(PriceCases.Case() with
        {
            ItemAttributes = many,
            Payments = [.. Enumerable.Repeat(new PaymentPart { Kind = PaymentKind.Cash, Amount = 1m }, InputLimits.MaxPaymentParts + 1)],
            Enrollments = [.. Enumerable.Repeat(new EnrollmentPeriod(PriceCases.Ordered, null), InputLimits.MaxEnrollments + 1)],
        }));
        var tooLong = new string('x', InputLimits.MaxAttributeLength + 1);
        Assert.Equal(["comparison.attributes"], FieldsRefused(PriceCases.Case() with
        {
            Comparison = PriceCases.Case().Comparison with { Attributes = new Dictionary<string, string> { ["brand"] = tooLong } },
        }));
    }

    [Fact]
    public void A_thousand_lines_with_one_duplicate_id_name_it_once()
    {
        var lines = Enumerable.Range(0, InputLimits.MaxOrderLines).Select(i => new OrderLine { LineId = $"L{i}", Amount = 1m }).ToList();
        lines[^1] = lines[^1] with { LineId = "L7" };
        var e = Assert.Throws<InvalidCaseException>(() => LateShipmentCalculator.Assess(Catalog, LateCases.Case() with { Lines = lines }));
        var v = Assert.Single(e.Violations);
        Assert.Equal(($"lines[{InputLimits.MaxOrderLines - 1}].lineId", "duplicates lines[7].lineId 'L7'"), (v.Field, v.Description));
    }

    [Fact]
    public void A_claim_paid_in_twenty_parts_keeps_every_step()
    {
        var parts = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? new PaymentPart { Kind = PaymentKind.Cash, Amount = 10m }
            : new PaymentPart { Kind = PaymentKind.JdBeans, Beans = 1000 }).ToList();
        var d = PriceMatchCalculator.Assess(Catalog, PriceCases.Case(theirs: 150m) with { Payments = parts });
        Assert.Equal(PriceMatchOutcome.Payable, d.Outcome);
        Assert.Equal(200m, d.BuyerPaidAmount);
        Assert.Equal(10, d.Steps.Count(s => s.Kind == StepKind.BeansConverted));
        Assert.Equal(20, d.Steps.Count(s => s.Kind == StepKind.PaymentIncluded));
        Assert.Equal(["buyer's paid amount 200.00", "200.00 − 150.00 = 50.00", "2 × 50.00 = 100.00"],
            d.Steps.Where(s => s.Kind is StepKind.PaidTotal or StepKind.Difference or StepKind.Multiplied).Select(s => s.Text));
        Assert.Equal(StepKind.Rounded, d.Steps[^1].Kind);
    }

    [Fact]
    public void A_claim_failing_twenty_conditions_keeps_every_one_and_every_code()
    {
        var ours = Enumerable.Range(0, 12).ToDictionary(i => $"a{i}", i => "ours");
        var c = PriceCases.Case() with
        {
            MerchantType = MerchantType.JdSmallShop,
            Enrollments = [],
            ItemHasBadge = false,
            ItemAttributes = ours,
            ClaimedAt = PriceCases.Ordered.AddDays(30),
            Comparison = PriceCases.Case().Comparison with
            {
                Platform = ComparisonPlatform.Other, OnSale = false, Purchasable = false, MonthlySales = 0,
                Attributes = ours.ToDictionary(kv => kv.Key, _ => "theirs"),
            },
        };
        var d = PriceMatchCalculator.Assess(Catalog, c);
        Assert.Equal(PriceMatchOutcome.Refused, d.Outcome);
        Assert.True(d.FailedConditions.Count >= 20, $"{d.FailedConditions.Count} failed conditions");
        Assert.Equal(12, d.FailedConditions.Count(f => f.Code == PriceMatchConditions.AttributeMismatch));
        Assert.Equal(d.FailedConditions.Select(f => f.Code).Distinct().Order(), d.ReasonCodes.Order());
        Assert.Equal(10, d.ReasonCodes.Count);
    }
}
