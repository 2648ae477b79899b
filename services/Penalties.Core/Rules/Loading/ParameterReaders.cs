using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Penalties.Core.AfterSales;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;

namespace Penalties.Core.Rules.Loading;

internal static class CommonReaders
{
    public static RoundingRule? Rounding(ObjectReader parent, string name = "rounding")
    {
        var r = parent.Object(name);
        if (r is null) return null;
        var mode = r.Enum<RoundingMode>("mode");
        var scale = r.Int("scale", min: 0, max: 4);
        r.End();
        return mode is null || scale is null ? null : new RoundingRule(mode.Value, scale.Value);
    }

    public static Sanction? Sanction(ObjectReader parent, string name, bool required)
    {
        var r = parent.Object(name, required);
        if (r is null) return null;
        var actions = r.EnumArray<SanctionAction>("actions");
        var duration = r.Duration("duration", required: false);
        r.End();
        return actions is null ? null : new Sanction(actions, duration);
    }
}

internal static class LateShipmentParametersReader
{
    public static LateShipmentParameters? Read(ObjectReader p)
    {
        var platform = p.Enum<Platform>("platform");
        TimeSpan? ordinary = null, juhuasuan = null;
        var shipWithin = p.Object("shipWithin");
        if (shipWithin is not null)
        {
            ordinary = shipWithin.Duration("ordinary");
            juhuasuan = shipWithin.Duration("juhuasuan", required: false);
            shipWithin.End();
        }
        var outOfStockAfter = p.Duration("outOfStockAfterLate");
        CompensationTerms? late = null, outOfStock = null;
        var compensation = p.Object("compensation");
        if (compensation is not null)
        {
            late = Terms(compensation, "late");
            outOfStock = Terms(compensation, "outOfStock");
            compensation.End();
        }
        var rounding = CommonReaders.Rounding(p);
        PayoutTerms? payout = null;
        var payoutReader = p.Object("payout");
        if (payoutReader is not null)
        {
            var instrument = payoutReader.Enum<PayoutInstrument>("instrument");
            // At most 1,000 points per CNY: the points of the largest order (InputLimits) then stay inside a long.
            var perYuan = payoutReader.Decimal("pointsPerYuan", required: instrument == PayoutInstrument.TmallPoints, min: 0m, max: 1000m, what: "points per CNY");
            var pointsRounding = payoutReader.Enum<RoundingMode>("pointsRounding", required: instrument == PayoutInstrument.TmallPoints);
            if (instrument == PayoutInstrument.TmallPoints && perYuan == 0m) payoutReader.Error("pointsPerYuan", "must be positive for a points payout");
            if (instrument == PayoutInstrument.Money && (perYuan is not null || pointsRounding is not null))
                payoutReader.Error("instrument", "a money payout takes no pointsPerYuan or pointsRounding");
            payoutReader.End();
            if (instrument is not null) payout = new PayoutTerms(instrument.Value, perYuan ?? 0m, pointsRounding ?? RoundingMode.Down);
        }
        PlatformLiabilityTerms? liability = null;
        var liabilityReader = p.Object("platformLiability", required: false);
        if (liabilityReader is not null)
        {
            var multiple = liabilityReader.Decimal("multipleOfBuyerPayout", min: 0m, max: 10m, what: "multiple");
            var onlyIfNotPaid = liabilityReader.Bool("onlyIfNotPaidBeforeJudgment");
            liabilityReader.End();
            if (multiple is not null && onlyIfNotPaid is not null) liability = new PlatformLiabilityTerms(multiple.Value, onlyIfNotPaid.Value);
        }
        var reasons = p.EnumArray<RefundReason>("compensableRefundReasons");
        var notEnforced = p.EnumArray<LateShipmentCondition>("notEnforcedWhen", nonEmpty: false);
        var exempt = p.EnumArray<LateShipmentCondition>("exemptWhen", nonEmpty: false);
        if (notEnforced is not null && exempt is not null)
        {
            foreach (var both in notEnforced.Intersect(exempt)) p.Error("exemptWhen", $"'{both}' is listed in both notEnforcedWhen and exemptWhen");
        }
        ViolationReferral? referral = null;
        var referralReader = p.Object("refusedBeforePaymentReferral", required: false);
        if (referralReader is not null)
        {
            var ruleSet = referralReader.String("ruleSet");
            var code = referralReader.String("violationCode");
            referralReader.End();
            if (ruleSet is not null && code is not null) referral = new ViolationReferral(ruleSet, code);
        }
        if (platform is null || ordinary is null || outOfStockAfter is null || late is null || outOfStock is null || rounding is null
            || payout is null || reasons is null || notEnforced is null || exempt is null)
            return null;
        return new LateShipmentParameters(platform.Value, ordinary.Value, juhuasuan, outOfStockAfter.Value, late, outOfStock, rounding,
            payout, liability, reasons, notEnforced, exempt, referral);
    }

