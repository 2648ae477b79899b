using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using C = Penalties.Contracts.V1;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using Penalties.Grpc;
using CoreAfterCase = Penalties.Core.AfterSales.AfterSalesCase;
using CoreLateCase = Penalties.Core.LateShipment.LateShipmentCase;
using CoreLine = Penalties.Core.LateShipment.OrderLine;
using CorePriceCase = Penalties.Core.PriceMatch.PriceMatchCase;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// The contract's message of a decision (<see cref="Mapping.Decision(Penalties.Core.LateShipment.LateShipmentDecision, bool)"/>,
/// the one mapping of decisions to the contract) says what the core's decision says, field by field: for every outcome,
/// view, line count, sign and size of amount, and instant before and after 1970.
/// </summary>
public sealed class DecisionMappingTests
{
    private static readonly RuleCatalog Catalog = RuleSetLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "rules")).ToCatalog();

    /// <summary>Ids of any length and script: one-, two- and three-byte length prefixes, ASCII, Chinese, astral.</summary>
    private static readonly Gen<string> Ids = Gen.OneOf(
        Gen.Elements("T-1", "订单-延迟发货-0001", "😀", new string('x', 42), new string('字', 43), new string('o', 200), new string('长', 6000)),
        Gen.Choose(1, 99_999).Select(i => $"O-{i}"));

    /// <summary>Instants from 1900 to 2100 (negative Unix seconds included), to the tick.</summary>
    private static readonly Gen<DateTimeOffset> Instants =
        from day in Gen.Choose(0, 200 * 365)
        from tick in Gen.Choose(0, int.MaxValue)
        from offset in Gen.Elements(0, 480, -300)
        select new DateTimeOffset(1900, 1, 2, 0, 0, 0, TimeSpan.Zero).AddDays(day).AddTicks(tick * 40L).ToOffset(TimeSpan.FromMinutes(offset));

    /// <summary>CNY in fen from 0 to 10^12, and the caps' neighbours.</summary>
    private static readonly Gen<decimal> Amounts = Gen.OneOf(
        Gen.Choose(0, 400_000).Select(f => f / 100m),
        Gen.Choose(0, int.MaxValue).Select(f => f * 500m / 100m),
        Gen.Elements(0m, 0.01m, 333.33m, 1666.67m, 2000m, 1_000_000_000_000m));

    private static readonly Gen<CoreLine> Lines =
        from id in Ids
        from amount in Amounts
        from quantity in Gen.Choose(1, 3)
        from shippedAfterHours in Gen.Frequency((1, Gen.Constant(-1)), (3, Gen.Choose(0, 24 * 40))) // -1: not shipped
        select new CoreLine { LineId = id, Amount = amount, Quantity = quantity, ShippedAt = shippedAfterHours < 0 ? null : Instant0.AddHours(shippedAfterHours) };

    // Lines are generated against this instant, then moved with the case's payment time.
    private static readonly DateTimeOffset Instant0 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<CoreLateCase> LateCases =
        from platform in Gen.Elements(Penalties.Core.LateShipment.Platform.Tmall, Penalties.Core.LateShipment.Platform.Taobao)
        from orderId in Ids
        from paid in Instants
        from channel in Gen.Elements(Enum.GetValues<Penalties.Core.LateShipment.ShippingChannel>())
        from agreedAfterHours in Gen.Choose(1, 24 * 30)
        from lines in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Lines, n))
        from evaluatedAfterHours in Gen.Choose(0, 24 * 60)
        from reason in Gen.Elements(Enum.GetValues<Penalties.Core.LateShipment.RefundReason>())
        from flags in Gen.Choose(0, 255)
        from reported in Gen.Elements(false, true)
        from unpaid in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new CoreLateCase
        {
            Platform = platform,
            OrderId = orderId,
            PaidAt = unpaid ? null : paid,
            PlacedAt = paid.AddHours(-1),
            Channel = channel,
            AgreedShipBy = paid.AddHours(agreedAfterHours),
            Lines = [.. lines.Select((l, i) => l with { LineId = $"{i}-{l.LineId}", ShippedAt = l.ShippedAt is { } s ? paid + (s - Instant0) : null })],
            EvaluatedAt = paid.AddHours(evaluatedAfterHours),
            RefundReason = reason,
            MerchantAdmittedOutOfStock = (flags & 1) != 0,
            MerchantRefusedToShip = (flags & 2) != 0 && (flags & 64) != 0,
            MerchantDemandedHigherPrice = (flags & 4) != 0 && (flags & 64) != 0,
            RefusedBeforePayment = unpaid,
            BuyerAbuse = (flags & 8) != 0 && (flags & 128) != 0,
            PlatformStopShipOrder = (flags & 16) != 0 && (flags & 128) != 0,
            ForceMajeureReports = reported ? [new ReportedPeriod(paid, paid.AddDays(10))] : [],
            MerchantPaidBeforeJudgment = (flags & 32) != 0,
        };

    private static readonly string[] AttributeNames = ["brand", "name", "model", "颜色"];

    /// <summary>A claim that meets every condition but the one <c>broken</c> picks (none for most): every outcome is reached.</summary>
    private static readonly Gen<CorePriceCase> PriceCases =
        from orderId in Ids
        from broken in Gen.Choose(0, 16)
        from ordered in Instants
        from claimedAfterHours in Gen.Choose(0, 24 * 20)
        from payments in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(
            from kind in Gen.Elements(Enum.GetValues<Penalties.Core.PriceMatch.PaymentKind>())
            from amount in Amounts
            from beans in Gen.Choose(0, 100_000)
            select new PaymentPart { Kind = kind, Amount = kind == Penalties.Core.PriceMatch.PaymentKind.JdBeans ? 0m : amount, Beans = kind == Penalties.Core.PriceMatch.PaymentKind.JdBeans ? beans : 0 }, n))
        from platform in Gen.Elements(Enum.GetValues<Penalties.Core.PriceMatch.ComparisonPlatform>())
        from theirs in Amounts
        from sales in Gen.Choose(0, 300)
        select new CorePriceCase
        {
            OrderId = orderId,
            MerchantType = broken == 1 ? Penalties.Core.PriceMatch.MerchantType.JdSmallShop : Penalties.Core.PriceMatch.MerchantType.ThirdParty,
            Enrollments = [new EnrollmentPeriod(broken == 2 ? ordered.AddDays(1) : ordered.AddDays(-30), null)],
            ItemHasBadge = broken != 3,
            ItemIsCustom = broken == 4,
            ItemAttributes = AttributeNames.ToDictionary(a => a, a => a + "-1"),
            OrderedAt = ordered,
            ClaimedAt = ordered.AddHours(broken == 5 ? claimedAfterHours : claimedAfterHours % 24),
            Payments = [.. payments],
            Comparison = new ComparisonListing
            {
                Platform = broken == 6 ? platform : Penalties.Core.PriceMatch.ComparisonPlatform.Tmall,
                PaidAmount = theirs,
                MonthlySales = broken == 7 ? sales : 100 + sales,
                OnSale = broken != 8,
                Purchasable = broken != 9,
                Attributes = AttributeNames.Where(a => broken != 10 || a != "brand").ToDictionary(a => a, a => broken == 11 && a == "model" ? "other" : a + "-1"),
            },
        };

    private static readonly Gen<CoreAfterCase> AfterCases =
        from platform in Gen.Elements(Enum.GetValues<Penalties.Core.AfterSales.AfterSalesPlatform>())
        from kind in Gen.Elements(Enum.GetValues<Penalties.Core.AfterSales.RequestKind>())
        from orderId in Ids
        from ordered in Instants
        from signedHours in Gen.Choose(0, 24 * 20)
        from dateOnly in Gen.Elements(true, false)
        from requestedHours in Gen.Choose(0, 24 * 30)
        from succeededHours in Gen.Choose(-1, 24 * 30)
        from answeredHours in Gen.Choose(-1, 24 * 5)
        from category in Gen.Elements(Enum.GetValues<Penalties.Core.AfterSales.ItemCategory>())
        from flags in Gen.Choose(0, 3)
        from outbound in Amounts
        from back in Amounts
        from paid in Amounts
        from points in Gen.Choose(0, 100_000)
        let signed = ordered.AddHours(signedHours)
        let requested = signed.AddHours(requestedHours)
        select new CoreAfterCase
        {
            Platform = platform, Kind = kind, OrderId = orderId, OrderedAt = ordered,
            SignedForAt = dateOnly ? null : signed,
            SignedForDate = dateOnly ? ChinaTime.DayOf(signed).AddDays(1) : null,
            RequestedAt = requested.AddDays(dateOnly ? 1 : 0),
            TransactionSucceededAt = succeededHours < 0 ? null : signed.AddHours(succeededHours),
            InterventionRequestedAt = answeredHours < 0 ? null : requested.AddDays(dateOnly ? 1 : 0).AddHours(answeredHours * 2),
            MerchantAnsweredAt = answeredHours < 0 ? null : requested.AddDays(dateOnly ? 1 : 0).AddHours(answeredHours),
            Item = new Penalties.Core.AfterSales.ReturnedItem
            {
                Category = category, Opened = (flags & 1) != 0, FreeShipping = (flags & 2) != 0, OutboundPostage = outbound, ReturnPostage = back,
                PaidAmount = paid, ReviewPoints = points, ReviewPointsSpent = points / 3, ReviewBenefits = paid / 4 == decimal.Round(paid / 4, 2) ? paid / 4 : 0m,
            },
        };

    private static Penalties.Core.AfterSales.AfterSalesDecision? After(CoreAfterCase c, int pick) =>
        Decide(() => Penalties.Core.AfterSales.AfterSalesCalculator.Assess(Catalog, c, Pin(Penalties.Core.AfterSales.AfterSalesCalculator.RuleSetFor(c.Platform), pick)));

    /// <summary>The case decided under one of its rule set's versions (pinned: instants from 1900 to 2100 have none in force), chosen by <paramref name="pick"/>.</summary>
    private static Penalties.Core.LateShipment.LateShipmentDecision? Late(CoreLateCase c, int pick) =>
        Decide(() => LateShipmentCalculator.Assess(Catalog, c, Pin(c.Platform == Penalties.Core.LateShipment.Platform.Tmall ? "tmall.late-shipment" : "taobao.late-shipment", pick)));

    private static Penalties.Core.PriceMatch.PriceMatchDecision? Price(CorePriceCase c, int pick) =>
        Decide(() => PriceMatchCalculator.Assess(Catalog, c, Pin("jd.price-match", pick)));

    private static RulePin Pin(string ruleSetId, int pick)
    {
        var versions = Catalog.Versions(ruleSetId);
        return new RulePin(ruleSetId, versions[pick % versions.Count].Version);
    }

    /// <summary>The decision, or null when the generated case is one the calculator refuses (invalid).</summary>
    private static T? Decide<T>(Func<T> decide) where T : class
    {
        try
        {
            return decide();
        }
        catch (Exception e) when (e is InvalidCaseException or RuleResolutionException)
        {
            return null;
        }
    }

    /// <summary>Cases from <paramref name="cases"/>, decided under a picked version, mapped with or without their steps: the message says what the decision says.</summary>
    private static Property SaysWhatTheDecisionSays<TCase, TDecision>(Gen<TCase> cases, Func<TCase, int, TDecision?> decide,
        Func<TDecision, bool, List<string>> differences, Func<TDecision, string> describe) where TDecision : class =>
        Prop.ForAll(Arb.From(cases), Arb.From(Gen.Choose(0, 9)), Arb.From(Gen.Elements(true, false)), (c, pick, explain) =>
        {
            if (decide(c, pick) is not { } d) return true.Label("refused");
            var found = differences(d, explain);
            return (found.Count == 0).Label($"{describe(d)}, explain {explain}: differs in [{string.Join(", ", found)}]");
        });

    [Property(MaxTest = 1500)]
    public Property A_late_shipment_message_says_what_the_decision_says() =>
        SaysWhatTheDecisionSays(LateCases, Late, (d, explain) => LateDifferences(Mapping.Decision(d, explain), d, explain), d => $"{d.Outcome}, {d.Lines.Count} lines");

    [Property(MaxTest = 1500)]
    public Property A_price_match_message_says_what_the_decision_says() =>
        SaysWhatTheDecisionSays(PriceCases, Price, (d, explain) => PriceDifferences(Mapping.Decision(d, explain), d, explain), d => d.Outcome.ToString());

    [Property(MaxTest = 1500)]
    public Property An_after_sales_message_says_what_the_decision_says() =>
        SaysWhatTheDecisionSays(AfterCases, After, (d, explain) => AfterDifferences(Mapping.Decision(d, explain), d, explain), d => d.Outcome.ToString());

    [Property(MaxTest = 500)]
    public Property An_after_sales_case_reads_back_from_the_contract_as_sent() =>
        Prop.ForAll(Arb.From(AfterCases), c =>
        {
            var back = Mapping.AfterSalesCase(Mapping.Case(c));
            return back with { Item = c.Item } == c && back.Item == c.Item;
        });

    // --- The contract's message against the core's decision: the test's own statement of the mapping ---

    private static List<string> LateDifferences(C.LateShipmentDecision m, Penalties.Core.LateShipment.LateShipmentDecision d, bool explain)
    {
        var differences = Head(m.Rule, m.OrderId, m.Outcome.ToString(), d.Rule, d.OrderId, d.Outcome.ToString());
        void Check(bool same, string field) => Add(differences, same, field);
        Check(m.Instrument == d.Instrument.ToString(), "instrument");
        Check(IsCny(m.BuyerPayout, d.BuyerPayout), "buyerPayout");
        Check(m.HasBuyerPoints == d.BuyerPoints.HasValue && m.BuyerPoints == (d.BuyerPoints ?? 0), "buyerPoints");
        Check(IsCny(m.PlatformLiability, d.PlatformLiability), "platformLiability");
        Check(IsCny(m.MerchantTotal, d.MerchantTotal), "merchantTotal");
        Check(m.ReferralRuleSetId == (d.Referral?.RuleSetId ?? "") && m.ReferralViolationCode == (d.Referral?.ViolationCode ?? ""), "referral");
        Check(m.ReasonCodes.SequenceEqual(d.ReasonCodes), "reasonCodes");
        // An order with lines is explained per line; only an order without lines at the order.
        Check(SameSteps(m.Steps, explain && d.Lines.Count == 0 ? d.Steps : []), "steps");
        Check(m.Lines.Count == d.Lines.Count, "lines");
        for (int i = 0; i < Math.Min(m.Lines.Count, d.Lines.Count); i++)
        {
            var (ml, l) = (m.Lines[i], d.Lines[i]);
            Check(ml.LineId == l.LineId, $"lines[{i}].lineId");
            Check(ml.Outcome.ToString() == l.Outcome.ToString(), $"lines[{i}].outcome");
            Check(ml.Lateness == l.Lateness.ToString(), $"lines[{i}].lateness");
            Check(ml.Deadline is not null && ml.Deadline.ToDateTimeOffset() == l.Deadline, $"lines[{i}].deadline");
            Check(ml.OutOfStockAt is not null && ml.OutOfStockAt.ToDateTimeOffset() == l.OutOfStockAt, $"lines[{i}].outOfStockAt");
            Check(IsCny(ml.BuyerPayout, l.BuyerPayout), $"lines[{i}].buyerPayout");
            Check(ml.HasBuyerPoints == l.BuyerPoints.HasValue && ml.BuyerPoints == (l.BuyerPoints ?? 0), $"lines[{i}].buyerPoints");
            Check(IsCny(ml.PlatformLiability, l.PlatformLiability), $"lines[{i}].platformLiability");
            Check(IsCny(ml.MerchantTotal, l.MerchantTotal), $"lines[{i}].merchantTotal");
            Check(ml.ReasonCodes.SequenceEqual(l.ReasonCodes), $"lines[{i}].reasonCodes");
            Check(SameSteps(ml.Steps, explain ? l.Steps : []), $"lines[{i}].steps");
        }
        return differences;
    }

    private static List<string> PriceDifferences(C.PriceMatchDecision m, Penalties.Core.PriceMatch.PriceMatchDecision d, bool explain)
    {
        var differences = Head(m.Rule, m.OrderId, m.Outcome.ToString(), d.Rule, d.OrderId, d.Outcome.ToString());
        void Check(bool same, string field) => Add(differences, same, field);
        Check(IsCny(m.BuyerPaidAmount, d.BuyerPaidAmount), "buyerPaidAmount");
        Check(IsCny(m.ComparisonPaidAmount, d.ComparisonPaidAmount), "comparisonPaidAmount");
        Check(IsCny(m.Difference, d.Difference), "difference");
        Check(IsCny(m.Payout, d.Payout), "payout");
        Check(m.FailedConditions.Select(f => (f.Code, f.Detail)).SequenceEqual(d.FailedConditions.Select(f => (f.Code, f.Detail))), "failedConditions");
        Check(m.ReasonCodes.SequenceEqual(d.ReasonCodes), "reasonCodes");
        Check(SameSteps(m.Steps, explain ? d.Steps : []), "steps");
        return differences;
    }

    private static List<string> AfterDifferences(C.AfterSalesDecision m, Penalties.Core.AfterSales.AfterSalesDecision d, bool explain)
    {
        var differences = Head(m.Rule, m.OrderId, m.Outcome.ToString(), d.Rule, d.OrderId, d.Outcome.ToString());
        void Check(bool same, string field) => Add(differences, same, field);
        static bool SameTime(Google.Protobuf.WellKnownTypes.Timestamp? t, DateTimeOffset? expected) => t?.ToDateTimeOffset() == expected;
        Check(SameTime(m.WindowStartsAt, d.WindowStartsAt), "windowStartsAt");
        Check(SameTime(m.WindowEndsAt, d.WindowEndsAt), "windowEndsAt");
        Check(SameTime(m.AfterSalesEndsAt, d.AfterSalesEndsAt), "afterSalesEndsAt");
        Check(SameTime(m.InterventionFrom, d.InterventionFrom), "interventionFrom");
        Check(SameTime(m.MerchantAnswerBy, d.MerchantAnswerBy), "merchantAnswerBy");
        Check(SameTime(m.AutoAgreedAt, d.AutoAgreedAt), "autoAgreedAt");
        Check(d.Postage is null ? m.Postage is null
            : m.Postage is { } p && p.OutboundPaidBy.ToString() == d.Postage.OutboundPaidBy.ToString() && p.ReturnPaidBy.ToString() == d.Postage.ReturnPaidBy.ToString()
                && IsCny(p.BuyerPays, d.Postage.BuyerPays) && IsCny(p.MerchantPays, d.Postage.MerchantPays), "postage");
        Check(d.Refund is null ? m.Refund is null
            : m.Refund is { } r && IsCny(r.Paid, d.Refund.Paid) && r.PointsTakenBack == d.Refund.PointsTakenBack && IsCny(r.PointsDeduction, d.Refund.PointsDeduction)
                && IsCny(r.BenefitsDeduction, d.Refund.BenefitsDeduction) && IsCny(r.Refund, d.Refund.Refund), "refund");
        Check(m.ReasonCodes.SequenceEqual(d.ReasonCodes), "reasonCodes");
        Check(SameSteps(m.Steps, explain ? d.Steps : []), "steps");
        return differences;
    }

    /// <summary>The differences in what every decision message starts with: its rule, order and outcome (by name).</summary>
    private static List<string> Head(C.RuleReference? rule, string orderId, string outcome, RuleReference expectedRule, string expectedOrderId, string expectedOutcome)
    {
        var differences = new List<string>();
        Add(differences, rule is not null && rule.RuleSetId == expectedRule.RuleSetId && rule.Version == expectedRule.Version && rule.ContentHash == expectedRule.ContentHash, "rule");
        Add(differences, orderId == expectedOrderId, "orderId");
        Add(differences, outcome == expectedOutcome, "outcome");
        return differences;
    }

    private static void Add(List<string> differences, bool same, string field)
    {
        if (!same) differences.Add(field);
    }

    private static bool IsCny(C.Money? m, decimal amount) => m is not null && m.CurrencyCode == "CNY" && Cases.Value(m) == amount;

    private static bool SameSteps(IEnumerable<C.ExplanationStep> m, IReadOnlyList<ExplanationStep> steps) =>
        m.Select(s => (s.Kind, s.Text)).SequenceEqual(steps.Select(s => (s.Kind.ToString(), s.Text)));

    /// <summary>The generators reach what the properties are about: every outcome, several lines, negative amounts and instants.</summary>
    [Fact]
    public void The_generated_cases_cover_every_outcome_and_the_edges()
    {
        var late = LateCases.Sample(3000).Select((c, i) => Late(c, i)).OfType<Penalties.Core.LateShipment.LateShipmentDecision>().ToList();
        var price = PriceCases.Sample(3000).Select((c, i) => Price(c, i)).OfType<Penalties.Core.PriceMatch.PriceMatchDecision>().ToList();
        Assert.True(late.Count > 2000, $"only {late.Count} of 3000 late-shipment cases decided");
        Assert.True(price.Count > 2000, $"only {price.Count} of 3000 price-match cases decided");
        Assert.Equal(Enum.GetValues<Penalties.Core.LateShipment.LateShipmentOutcome>().Order(), late.Select(d => d.Outcome).Distinct().Order());
        Assert.Equal(Enum.GetValues<Penalties.Core.PriceMatch.PriceMatchOutcome>().Order(), price.Select(d => d.Outcome).Distinct().Order());
        Assert.Contains(late, d => d.Lines.Count > 1);
        Assert.Contains(late, d => d.Lines.Any(l => l.Deadline.UtcDateTime < DateTime.UnixEpoch));
        Assert.Contains(price, d => d.Difference < 0m);
        var after = AfterCases.Sample(3000).Select((c, i) => After(c, i)).OfType<Penalties.Core.AfterSales.AfterSalesDecision>().ToList();
        Assert.True(after.Count > 2000, $"only {after.Count} of 3000 after-sales cases decided");
        Assert.Equal(Enum.GetValues<Penalties.Core.AfterSales.AfterSalesOutcome>().Order(), after.Select(d => d.Outcome).Distinct().Order());
        Assert.Contains(after, d => d.AutoAgreedAt is not null && d.WindowStartsAt is null);
        Assert.Contains(after, d => d.Refund is { Refund: 0m });
    }
}
