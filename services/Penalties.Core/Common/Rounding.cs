using System.Globalization;

namespace Penalties.Core.Common;

/// <summary>How a money amount is rounded. Always named by rule data, never implied.</summary>
public enum RoundingMode
{
    /// <summary>Half away from zero: 0.005 → 0.01.</summary>
    HalfUp,
    /// <summary>Banker's rounding: half to the even neighbour.</summary>
    HalfEven,
    /// <summary>Towards zero (truncate).</summary>
    Down,
    /// <summary>Away from zero.</summary>
    Up,
}

/// <summary>A rounding mode and the number of decimal places it rounds to (2 = the fen).</summary>
public sealed record RoundingRule(RoundingMode Mode, int Scale)
{
    public decimal Apply(decimal value) => Round(value, Mode, Scale);

    public static decimal Round(decimal value, RoundingMode mode, int scale) =>
        // A value with no more decimals than the scale is unchanged in every mode (decimal.Round returns it as it is).
        value.Scale <= scale && (uint)mode <= (uint)RoundingMode.Up && (uint)scale <= 28 ? value : RoundSlow(value, mode, scale);

    private static decimal RoundSlow(decimal value, RoundingMode mode, int scale) => mode switch
    {
        RoundingMode.HalfUp => decimal.Round(value, scale, MidpointRounding.AwayFromZero),
        RoundingMode.HalfEven => decimal.Round(value, scale, MidpointRounding.ToEven),
        RoundingMode.Down => decimal.Round(value, scale, MidpointRounding.ToZero),
        RoundingMode.Up => decimal.Round(value, scale, value >= 0 ? MidpointRounding.ToPositiveInfinity : MidpointRounding.ToNegativeInfinity),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown rounding mode"),
    };

    /// <summary>"half-up" / "half-even" / "down" / "up", as explanations spell it.</summary>
    public static string Describe(RoundingMode mode) => mode switch
    {
        RoundingMode.HalfUp => "half-up",
        RoundingMode.HalfEven => "half-even",
        RoundingMode.Down => "down",
        RoundingMode.Up => "up",
        _ => mode.ToString(),
    };

    private static readonly string[] Units = [.. Enumerable.Range(0, 11).Select(s => s == 0 ? "1" : (1m / Pow10(s)).ToString(CultureInfo.InvariantCulture))];

    /// <summary>The unit of a scale: 2 → "0.01".</summary>
    public static string UnitOf(int scale) => (uint)scale < (uint)Units.Length ? Units[scale] : (1m / Pow10(scale)).ToString(CultureInfo.InvariantCulture);

    private static decimal Pow10(int n)
    {
        decimal r = 1m;
        for (int i = 0; i < n; i++) r *= 10m;
        return r;
    }
}

/// <summary>How <see cref="MoneyText"/> writes a number.</summary>
public enum FigureStyle
{
    /// <summary>An amount with thousands separators and at least two decimals: "1,500.00".</summary>
    Amount,
    /// <summary>A rate as a percentage: 0.30 → "30%".</summary>
    Percent,
    /// <summary>A count rounded to a whole number, grouped: "45,000".</summary>
    Whole,
    /// <summary>A factor with up to two decimals: "0.5".</summary>
    Factor,
}

/// <summary>A number as <see cref="MoneyText"/> writes it in <see cref="Style"/>: a hole of an explanation's UTF-8 template.</summary>
public readonly record struct Figure(decimal Value, FigureStyle Style) : IUtf8SpanFormattable
{
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        MoneyText.TryWrite(Value, Style, utf8Destination, out bytesWritten);

    public override string ToString() => MoneyText.Text(Value, Style);
}

/// <summary>
/// Formatting of CNY amounts, rates and counts for explanations: "1,500.00", "30%", "45,000", "0.5". Every explained
/// decision renders several of these, so the usual values (non-negative, a 63-bit coefficient) are written digit by
/// digit; the rest, and anything the fast path cannot write exactly, take .NET's format strings, which give the same
/// text (a property test holds the two to it). The text is ASCII, written as UTF-8 bytes (<see cref="TryWrite"/>), the
/// form explanations are sent in; the strings are made from those bytes.
/// </summary>
public static class MoneyText
{
    /// <summary>An amount with thousands separators and at least two decimals; finer amounts keep every digit ("1,500.00", "0.005").</summary>
    public static string Amount(decimal value) => Text(value, FigureStyle.Amount);

    /// <summary>The format string an amount is written with when the fast path cannot: whole fen the standard format, finer amounts every digit.</summary>
    private static string AmountFormat(decimal value) => decimal.Round(value, 2) == value ? "N2" : "#,0.00##########";

    private const string PercentFormat = "0.##########", WholeFormat = "#,0", FactorFormat = "0.##";

    /// <summary>Amount by .NET's format string alone, as a string: the oracle the property tests hold the fast path to.</summary>
    internal static string AmountSlow(decimal value) => value.ToString(AmountFormat(value), CultureInfo.InvariantCulture);

    /// <summary>A rate as a percentage with up to ten decimals: 0.30 → "30%", 0.125 → "12.5%".</summary>
    public static string Percent(decimal rate) => Text(rate, FigureStyle.Percent);

    /// <summary>Percent by .NET's format string alone, as a string: the oracle the property tests hold the fast path to.</summary>
    internal static string PercentSlow(decimal rate) => (rate * 100m).ToString(PercentFormat, CultureInfo.InvariantCulture) + "%";

