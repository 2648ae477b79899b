using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests;

/// <summary>
/// The integer money path (<see cref="ScaledInteger"/>, <see cref="Compensation"/>) against plain decimal arithmetic
/// and <see cref="RoundingRule.Round"/>: the same value and the same scale (every bit of the decimal) for every input,
/// including the inputs that leave the fast path.
/// </summary>
public class ScaledIntegerTests
{
    /// <summary>
    /// Decimals: small coefficients of scale 0 to <paramref name="smallScale"/>, coefficients up to 2^63 of scale 0 to
    /// <paramref name="wideScale"/> (negative one time in ten if asked), over 64 bits up to scale 28 (the decimal
    /// fallback), and the given examples.
    /// </summary>
    internal static Gen<decimal> Decimals(int smallScale, int wideScale, bool negatives, params decimal[] examples) => Gen.OneOf(
        from coefficient in Gen.Choose(0, 2_000_000)
        from scale in Gen.Choose(0, smallScale)
        select new decimal(coefficient, 0, 0, false, (byte)scale),
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        from scale in Gen.Choose(0, wideScale)
        from negative in Gen.Frequency((9, Gen.Constant(false)), (negatives ? 1 : 0, Gen.Constant(true)))
        select new decimal(low, high, 0, negative, (byte)scale),
        from hi in Gen.Choose(1, 1000)
        from scale in Gen.Choose(0, 28)
        select new decimal(7, 3, hi, false, (byte)scale),
        Gen.Elements(examples));

    /// <summary>Non-negative amounts, rates and caps, zeros with a scale among them.</summary>
    private static readonly Gen<decimal> Amounts = Decimals(8, 12, negatives: false,
        0m, 0.00m, 0.0000m, 0.01m, 0.005m, 0.015m, 0.025m, 1m, 0.30m, 0.1m, 500m, 500.00m, 100.0m,
        1500.00m, 1666.67m, 1666.666m, 9_223_372_036_854_775_807m, 92_233_720_368_547_758.07m, 0.999999999999999999m);

    private static readonly Gen<RoundingMode> Modes = Gen.Elements(Enum.GetValues<RoundingMode>());

    private static bool SameBits(decimal a, decimal b) => decimal.GetBits(a).SequenceEqual(decimal.GetBits(b));

    [Property(MaxTest = 20_000)]
    public Property Compensation_is_exactly_the_decimal_computation() =>
        Prop.ForAll(Arb.From(from rate in Amounts from amount in Amounts
                             from cap in Gen.Frequency((4, Amounts.Select(a => (decimal?)a)), (1, Gen.Constant((decimal?)null))) // null: no cap (price match)
                             from mode in Modes from scale in Gen.Choose(0, 4)
                             select (rate, amount, cap, mode, scale)), input =>
        {
            var (rate, amount, cap, mode, scale) = input;
            var rounding = new RoundingRule(mode, scale);
            decimal raw;
            try
            {
                raw = rate * amount;
            }
            catch (OverflowException)
            {
                return true.Label("overflow"); // both paths overflow alike; the calculators never see such amounts (validation bounds them)
            }
            bool over = cap is { } limit && raw > limit;
            decimal capped = over ? cap!.Value : raw;
            var money = Compensation.Of(rate, amount, cap, rounding);
            return (SameBits(money.Raw, raw) && money.OverCap == over && SameBits(money.Capped, capped) && SameBits(money.Payout, rounding.Apply(capped)))
                .Label($"{rate} × {amount}, cap {cap}, {mode} to {scale}: got {money.Raw} {money.OverCap} {money.Capped} {money.Payout}, want {raw} {over} {capped} {rounding.Apply(capped)}");
        });

    [Property(MaxTest = 20_000)]
    public Property Multiply_rounded_is_round_of_the_decimal_product() =>
        Prop.ForAll(Arb.From(from a in Amounts from b in Amounts from mode in Modes from scale in Gen.Choose(0, 6) select (a, b, mode, scale)), input =>
        {
            var (a, b, mode, scale) = input;
            decimal product;
            try
            {
                product = a * b;
            }
            catch (OverflowException)
            {
                return true.Label("overflow");
            }
            var want = RoundingRule.Round(product, mode, scale);
            var got = Compensation.MultiplyRounded(a, b, mode, scale);
            return SameBits(got, want).Label($"{a} × {b} {mode} to {scale}: got {got}, want {want}");
        });

