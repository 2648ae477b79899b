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
