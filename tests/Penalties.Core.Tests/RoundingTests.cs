using System.Globalization;
using Penalties.Core.Common;

namespace Penalties.Core.Tests;

/// <summary><see cref="RoundingRule.Round"/> in every mode, against worked values (scale included: the result has the rule's decimals).</summary>
public class RoundingTests
{
    [Theory]
    //           value      scale  half-up    half-even  down       up
    [InlineData("450.000", 2, "450.00", "450.00", "450.00", "450.00")]
    [InlineData("450.00", 2, "450.00", "450.00", "450.00", "450.00")]
    [InlineData("450", 2, "450", "450", "450", "450")]
    [InlineData("3.765", 2, "3.77", "3.76", "3.76", "3.77")]
    [InlineData("3.775", 2, "3.78", "3.78", "3.77", "3.78")]
    [InlineData("0.005", 2, "0.01", "0.00", "0.00", "0.01")]
    [InlineData("0.1200", 2, "0.12", "0.12", "0.12", "0.12")]
    [InlineData("0.121", 2, "0.12", "0.12", "0.12", "0.13")]
    [InlineData("-2.5", 0, "-3", "-2", "-2", "-3")]
    [InlineData("-2.1", 0, "-2", "-2", "-2", "-3")]
    public void Round_in_every_mode(string value, int scale, string halfUp, string halfEven, string down, string up)
    {
        decimal v = decimal.Parse(value, CultureInfo.InvariantCulture);
        string Round(RoundingMode mode) => RoundingRule.Round(v, mode, scale).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(halfUp, Round(RoundingMode.HalfUp));
        Assert.Equal(halfEven, Round(RoundingMode.HalfEven));
        Assert.Equal(down, Round(RoundingMode.Down));
        Assert.Equal(up, Round(RoundingMode.Up));
    }
}