    /// <summary>A count rounded to a whole number, with thousands separators ("#,0"): 45000 → "45,000".</summary>
    public static string Whole(decimal value) => Text(value, FigureStyle.Whole);

    /// <summary>A factor with up to two decimals, without trailing zeros ("0.##"): 100 → "100", 0.50 → "0.5".</summary>
    public static string Factor(decimal value) => Text(value, FigureStyle.Factor);

    /// <summary>Number of decimal places actually carried by a decimal (1.50m → 2).</summary>
    public static int ScaleOf(decimal value) => value.Scale;

    /// <summary>True when <paramref name="value"/> has no more significant decimals than <paramref name="scale"/>.</summary>
    public static bool FitsScale(decimal value, int scale) => value.Scale <= scale || decimal.Round(value, scale) == value;

    /// <summary>The longest text of any style: 29 digits, 9 separators, a sign, a point, 12 decimals, a percent sign.</summary>
    private const int MaxLength = 64;

    internal static string Text(decimal value, FigureStyle style)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return TryWrite(value, style, buffer, out int written)
            ? System.Text.Encoding.ASCII.GetString(buffer[..written])
            : throw new InvalidOperationException($"{value} does not fit {MaxLength} characters in the {style} style");
    }

    /// <summary>Writes <paramref name="value"/> in <paramref name="style"/> as ASCII (UTF-8) bytes; false when <paramref name="destination"/> is too short.</summary>
    public static bool TryWrite(decimal value, FigureStyle style, Span<byte> destination, out int written)
    {
        bool fast = ScaledInteger.TryFrom(value, out var v);
        switch (style)
        {
            case FigureStyle.Amount:
                return (fast && TryAmount(v, destination, out written))
                    || value.TryFormat(destination, out written, AmountFormat(value), CultureInfo.InvariantCulture);
            case FigureStyle.Percent:
                if (!(fast && TryPlain(v.Coefficient, v.Scale - 2, 10, grouped: false, destination, out written))
                    && !(value * 100m).TryFormat(destination, out written, PercentFormat, CultureInfo.InvariantCulture))
                    return Fail(out written);
                if (written == destination.Length) return Fail(out written);
                destination[written++] = (byte)'%';
                return true;
            case FigureStyle.Whole:
                return (fast && v.TryWholePart(out long whole) && TryPlain(whole, 0, 0, grouped: true, destination, out written))
                    || value.TryFormat(destination, out written, WholeFormat, CultureInfo.InvariantCulture);
            default:
                return (fast && TryPlain(v.Coefficient, v.Scale, 2, grouped: false, destination, out written))
                    || value.TryFormat(destination, out written, FactorFormat, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Amount's fast path: at least two decimals, grouped; trailing zeros beyond two decimals dropped.</summary>
    private static bool TryAmount(ScaledInteger v, Span<byte> destination, out int written)
    {
        var trimmed = v.Trimmed(minScale: 2);
        long coefficient = trimmed.Coefficient;
        int scale = trimmed.Scale;
        if (scale > 12) return Fail(out written); // the format keeps at most 12 decimals and rounds the rest
        if (scale < 2)
        {
            if (coefficient > long.MaxValue / 100) return Fail(out written);
            coefficient *= scale == 0 ? 100 : 10;
            scale = 2;
        }
        return TryWriteDigits(coefficient, scale, grouped: true, destination, out written);
    }

    /// <summary>
    /// coefficient / 10^scale without trailing zeros, as the "0.##…" formats write it; a negative scale multiplies.
    /// False when more than <paramref name="maxDecimals"/> decimals would remain (the format string rounds then).
    /// </summary>
    private static bool TryPlain(long coefficient, int scale, int maxDecimals, bool grouped, Span<byte> destination, out int written)
    {
        for (; scale < 0; scale++)
        {
            if (coefficient > long.MaxValue / 10) return Fail(out written);
            coefficient *= 10;
        }
        var trimmed = ScaledInteger.Of(coefficient, scale).Trimmed();
        if (trimmed.Scale > maxDecimals) return Fail(out written);
        return TryWriteDigits(trimmed.Coefficient, trimmed.Scale, grouped, destination, out written);
    }

    private static bool Fail(out int written)
    {
        written = 0;
        return false;
    }

    /// <summary>Writes coefficient / 10^scale with exactly <paramref name="scale"/> decimals, grouping the integer digits by three if asked.</summary>
    private static bool TryWriteDigits(long coefficient, int scale, bool grouped, Span<byte> destination, out int written)
    {
        if (scale > 18)
            return Fail(out written);
        Span<byte> buffer = stackalloc byte[48];
        int pos = buffer.Length;
        for (int i = 0; i < scale; i++)
        {
            buffer[--pos] = (byte)('0' + (int)(coefficient % 10));
            coefficient /= 10;
        }
        if (scale > 0) buffer[--pos] = (byte)'.';
        int digits = 0;
        do
        {
            if (grouped && digits > 0 && digits % 3 == 0) buffer[--pos] = (byte)',';
            buffer[--pos] = (byte)('0' + (int)(coefficient % 10));
            coefficient /= 10;
            digits++;
        }
        while (coefficient != 0);
        if (!buffer[pos..].TryCopyTo(destination)) return Fail(out written);
        written = buffer.Length - pos;
        return true;
    }
}
