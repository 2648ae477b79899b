using System.Globalization;

namespace Penalties.Core.Common;

/// <summary>What kind of step an explanation line is. The numbers travel as data; the text is rendered on demand.</summary>
public enum StepKind
{
    /// <summary>Deadline from the payment time: T1 paid at, T2 deadline, Subject channel.</summary>
    DeadlineFromPayment,
    /// <summary>Deadline agreed in the listing: T2 deadline, Subject channel.</summary>
    DeadlineAgreed,
    /// <summary>Shipped no later than the deadline: T1 shipped at, T2 deadline.</summary>
    ShippedOnTime,
    /// <summary>Shipped after the deadline: T1 shipped at, T2 deadline.</summary>
    ShippedLate,
    /// <summary>Not shipped, deadline not yet passed: T1 evaluated at, T2 deadline.</summary>
    NotShippedNotYetDue,
    /// <summary>Not shipped and the deadline has passed: T1 evaluated at, T2 deadline.</summary>
    NotShippedLate,
    /// <summary>Out of stock because it was still not shipped when the out-of-stock time came: T1 shipped at or evaluated at, T2 out-of-stock instant.</summary>
    OutOfStockByTime,
    /// <summary>Out of stock by the merchant's own act: Subject the act.</summary>
    OutOfStockByMerchant,
    /// <summary>Rate times base: A rate, B base, C product.</summary>
    RateApplied,
    /// <summary>Cap not reached: A cap.</summary>
    CapNotReached,
    /// <summary>Capped: A uncapped amount, B cap.</summary>
    Capped,
    /// <summary>Rounding: A before, B after, C scale, Subject mode.</summary>
    Rounded,
    /// <summary>Payout as points: A points, B points per CNY, Subject instrument.</summary>
    PaidAsPoints,
    /// <summary>Payout as money: A amount.</summary>
    PaidAsMoney,
    /// <summary>Liability to the platform: A amount, B multiple of the buyer payout.</summary>
    PlatformLiability,
    /// <summary>No liability to the platform because the merchant paid before judgment.</summary>
    PlatformLiabilityWaived,
    /// <summary>Merchant's total cost: A amount.</summary>
    MerchantTotal,
    /// <summary>A condition stops the computation: Subject says which.</summary>
    Note,
    /// <summary>A part of the buyer's payment counted: Subject part, A amount (CNY).</summary>
    PaymentIncluded,
    /// <summary>A part of the buyer's payment left out: Subject part, A amount.</summary>
    PaymentExcluded,
    /// <summary>JD beans converted: A beans, B beans per CNY, C CNY.</summary>
    BeansConverted,
    /// <summary>Buyer's counted paid amount: A total.</summary>
    PaidTotal,
    /// <summary>Difference: A ours, B theirs, C difference.</summary>
    Difference,
    /// <summary>Multiple of the difference: A multiple, B difference, C payout.</summary>
    Multiplied,
    /// <summary>The difference is not positive: A difference.</summary>
    NoPositiveDifference,
    /// <summary>Penalty deduction: Subject the code, A points, B 1 if serious, C the occurrence ("4th").</summary>
    Deduction,
    /// <summary>Where a return window starts: T1 the instant, Subject how it was found.</summary>
    WindowStarts,
    /// <summary>A timer: T1 its start, T2 its end, Subject what ends or opens at T2.</summary>
    TimerSet,
    /// <summary>Done not after its deadline: T1 when, T2 the deadline, Subject what.</summary>
    InTime,
    /// <summary>Done after its deadline: T1 when, T2 the deadline, Subject what.</summary>
    TooLate,
    /// <summary>Done before it was allowed: T1 when, T2 the first allowed instant, Subject what.</summary>
    TooEarly,
    /// <summary>Agreed automatically, the merchant not having answered in time: T1 when.</summary>
    AutoAgreed,
    /// <summary>A postage leg and who pays it: A amount, Subject the leg and the payer.</summary>
    PostageLeg,
    /// <summary>Review points taken back from the account: A points, B points earned.</summary>
    PointsTakenBack,
    /// <summary>Spent points deducted from the refund: A points, B points per CNY, C CNY.</summary>
    PointsDeducted,
    /// <summary>The refund: A paid, B deductions, C refund (never below zero).</summary>
    RefundAfterDeductions,
}

