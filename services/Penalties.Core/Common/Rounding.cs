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

    public static decimal Round(decimal value, RoundingMode mode, int scale) => mode switch
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

    /// <summary>The unit of a scale: 2 → "0.01".</summary>
    public static string UnitOf(int scale) => new decimal(1, 0, 0, false, (byte)scale).ToString(CultureInfo.InvariantCulture);
}

/// <summary>How explanations write CNY amounts, rates and counts: "1,500.00", "30%", "45,000", "0.5".</summary>
public static class MoneyText
{
    /// <summary>An amount with thousands separators and at least two decimals; finer amounts keep every digit ("1,500.00", "0.005").</summary>
    public static string Amount(decimal value) =>
        value.ToString(decimal.Round(value, 2) == value ? "N2" : "#,0.00##########", CultureInfo.InvariantCulture);

    /// <summary>A rate as a percentage with up to ten decimals: 0.30 → "30%", 0.125 → "12.5%".</summary>
    public static string Percent(decimal rate) => (rate * 100m).ToString("0.##########", CultureInfo.InvariantCulture) + "%";

    /// <summary>A count rounded to a whole number, with thousands separators: 45000 → "45,000".</summary>
    public static string Whole(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A factor with up to two decimals, without trailing zeros: 100 → "100", 0.50 → "0.5".</summary>
    public static string Factor(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="value"/> has no more significant decimals than <paramref name="scale"/>.</summary>
    public static bool FitsScale(decimal value, int scale) => decimal.Round(value, scale) == value;
}