    private static CompensationTerms? Terms(ObjectReader parent, string name)
    {
        var r = parent.Object(name);
        if (r is null) return null;
        var rate = r.Rate("rate");
        var cap = r.Money("cap", what: "cap");
        r.End();
        return rate is null || cap is null ? null : new CompensationTerms(rate.Value, cap.Value);
    }
}

internal static class PriceMatchParametersReader
{
    public static PriceMatchParameters? Read(ObjectReader p)
    {
        var platforms = p.EnumArray<ComparisonPlatform>("acceptedPlatforms");
        var merchants = p.EnumArray<MerchantType>("eligibleMerchantTypes");
        var badge = p.Bool("requiresBadge");
        var enrollment = p.Bool("requiresEnrollmentAtOrderTime");
        var claimDays = p.Int("claimChinaDaysAfterOrderDay", min: 0, max: 365);
        var minSales = p.Int("minimumMonthlySales", min: 0);
        var onSale = p.Bool("requiresListingOnSale");
        var attributes = p.StringArray("requiredIdentityAttributes");
        var custom = p.Enum<CustomGoodsHandling>("customGoods");
        var counted = p.EnumArray<PaymentKind>("countedPayments");
        var beans = p.Decimal("jdBeansPerYuan", min: 1m, what: "JD beans per CNY");
        var multiple = p.Decimal("payoutMultiple", min: 0m, max: 100m, what: "payout multiple");
        var cap = p.Money("cap", required: false, what: "cap");
        var rounding = CommonReaders.Rounding(p);
        if (platforms is null || merchants is null || badge is null || enrollment is null || claimDays is null || minSales is null
            || onSale is null || attributes is null || custom is null || counted is null || beans is null || multiple is null || rounding is null)
            return null;
        return new PriceMatchParameters(platforms, merchants, badge.Value, enrollment.Value, claimDays.Value, minSales.Value, onSale.Value,
            attributes, custom.Value, counted, beans.Value, multiple.Value, cap, rounding);
    }
}

internal static partial class PenaltyPointsParametersReader
{
    public static PenaltyPointsParameters? Read(ObjectReader p)
    {
        var period = p.Enum<PointsPeriod>("period");
        var violations = new Dictionary<string, ViolationRule>(StringComparer.Ordinal);
        bool ok = true;
        var catalog = p.Object("violations");
        if (catalog is not null)
        {
            foreach (var member in catalog.Members())
            {
                var path = catalog.PathOf(member.Name);
                if (!CodePattern().IsMatch(member.Name))
                {
                    catalog.Context.Error(path, $"violation code must be UPPER_SNAKE_CASE (got '{member.Name}')");
                    ok = false;
                    continue;
                }
                var r = ObjectReader.For(catalog.Context, member.Value, path);
                if (r is null) { ok = false; continue; }
                var rule = ReadViolation(member.Name, r);
                r.End();
                if (rule is null) ok = false;
                else violations[member.Name] = rule;
            }
            catalog.End();
            if (violations.Count == 0 && ok) { catalog.Context.Error(catalog.Path, "must list at least one violation"); ok = false; }
        }
        var thresholds = new List<Threshold>();
        var items = p.Array("thresholds", nonEmpty: false);
        if (items is not null)
        {
            foreach (var (item, path) in items)
            {
                var r = ObjectReader.For(p.Context, item, path);
                if (r is null) { ok = false; continue; }
                var basis = r.Enum<ThresholdBasis>("basis");
                var points = r.Int("points", min: 1);
                var sanction = CommonReaders.Sanction(r, "sanction", required: true);
                var description = r.String("description");
                r.End();
                if (basis is null || points is null || sanction is null || description is null) ok = false;
                else thresholds.Add(new Threshold(basis.Value, points.Value, sanction, description));
            }
        }
        if (!ok || period is null || catalog is null || items is null) return null;
        return new PenaltyPointsParameters(period.Value, violations.ToFrozenDictionary(StringComparer.Ordinal),
            thresholds.OrderBy(t => t.Points).ToList());
    }

