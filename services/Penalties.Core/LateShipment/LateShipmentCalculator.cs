using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.LateShipment;

/// <summary>
/// Late-shipment and out-of-stock compensation (RULES.md §1): a pure function of a rule-set version and a case.
/// </summary>
public static class LateShipmentCalculator
{
    public const string TmallRuleSet = "tmall.late-shipment";
    public const string TaobaoRuleSet = "taobao.late-shipment";

    public static string RuleSetFor(Platform platform) => platform switch
    {
        Platform.Tmall => TmallRuleSet,
        Platform.Taobao => TaobaoRuleSet,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "unknown platform"),
    };

    /// <summary>Resolves the version in force at the payment time (or the pinned one) and assesses the case; with its explanation steps unless <paramref name="explain"/> is false.</summary>
    public static LateShipmentDecision Assess(RuleCatalog catalog, LateShipmentCase c, RulePin? pin = null, bool explain = true)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(catalog.Resolve(RuleSetFor(c.Platform), c.EventTime, pin), c, explain);
    }

    /// <summary>Assesses the case under the given version.</summary>
    public static LateShipmentDecision Assess(RuleSetVersion version, LateShipmentCase c, bool explain = true)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(version, c, explain);
    }

    private static LateShipmentDecision AssessValid(RuleSetVersion version, LateShipmentCase c, bool explain)
    {
        var p = version.ParametersAs<LateShipmentParameters>();
        if (p.Platform != c.Platform)
            throw new InvalidCaseException([new FieldViolation("platform", $"the case is on {c.Platform}, but rule set '{version.RuleSetId}' is for {p.Platform}")]);

        long? zeroPoints = p.Payout.Instrument == PayoutInstrument.TmallPoints ? 0L : null;
        if (c.RefusedBeforePayment)
        {
            var referral = p.RefusedBeforePaymentReferral;
            var note = referral is null
                ? "refused before payment: not a compensation case"
                : $"refused before payment: not a compensation case; referred to {referral.RuleSetId} {referral.ViolationCode}";
            return new LateShipmentDecision
            {
                Rule = version.Reference, OrderId = c.OrderId, Outcome = LateShipmentOutcome.RefusedBeforePayment, Instrument = p.Payout.Instrument,
                BuyerPayout = 0m, BuyerPoints = zeroPoints, PlatformLiability = 0m, Referral = referral, Lines = [],
                ReasonCodes = [LateShipmentReasons.RefusedBeforePayment], Steps = [new ExplanationStep(StepKind.Note, Subject: note)],
            };
        }

        var deadline = Deadline(p, c);
        var lines = new LateShipmentLineDecision[c.Lines.Count];
        var outcome = LateShipmentOutcome.NotYetDue;
        decimal buyerPayout = 0m, platformLiability = 0m;
        long points = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i] = AssessLine(p, c, c.Lines[i], deadline, explain);
            if (Precedence(line.Outcome) > Precedence(outcome)) outcome = line.Outcome;
            buyerPayout += line.BuyerPayout;
            platformLiability += line.PlatformLiability;
            points += line.BuyerPoints ?? 0;
        }
        return new LateShipmentDecision
        {
            Rule = version.Reference, OrderId = c.OrderId, Outcome = outcome, Instrument = p.Payout.Instrument,
            BuyerPayout = buyerPayout,
            BuyerPoints = zeroPoints is null ? null : points,
            PlatformLiability = platformLiability,
            Lines = Array.AsReadOnly(lines),
            ReasonCodes = lines.Length == 1 ? lines[0].ReasonCodes : [.. lines.SelectMany(l => l.ReasonCodes).Distinct(StringComparer.Ordinal)],
            Steps = lines.Length == 1 ? lines[0].Steps : [],
        };
    }

    /// <summary>Which line outcome speaks for a multi-line order: the one most favourable to the buyer.</summary>
    private static int Precedence(LateShipmentOutcome o) => o switch
    {
        LateShipmentOutcome.Compensable => 6,
        LateShipmentOutcome.RefundReasonNotCompensable => 5,
        LateShipmentOutcome.NotEnforced => 4,
        LateShipmentOutcome.Exempt => 3,
        LateShipmentOutcome.NotLate => 2,
        LateShipmentOutcome.NotYetDue => 1,
        _ => 0,
    };

    internal static DateTimeOffset Deadline(LateShipmentParameters p, LateShipmentCase c)
    {
        var paidAt = c.PaidAt!.Value;
        switch (c.Channel)
        {
            case ShippingChannel.Ordinary:
                return paidAt + p.OrdinaryShipWithin;
            case ShippingChannel.Juhuasuan:
                if (p.JuhuasuanShipWithin is null)
                    throw new InvalidCaseException([new FieldViolation("channel", $"the {p.Platform} rule states no Juhuasuan deadline; give the agreed ship-by time with channel Agreed")]);
                return paidAt + p.JuhuasuanShipWithin.Value;
            default:
                return c.AgreedShipBy!.Value;
        }
    }

    /// <summary>Assesses one line, explaining it as it goes.</summary>
    private static LateShipmentLineDecision AssessLine(LateShipmentParameters p, LateShipmentCase c, OrderLine line, DateTimeOffset deadline, bool explain)
    {
        var x = new Explanation(explain);
        var outOfStockAt = deadline + p.OutOfStockAfterLate;
        var (outcome, lateness, payout, points, platform) = AssessLine(p, c, line, deadline, outOfStockAt, x);
        return new LateShipmentLineDecision
        {
            LineId = line.LineId, Outcome = outcome, Lateness = lateness, Deadline = deadline, OutOfStockAt = outOfStockAt, Base = line.Amount,
            BuyerPayout = payout, BuyerPoints = points, PlatformLiability = platform, ReasonCodes = x.Reasons, Steps = x.Steps,
        };
    }

    private static (LateShipmentOutcome, Lateness, decimal Payout, long? Points, decimal Platform) AssessLine(
        LateShipmentParameters p, LateShipmentCase c, OrderLine line, DateTimeOffset deadline, DateTimeOffset outOfStockAt, Explanation x)
    {
        var channelName = ChannelName(c.Channel);
        if (c.Channel is ShippingChannel.Ordinary or ShippingChannel.Juhuasuan)
            x.Step(new ExplanationStep(StepKind.DeadlineFromPayment, T1: c.PaidAt!.Value, T2: deadline, Subject: channelName));
        else
            x.Step(new ExplanationStep(StepKind.DeadlineAgreed, T2: deadline, Subject: channelName));

        // 1. What the times say.
        Lateness lateness;
        if (line.ShippedAt is { } shipped)
        {
            if (shipped <= deadline)
            {
                lateness = Lateness.OnTime;
                x.Step(new ExplanationStep(StepKind.ShippedOnTime, T1: shipped, T2: deadline));
                x.Reason(LateShipmentReasons.ShippedOnTime);
            }
            else
            {
                x.Step(new ExplanationStep(StepKind.ShippedLate, T1: shipped, T2: deadline));
                x.Reason(LateShipmentReasons.ShippedLate);
                lateness = shipped > outOfStockAt ? Lateness.OutOfStock : Lateness.Late;
                if (lateness == Lateness.OutOfStock)
                {
                    x.Step(new ExplanationStep(StepKind.OutOfStockByTime, T1: shipped, T2: outOfStockAt));
                    x.Reason(LateShipmentReasons.OutOfStockByTime);
                }
            }
        }
        else if (c.EvaluatedAt <= deadline)
        {
            lateness = Lateness.NotYetDue;
            x.Step(new ExplanationStep(StepKind.NotShippedNotYetDue, T1: c.EvaluatedAt, T2: deadline));
        }
        else
        {
            x.Step(new ExplanationStep(StepKind.NotShippedLate, T1: c.EvaluatedAt, T2: deadline));
            x.Reason(LateShipmentReasons.NotShippedPastDeadline);
            lateness = c.EvaluatedAt > outOfStockAt ? Lateness.OutOfStock : Lateness.Late;
            if (lateness == Lateness.OutOfStock)
            {
                x.Step(new ExplanationStep(StepKind.OutOfStockByTime, T1: c.EvaluatedAt, T2: outOfStockAt));
                x.Reason(LateShipmentReasons.OutOfStockByTime);
            }
        }

        // The merchant's own acts make an unshipped (or late-shipped) line out of stock, even before the deadline.
        if (lateness != Lateness.OnTime && lateness != Lateness.OutOfStock)
        {
            string? act = c.MerchantAdmittedOutOfStock ? LateShipmentReasons.OutOfStockAdmitted
                : c.MerchantRefusedToShip ? LateShipmentReasons.OutOfStockRefusedToShip
                : c.MerchantDemandedHigherPrice ? LateShipmentReasons.OutOfStockHigherPrice
                : null;
            if (act is not null)
            {
                lateness = Lateness.OutOfStock;
                x.Reason(act);
                x.Step(new ExplanationStep(StepKind.OutOfStockByMerchant, Subject: act switch
                {
                    LateShipmentReasons.OutOfStockAdmitted => "the merchant admitted being out of stock",
                    LateShipmentReasons.OutOfStockRefusedToShip => "the merchant refused to ship",
                    _ => "the merchant demanded a higher price to ship",
                }));
            }
        }

        bool reasonCompensable = Contains(p.CompensableRefundReasons, c.RefundReason);
        long? zeroPoints = p.Payout.Instrument == PayoutInstrument.TmallPoints ? 0L : null;
        if (lateness is Lateness.OnTime or Lateness.NotYetDue)
        {
            if (reasonCompensable && lateness == Lateness.OnTime)
            {
                x.Reason(LateShipmentReasons.ClaimedLateButOnTime);
                x.Step(new ExplanationStep(StepKind.Note, Subject: "the refund reason claims late shipment or out of stock, but the courier record shows an on-time shipment: nothing is due"));
            }
            if (lateness == Lateness.NotYetDue) x.Reason(LateShipmentReasons.NotYetDue);
            return (lateness == Lateness.OnTime ? LateShipmentOutcome.NotLate : LateShipmentOutcome.NotYetDue, lateness, 0m, zeroPoints, 0m);
        }

        // 2. Late or out of stock: is it enforced, exempt, and claimed for a compensable reason?
        int circumstances = Circumstances(c, deadline);
        if (ConditionHolds(p.NotEnforcedWhen, circumstances, out var notEnforced))
        {
            x.Reason(ReasonOf(notEnforced));
            x.Step(new ExplanationStep(StepKind.Note, Subject: $"{ConditionText(notEnforced)}: the platform does not enforce compensation; the parties negotiate"));
            return (LateShipmentOutcome.NotEnforced, lateness, 0m, zeroPoints, 0m);
        }
        if (ConditionHolds(p.ExemptWhen, circumstances, out var exempt))
        {
            x.Reason(ReasonOf(exempt));
            x.Step(new ExplanationStep(StepKind.Note, Subject: $"{ConditionText(exempt)}: the merchant is exempt"));
            return (LateShipmentOutcome.Exempt, lateness, 0m, zeroPoints, 0m);
        }
        if (!reasonCompensable)
        {
            x.Reason(LateShipmentReasons.RefundReasonNotCompensable);
            x.Step(new ExplanationStep(StepKind.Note, Subject: $"the refund reason {c.RefundReason} is not one that is compensated"));
            return (LateShipmentOutcome.RefundReasonNotCompensable, lateness, 0m, zeroPoints, 0m);
        }

        // 3. The money.
        var terms = lateness == Lateness.OutOfStock ? p.OutOfStock : p.Late;
        decimal payout = Compensation.Pay(terms.Rate, line.Amount, terms.Cap, p.Rounding, StepKind.RateApplied, LateShipmentReasons.CapApplied, x);

        long? points = null;
        if (p.Payout.Instrument == PayoutInstrument.TmallPoints)
        {
            points = (long)RoundingRule.Round(payout * p.Payout.PointsPerYuan, p.Payout.PointsRounding, 0);
            x.Step(new ExplanationStep(StepKind.PaidAsPoints, points.Value, p.Payout.PointsPerYuan, Subject: "Tmall points"));
        }
        else
        {
            x.Step(new ExplanationStep(StepKind.PaidAsMoney, payout));
        }

        decimal platform = 0m;
        if (p.PlatformLiability is { } liability)
        {
            if (liability.OnlyIfNotPaidBeforeJudgment && c.MerchantPaidBeforeJudgment)
            {
                x.Reason(LateShipmentReasons.PaidBeforeJudgment);
                x.Step(new ExplanationStep(StepKind.PlatformLiabilityWaived));
            }
            else
            {
                platform = p.Rounding.Apply(liability.MultipleOfBuyerPayout * payout);
                x.Reason(LateShipmentReasons.PlatformLiability);
                x.Step(new ExplanationStep(StepKind.PlatformLiability, platform, liability.MultipleOfBuyerPayout));
            }
        }
        x.Step(new ExplanationStep(StepKind.MerchantTotal, payout + platform));
        return (LateShipmentOutcome.Compensable, lateness, payout, points, platform);
    }

    /// <summary>The conditions that hold for the case, a bit per <see cref="LateShipmentCondition"/>: the one place that says which fact of the case each condition reads.</summary>
    private static int Circumstances(LateShipmentCase c, DateTimeOffset deadline) =>
        (c.BuyerAbuse ? 1 << (int)LateShipmentCondition.BuyerAbuse : 0)
        | (c.PlatformStopShipOrder ? 1 << (int)LateShipmentCondition.PlatformStopShipOrder : 0)
        | (ReportCovers(c.ForceMajeureReports, deadline) ? 1 << (int)LateShipmentCondition.ForceMajeureReported : 0);

    /// <summary>The first of the rule's <paramref name="conditions"/> that holds (a case with no circumstance has none to look up).</summary>
    private static bool ConditionHolds(IReadOnlyList<LateShipmentCondition> conditions, int circumstances, out LateShipmentCondition holding)
    {
        for (int i = 0; circumstances != 0 && i < conditions.Count; i++)
        {
            if ((circumstances & (1 << (int)conditions[i])) != 0)
            {
                holding = conditions[i];
                return true;
            }
        }
        holding = default;
        return false;
    }

    /// <summary>A force-majeure report exempts when its reported period contains the ship-by deadline: a period ending at the deadline does not.</summary>
    private static bool ReportCovers(IReadOnlyList<ReportedPeriod>? reports, DateTimeOffset deadline)
    {
        for (int i = 0; reports is not null && i < reports.Count; i++)
        {
            if (reports[i].From <= deadline && (reports[i].To is not { } to || deadline < to)) return true;
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<RefundReason> reasons, RefundReason reason)
    {
        for (int i = 0; i < reasons.Count; i++)
        {
            if (reasons[i] == reason) return true;
        }
        return false;
    }

    private static string ReasonOf(LateShipmentCondition condition) => condition switch
    {
        LateShipmentCondition.BuyerAbuse => LateShipmentReasons.BuyerAbuse,
        LateShipmentCondition.PlatformStopShipOrder => LateShipmentReasons.PlatformStopShipOrder,
        _ => LateShipmentReasons.ForceMajeureReported,
    };

    private static string ConditionText(LateShipmentCondition condition) => condition switch
    {
        LateShipmentCondition.BuyerAbuse => "the buyer abuses the late-shipment rule",
        LateShipmentCondition.PlatformStopShipOrder => "the platform ordered the merchant to stop shipping",
        _ => "a reported force-majeure period covers the ship-by deadline",
    };

    private static string ChannelName(ShippingChannel channel) => channel switch
    {
        ShippingChannel.Ordinary => "ordinary item",
        ShippingChannel.Juhuasuan => "Juhuasuan group-buy",
        ShippingChannel.Presale => "presale",
        ShippingChannel.Custom => "custom-made",
        _ => "agreed ship-by time",
    };
}