/// <summary>One step of an explanation, its numbers as data; <see cref="Text"/> renders it.</summary>
public readonly record struct ExplanationStep(
    StepKind Kind,
    decimal A = 0m,
    decimal B = 0m,
    decimal C = 0m,
    DateTimeOffset T1 = default,
    DateTimeOffset T2 = default,
    string? Subject = null)
{
    public string Text => Kind switch
    {
        StepKind.DeadlineFromPayment => $"ship-by deadline {Time(T2)} = paid at {Time(T1)} + {Period(T2 - T1)} ({Subject})",
        StepKind.DeadlineAgreed => $"ship-by deadline {Time(T2)} (time agreed in the listing, {Subject})",
        StepKind.ShippedOnTime => $"shipped at {Time(T1)} (courier record), not after the deadline {Time(T2)}: on time",
        StepKind.ShippedLate => $"shipped at {Time(T1)} (courier record), after the deadline {Time(T2)}: late",
        StepKind.NotShippedNotYetDue => $"not shipped as of {Time(T1)}; the deadline {Time(T2)} has not passed",
        StepKind.NotShippedLate => $"not shipped as of {Time(T1)}, past the deadline {Time(T2)}: late",
        StepKind.OutOfStockByTime => $"still not shipped at {Time(T2)} (the out-of-stock time): out of stock",
        StepKind.OutOfStockByMerchant => $"out of stock: {Subject}",
        StepKind.RateApplied => $"{MoneyText.Percent(A)} × {MoneyText.Amount(B)} = {MoneyText.Amount(C)}",
        StepKind.CapNotReached => $"cap {MoneyText.Amount(A)} not reached",
        StepKind.Capped => $"{MoneyText.Amount(A)} capped to {MoneyText.Amount(B)}",
        StepKind.Rounded => A == B
            ? $"rounded {Subject} to {RoundingRule.UnitOf((int)C)}: {MoneyText.Amount(B)} (unchanged)"
            : $"rounded {Subject} to {RoundingRule.UnitOf((int)C)}: {MoneyText.Amount(A)} → {MoneyText.Amount(B)}",
        StepKind.PaidAsPoints => $"paid to the buyer as {MoneyText.Whole(A)} {Subject} ({MoneyText.Factor(B)} per CNY)",
        StepKind.PaidAsMoney => $"paid to the buyer as money: {MoneyText.Amount(A)}",
        StepKind.PlatformLiability => $"merchant also owes the platform {MoneyText.Amount(A)} ({MoneyText.Factor(B)} × the buyer's payout; not paid before the platform's judgment)",
        StepKind.PlatformLiabilityWaived => "no liability to the platform: the merchant paid before the platform's judgment",
        StepKind.MerchantTotal => $"merchant's total liability {MoneyText.Amount(A)}",
        StepKind.Note => Subject ?? "",
        StepKind.PaymentIncluded => $"{Subject} {MoneyText.Amount(A)} counted",
        StepKind.PaymentExcluded => $"{Subject} {MoneyText.Amount(A)} not counted",
        StepKind.BeansConverted => $"JD beans {MoneyText.Whole(A)} ÷ {MoneyText.Factor(B)} per CNY = {MoneyText.Amount(C)}",
        StepKind.PaidTotal => $"buyer's paid amount {MoneyText.Amount(A)}",
        StepKind.Difference => $"{MoneyText.Amount(A)} − {MoneyText.Amount(B)} = {MoneyText.Amount(C)}",
        StepKind.Multiplied => $"{MoneyText.Factor(A)} × {MoneyText.Amount(B)} = {MoneyText.Amount(C)}",
        StepKind.NoPositiveDifference => $"difference {MoneyText.Amount(A)} is not positive: nothing due",
        StepKind.Deduction => string.Create(CultureInfo.InvariantCulture, $"{(int)C}{OrdinalSuffix((int)C)} {Subject}: {(B == 1m ? "serious" : "general")}, {A:0}"),
        StepKind.WindowStarts => $"window starts {Time(T1)}: {Subject}",
        StepKind.TimerSet => $"{Subject} {Time(T2)} = {Time(T1)} + {Period(T2 - T1)}",
        StepKind.InTime => $"{Subject} at {Time(T1)}, not after {Time(T2)}: in time",
        StepKind.TooLate => $"{Subject} at {Time(T1)}, after {Time(T2)}: too late",
        StepKind.TooEarly => $"{Subject} at {Time(T1)}, before {Time(T2)}: too early",
        StepKind.AutoAgreed => $"not answered in time: agreed automatically at {Time(T1)}",
        StepKind.PostageLeg => $"{Subject}: {MoneyText.Amount(A)}",
        StepKind.PointsTakenBack => $"{MoneyText.Whole(A)} of the {MoneyText.Whole(B)} review points taken back from the account",
        StepKind.PointsDeducted => $"{MoneyText.Whole(A)} review points already spent ÷ {MoneyText.Factor(B)} per CNY = {MoneyText.Amount(C)} deducted from the refund",
        StepKind.RefundAfterDeductions => B > A
            ? $"refund {MoneyText.Amount(A)} − {MoneyText.Amount(B)} is below zero: {MoneyText.Amount(C)}"
            : $"refund {MoneyText.Amount(A)} − {MoneyText.Amount(B)} = {MoneyText.Amount(C)}",
        _ => Kind.ToString(),
    };

    public override string ToString() => Text;

    private static string Time(DateTimeOffset instant) => ChinaTime.Format(instant);

    /// <summary>The suffix of an ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st …</summary>
    private static string OrdinalSuffix(int n) => (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    /// <summary>A period between two instants of an explanation: whole days from a week on, else hours ("72 h", "7 days", "1.5 h").</summary>
    private static string Period(TimeSpan span) =>
        span.TotalDays >= 7 && span.Ticks % TimeSpan.TicksPerDay == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.Ticks / TimeSpan.TicksPerDay} days")
            : span.Ticks % TimeSpan.TicksPerHour == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Ticks / TimeSpan.TicksPerHour} h")
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.##} h");
}

/// <summary>
/// The steps and reason codes of one decision, collected in order while the calculator computes it; the steps only
/// when asked for (a decision without its explanation keeps its reason codes).
/// </summary>
internal sealed class Explanation(bool steps)
{
    private readonly List<ExplanationStep>? _steps = steps ? [] : null;
    private readonly List<string> _reasons = [];

    // Read-only views: a decision holding them cannot be changed through a cast.
    public IReadOnlyList<ExplanationStep> Steps => _steps is null ? [] : _steps.AsReadOnly();

    public IReadOnlyList<string> Reasons => _reasons.AsReadOnly();

    public void Step(ExplanationStep step) => _steps?.Add(step);

    public void Reason(string code) => _reasons.Add(code);
}
