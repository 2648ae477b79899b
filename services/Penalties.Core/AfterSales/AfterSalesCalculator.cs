using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.AfterSales;

/// <summary>
/// After-sales rules (RULES.md §4): the seven-day no-reason return window and its postage, the after-sales timers and
/// JD's review deductions. A pure function of a rule-set version and a case.
/// </summary>
public static class AfterSalesCalculator
{
    public const string TmallRuleSet = "tmall.after-sales";
    public const string TaobaoRuleSet = "taobao.after-sales";
    public const string JdRuleSet = "jd.after-sales";
    public const string PinduoduoRuleSet = "pdd.after-sales";

    public static string RuleSetFor(AfterSalesPlatform platform) => platform switch
    {
        AfterSalesPlatform.Tmall => TmallRuleSet,
        AfterSalesPlatform.Taobao => TaobaoRuleSet,
        AfterSalesPlatform.Jd => JdRuleSet,
        AfterSalesPlatform.Pinduoduo => PinduoduoRuleSet,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "unknown platform"),
    };

    /// <summary>Resolves the version in force at the request time (or the pinned one) and assesses the request; with its explanation steps unless <paramref name="explain"/> is false.</summary>
    public static AfterSalesDecision Assess(RuleCatalog catalog, AfterSalesCase c, RulePin? pin = null, bool explain = true)
    {
        ThrowIfInvalid(c);
        return AssessValid(catalog.Resolve(RuleSetFor(c.Platform), c.RequestedAt, pin), c, explain);
    }

    /// <summary>Assesses the request under the given version.</summary>
    public static AfterSalesDecision Assess(RuleSetVersion version, AfterSalesCase c, bool explain = true)
    {
        ThrowIfInvalid(c);
        return AssessValid(version, c, explain);
    }

    private static void ThrowIfInvalid(AfterSalesCase c)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
    }

    private static AfterSalesDecision AssessValid(RuleSetVersion version, AfterSalesCase c, bool explain)
    {
        var p = version.ParametersAs<AfterSalesParameters>();
        if (p.Platform != c.Platform)
            throw new InvalidCaseException([new FieldViolation("platform", $"the case is on {c.Platform}, but rule set '{version.RuleSetId}' is for {p.Platform}")]);
        var x = new Explanation(explain);
        bool late = false;

        bool excluded = Excluded(p, c.Item, x);
        DateTimeOffset? windowStart = null, windowEnd = null;
        if (p.ReturnWindow is { } w)
        {
            windowStart = WindowStart(w.From, c, x);
            windowEnd = windowStart.Value + (c.Kind == RequestKind.Exchange ? w.Exchange : w.Return);
            x.Step(new ExplanationStep(StepKind.TimerSet, T1: windowStart.Value, T2: windowEnd.Value, Subject: $"{KindName(c.Kind)} window ends"));
            late |= !Within(c.RequestedAt, windowEnd.Value, $"{KindName(c.Kind)} asked", AfterSalesReasons.RequestInTime, AfterSalesReasons.RequestTooLate, x);
        }
        else
        {
            x.Reason(AfterSalesReasons.NoReturnWindow);
            x.Step(new ExplanationStep(StepKind.Note, Subject: $"the rules of {version.RuleSetId} set no return window"));
        }

        DateTimeOffset? afterSalesEnd = null;
        if (p.AfterSalesWithin is { } within && c.TransactionSucceededAt is { } succeeded)
        {
            afterSalesEnd = succeeded + within;
            x.Step(new ExplanationStep(StepKind.TimerSet, T1: succeeded, T2: afterSalesEnd.Value, Subject: "after-sales period (from the transaction's success) ends"));
            // A request made before the transaction succeeded is still in the transaction, not after-sales.
            if (c.RequestedAt >= succeeded)
                late |= !Within(c.RequestedAt, afterSalesEnd.Value, "after-sales asked", AfterSalesReasons.AfterSalesInTime, AfterSalesReasons.AfterSalesTooLate, x);
        }

        DateTimeOffset? interventionFrom = null;
        if (p.InterventionAfter is { } after)
        {
            interventionFrom = c.RequestedAt + after;
            x.Step(new ExplanationStep(StepKind.TimerSet, T1: c.RequestedAt, T2: interventionFrom.Value, Subject: "platform intervention may be asked from"));
            if (c.InterventionRequestedAt is { } asked)
            {
                bool early = asked < interventionFrom.Value;
                x.Reason(early ? AfterSalesReasons.InterventionTooEarly : AfterSalesReasons.InterventionAllowed);
                x.Step(new ExplanationStep(early ? StepKind.TooEarly : StepKind.InTime, T1: asked, T2: interventionFrom.Value, Subject: "platform intervention asked"));
            }
        }

        var (answerBy, autoAgreedAt) = MerchantAnswer(p, c, x);
        var postage = p.Postage is { } terms ? Postage(terms, c.Item, x) : null;
        var refund = p.ReviewDeductions is { } deductions ? Refund(deductions, p.Rounding, c.Item, x) : null;

        var outcome = excluded ? AfterSalesOutcome.Excluded
            : late ? AfterSalesOutcome.TooLate
            : p.ReturnWindow is null ? AfterSalesOutcome.NoWindow
            : AfterSalesOutcome.InTime;
        return new AfterSalesDecision
        {
            Rule = version.Reference, OrderId = c.OrderId, Outcome = outcome,
            WindowStartsAt = windowStart, WindowEndsAt = windowEnd, AfterSalesEndsAt = afterSalesEnd, InterventionFrom = interventionFrom,
            MerchantAnswerBy = answerBy, AutoAgreedAt = autoAgreedAt, Postage = postage, Refund = refund,
            ReasonCodes = x.Reasons, Steps = x.Steps,
        };
    }

    /// <summary>Whether the rules leave the item out of returns (every matching exclusion is named).</summary>
    private static bool Excluded(AfterSalesParameters p, ReturnedItem item, Explanation x)
    {
        foreach (var e in p.Excluded)
        {
            if (e.Category != item.Category || (e.OnlyWhenOpened && !item.Opened)) continue;
            x.Reason(AfterSalesReasons.ItemExcluded);
            x.Step(new ExplanationStep(StepKind.Note, Subject: e.OnlyWhenOpened
                ? $"{item.Category} items cannot be returned once opened: excluded"
                : $"{item.Category} items are excluded from returns"));
            return true;
        }
        return false;
    }

    /// <summary>The first instant of the window: the exact sign-for time, or 00:00 China time of the day after the sign-for day.</summary>
    private static DateTimeOffset WindowStart(WindowStart from, AfterSalesCase c, Explanation x)
    {
        if (from == AfterSales.WindowStart.SignForTimeOrNextChinaDay && c.SignedForAt is { } exact)
        {
            x.Reason(AfterSalesReasons.WindowFromSignForTime);
            x.Step(new ExplanationStep(StepKind.WindowStarts, T1: exact, Subject: "at the courier's sign-for time"));
            return exact;
        }
        var day = c.SignedForDate ?? ChinaTime.DayOf(c.SignedForAt!.Value);
        var start = ChinaTime.StartOfDay(day.AddDays(1));
        x.Reason(AfterSalesReasons.WindowFromNextChinaDay);
        x.Step(new ExplanationStep(StepKind.WindowStarts, T1: start, Subject: c.SignedForAt is null
            ? $"at 00:00 China time of the day after the sign-for date {day:yyyy-MM-dd} (only the date is known)"
            : $"at 00:00 China time of the day after the sign-for day {day:yyyy-MM-dd} (counted in dates)"));
        return start;
    }

    /// <summary>True when <paramref name="at"/> is not after <paramref name="deadline"/> (the deadline itself is in time); explained and coded.</summary>
    private static bool Within(DateTimeOffset at, DateTimeOffset deadline, string what, string inTime, string tooLate, Explanation x)
    {
        bool ok = at <= deadline;
        x.Reason(ok ? inTime : tooLate);
        x.Step(new ExplanationStep(ok ? StepKind.InTime : StepKind.TooLate, T1: at, T2: deadline, Subject: what));
        return ok;
    }

    /// <summary>The merchant's answer deadline and, once it is known that it was missed, the instant the request was agreed.</summary>
    private static (DateTimeOffset? AnswerBy, DateTimeOffset? AutoAgreedAt) MerchantAnswer(AfterSalesParameters p, AfterSalesCase c, Explanation x)
    {
        if (p.MerchantAnswerWithin is not { } within) return (null, null);
        var by = c.RequestedAt + within;
        x.Step(new ExplanationStep(StepKind.TimerSet, T1: c.RequestedAt, T2: by, Subject: "the merchant must answer by"));
        if (c.MerchantAnsweredAt is not { } answered)
        {
            x.Reason(AfterSalesReasons.MerchantAnswerPending);
            x.Step(new ExplanationStep(StepKind.Note, Subject: "no answer given yet: agreed automatically if none comes by the deadline"));
            return (by, null);
        }
        if (answered <= by)
        {
            x.Reason(AfterSalesReasons.MerchantAnsweredInTime);
            x.Step(new ExplanationStep(StepKind.InTime, T1: answered, T2: by, Subject: "merchant answered"));
            return (by, null);
        }
        x.Reason(AfterSalesReasons.AutoAgreed);
        x.Step(new ExplanationStep(StepKind.TooLate, T1: answered, T2: by, Subject: "merchant answered"));
        x.Step(new ExplanationStep(StepKind.AutoAgreed, T1: by));
        return (by, by);
    }

    /// <summary>Who pays each leg; the two sides' amounts always add up to both legs.</summary>
    private static PostageDecision Postage(PostageTerms terms, ReturnedItem item, Explanation x)
    {
        var split = item.FreeShipping ? terms.FreeShipping : terms.NotFreeShipping;
        var (outbound, back) = split switch
        {
            PostageSplit.EachSidePaysItsLeg => (Party.Merchant, Party.Buyer),
            PostageSplit.MerchantPaysBoth => (Party.Merchant, Party.Merchant),
            _ => (Party.Buyer, Party.Buyer),
        };
        x.Reason(split switch
        {
            PostageSplit.EachSidePaysItsLeg => AfterSalesReasons.PostageEachSidePaysItsLeg,
            PostageSplit.MerchantPaysBoth => AfterSalesReasons.PostageMerchantPaysBoth,
            _ => AfterSalesReasons.PostageBuyerPaysBoth,
        });
        string shipping = item.FreeShipping ? "free-shipping item" : "item not shipped free";
        x.Step(new ExplanationStep(StepKind.PostageLeg, item.OutboundPostage, Subject: $"outbound leg (merchant → buyer) paid by the {PartyName(outbound)}, {shipping}"));
        x.Step(new ExplanationStep(StepKind.PostageLeg, item.ReturnPostage, Subject: $"return leg (buyer → merchant) paid by the {PartyName(back)}, {shipping}"));
        decimal buyer = (outbound == Party.Buyer ? item.OutboundPostage : 0m) + (back == Party.Buyer ? item.ReturnPostage : 0m);
        decimal merchant = item.OutboundPostage + item.ReturnPostage - buyer;
        return new PostageDecision(outbound, back, buyer, merchant);
    }

    /// <summary>JD: review points taken back; spent ones and the review benefits come out of the refund, which stays within [0, paid].</summary>
    private static RefundDecision Refund(ReviewDeductionTerms terms, RoundingRule rounding, ReturnedItem item, Explanation x)
    {
        long takenBack = 0;
        if (terms.PointsTakenBack && item.ReviewPoints > 0)
        {
            takenBack = item.ReviewPoints - item.ReviewPointsSpent;
            x.Reason(AfterSalesReasons.ReviewPointsTakenBack);
            x.Step(new ExplanationStep(StepKind.PointsTakenBack, takenBack, item.ReviewPoints));
        }
        decimal points = 0m;
        if (terms.SpentPointsDeducted && item.ReviewPointsSpent > 0)
        {
            decimal raw = item.ReviewPointsSpent / terms.PointsPerYuan;
            points = rounding.Apply(raw);
            x.Reason(AfterSalesReasons.SpentPointsDeducted);
            x.Step(new ExplanationStep(StepKind.PointsDeducted, item.ReviewPointsSpent, terms.PointsPerYuan, raw));
            x.Step(new ExplanationStep(StepKind.Rounded, raw, points, rounding.Scale, Subject: RoundingRule.Describe(rounding.Mode)));
        }
        decimal benefits = 0m;
        if (terms.BenefitsDeducted && item.ReviewBenefits > 0m)
        {
            benefits = item.ReviewBenefits;
            x.Reason(AfterSalesReasons.ReviewBenefitsDeducted);
            x.Step(new ExplanationStep(StepKind.Note, Subject: $"review benefits {MoneyText.Amount(benefits)} deducted"));
        }
        decimal deductions = points + benefits;
        decimal refund = Math.Max(0m, item.PaidAmount - deductions);
        if (deductions > item.PaidAmount) x.Reason(AfterSalesReasons.RefundFloorZero);
        x.Step(new ExplanationStep(StepKind.RefundAfterDeductions, item.PaidAmount, deductions, refund));
        return new RefundDecision(item.PaidAmount, takenBack, points, benefits, refund);
    }

    private static string KindName(RequestKind kind) => kind == RequestKind.Exchange ? "exchange" : "return";

    private static string PartyName(Party party) => party == Party.Buyer ? "buyer" : "merchant";
}
