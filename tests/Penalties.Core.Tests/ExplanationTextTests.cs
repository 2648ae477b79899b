using Penalties.Core.Common;

namespace Penalties.Core.Tests;

/// <summary>
/// The text of every kind of explanation step. The expected texts are those the string templates rendered since commit
/// 7ce45da, for every step kind, the period forms (hours, days, fractions), rounding unchanged and changed, ordinals,
/// negative and huge amounts, instants before 1900 and after 7000.
/// </summary>
public class ExplanationTextTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    public static TheoryData<ExplanationStep, string> Steps => new()
    {
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddHours(72), Subject: "Ordinary"), "ship-by deadline 2024-03-04 10:00:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 72 h (Ordinary)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddDays(7), Subject: "Juhuasuan"), "ship-by deadline 2024-03-08 10:00:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 7 days (Juhuasuan)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddDays(14), Subject: "Juhuasuan"), "ship-by deadline 2024-03-15 10:00:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 14 days (Juhuasuan)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddHours(36), Subject: "x"), "ship-by deadline 2024-03-02 22:00:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 36 h (x)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddMinutes(90), Subject: "x"), "ship-by deadline 2024-03-01 11:30:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 1.5 h (x)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddMinutes(20), Subject: "x"), "ship-by deadline 2024-03-01 10:20:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 0.33 h (x)" },
        { new(StepKind.DeadlineFromPayment, T1: T0, T2: T0.AddHours(180), Subject: "x"), "ship-by deadline 2024-03-08 22:00:00.000 +08:00 = paid at 2024-03-01 10:00:00.000 +08:00 + 180 h (x)" },
        { new(StepKind.DeadlineAgreed, T2: T0.AddTicks(1234567), Subject: "Presale"), "ship-by deadline 2024-03-01 10:00:00.1234567 +08:00 (time agreed in the listing, Presale)" },
        { new(StepKind.ShippedOnTime, T1: T0.AddYears(-130), T2: T0.AddYears(5000)), "shipped at 1894-03-01 10:00:00.000 +08:00 (courier record), not after the deadline 7024-03-01 10:00:00.000 +08:00: on time" },
        { new(StepKind.ShippedLate, T1: T0.AddMilliseconds(999), T2: T0), "shipped at 2024-03-01 10:00:00.999 +08:00 (courier record), after the deadline 2024-03-01 10:00:00.000 +08:00: late" },
        { new(StepKind.ShippedLate, T1: T0.AddTicks(1), T2: T0), "shipped at 2024-03-01 10:00:00.0000001 +08:00 (courier record), after the deadline 2024-03-01 10:00:00.000 +08:00: late" },
        { new(StepKind.ShippedLate, T1: T0.AddTicks(1230), T2: T0.AddTicks(1000)), "shipped at 2024-03-01 10:00:00.000123 +08:00 (courier record), after the deadline 2024-03-01 10:00:00.0001 +08:00: late" },
        { new(StepKind.ShippedLate, T1: T0.AddTicks(9_990_010), T2: T0.AddMilliseconds(999)), "shipped at 2024-03-01 10:00:00.999001 +08:00 (courier record), after the deadline 2024-03-01 10:00:00.999 +08:00: late" },
        { new(StepKind.NotShippedNotYetDue, T1: T0, T2: T0.AddHours(1)), "not shipped as of 2024-03-01 10:00:00.000 +08:00; the deadline 2024-03-01 11:00:00.000 +08:00 has not passed" },
        { new(StepKind.NotShippedLate, T1: T0.AddDays(9), T2: T0), "not shipped as of 2024-03-10 10:00:00.000 +08:00, past the deadline 2024-03-01 10:00:00.000 +08:00: late" },
        { new(StepKind.OutOfStockByTime, T1: T0, T2: T0.AddDays(5)), "still not shipped at 2024-03-06 10:00:00.000 +08:00 (the out-of-stock time): out of stock" },
        { new(StepKind.OutOfStockByMerchant, Subject: "the merchant admitted being out of stock (卖家承认缺货)"), "out of stock: the merchant admitted being out of stock (卖家承认缺货)" },
        { new(StepKind.RateApplied, A: 0.30m, B: 1500.00m, C: 450.00m), "30% × 1,500.00 = 450.00" },
        { new(StepKind.RateApplied, A: 0.125m, B: 1234567.891m, C: 154320.986375m), "12.5% × 1,234,567.891 = 154,320.986375" },
        { new(StepKind.CapNotReached, A: 500m), "cap 500.00 not reached" },
        { new(StepKind.Capped, A: 600.00m, B: 500m), "600.00 capped to 500.00" },
        { new(StepKind.Rounded, A: 450.00m, B: 450.00m, C: 2, Subject: "half-up"), "rounded half-up to 0.01: 450.00 (unchanged)" },
        { new(StepKind.Rounded, A: 154320.986375m, B: 154320.99m, C: 2, Subject: "half-up"), "rounded half-up to 0.01: 154,320.986375 → 154,320.99" },
        { new(StepKind.Rounded, A: 10.5m, B: 11m, C: 0, Subject: "up"), "rounded up to 1: 10.50 → 11.00" },
        { new(StepKind.PaidAsPoints, A: 45000m, B: 100m, Subject: "Tmall points"), "paid to the buyer as 45,000 Tmall points (100 per CNY)" },
        { new(StepKind.PaidAsMoney, A: 99.9m), "paid to the buyer as money: 99.90" },
        { new(StepKind.PlatformLiability, A: 1000000m, B: 0.5m), "merchant also owes the platform 1,000,000.00 (0.5 × the buyer's payout; not paid before the platform's judgment)" },
        { new(StepKind.PlatformLiabilityWaived), "no liability to the platform: the merchant paid before the platform's judgment" },
        { new(StepKind.MerchantTotal, A: 79228162514264337593543950335m), "merchant's total liability 79,228,162,514,264,337,593,543,950,335.00" },
        { new(StepKind.Note, Subject: "force majeure reported"), "force majeure reported" },
        { new(StepKind.Note), "" },
        { new(StepKind.Note, Subject: string.Concat(Enumerable.Repeat("不可抗力报备 ", 200))), string.Concat(Enumerable.Repeat("不可抗力报备 ", 200)) },
        { new(StepKind.PaymentIncluded, A: 120m, Subject: "cash"), "cash 120.00 counted" },
        { new(StepKind.PaymentExcluded, A: 0.01m, Subject: "coupon"), "coupon 0.01 not counted" },
        { new(StepKind.BeansConverted, A: 2000m, B: 100m, C: 20m), "JD beans 2,000 ÷ 100 per CNY = 20.00" },
        { new(StepKind.PaidTotal, A: 130m), "buyer's paid amount 130.00" },
        { new(StepKind.Difference, A: 120m, B: 99m, C: 21m), "120.00 − 99.00 = 21.00" },
        { new(StepKind.Difference, A: 99m, B: 120.5m, C: -21.5m), "99.00 − 120.50 = -21.50" },
        { new(StepKind.Multiplied, A: 2m, B: 21m, C: 42m), "2 × 21.00 = 42.00" },
        { new(StepKind.NoPositiveDifference, A: -21.5m), "difference -21.50 is not positive: nothing due" },
        { new(StepKind.Deduction, A: 12m, B: 1m, C: 1, Subject: "MISDESCRIBED_SEVERE"), "1st MISDESCRIBED_SEVERE: serious, 12" },
        { new(StepKind.Deduction, A: 6m, B: 0m, C: 2, Subject: "INVOICE"), "2nd INVOICE: general, 6" },
        { new(StepKind.Deduction, A: 6.5m, B: 0m, C: 3, Subject: "x"), "3rd x: general, 7" },
        { new(StepKind.Deduction, A: 48m, B: 1m, C: 11, Subject: "x"), "11th x: serious, 48" },
        { new(StepKind.Deduction, A: 0m, B: 1m, C: 12, Subject: "x"), "12th x: serious, 0" },
        { new(StepKind.Deduction, A: 1m, B: 1m, C: 13, Subject: "x"), "13th x: serious, 1" },
        { new(StepKind.Deduction, A: 1m, B: 1m, C: 21, Subject: "x"), "21st x: serious, 1" },
        { new(StepKind.Deduction, A: 1m, B: 1m, C: 112, Subject: "x"), "112th x: serious, 1" },
        { new(StepKind.WindowStarts, T1: T0, Subject: "at the courier's sign-for time"), "window starts 2024-03-01 10:00:00.000 +08:00: at the courier's sign-for time" },
        { new(StepKind.TimerSet, T1: T0, T2: T0.AddHours(168), Subject: "return window ends"), "return window ends 2024-03-08 10:00:00.000 +08:00 = 2024-03-01 10:00:00.000 +08:00 + 7 days" },
        { new(StepKind.TimerSet, T1: T0, T2: T0.AddHours(72), Subject: "platform intervention may be asked from"), "platform intervention may be asked from 2024-03-04 10:00:00.000 +08:00 = 2024-03-01 10:00:00.000 +08:00 + 72 h" },
        { new(StepKind.InTime, T1: T0, T2: T0, Subject: "return asked"), "return asked at 2024-03-01 10:00:00.000 +08:00, not after 2024-03-01 10:00:00.000 +08:00: in time" },
        { new(StepKind.TooLate, T1: T0.AddTicks(10_000), T2: T0, Subject: "return asked"), "return asked at 2024-03-01 10:00:00.001 +08:00, after 2024-03-01 10:00:00.000 +08:00: too late" },
        { new(StepKind.TooEarly, T1: T0, T2: T0.AddHours(72), Subject: "platform intervention asked"), "platform intervention asked at 2024-03-01 10:00:00.000 +08:00, before 2024-03-04 10:00:00.000 +08:00: too early" },
        { new(StepKind.AutoAgreed, T1: T0.AddHours(48)), "not answered in time: agreed automatically at 2024-03-03 10:00:00.000 +08:00" },
        { new(StepKind.PostageLeg, A: 12.5m, Subject: "return leg (buyer → merchant) paid by the buyer"), "return leg (buyer → merchant) paid by the buyer: 12.50" },
        { new(StepKind.PointsTakenBack, A: 1500m, B: 2000m), "1,500 of the 2,000 review points taken back from the account" },
        { new(StepKind.PointsDeducted, A: 250m, B: 100m, C: 2.5m), "250 review points already spent ÷ 100 per CNY = 2.50 deducted from the refund" },
        { new(StepKind.RefundAfterDeductions, A: 199m, B: 2.5m, C: 196.5m), "refund 199.00 − 2.50 = 196.50" },
        { new(StepKind.RefundAfterDeductions, A: 10m, B: 50m, C: 0m), "refund 10.00 − 50.00 is below zero: 0.00" },
        { new((StepKind)99), "99" },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_step_renders_its_text(ExplanationStep step, string expected) => Assert.Equal(expected, step.Text);

    [Fact]
    public void Every_kind_of_step_has_a_text_in_the_table()
    {
        var kinds = Steps.Select(row => ((ExplanationStep)row[0]).Kind).ToHashSet();
        Assert.All(Enum.GetValues<StepKind>(), k => Assert.Contains(k, kinds));
    }
}
