using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Core.Common;

namespace Penalties.Core.Tests;

/// <summary>The digit-by-digit formatting of explanations against .NET's format strings it replaces: the same text for every value.</summary>
public class MoneyTextTests
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Decimals of every scale 0–20, small and large coefficients (a few over 63 bits: the slow path), negatives and zeros.</summary>
    private static readonly Gen<decimal> Values = ScaledIntegerTests.Decimals(6, 20, negatives: true,
        0m, 0.00m, 0.00000m, -0m, 0.005m, 1_500.00m, 450.0000m, 0.30m, 0.1m, 1m, 100m, 0.5m, 45_000m,
        1_000_000.00m, 12_345_678.9m, 0.0000000000001m, 0.000000000005m, 1.000000000000000000m, 9_223_372_036_854_775_807m);

    [Property(MaxTest = 20_000)]
    public Property Amount_is_the_format_strings_text() =>
        Prop.ForAll(Arb.From(Values), v => (MoneyText.Amount(v) == MoneyText.AmountSlow(v)).Label($"{v}: {MoneyText.Amount(v)} vs {MoneyText.AmountSlow(v)}"));

    [Property(MaxTest = 20_000)]
    public Property Percent_is_the_format_strings_text() =>
        Prop.ForAll(Arb.From(Values), v =>
        {
            string want;
            try
            {
                want = MoneyText.PercentSlow(v);
            }
            catch (OverflowException)
            {
                return true.Label("overflow"); // × 100 overflows decimal: a rate is never that large (validated to [0, 1])
            }
            return (MoneyText.Percent(v) == want).Label($"{v}: {MoneyText.Percent(v)} vs {want}");
        });

    [Property(MaxTest = 20_000)]
    public Property Whole_and_factor_are_the_format_strings_text() =>
        Prop.ForAll(Arb.From(Values), v =>
            (MoneyText.Whole(v) == v.ToString("#,0", Invariant) && MoneyText.Factor(v) == v.ToString("0.##", Invariant))
                .Label($"{v}: {MoneyText.Whole(v)} / {v.ToString("#,0", Invariant)}, {MoneyText.Factor(v)} / {v.ToString("0.##", Invariant)}"));

    /// <summary>An instant in China time, hand-formatted, is .NET's custom format of it: every tick from year 1 to 9998, any offset.</summary>
    [Property(MaxTest = 20_000)]
    public Property China_time_is_the_format_strings_text() =>
        Prop.ForAll(Arb.From(
            from ticks in Gen.Choose(0, int.MaxValue).Two().Select(p => (long)p.Item1 * int.MaxValue + p.Item2)
            from offset in Gen.Choose(-14 * 60, 14 * 60)
            select new DateTimeOffset(TimeSpan.TicksPerDay + ticks % new DateTime(9998, 12, 30).Ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset))), t =>
        {
            var expected = t.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss.fff zzz", Invariant);
            return (ChinaTime.Format(t) == expected).Label($"{t:o}: {ChinaTime.Format(t)} vs {expected}");
        });

    [Property(MaxTest = 20_000)]
    public Property Units_and_nanos_are_truncation_and_the_rest() =>
        Prop.ForAll(Arb.From(Values), v =>
        {
            long units;
            try
            {
                units = (long)decimal.Truncate(v);
            }
            catch (OverflowException)
            {
                // Beyond 2^63 units: both refuse it (no amount here comes near it; the contract bounds amounts).
                return (Record.Exception(() => MoneyParts.Of(v)) is OverflowException).Label($"{v}: overflows");
            }
            int nanos = (int)((v - units) * 1_000_000_000m);
            return (MoneyParts.Of(v) == (units, nanos)).Label($"{v}: {MoneyParts.Of(v)} vs {(units, nanos)}");
        });

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

    [Fact]
    public void Units_of_each_scale()
    {
        Assert.Equal(["1", "0.1", "0.01", "0.001"], Enumerable.Range(0, 4).Select(RoundingRule.UnitOf));
        Assert.Equal("0.000000000001", RoundingRule.UnitOf(12));
    }
}
