namespace Penalties.Core.Common;

/// <summary>
/// A non-negative decimal as its integer coefficient and scale (value = coefficient / 10^scale), for the money
/// hot paths: rate × amount, the cap, rounding, points. Every operation gives exactly the decimal that the
/// <see cref="decimal"/> operators and <see cref="RoundingRule.Round"/> give, value and scale alike (a property
/// test holds them to it); a <c>Try</c> method returns false where the result would leave a 63-bit coefficient
/// or scale 28, and the caller then computes with <see cref="decimal"/>. Integer arithmetic avoids decimal's
/// 96-bit multiply, its rescaling compare and its rounding, which were most of a late-shipment decision.
/// </summary>
internal readonly struct ScaledInteger
{
    private static readonly long[] Pow10 =
    [
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    ];

    /// <summary>The largest coefficient that can be multiplied by 10^n without overflow, per n.</summary>
    private static readonly long[] MaxBeforeShift = [.. Pow10.Select(p => long.MaxValue / p)];

    private const int MaxScale = 28;

    [System.Runtime.CompilerServices.InlineArray(4)]
    private struct DecimalBits
    {
        private int _element;
    }

    public readonly long Coefficient;
    public readonly int Scale;

    private ScaledInteger(long coefficient, int scale)
    {
        Coefficient = coefficient;
        Scale = scale;
    }

    /// <summary>coefficient / 10^scale, for a non-negative coefficient and a scale in [0, 28].</summary>
    public static ScaledInteger Of(long coefficient, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coefficient);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)scale, (uint)MaxScale, nameof(scale));
        return new ScaledInteger(coefficient, scale);
    }

    /// <summary>The same value with its trailing zeros dropped, keeping at least <paramref name="minScale"/> decimals: 1.500 → 1.5 (or 1.50 with 2).</summary>
    public ScaledInteger Trimmed(int minScale = 0)
    {
        long coefficient = Coefficient;
        int scale = Scale;
        while (scale > minScale && coefficient % 10 == 0)
        {
            coefficient /= 10;
            scale--;
        }
        return new ScaledInteger(coefficient, scale);
    }

    /// <summary>The coefficient and scale of <paramref name="value"/>; false if it is negative (or -0) or its coefficient needs more than 63 bits.</summary>
    public static bool TryFrom(decimal value, out ScaledInteger result)
    {
        var bits = new DecimalBits(); // not stackalloc: a method with stackalloc is never inlined
        decimal.GetBits(value, bits);
        ulong coefficient = (ulong)(uint)bits[1] << 32 | (uint)bits[0];
        if (bits[2] != 0 || bits[3] < 0 || coefficient > long.MaxValue)
        {
            result = default;
            return false;
        }
        result = new ScaledInteger((long)coefficient, (bits[3] >> 16) & 0xFF);
        return true;
    }

    /// <summary>coefficient / 10^shift and its remainder; the usual shifts divide by a constant, which the JIT turns into a multiply.</summary>
    private static long DivRem(long coefficient, int shift, out long remainder)
    {
        switch (shift)
        {
            case 1: return Math.DivRem(coefficient, 10L, out remainder);
            case 2: return Math.DivRem(coefficient, 100L, out remainder);
            case 3: return Math.DivRem(coefficient, 1_000L, out remainder);
            case 4: return Math.DivRem(coefficient, 10_000L, out remainder);
            default: return Math.DivRem(coefficient, Pow10[shift], out remainder);
        }
    }

    /// <summary>The integer part, when the value is whole (1.00 → 1; 1.50 → false).</summary>
    public bool TryWholePart(out long whole)
    {
        if (Scale == 0)
        {
            whole = Coefficient;
            return true;
        }
        if (Scale >= Pow10.Length || Coefficient % Pow10[Scale] != 0)
        {
            whole = 0;
            return false;
        }
        whole = Coefficient / Pow10[Scale];
        return true;
    }

    /// <summary>The integer part and the fraction as a count of 10^-<paramref name="digits"/> (finer digits dropped); false beyond 18 decimals.</summary>
    public bool TrySplit(int digits, out long whole, out long fraction)
    {
        if (Scale >= Pow10.Length || digits >= Pow10.Length)
        {
            whole = fraction = 0;
            return false;
        }
        whole = Math.DivRem(Coefficient, Pow10[Scale], out long rest);
        fraction = Scale <= digits ? rest * Pow10[digits - Scale] : rest / Pow10[Scale - digits];
        return true;
    }

    /// <summary>The decimal with this coefficient and scale.</summary>
    public decimal ToDecimal() => new((int)Coefficient, (int)(Coefficient >> 32), 0, false, (byte)Scale);

    /// <summary>
    /// a × b, as decimal multiplies: the coefficients' product at the sum of the scales, kept exactly when it
    /// fits 96 bits and scale 28. False when the product would need more than 63 bits or scale 28, and for a zero
    /// product, whose scale decimal sets by which of its internal paths it took (0.30 × 0.00 = 0.0000, but a
    /// zero times a coefficient over 32 bits is 0).
    /// </summary>
    public static bool TryMultiply(ScaledInteger a, ScaledInteger b, out ScaledInteger product)
    {
        ulong high = Math.BigMul((ulong)a.Coefficient, (ulong)b.Coefficient, out ulong low);
        int scale = a.Scale + b.Scale;
        if (high != 0 || low > long.MaxValue || low == 0 || scale > MaxScale)
        {
            product = default;
            return false;
        }
        product = new ScaledInteger((long)low, scale);
        return true;
    }

    /// <summary>Compares the values (not the scales): 1.50 and 1.5 are equal. Never fails: an aligned coefficient that would overflow is the larger one.</summary>
    public static int Compare(ScaledInteger a, ScaledInteger b)
    {
        if (a.Scale == b.Scale) return a.Coefficient.CompareTo(b.Coefficient);
        return a.Scale < b.Scale
            ? CompareAligned(a.Coefficient, b.Scale - a.Scale, b.Coefficient)
            : -CompareAligned(b.Coefficient, a.Scale - b.Scale, a.Coefficient);
    }

    /// <summary>Compares coefficient × 10^shift with other (both non-negative).</summary>
    private static int CompareAligned(long coefficient, int shift, long other)
    {
        if (coefficient == 0) return other == 0 ? 0 : -1;
        // coefficient ≥ 1, so coefficient × 10^shift ≥ 10^19 > long.MaxValue ≥ other once shift > 18.
        if (shift >= Pow10.Length || coefficient > MaxBeforeShift[shift]) return 1;
        return (coefficient * Pow10[shift]).CompareTo(other);
    }

    /// <summary>
    /// Rounds as <see cref="RoundingRule.Round"/> does: a value with no more decimals than <paramref name="scale"/> is
    /// returned as it is; otherwise the result has exactly <paramref name="scale"/> decimals. False for a shift of
    /// more than 18 places, an unknown mode or an invalid scale.
    /// </summary>
    public static bool TryRound(ScaledInteger value, RoundingMode mode, int scale, out ScaledInteger result)
    {
        if ((uint)scale > MaxScale || (uint)mode > (uint)RoundingMode.Up)
        {
            result = default;
            return false;
        }
        if (value.Scale <= scale)
        {
            result = value;
            return true;
        }
        int shift = value.Scale - scale;
        if (shift >= Pow10.Length)
        {
            result = default;
            return false;
        }
        long unit = Pow10[shift];
        long quotient = DivRem(value.Coefficient, shift, out long remainder);
        bool up = mode switch
        {
            RoundingMode.HalfUp => remainder >= unit - remainder,
            RoundingMode.HalfEven => remainder > unit - remainder || (remainder == unit - remainder && (quotient & 1) != 0),
            RoundingMode.Down => false,
            _ => remainder != 0,
        };
        result = new ScaledInteger(up ? quotient + 1 : quotient, scale);
        return true;
    }
}

