using System.Globalization;

namespace Penalties.Core.Common;

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
