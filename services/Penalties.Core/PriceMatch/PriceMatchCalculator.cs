using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PriceMatch;

/// <summary>JD "买贵双倍赔" price-match payout (RULES.md §2): a pure function of a rule-set version and a case.</summary>
public static class PriceMatchCalculator
{
    public const string RuleSet = "jd.price-match";

    /// <summary>Resolves the version in force at the order time (or the pinned one) and assesses the claim; with its explanation steps unless <paramref name="explain"/> is false.</summary>
    public static PriceMatchDecision Assess(RuleCatalog catalog, PriceMatchCase c, RulePin? pin = null, bool explain = true)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(catalog.Resolve(RuleSet, c.OrderedAt, pin), c, explain);
    }

    public static PriceMatchDecision Assess(RuleSetVersion version, PriceMatchCase c, bool explain = true)
    {
        var violations = c.Validate();
        if (violations.Count > 0) throw new InvalidCaseException(violations);
        return AssessValid(version, c, explain);
    }

    private static PriceMatchDecision AssessValid(RuleSetVersion version, PriceMatchCase c, bool explain)
    {
        var p = version.ParametersAs<PriceMatchParameters>();
        var failed = FailedConditions(p, c, out bool custom);
        var x = new Explanation(explain);
        decimal paid = PaidAmount(p, c.Payments, x);
        decimal difference = paid - c.Comparison.PaidAmount;
        x.Step(new ExplanationStep(StepKind.PaidTotal, paid));
        x.Step(new ExplanationStep(StepKind.Difference, paid, c.Comparison.PaidAmount, difference));
        PriceMatchOutcome outcome;
        decimal payout = 0m;
        if (failed.Count > 0)
        {
            outcome = PriceMatchOutcome.Refused;
            if (custom) failed.Add(new FailedCondition(PriceMatchConditions.CustomGoodsManualReview, "custom-made goods are never automatically the same item: manual identification needed"));
        }
        else if (custom)
        {
            outcome = PriceMatchOutcome.ManualReview;
            x.Reason(PriceMatchConditions.CustomGoodsManualReview);
            x.Step(new ExplanationStep(StepKind.Note, Subject: "custom-made goods are never automatically the same item: sent to manual identification"));
        }
        else if (difference <= 0m)
        {
            outcome = PriceMatchOutcome.NoPositiveDifference;
            x.Reason(PriceMatchConditions.NoPositiveDifference);
            x.Step(new ExplanationStep(StepKind.NoPositiveDifference, difference));
        }
        else
        {
            outcome = PriceMatchOutcome.Payable;
            x.Reason(PriceMatchConditions.Payable);
            payout = Compensation.Pay(p.PayoutMultiple, difference, p.Cap, p.Rounding, StepKind.Multiplied, PriceMatchConditions.CapApplied, x);
        }
        return new PriceMatchDecision
        {
            Rule = version.Reference, OrderId = c.OrderId, Outcome = outcome, BuyerPaidAmount = paid, ComparisonPaidAmount = c.Comparison.PaidAmount,
            Difference = difference, Payout = payout, FailedConditions = failed.AsReadOnly(),
            ReasonCodes = outcome == PriceMatchOutcome.Refused ? [.. failed.Select(f => f.Code).Distinct(StringComparer.Ordinal)] : x.Reasons,
            Steps = x.Steps,
        };
    }

    /// <summary>Every eligibility condition that fails (empty when all hold).</summary>
    private static List<FailedCondition> FailedConditions(PriceMatchParameters p, PriceMatchCase c, out bool custom)
    {
        List<FailedCondition> failed = [];
        void Fail(string code, string detail) => failed.Add(new FailedCondition(code, detail));

        if (!p.EligibleMerchantTypes.Contains(c.MerchantType))
            Fail(PriceMatchConditions.MerchantNotEligible, c.MerchantType == MerchantType.JdSmallShop
                ? "JD small shops (京东小店) are not covered"
                : $"merchant type {c.MerchantType} is not covered (covered: {string.Join(", ", p.EligibleMerchantTypes)})");
        if (p.RequiresEnrollmentAtOrderTime && !EnrolledAt(c.Enrollments, c.OrderedAt))
            Fail(PriceMatchConditions.NotEnrolledAtOrderTime, $"the merchant was not enrolled in the price-match service at the order time {ChinaTime.Format(c.OrderedAt)}");
        if (p.RequiresBadge && !c.ItemHasBadge)
            Fail(PriceMatchConditions.NoBadge, "the item did not carry the price-match badge");

        var lastClaimDay = ChinaTime.DayOf(c.OrderedAt).AddDays(p.ClaimChinaDaysAfterOrderDay);
        if (c.ClaimedAt >= ChinaTime.StartOfDay(lastClaimDay.AddDays(1)))
            Fail(PriceMatchConditions.ClaimTooLate,
                $"claimed at {ChinaTime.Format(c.ClaimedAt)}, after 23:59:59 China time on {lastClaimDay:yyyy-MM-dd} (ordered {ChinaTime.Format(c.OrderedAt)})");

        var cmp = c.Comparison;
        if (!p.AcceptedPlatforms.Contains(cmp.Platform))
            Fail(PriceMatchConditions.PlatformNotAccepted, $"{cmp.Platform} is not an accepted platform (accepted: {string.Join(", ", p.AcceptedPlatforms)})");
        if (p.RequiresListingOnSale && !cmp.OnSale)
            Fail(PriceMatchConditions.ListingNotOnSale, "the other listing is not on sale");
        if (p.RequiresListingOnSale && !cmp.Purchasable)
            Fail(PriceMatchConditions.ListingNotPurchasable, "the other listing cannot be purchased");
        if (cmp.MonthlySales < p.MinimumMonthlySales)
            Fail(PriceMatchConditions.MonthlySalesTooLow, $"monthly sales {cmp.MonthlySales} < {p.MinimumMonthlySales}");

        custom = c.ItemIsCustom && p.CustomGoods == CustomGoodsHandling.ManualReview;
        if (!custom) CompareAttributes(p.RequiredIdentityAttributes, c.ItemAttributes, cmp.Attributes, failed);
        return failed;
    }

    /// <summary>Counts the parts of the payment the rule includes (cash, JD beans converted, E-card, balance), and names the ones it leaves out.</summary>
    private static decimal PaidAmount(PriceMatchParameters p, IReadOnlyList<PaymentPart> parts, Explanation x)
    {
        decimal total = 0m;
        foreach (var part in parts)
        {
            decimal amount = part.Amount;
            if (part.Kind == PaymentKind.JdBeans)
            {
                amount = p.Rounding.Apply(part.Beans / p.JdBeansPerYuan);
                x.Step(new ExplanationStep(StepKind.BeansConverted, part.Beans, p.JdBeansPerYuan, amount));
            }
            bool counted = p.CountedPayments.Contains(part.Kind);
            if (counted) total += amount;
            x.Step(new ExplanationStep(counted ? StepKind.PaymentIncluded : StepKind.PaymentExcluded, amount, Subject: PartName(part.Kind)));
        }
        return total;
    }

    /// <summary>The identity attributes: every required one given on both sides, every one given on both sides and equal.</summary>
    private static void CompareAttributes(IReadOnlyList<string> required, IReadOnlyDictionary<string, string> ours, IReadOnlyDictionary<string, string> theirs,
        List<FailedCondition> failed)
    {
        foreach (var name in required)
        {
            bool inOurs = ours.ContainsKey(name), inTheirs = theirs.ContainsKey(name);
            if (!inOurs || !inTheirs)
                failed.Add(new FailedCondition(PriceMatchConditions.AttributeMissing,
                    $"'{name}' is not given for {(!inOurs && !inTheirs ? "either item" : !inOurs ? "the JD item" : "the other listing")}"));
        }
        // Keys in ordinal order: a map's order on the wire is unspecified, and the answer must not depend on it.
        foreach (var name in InOrdinalOrder(ours))
        {
            var value = ours[name];
            if (theirs.TryGetValue(name, out var other))
            {
                if (!string.Equals(value, other, StringComparison.Ordinal))
                    failed.Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{name}: '{value}' ≠ '{other}'"));
            }
            // A required attribute missing on the other side was already reported as missing.
            else if (!required.Contains(name))
            {
                failed.Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{name}: '{value}' on the JD item, not given for the other listing"));
            }
        }
        foreach (var name in InOrdinalOrder(theirs))
        {
            if (!ours.ContainsKey(name) && !required.Contains(name))
                failed.Add(new FailedCondition(PriceMatchConditions.AttributeMismatch, $"{name}: not given for the JD item, '{theirs[name]}' on the other listing"));
        }
    }

    internal static string[] InOrdinalOrder(IReadOnlyDictionary<string, string> attributes)
    {
        var names = attributes.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
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
