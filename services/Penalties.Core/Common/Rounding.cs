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
        RoundingMode.Up => decimal.Round(value, scale, MidpointRounding.AwayFromZero) == value
            ? value
            : decimal.Round(value, scale, value >= 0 ? MidpointRounding.ToPositiveInfinity : MidpointRounding.ToNegativeInfinity),
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

    /// <summary>The unit this rule rounds to: scale 2 → "0.01", scale 0 → "1".</summary>
    public string Unit => Scale == 0 ? "1" : (1m / Pow10(Scale)).ToString(CultureInfo.InvariantCulture);

    private static decimal Pow10(int n)
    {
        decimal r = 1m;
        for (int i = 0; i < n; i++) r *= 10m;
        return r;
    }
}

/// <summary>Formatting of CNY amounts and rates for explanations: "1,500.00", "30%".</summary>
public static class MoneyText
{
    public static string Amount(decimal value) =>
        decimal.Round(value, 2) == value
            ? value.ToString("N2", CultureInfo.InvariantCulture)                 // whole fen: the fast standard format
            : value.ToString("#,0.00##########", CultureInfo.InvariantCulture);  // finer amounts keep every digit

    public static string Percent(decimal rate) => (rate * 100m).ToString("0.##########", CultureInfo.InvariantCulture) + "%";

    /// <summary>Number of decimal places actually carried by a decimal (1.50m → 2).</summary>
    public static int ScaleOf(decimal value) => value.Scale;

    /// <summary>True when <paramref name="value"/> has no more significant decimals than <paramref name="scale"/>.</summary>
    public static bool FitsScale(decimal value, int scale) => value.Scale <= scale || decimal.Round(value, scale) == value;
}