/// <summary>A decimal amount as the whole units and nanos (10^-9 units) of a google.type.Money-style message.</summary>
public static class MoneyParts
{
    /// <summary>
    /// The whole units (truncated towards zero) and the nanos of the rest, digits beyond the ninth decimal dropped:
    /// exactly <c>(long)decimal.Truncate(value)</c> and <c>(int)((value - units) × 10^9)</c>, in integers for the usual amounts.
    /// </summary>
    public static (long Units, int Nanos) Of(decimal value)
    {
        if (ScaledInteger.TryFrom(value, out var v) && v.TrySplit(9, out long units, out long nanos)) return (units, (int)nanos);
        long whole = (long)decimal.Truncate(value);
        return (whole, (int)((value - whole) * 1_000_000_000m));
    }
}

/// <summary>The money of one compensation or payout: a factor × a base, the cap if any, the rounding.</summary>
internal readonly struct Compensation
{
    private readonly ScaledInteger _payout;
    private readonly bool _exact;
    private readonly decimal? _cap;
    private readonly RoundingRule _rounding;

    private Compensation(decimal raw, bool overCap, decimal capped, decimal payout, ScaledInteger exactPayout, bool exact, decimal? cap, RoundingRule rounding)
    {
        Raw = raw;
        OverCap = overCap;
        Capped = capped;
        Payout = payout;
        _payout = exactPayout;
        _exact = exact;
        _cap = cap;
        _rounding = rounding;
    }

    /// <summary>factor × base, exactly.</summary>
    public decimal Raw { get; }

    /// <summary>True when <see cref="Raw"/> exceeds the cap.</summary>
    public bool OverCap { get; }

    /// <summary>The cap when over it, else <see cref="Raw"/>.</summary>
    public decimal Capped { get; }

    /// <summary><see cref="Capped"/> rounded by the rule.</summary>
    public decimal Payout { get; }

    /// <summary>
    /// raw = factor × amount (a rate, or a multiple); capped = the cap when raw exceeds it (no cap: raw); payout =
    /// capped rounded by the rule. Exactly the decimal computation, in integers when every number fits 63 bits (the usual case).
    /// </summary>
    public static Compensation Of(decimal factor, decimal amount, decimal? cap, RoundingRule rounding)
    {
        ScaledInteger c = default;
        if (ScaledInteger.TryFrom(factor, out var r) && ScaledInteger.TryFrom(amount, out var a) && ScaledInteger.TryMultiply(r, a, out var raw)
            && (cap is null || ScaledInteger.TryFrom(cap.Value, out c)))
        {
            bool over = cap is not null && ScaledInteger.Compare(raw, c) > 0;
            if (ScaledInteger.TryRound(over ? c : raw, rounding.Mode, rounding.Scale, out var rounded))
            {
                decimal rawValue = raw.ToDecimal();
                return new Compensation(rawValue, over, over ? cap!.Value : rawValue, rounded.ToDecimal(), rounded, exact: true, cap, rounding);
            }
        }
        decimal exact = factor * amount;
        bool overCap = cap is { } max && exact > max;
        decimal cappedValue = overCap ? cap!.Value : exact;
        return new Compensation(exact, overCap, cappedValue, rounding.Apply(cappedValue), default, exact: false, cap, rounding);
    }

    /// <summary>The steps and reason after the product's own step: capped (with <paramref name="capReason"/>) or not reached, then rounded.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // deciding without explaining, it is a branch
    public void Explain<TExplain>(string capReason, ref TExplain x) where TExplain : struct, IExplain
    {
        if (OverCap)
        {
            x.Reason(capReason);
            if (x.Enabled) x.Step(new ExplanationStep(StepKind.Capped, Raw, _cap!.Value));
        }
        else if (_cap is { } limit && x.Enabled)
        {
            x.Step(new ExplanationStep(StepKind.CapNotReached, limit));
        }
        if (x.Enabled) x.Step(new ExplanationStep(StepKind.Rounded, Capped, Payout, _rounding.Scale, Subject: RoundingRule.Describe(_rounding.Mode)));
    }

    /// <summary>The payout × <paramref name="perYuan"/> rounded to a whole number by <paramref name="mode"/>: the Tmall points, as <c>(long)RoundingRule.Round(payout × perYuan, mode, 0)</c>.</summary>
    public long Points(decimal perYuan, RoundingMode mode) =>
        _exact && TryMultiplyRound(_payout, perYuan, mode, 0, out var rounded) && rounded.TryWholePart(out long whole)
            ? whole
            : (long)RoundingRule.Round(Payout * perYuan, mode, 0);

    /// <summary>round(value × factor) to <paramref name="scale"/> decimals by <paramref name="mode"/>, exactly as <see cref="RoundingRule.Round"/> of the decimal product.</summary>
    public static decimal MultiplyRounded(decimal value, decimal factor, RoundingMode mode, int scale) =>
        ScaledInteger.TryFrom(value, out var v) && TryMultiplyRound(v, factor, mode, scale, out var rounded)
            ? rounded.ToDecimal()
            : RoundingRule.Round(value * factor, mode, scale);

    /// <summary>round(value × factor) in integers; false where <see cref="ScaledInteger"/> cannot hold a number.</summary>
    private static bool TryMultiplyRound(ScaledInteger value, decimal factor, RoundingMode mode, int scale, out ScaledInteger rounded)
    {
        rounded = default;
        return ScaledInteger.TryFrom(factor, out var f) && ScaledInteger.TryMultiply(value, f, out var product)
            && ScaledInteger.TryRound(product, mode, scale, out rounded);
    }
}