    private static ViolationRule? ReadViolation(string code, ObjectReader r)
    {
        var description = r.String("description");
        var ladder = new List<LadderStep>();
        var steps = r.Array("ladder");
        bool ok = steps is not null;
        if (steps is not null)
        {
            int position = 0;
            foreach (var (item, path) in steps)
            {
                bool first = position++ == 0;
                var s = ObjectReader.For(r.Context, item, path);
                if (s is null) { ok = false; continue; }
                var from = s.Int("fromOccurrence", min: 1);
                var points = s.Int("points", min: 0, max: 1000);
                var category = s.Enum<PointCategory>("category");
                s.End();
                if (from is null || points is null || category is null) { ok = false; continue; }
                if (first && from != 1) { s.Error("fromOccurrence", $"the first step must start at occurrence 1 (got {from})"); ok = false; }
                if (ladder.Count > 0 && from <= ladder[^1].FromOccurrence)
                {
                    s.Error("fromOccurrence", $"steps must start at strictly increasing occurrences ({from} after {ladder[^1].FromOccurrence})");
                    ok = false;
                }
                ladder.Add(new LadderStep(from.Value, points.Value, category.Value));
            }
        }
        var itemAction = r.Enum<ItemAction>("itemAction", required: false) ?? ItemAction.None;
        var sanction = CommonReaders.Sanction(r, "sanction", required: false);
        var assessed = r.Bool("pointsAssessedPerCase", required: false) ?? false;
        if (!ok || description is null || ladder.Count == 0) return null;
        return new ViolationRule(code, description, ladder, itemAction, sanction, assessed);
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex CodePattern();
}

internal static class AfterSalesParametersReader
{
    // The timers are days or hours; a year bounds them, so no deadline computed from a supported instant can overflow.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(366);

    public static AfterSalesParameters? Read(ObjectReader p)
    {
        bool ok = true;
        var platform = p.Enum<AfterSalesPlatform>("platform");
        ReturnWindowTerms? window = null;
        var w = p.Object("returnWindow", required: false);
        if (w is not null)
        {
            var ret = Timer(w, "return");
            var exchange = Timer(w, "exchange");
            var from = w.Enum<WindowStart>("from");
            w.End();
            if (ret is null || exchange is null || from is null) ok = false;
            else window = new ReturnWindowTerms(ret.Value, exchange.Value, from.Value);
        }
        PostageTerms? postage = null;
        var pr = p.Object("postage", required: false);
        if (pr is not null)
        {
            var free = pr.Enum<PostageSplit>("freeShipping");
            var notFree = pr.Enum<PostageSplit>("notFreeShipping");
            pr.End();
            if (free is null || notFree is null) ok = false;
            else postage = new PostageTerms(free.Value, notFree.Value);
        }
        var excluded = new List<ExcludedItem>();
        var items = p.Array("excluded", nonEmpty: false);
        if (items is not null)
        {
            foreach (var (item, path) in items)
            {
                var r = ObjectReader.For(p.Context, item, path);
                if (r is null) { ok = false; continue; }
                var category = r.Enum<ItemCategory>("category");
                var opened = r.Bool("onlyWhenOpened");
                r.End();
                if (category is null || opened is null) { ok = false; continue; }
                if (excluded.Any(e => e.Category == category)) { r.Error("category", $"'{category}' is excluded more than once"); ok = false; continue; }
                excluded.Add(new ExcludedItem(category.Value, opened.Value));
            }
        }
        var afterSales = Timer(p, "afterSalesWithin", required: false);
        var intervention = Timer(p, "interventionAfter", required: false);
        var answer = Timer(p, "merchantAnswerWithin", required: false);
        ReviewDeductionTerms? deductions = null;
        var d = p.Object("reviewDeductions", required: false);
        if (d is not null)
        {
            var takenBack = d.Bool("pointsTakenBack");
            var spent = d.Bool("spentPointsDeducted");
            var benefits = d.Bool("benefitsDeducted");
            // At least 1 point per CNY: a deduction is then never more than the points' count in CNY.
            var perYuan = d.Decimal("pointsPerYuan", min: 1m, max: 10_000m, what: "points per CNY");
            d.End();
            if (takenBack is null || spent is null || benefits is null || perYuan is null) ok = false;
            else deductions = new ReviewDeductionTerms(takenBack.Value, spent.Value, benefits.Value, perYuan.Value);
        }
        var rounding = CommonReaders.Rounding(p);
        if (!ok || platform is null || items is null || rounding is null) return null;
        return new AfterSalesParameters(platform.Value, window, postage, excluded, afterSales, intervention, answer, deductions, rounding);
    }

    private static TimeSpan? Timer(ObjectReader r, string name, bool required = true)
    {
        var span = r.Duration(name, required);
        if (span > MaxTimer)
        {
            r.Error(name, $"must be at most {MaxTimer.TotalDays:0} days (got {span})");
            return null;
        }
        return span;
    }
}
