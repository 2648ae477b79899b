using System.Globalization;
using System.Text;
using System.Text.Unicode;

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
}

/// <summary>
/// One step of an explanation, in money terms. A value type with its numbers as data, so that
/// computing a decision formats no strings; <see cref="Text"/> renders it when someone reads it. The
/// text is rendered as UTF-8 (<see cref="TryFormat"/>), the form it is sent in: a service writes it
/// straight into its response, and <see cref="Text"/> is made from the same bytes.
/// </summary>
public readonly record struct ExplanationStep(
    StepKind Kind,
    decimal A = 0m,
    decimal B = 0m,
    decimal C = 0m,
    DateTimeOffset T1 = default,
    DateTimeOffset T2 = default,
    string? Subject = null) : IUtf8SpanFormattable
{
    public string Text
    {
        get
        {
            Span<byte> buffer = stackalloc byte[512];
            if (TryFormat(buffer, out int written, default, null)) return Encoding.UTF8.GetString(buffer[..written]);
            for (int size = 2048; ; size *= 2)
            {
                var larger = new byte[size]; // a long subject from the rule data
                if (TryFormat(larger, out written, default, null)) return Encoding.UTF8.GetString(larger, 0, written);
            }
        }
    }

    public override string ToString() => Text;

    /// <summary>Writes the step's text as UTF-8; false when <paramref name="utf8Destination"/> is too short.</summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var ci = CultureInfo.InvariantCulture;
        var d = utf8Destination;
        return Kind switch
        {
            StepKind.DeadlineFromPayment =>
                Utf8.TryWrite(d, ci, $"ship-by deadline {Time(T2)} = paid at {Time(T1)} + {new Hours(T2 - T1)} ({Subject})", out bytesWritten),
            StepKind.DeadlineAgreed => Utf8.TryWrite(d, ci, $"ship-by deadline {Time(T2)} (time agreed in the listing, {Subject})", out bytesWritten),
            StepKind.ShippedOnTime => Utf8.TryWrite(d, ci, $"shipped at {Time(T1)} (courier record), not after the deadline {Time(T2)}: on time", out bytesWritten),
            StepKind.ShippedLate => Utf8.TryWrite(d, ci, $"shipped at {Time(T1)} (courier record), after the deadline {Time(T2)}: late", out bytesWritten),
            StepKind.NotShippedNotYetDue => Utf8.TryWrite(d, ci, $"not shipped as of {Time(T1)}; the deadline {Time(T2)} has not passed", out bytesWritten),
            StepKind.NotShippedLate => Utf8.TryWrite(d, ci, $"not shipped as of {Time(T1)}, past the deadline {Time(T2)}: late", out bytesWritten),
            StepKind.OutOfStockByTime => Utf8.TryWrite(d, ci, $"still not shipped at {Time(T2)} (the out-of-stock time): out of stock", out bytesWritten),
            StepKind.OutOfStockByMerchant => Utf8.TryWrite(d, ci, $"out of stock: {Subject}", out bytesWritten),
            StepKind.RateApplied => Utf8.TryWrite(d, ci, $"{Percent(A)} × {Amount(B)} = {Amount(C)}", out bytesWritten),
            StepKind.CapNotReached => Utf8.TryWrite(d, ci, $"cap {Amount(A)} not reached", out bytesWritten),
            StepKind.Capped => Utf8.TryWrite(d, ci, $"{Amount(A)} capped to {Amount(B)}", out bytesWritten),
            StepKind.Rounded => A == B
                ? Utf8.TryWrite(d, ci, $"rounded {Subject} to {Unit((int)C)}: {Amount(B)} (unchanged)", out bytesWritten)
                : Utf8.TryWrite(d, ci, $"rounded {Subject} to {Unit((int)C)}: {Amount(A)} → {Amount(B)}", out bytesWritten),
            StepKind.PaidAsPoints => Utf8.TryWrite(d, ci, $"paid to the buyer as {Whole(A)} {Subject} ({Factor(B)} per CNY)", out bytesWritten),
            StepKind.PaidAsMoney => Utf8.TryWrite(d, ci, $"paid to the buyer as money: {Amount(A)}", out bytesWritten),
            StepKind.PlatformLiability =>
                Utf8.TryWrite(d, ci, $"merchant also owes the platform {Amount(A)} ({Factor(B)} × the buyer's payout; not paid before the platform's judgment)", out bytesWritten),
            StepKind.PlatformLiabilityWaived => Utf8.TryWrite(d, ci, $"no liability to the platform: the merchant paid before the platform's judgment", out bytesWritten),
            StepKind.MerchantTotal => Utf8.TryWrite(d, ci, $"merchant's total liability {Amount(A)}", out bytesWritten),
            StepKind.Note => Utf8.TryWrite(d, ci, $"{Subject}", out bytesWritten),
            StepKind.PaymentIncluded => Utf8.TryWrite(d, ci, $"{Subject} {Amount(A)} counted", out bytesWritten),
            StepKind.PaymentExcluded => Utf8.TryWrite(d, ci, $"{Subject} {Amount(A)} not counted", out bytesWritten),
            StepKind.BeansConverted => Utf8.TryWrite(d, ci, $"JD beans {Whole(A)} ÷ {Factor(B)} per CNY = {Amount(C)}", out bytesWritten),
            StepKind.PaidTotal => Utf8.TryWrite(d, ci, $"buyer's paid amount {Amount(A)}", out bytesWritten),
            StepKind.Difference => Utf8.TryWrite(d, ci, $"{Amount(A)} − {Amount(B)} = {Amount(C)}", out bytesWritten),
            StepKind.Multiplied => Utf8.TryWrite(d, ci, $"{Factor(A)} × {Amount(B)} = {Amount(C)}", out bytesWritten),
            StepKind.NoPositiveDifference => Utf8.TryWrite(d, ci, $"difference {Amount(A)} is not positive: nothing due", out bytesWritten),
            StepKind.Deduction =>
                Utf8.TryWrite(d, ci, $"{(int)C}{OrdinalSuffix((int)C)} {Subject}: {(B == 1m ? "serious" : "general")}, {A:0}", out bytesWritten),
            _ => Utf8.TryWrite(d, ci, $"{Kind}", out bytesWritten),
        };
    }

    private static ChinaInstant Time(DateTimeOffset instant) => new(instant);

    private static Figure Amount(decimal value) => new(value, FigureStyle.Amount);

    private static Figure Percent(decimal value) => new(value, FigureStyle.Percent);

    private static Figure Whole(decimal value) => new(value, FigureStyle.Whole);

    private static Figure Factor(decimal value) => new(value, FigureStyle.Factor);

    /// <summary>The suffix of an ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st …</summary>
    private static string OrdinalSuffix(int n) => (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    private static string Unit(int scale) => RoundingRule.UnitOf(scale);

    /// <summary>A period between two instants of an explanation: whole days from a week on, else hours ("72 h", "7 days", "1.5 h").</summary>
    private readonly record struct Hours(TimeSpan Span) : IUtf8SpanFormattable
    {
        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            var ci = CultureInfo.InvariantCulture;
            return Span.TotalDays >= 7 && Span.Ticks % TimeSpan.TicksPerDay == 0
                ? Utf8.TryWrite(utf8Destination, ci, $"{Span.Ticks / TimeSpan.TicksPerDay} days", out bytesWritten)
                : Span.Ticks % TimeSpan.TicksPerHour == 0
                    ? Utf8.TryWrite(utf8Destination, ci, $"{Span.Ticks / TimeSpan.TicksPerHour} h", out bytesWritten)
                    : Utf8.TryWrite(utf8Destination, ci, $"{Span.TotalHours:0.##} h", out bytesWritten);
        }
    }
}