    [Property(MaxTest = 20_000)]
    public Property Points_are_the_rounded_whole_product() =>
        Prop.ForAll(Arb.From(from fen in Gen.Choose(0, 10_000_000) from amountScale in Gen.Choose(0, 4)
                             from perYuan in Gen.Elements(100m, 1m, 10.0m, 0.5m, 100.00m) from mode in Modes
                             select (fen, amountScale, perYuan, mode)), input =>
            {
                var (fen, amountScale, perYuan, mode) = input;
                var amount = new decimal(fen, 0, 0, false, (byte)amountScale);
                var money = Compensation.Of(1m, amount, decimal.MaxValue, new RoundingRule(RoundingMode.HalfUp, 2));
                long want = (long)RoundingRule.Round(money.Payout * perYuan, mode, 0);
                return (money.Points(perYuan, mode) == want).Label($"{money.Payout} × {perYuan} {mode}: want {want}");
            });

    [Theory]
    [InlineData("0.30", "1500.00", "500.00", "450.0000", false, "450.0000", "450.00")]
    [InlineData("0.30", "1666.67", "500.00", "500.0010", true, "500.00", "500.00")]
    [InlineData("0.10", "1000.00", "100", "100.0000", false, "100.0000", "100.00")]
    [InlineData("0.10", "0.05", "100", "0.0050", false, "0.0050", "0.01")]
    [InlineData("0.10", "0.00", "100", "0.0000", false, "0.0000", "0.00")]
    [InlineData("1", "0.015", "100", "0.015", false, "0.015", "0.02")]
    public void Worked_amounts_keep_the_decimal_scales(string rate, string amount, string cap, string raw, bool over, string capped, string payout)
    {
        var money = Compensation.Of(D(rate), D(amount), D(cap), new RoundingRule(RoundingMode.HalfUp, 2));
        Assert.Equal((raw, over, capped, payout), (Text(money.Raw), money.OverCap, Text(money.Capped), Text(money.Payout)));
    }

    [Theory]
    [InlineData(RoundingMode.HalfUp, "0.125", "0.13")]
    [InlineData(RoundingMode.HalfEven, "0.125", "0.12")]
    [InlineData(RoundingMode.HalfEven, "0.135", "0.14")]
    [InlineData(RoundingMode.Down, "0.129", "0.12")]
    [InlineData(RoundingMode.Up, "0.121", "0.13")]
    [InlineData(RoundingMode.Up, "0.1200", "0.12")] // already a multiple of the unit: the rule's decimals, as in every mode
    [InlineData(RoundingMode.Down, "0.1200", "0.12")]
    public void Each_rounding_mode_at_its_boundary(RoundingMode mode, string value, string expected)
    {
        var money = Compensation.Of(1m, D(value), 1_000m, new RoundingRule(mode, 2));
        Assert.Equal(expected, Text(money.Payout));
        Assert.Equal(expected, Text(RoundingRule.Round(D(value), mode, 2)));
    }

    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void A_one_line_decision_has_the_line_a_multi_line_order_gives_it()
    {
        var line = new OrderLine { LineId = "1", Amount = 1_500.00m, ShippedAt = At("2024-03-05 10:00:01") };
        var one = new LateShipmentCase
        {
            Platform = Platform.Tmall,
            OrderId = "O-1",
            PaidAt = At("2024-03-01 10:00"),
            Lines = [line],
            EvaluatedAt = At("2024-03-06 10:00"),
            RefundReason = RefundReason.NotShippedInAgreedTime,
        };
        var single = LateShipmentCalculator.Assess(Catalog, one);
        var multi = LateShipmentCalculator.Assess(Catalog, one with { Lines = [line, line with { LineId = "2" }] });

        var (s, m) = (Assert.Single(single.Lines), multi.Lines[0]);
        Assert.Equal(
            (m.LineId, m.Outcome, m.Lateness, m.Deadline, m.OutOfStockAt, m.Base, m.BuyerPayout, m.BuyerPoints, m.PlatformLiability),
            (s.LineId, s.Outcome, s.Lateness, s.Deadline, s.OutOfStockAt, s.Base, s.BuyerPayout, s.BuyerPoints, s.PlatformLiability));
        Assert.Equal(m.ReasonCodes, s.ReasonCodes);
        Assert.Equal(m.Steps.Select(x => x.Text), s.Steps.Select(x => x.Text));
        Assert.Equal((LateShipmentOutcome.Compensable, 450.00m, 45_000L), (single.Outcome, single.BuyerPayout, single.BuyerPoints));
        Assert.Equal(single.ReasonCodes, s.ReasonCodes);

        // The line view made later is of the line decided on, even if the caller's list has changed since.
        var list = new List<OrderLine> { line };
        var decided = LateShipmentCalculator.Assess(Catalog, one with { Lines = list });
        list[0] = line with { LineId = "changed", Amount = 1m };
        Assert.Equal(("1", 1_500.00m, 450.00m), (decided.Lines[0].LineId, decided.Lines[0].Base, decided.Lines[0].BuyerPayout));
        Assert.Contains(decided.Steps, x => x.Text == "30% × 1,500.00 = 450.00");
    }
}
