using System.Globalization;
using System.Runtime.CompilerServices;
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
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        // One method a kind: each template's interpolation handler is a local of its own method, so a call sets up one,
        // not the twenty-seven a single method holding every template zeroes on every call (about 35 ns a step, measured).
        Kind switch
        {
            StepKind.DeadlineFromPayment => DeadlineFromPayment(utf8Destination, out bytesWritten),
            StepKind.DeadlineAgreed => DeadlineAgreed(utf8Destination, out bytesWritten),
            StepKind.ShippedOnTime => ShippedOnTime(utf8Destination, out bytesWritten),
            StepKind.ShippedLate => ShippedLate(utf8Destination, out bytesWritten),
            StepKind.NotShippedNotYetDue => NotShippedNotYetDue(utf8Destination, out bytesWritten),
            StepKind.NotShippedLate => NotShippedLate(utf8Destination, out bytesWritten),
            StepKind.OutOfStockByTime => OutOfStockByTime(utf8Destination, out bytesWritten),
            StepKind.OutOfStockByMerchant => OutOfStockByMerchant(utf8Destination, out bytesWritten),
            StepKind.RateApplied => RateApplied(utf8Destination, out bytesWritten),
            StepKind.CapNotReached => CapNotReached(utf8Destination, out bytesWritten),
            StepKind.Capped => Capped(utf8Destination, out bytesWritten),
            StepKind.Rounded => Rounded(utf8Destination, out bytesWritten),
            StepKind.PaidAsPoints => PaidAsPoints(utf8Destination, out bytesWritten),
            StepKind.PaidAsMoney => PaidAsMoney(utf8Destination, out bytesWritten),
            StepKind.PlatformLiability => PlatformLiability(utf8Destination, out bytesWritten),
            StepKind.PlatformLiabilityWaived => PlatformLiabilityWaived(utf8Destination, out bytesWritten),
            StepKind.MerchantTotal => MerchantTotal(utf8Destination, out bytesWritten),
            StepKind.Note => Note(utf8Destination, out bytesWritten),
            StepKind.PaymentIncluded => PaymentIncluded(utf8Destination, out bytesWritten),
            StepKind.PaymentExcluded => PaymentExcluded(utf8Destination, out bytesWritten),
            StepKind.BeansConverted => BeansConverted(utf8Destination, out bytesWritten),
            StepKind.PaidTotal => PaidTotal(utf8Destination, out bytesWritten),
            StepKind.Difference => Difference(utf8Destination, out bytesWritten),
            StepKind.Multiplied => Multiplied(utf8Destination, out bytesWritten),
            StepKind.NoPositiveDifference => NoPositiveDifference(utf8Destination, out bytesWritten),
            StepKind.Deduction => Deduction(utf8Destination, out bytesWritten),
            _ => Utf8.TryWrite(utf8Destination, Ci, $"{Kind}", out bytesWritten),
        };

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    // The templates, one a kind, each kept out of TryFormat (NoInlining: see there).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool DeadlineFromPayment(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"ship-by deadline {Time(T2)} = paid at {Time(T1)} + {new Hours(T2 - T1)} ({Subject})", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool DeadlineAgreed(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"ship-by deadline {Time(T2)} (time agreed in the listing, {Subject})", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ShippedOnTime(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"shipped at {Time(T1)} (courier record), not after the deadline {Time(T2)}: on time", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ShippedLate(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"shipped at {Time(T1)} (courier record), after the deadline {Time(T2)}: late", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool NotShippedNotYetDue(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"not shipped as of {Time(T1)}; the deadline {Time(T2)} has not passed", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool NotShippedLate(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"not shipped as of {Time(T1)}, past the deadline {Time(T2)}: late", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool OutOfStockByTime(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"still not shipped at {Time(T2)} (the out-of-stock time): out of stock", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool OutOfStockByMerchant(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"out of stock: {Subject}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RateApplied(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Percent(A)} × {Amount(B)} = {Amount(C)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool CapNotReached(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"cap {Amount(A)} not reached", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Capped(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Amount(A)} capped to {Amount(B)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Rounded(Span<byte> d, out int n) => A == B
        ? Utf8.TryWrite(d, Ci, $"rounded {Subject} to {Unit((int)C)}: {Amount(B)} (unchanged)", out n)
        : Utf8.TryWrite(d, Ci, $"rounded {Subject} to {Unit((int)C)}: {Amount(A)} → {Amount(B)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PaidAsPoints(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"paid to the buyer as {Whole(A)} {Subject} ({Factor(B)} per CNY)", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PaidAsMoney(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"paid to the buyer as money: {Amount(A)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PlatformLiability(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"merchant also owes the platform {Amount(A)} ({Factor(B)} × the buyer's payout; not paid before the platform's judgment)", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool PlatformLiabilityWaived(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"no liability to the platform: the merchant paid before the platform's judgment", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool MerchantTotal(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"merchant's total liability {Amount(A)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Note(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Subject}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PaymentIncluded(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Subject} {Amount(A)} counted", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PaymentExcluded(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Subject} {Amount(A)} not counted", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool BeansConverted(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"JD beans {Whole(A)} ÷ {Factor(B)} per CNY = {Amount(C)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PaidTotal(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"buyer's paid amount {Amount(A)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Difference(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Amount(A)} − {Amount(B)} = {Amount(C)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Multiplied(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{Factor(A)} × {Amount(B)} = {Amount(C)}", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool NoPositiveDifference(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"difference {Amount(A)} is not positive: nothing due", out n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Deduction(Span<byte> d, out int n) => Utf8.TryWrite(d, Ci, $"{(int)C}{OrdinalSuffix((int)C)} {Subject}: {(B == 1m ? "serious" : "general")}, {A:0}", out n);

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
