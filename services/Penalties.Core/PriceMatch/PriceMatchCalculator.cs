using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PriceMatch;

/// <summary>JD "买贵双倍赔" price-match payout (RULES.md §2): a pure function of a rule-set version and a case.</summary>
public static class PriceMatchCalculator
{
    public const string RuleSet = "jd.price-match";

    /// <summary>Resolves the version in force at the order time (or the pinned one) and assesses the claim.</summary>
    public static PriceMatchDecision Assess(RuleCatalog catalog, PriceMatchCase c, RulePin? pin = null)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(catalog.Resolve(RuleSet, c.OrderedAt, pin), c);
    }

    public static PriceMatchDecision Assess(RuleSetVersion version, PriceMatchCase c)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(version, c);
    }

    private static PriceMatchDecision AssessValid(RuleSetVersion version, PriceMatchCase c)
    {
        var p = version.ParametersAs<PriceMatchParameters>();
        var failed = FailedConditions(p, c, out bool custom);
        var quiet = new NoExplain();
        decimal paid = PaidAmount(p, c.Payments, ref quiet);
        decimal difference = paid - c.Comparison.PaidAmount;
        if (failed is not null)
        {
            if (custom) failed.Add(new FailedCondition(PriceMatchConditions.CustomGoodsManualReview, "custom-made goods are never automatically the same item: manual identification needed"));
            return new PriceMatchDecision(p, c, version.Reference, PriceMatchOutcome.Refused, paid, difference, 0m, failed);
        }
        if (custom) return new PriceMatchDecision(p, c, version.Reference, PriceMatchOutcome.ManualReview, paid, difference, 0m, []);
        if (difference <= 0m) return new PriceMatchDecision(p, c, version.Reference, PriceMatchOutcome.NoPositiveDifference, paid, difference, 0m, []);
        decimal payout = Payout(p, difference, ref quiet);
        return new PriceMatchDecision(p, c, version.Reference, PriceMatchOutcome.Payable, paid, difference, payout, []);
    }

    /// <summary>Re-derives the steps and reasons of a decision from its inputs (pure, so they match its numbers).</summary>
    internal static void Explain<TExplain>(PriceMatchParameters p, PriceMatchCase c, PriceMatchDecision d, ref TExplain x) where TExplain : struct, IExplain
    {
        decimal paid = PaidAmount(p, c.Payments, ref x);
        x.Step(new ExplanationStep(StepKind.PaidTotal, paid));
        x.Step(new ExplanationStep(StepKind.Difference, paid, c.Comparison.PaidAmount, d.Difference));
        switch (d.Outcome)
        {
            case PriceMatchOutcome.ManualReview:
                x.Reason(PriceMatchConditions.CustomGoodsManualReview);
                x.Step(new ExplanationStep(StepKind.Note, Subject: "custom-made goods are never automatically the same item: sent to manual identification"));
                break;
            case PriceMatchOutcome.NoPositiveDifference:
                x.Reason(PriceMatchConditions.NoPositiveDifference);
                x.Step(new ExplanationStep(StepKind.NoPositiveDifference, d.Difference));
                break;
            case PriceMatchOutcome.Payable:
                x.Reason(PriceMatchConditions.Payable);
                Payout(p, d.Difference, ref x);
                break;
        }
    }

    private static decimal Payout<TExplain>(PriceMatchParameters p, decimal difference, ref TExplain x) where TExplain : struct, IExplain
    {
        var money = Compensation.Of(p.PayoutMultiple, difference, p.Cap, p.Rounding);
        if (x.Enabled) x.Step(new ExplanationStep(StepKind.Multiplied, p.PayoutMultiple, difference, money.Raw));
        money.Explain(PriceMatchConditions.CapApplied, ref x);
        return money.Payout;
    }

    /// <summary>Every eligibility condition that fails, or null when all hold.</summary>
    private static List<FailedCondition>? FailedConditions(PriceMatchParameters p, PriceMatchCase c, out bool custom)
    {
        List<FailedCondition>? failed = null;
        void Fail(string code, string detail) => (failed ??= []).Add(new FailedCondition(code, detail));

        var lookups = p.Lookups;
        if (!PriceMatchLookups.Has(lookups.EligibleMerchantTypes, (int)c.MerchantType))
            Fail(PriceMatchConditions.MerchantNotEligible, c.MerchantType == MerchantType.JdSmallShop
                ? "JD small shops (京东小店) are not covered"
                : $"merchant type {c.MerchantType} is not covered (covered: {string.Join(", ", p.EligibleMerchantTypes)})");
        if (p.RequiresEnrollmentAtOrderTime && !EnrolledAt(c.Enrollments, c.OrderedAt))
            Fail(PriceMatchConditions.NotEnrolledAtOrderTime, $"the merchant was not enrolled in the price-match service at the order time {ChinaTime.Format(c.OrderedAt)}");
        if (p.RequiresBadge && !c.ItemHasBadge)
            Fail(PriceMatchConditions.NoBadge, "the item did not carry the price-match badge");

        long claimDeadlineTicks = ChinaTime.DayStartUtcTicks(c.OrderedAt, 1 + p.ClaimChinaDaysAfterOrderDay);
        if (c.ClaimedAt.UtcTicks >= claimDeadlineTicks)
        {
            var claimDeadline = new DateTimeOffset(claimDeadlineTicks, TimeSpan.Zero);
            Fail(PriceMatchConditions.ClaimTooLate,
                $"claimed at {ChinaTime.Format(c.ClaimedAt)}, after 23:59:59 China time on {ChinaTime.DayOf(claimDeadline.AddTicks(-1)):yyyy-MM-dd} (ordered {ChinaTime.Format(c.OrderedAt)})");
        }

        var cmp = c.Comparison;
        if (!PriceMatchLookups.Has(lookups.AcceptedPlatforms, (int)cmp.Platform))
            Fail(PriceMatchConditions.PlatformNotAccepted, $"{cmp.Platform} is not an accepted platform (accepted: {string.Join(", ", p.AcceptedPlatforms)})");
        if (p.RequiresListingOnSale && !cmp.OnSale)
            Fail(PriceMatchConditions.ListingNotOnSale, "the other listing is not on sale");
        if (p.RequiresListingOnSale && !cmp.Purchasable)
            Fail(PriceMatchConditions.ListingNotPurchasable, "the other listing cannot be purchased");
        if (cmp.MonthlySales < p.MinimumMonthlySales)
            Fail(PriceMatchConditions.MonthlySalesTooLow, $"monthly sales {cmp.MonthlySales} < {p.MinimumMonthlySales}");

        custom = c.ItemIsCustom && p.CustomGoods == CustomGoodsHandling.ManualReview;
        if (!custom) CompareAttributes(p, lookups.RequiredAttributes, c.ItemAttributes, cmp.Attributes, ref failed);
        return failed;
    }

    /// <summary>Counts the parts of the payment the rule includes (cash, JD beans converted, E-card, balance), and names the ones it leaves out.</summary>
    private static decimal PaidAmount<TExplain>(PriceMatchParameters p, IReadOnlyList<PaymentPart> parts, ref TExplain steps) where TExplain : struct, IExplain
    {
        var lookups = p.Lookups;
        decimal total = 0m;
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            decimal amount = part.Amount;
            if (part.Kind == PaymentKind.JdBeans)
            {
                // Beans per CNY a power of ten (100): move the decimal point, exactly what the division gives.
                decimal yuan = lookups.BeansPowerOfTen >= 0 && part.Beans >= 0
                    ? PriceMatchLookups.BeansToYuan(part.Beans, lookups.BeansPowerOfTen)
                    : part.Beans / p.JdBeansPerYuan;
                amount = p.Rounding.Apply(yuan);
                if (steps.Enabled) steps.Step(new ExplanationStep(StepKind.BeansConverted, part.Beans, p.JdBeansPerYuan, amount));
            }
            if (PriceMatchLookups.Has(lookups.CountedPayments, (int)part.Kind))
            {
                total += amount;
                if (steps.Enabled) steps.Step(new ExplanationStep(StepKind.PaymentIncluded, amount, Subject: PartName(part.Kind)));
            }
            else
            {
                if (steps.Enabled) steps.Step(new ExplanationStep(StepKind.PaymentExcluded, amount, Subject: PartName(part.Kind)));
            }
        }
        return total;
    }

    private static void CompareAttributes(PriceMatchParameters p, string[] required, IReadOnlyDictionary<string, string> ours, IReadOnlyDictionary<string, string> theirs,
        ref List<FailedCondition>? failed)
    {
        // Fastest case: both sides list the same attributes in the same order, every required one among them.
        if (ours is Dictionary<string, string> od && theirs is Dictionary<string, string> td && od.Count == td.Count && SameInOrder(required, od, td)) return;
        bool requiredPresent = true;
        for (int i = 0; i < required.Length; i++)
        {
            if (!ours.ContainsKey(required[i])) { requiredPresent = false; break; }
        }
        // Every attribute of ours found in theirs with the same value, and as many on both sides:
        // the two sets are equal, so nothing else can fail (the common, eligible case: n lookups).
        if (requiredPresent && ours.Count == theirs.Count && ours is Dictionary<string, string> oursDict)
        {
            bool same = true;
            foreach (var kv in oursDict)
            {
                if (!theirs.TryGetValue(kv.Key, out var other) || !string.Equals(kv.Value, other, StringComparison.Ordinal)) { same = false; break; }
            }
            if (same) return;
        }
        for (int i = 0; i < p.RequiredIdentityAttributes.Count; i++)
        {
            var name = p.RequiredIdentityAttributes[i];
            bool inOurs = ours.ContainsKey(name), inTheirs = theirs.ContainsKey(name);
            if (!inOurs || !inTheirs)
                (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMissing,
                    $"'{name}' is not given for {(!inOurs && !inTheirs ? "either item" : !inOurs ? "the JD item" : "the other listing")}"));
        }
        foreach (var kv in ours) CompareOne(p, kv.Key, kv.Value, theirs, ref failed);
        foreach (var kv in theirs)
        {
            if (!ours.ContainsKey(kv.Key) && !IsRequired(p, kv.Key))
                (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{kv.Key}: not given for the JD item, '{kv.Value}' on the other listing"));
        }
    }

    private static bool SameInOrder(string[] required, Dictionary<string, string> ours, Dictionary<string, string> theirs)
    {
        int found = 0;
        var other = theirs.GetEnumerator();
        foreach (var kv in ours)
        {
            other.MoveNext();
            var o = other.Current;
            if (!string.Equals(kv.Key, o.Key, StringComparison.Ordinal) || !string.Equals(kv.Value, o.Value, StringComparison.Ordinal)) return false;
            if (Array.IndexOf(required, kv.Key) >= 0) found++;
        }
        return found == required.Length;
    }

    private static bool IsRequired(PriceMatchParameters p, string name)
    {
        for (int i = 0; i < p.RequiredIdentityAttributes.Count; i++)
        {
            if (string.Equals(p.RequiredIdentityAttributes[i], name, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static void CompareOne(PriceMatchParameters p, string name, string value, IReadOnlyDictionary<string, string> theirs, ref List<FailedCondition>? failed)
    {
        if (theirs.TryGetValue(name, out var other))
        {
            if (!string.Equals(value, other, StringComparison.Ordinal))
                (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{name}: '{value}' ≠ '{other}'"));
        }
        // A required attribute missing on the other side was already reported as missing.
        else if (!IsRequired(p, name))
        {
            (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{name}: '{value}' on the JD item, not given for the other listing"));
        }
    }

    private static bool EnrolledAt(IReadOnlyList<EnrollmentPeriod> enrollments, DateTimeOffset at)
    {
        for (int i = 0; i < enrollments.Count; i++)
        {
            var e = enrollments[i];
            if (e.From <= at && (e.To is null || at < e.To.Value)) return true;
        }
        return false;
    }

    private static string PartName(PaymentKind kind) => kind switch
    {
        PaymentKind.Cash => "cash",
        PaymentKind.JdBeans => "JD beans",
        PaymentKind.ECard => "E-card",
        PaymentKind.Balance => "balance",
        PaymentKind.Coupon => "coupon",
        _ => "platform promotion",
    };
}
