using System.Globalization;
using Penalties.Core.Common;

namespace Penalties.Core.Tests;

/// <summary>How explanations write amounts, rates, counts, factors and instants.</summary>
public class MoneyTextTests
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData("1500.00", "1,500.00", "150000%", "1,500", "1500")]
    [InlineData("450.0000", "450.00", "45000%", "450", "450")]
    [InlineData("0.30", "0.30", "30%", "0", "0.3")]
    [InlineData("0.125", "0.125", "12.5%", "0", "0.13")]
    [InlineData("0.005", "0.005", "0.5%", "0", "0.01")]
    [InlineData("45000", "45,000.00", "4500000%", "45,000", "45000")]
    [InlineData("1234567.891", "1,234,567.891", "123456789.1%", "1,234,568", "1234567.89")]
    public void Worked_texts(string value, string amount, string percent, string whole, string factor)
    {
        var v = decimal.Parse(value, Invariant);
        Assert.Equal((amount, percent, whole, factor), (MoneyText.Amount(v), MoneyText.Percent(v), MoneyText.Whole(v), MoneyText.Factor(v)));
    }

    [Theory]
    [InlineData("-21.5", "-21.50")]
    [InlineData("0.000000000005", "0.000000000005")]
    [InlineData("79228162514264337593543950335", "79,228,162,514,264,337,593,543,950,335.00")]
    public void Amounts_keep_every_digit_and_the_sign(string value, string amount) =>
        Assert.Equal(amount, MoneyText.Amount(decimal.Parse(value, Invariant)));

    [Fact]
    public void China_time_is_written_to_the_millisecond_at_plus_eight()
    {
        Assert.Equal("2024-03-01 10:00:00.123 +08:00", ChinaTime.Format(new DateTimeOffset(2024, 3, 1, 2, 0, 0, 123, TimeSpan.Zero)));
        Assert.Equal("1900-01-01 07:59:59.999 +08:00", ChinaTime.Format(new DateTimeOffset(1899, 12, 31, 18, 59, 59, 999, TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void Units_of_each_scale()
    {
        Assert.Equal(["1", "0.1", "0.01", "0.001"], Enumerable.Range(0, 4).Select(RoundingRule.UnitOf));
        Assert.Equal("0.000000000001", RoundingRule.UnitOf(12));
    }
}
