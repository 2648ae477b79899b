using System.Globalization;
using Penalties.Core.Common;

namespace Penalties.Core.Tests;

/// <summary><see cref="RoundingRule.Round"/> against .NET's decimal rounding.</summary>
public class RoundingTests
{
    [Theory]
    [InlineData("450.000", 2, "450.00")]
    [InlineData("450.00", 2, "450.00")]
    [InlineData("450", 2, "450")]
    [InlineData("3.765", 2, "3.77")]
    [InlineData("0.005", 2, "0.01")]
    [InlineData("-2.5", 0, "-3")]
    public void Round_in_every_mode_gives_decimal_Round_with_the_matching_midpoint_rule_scale_included(string value, int scale, string halfUp)
    {
        decimal v = decimal.Parse(value, CultureInfo.InvariantCulture);
        Assert.Equal(halfUp, RoundingRule.Round(v, RoundingMode.HalfUp, scale).ToString(CultureInfo.InvariantCulture));
        foreach (var mode in Enum.GetValues<RoundingMode>())
        {
            decimal expected = mode switch
            {
                RoundingMode.HalfUp => decimal.Round(v, scale, MidpointRounding.AwayFromZero),
                RoundingMode.HalfEven => decimal.Round(v, scale, MidpointRounding.ToEven),
                RoundingMode.Down => decimal.Round(v, scale, MidpointRounding.ToZero),
                _ => decimal.Round(v, scale, MidpointRounding.AwayFromZero) == v ? v : decimal.Round(v, scale, v >= 0 ? MidpointRounding.ToPositiveInfinity : MidpointRounding.ToNegativeInfinity),
            };
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), RoundingRule.Round(v, mode, scale).ToString(CultureInfo.InvariantCulture));
        }
    }
}
