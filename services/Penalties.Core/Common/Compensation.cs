namespace Penalties.Core.Common;

/// <summary>The money of one compensation or payout: a factor × a base, the cap if any, the rounding.</summary>
internal static class Compensation
{
    /// <summary>
    /// factor × amount, capped (reason <paramref name="capReason"/>) and rounded by the rule; explained as the
    /// product (a step of <paramref name="productKind"/>: A factor, B amount, C product), the cap, the rounding.
    /// </summary>
    public static decimal Pay(decimal factor, decimal amount, decimal? cap, RoundingRule rounding, StepKind productKind, string capReason, Explanation x)
    {
        decimal raw = factor * amount;
        x.Step(new ExplanationStep(productKind, factor, amount, raw));
        decimal capped = raw;
        if (cap is { } limit && raw > limit)
        {
            capped = limit;
            x.Reason(capReason);
            x.Step(new ExplanationStep(StepKind.Capped, raw, limit));
        }
        else if (cap is { } notReached)
        {
            x.Step(new ExplanationStep(StepKind.CapNotReached, notReached));
        }
        decimal payout = rounding.Apply(capped);
        x.Step(new ExplanationStep(StepKind.Rounded, capped, payout, rounding.Scale, Subject: RoundingRule.Describe(rounding.Mode)));
        return payout;
    }
}
