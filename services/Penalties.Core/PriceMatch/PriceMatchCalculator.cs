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
        List<FailedCondition>? failed = null;
        void Fail(string code, string detail) => (failed ??= []).Add(new FailedCondition(code, detail));

        if (!Contains(p.EligibleMerchantTypes, c.MerchantType))
            Fail(PriceMatchConditions.MerchantNotEligible, c.MerchantType == MerchantType.JdSmallShop
                ? "JD small shops (京东小店) are not covered"
                : $"merchant type {c.MerchantType} is not covered (covered: {string.Join(", ", p.EligibleMerchantTypes)})");
        if (p.RequiresEnrollmentAtOrderTime && !EnrolledAt(c.Enrollments, c.OrderedAt))
            Fail(PriceMatchConditions.NotEnrolledAtOrderTime, $"the merchant was not enrolled in the price-match service at the order time {ChinaTime.Format(c.OrderedAt)}");
        if (p.RequiresBadge && !c.ItemHasBadge)
            Fail(PriceMatchConditions.NoBadge, "the item did not carry the price-match badge");

        var claimDeadline = ChinaTime.StartOfDay(ChinaTime.DayOf(c.OrderedAt).AddDays(1 + p.ClaimChinaDaysAfterOrderDay));
        if (c.ClaimedAt >= claimDeadline)
            Fail(PriceMatchConditions.ClaimTooLate,
                $"claimed at {ChinaTime.Format(c.ClaimedAt)}, after 23:59:59 China time on {ChinaTime.DayOf(claimDeadline.AddTicks(-1)):yyyy-MM-dd} (ordered {ChinaTime.Format(c.OrderedAt)})");

        var cmp = c.Comparison;
        if (!Contains(p.AcceptedPlatforms, cmp.Platform))
            Fail(PriceMatchConditions.PlatformNotAccepted, $"{cmp.Platform} is not an accepted platform (accepted: {string.Join(", ", p.AcceptedPlatforms)})");
        if (p.RequiresListingOnSale && !cmp.OnSale)
            Fail(PriceMatchConditions.ListingNotOnSale, "the other listing is not on sale");
        if (p.RequiresListingOnSale && !cmp.Purchasable)
            Fail(PriceMatchConditions.ListingNotPurchasable, "the other listing cannot be purchased");
        if (cmp.MonthlySales < p.MinimumMonthlySales)
            Fail(PriceMatchConditions.MonthlySalesTooLow, $"monthly sales {cmp.MonthlySales} < {p.MinimumMonthlySales}");

        bool custom = c.ItemIsCustom && p.CustomGoods == CustomGoodsHandling.ManualReview;
        if (!custom) CompareAttributes(p, c.ItemAttributes, cmp.Attributes, ref failed);

        var steps = new StepBuffer();
        decimal paid = PaidAmount(p, c.Payments, ref steps);
        steps.Add(new ExplanationStep(StepKind.PaidTotal, paid));
        decimal difference = paid - cmp.PaidAmount;
        steps.Add(new ExplanationStep(StepKind.Difference, paid, cmp.PaidAmount, difference));

        if (failed is not null)
        {
            var codes = new string[failed.Count + (custom ? 1 : 0)];
            for (int i = 0; i < failed.Count; i++) codes[i] = failed[i].Code;
            if (custom)
            {
                codes[^1] = PriceMatchConditions.CustomGoodsManualReview;
                failed.Add(new FailedCondition(PriceMatchConditions.CustomGoodsManualReview, "custom-made goods are never automatically the same item: manual identification needed"));
            }
            return new PriceMatchDecision(version.Reference, c.OrderId, PriceMatchOutcome.Refused, paid, cmp.PaidAmount, difference, 0m,
                failed, codes.Distinct(StringComparer.Ordinal).ToArray(), steps.ToArray());
        }
        if (custom)
        {
            steps.Add(new ExplanationStep(StepKind.Note, Subject: "custom-made goods are never automatically the same item: sent to manual identification"));
            return new PriceMatchDecision(version.Reference, c.OrderId, PriceMatchOutcome.ManualReview, paid, cmp.PaidAmount, difference, 0m,
                [], [PriceMatchConditions.CustomGoodsManualReview], steps.ToArray());
        }
        if (difference <= 0m)
        {
            steps.Add(new ExplanationStep(StepKind.NoPositiveDifference, difference));
            return new PriceMatchDecision(version.Reference, c.OrderId, PriceMatchOutcome.NoPositiveDifference, paid, cmp.PaidAmount, difference, 0m,
                [], [PriceMatchConditions.NoPositiveDifference], steps.ToArray());
        }

        decimal raw = p.PayoutMultiple * difference;
        steps.Add(new ExplanationStep(StepKind.Multiplied, p.PayoutMultiple, difference, raw));
        var reasons = new ReasonBuffer();
        reasons.Add(PriceMatchConditions.Payable);
        decimal capped = raw;
        if (p.Cap is { } cap)
        {
            if (raw > cap)
            {
                capped = cap;
                reasons.Add(PriceMatchConditions.CapApplied);
                steps.Add(new ExplanationStep(StepKind.Capped, raw, cap));
            }
            else
            {
                steps.Add(new ExplanationStep(StepKind.CapNotReached, cap));
            }
        }
        decimal payout = p.Rounding.Apply(capped);
        steps.Add(new ExplanationStep(StepKind.Rounded, capped, payout, p.Rounding.Scale, Subject: RoundingRule.Describe(p.Rounding.Mode)));
        return new PriceMatchDecision(version.Reference, c.OrderId, PriceMatchOutcome.Payable, paid, cmp.PaidAmount, difference, payout,
            [], reasons.ToArray(), steps.ToArray());
    }

    /// <summary>Counts the parts of the payment the rule includes (cash, JD beans converted, E-card, balance), and names the ones it leaves out.</summary>
    private static decimal PaidAmount(PriceMatchParameters p, IReadOnlyList<PaymentPart> parts, ref StepBuffer steps)
    {
        decimal total = 0m;
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            decimal amount = part.Amount;
            if (part.Kind == PaymentKind.JdBeans)
            {
                amount = p.Rounding.Apply(part.Beans / p.JdBeansPerYuan);
                steps.Add(new ExplanationStep(StepKind.BeansConverted, part.Beans, p.JdBeansPerYuan, amount));
            }
            if (Contains(p.CountedPayments, part.Kind))
            {
                total += amount;
                steps.Add(new ExplanationStep(StepKind.PaymentIncluded, amount, Subject: PartName(part.Kind)));
            }
            else
            {
                steps.Add(new ExplanationStep(StepKind.PaymentExcluded, amount, Subject: PartName(part.Kind)));
            }
        }
        return total;
    }

    private static void CompareAttributes(PriceMatchParameters p, IReadOnlyDictionary<string, string> ours, IReadOnlyDictionary<string, string> theirs, ref List<FailedCondition>? failed)
    {
        for (int i = 0; i < p.RequiredIdentityAttributes.Count; i++)
        {
            var name = p.RequiredIdentityAttributes[i];
            bool inOurs = ours.ContainsKey(name), inTheirs = theirs.ContainsKey(name);
            if (!inOurs || !inTheirs)
                (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMissing,
                    $"'{name}' is not given for {(!inOurs && !inTheirs ? "either item" : !inOurs ? "the JD item" : "the other listing")}"));
        }
        if (ours is Dictionary<string, string> oursDict)
        {
            foreach (var kv in oursDict) CompareOne(p, kv.Key, kv.Value, theirs, ref failed);
        }
        else
        {
            foreach (var kv in ours) CompareOne(p, kv.Key, kv.Value, theirs, ref failed);
        }
        foreach (var kv in theirs)
        {
            if (!ours.ContainsKey(kv.Key) && !IsRequired(p, kv.Key))
                (failed ??= []).Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{kv.Key}: not given for the JD item, '{kv.Value}' on the other listing"));
        }
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

    private static bool Contains<T>(IReadOnlyList<T> items, T item) where T : struct, Enum
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(items[i], item)) return true;
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
