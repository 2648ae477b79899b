using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.Rules;
using RulesEngine.Models;
using RE = RulesEngine.RulesEngine;

namespace Penalties.Bench;

/// <summary>
/// What both implementations must agree on for a one-line order: the outcome, what the times (and the
/// merchant's acts) say about the line, the buyer's payout, the Tmall points quantity, the liability to the
/// platform, and the penalty-point referral of a refusal before payment.
/// </summary>
public readonly record struct LateShipmentAnswer(
    LateShipmentOutcome Outcome, Lateness? Lateness, decimal Payout, long? Points, decimal PlatformLiability, string? Referral)
{
    /// <summary>Equal, and every amount with the same scale (decimal equality alone ignores it: 450.0 == 450.00).</summary>
    public bool Identical(LateShipmentAnswer other) =>
        this == other && Payout.Scale == other.Payout.Scale && PlatformLiability.Scale == other.PlatformLiability.Scale;
}

/// <summary>
/// The whole late-shipment decision for a one-line order as a Microsoft RulesEngine workflow, reading the same
/// rule-set version's parameters: the deadline by channel, on time / not yet due / late / out of stock (by time
/// or by the merchant's act), not enforced (abuse, stop-ship order), exempt (force-majeure report covering the
/// deadline), refund reason not compensable, refused before payment, and for a compensable line the rate,
/// the cap, the rounding, the Tmall points quantity and the liability to the platform. The inputs are the case
/// itself ("order") and the version's <see cref="LateShipmentParameters"/> ("terms"). Workflow-level parameters
/// derive the deadline and the line's state; one rule per outcome (exactly one succeeds), and rules for the
/// amounts with OutputExpression actions. RulesEngine evaluates the workflow's parameters again for each rule.
/// </summary>
public sealed class RulesEngineLateShipment
{
    public const string WorkflowName = "LateShipment";

    private static readonly (string Name, string Expression)[] GlobalParams =
    [
        ("line", "order.Lines[0]"),
        // Without a payment (refused before payment) there is no deadline; the evaluation instant stands in, unused.
        ("deadline",
            "!order.PaidAt.HasValue ? order.EvaluatedAt"
            + " : order.Channel == ShippingChannel.Ordinary ? order.PaidAt.Value.Add(terms.OrdinaryShipWithin)"
            + " : order.Channel == ShippingChannel.Juhuasuan ? order.PaidAt.Value.Add(terms.JuhuasuanShipWithin.Value)"
            + " : order.AgreedShipBy.Value"),
        ("outOfStockAt", "deadline.Add(terms.OutOfStockAfterLate)"),
        ("byTime",
            "line.ShippedAt.HasValue"
            + " ? (line.ShippedAt.Value <= deadline ? Lateness.OnTime : line.ShippedAt.Value > outOfStockAt ? Lateness.OutOfStock : Lateness.Late)"
            + " : (order.EvaluatedAt <= deadline ? Lateness.NotYetDue : order.EvaluatedAt > outOfStockAt ? Lateness.OutOfStock : Lateness.Late)"),
        ("lateness",
            "(byTime == Lateness.NotYetDue || byTime == Lateness.Late)"
            + " && (order.MerchantAdmittedOutOfStock || order.MerchantRefusedToShip || order.MerchantDemandedHigherPrice)"
            + " ? Lateness.OutOfStock : byTime"),
        ("late", "!order.RefusedBeforePayment && (lateness == Lateness.Late || lateness == Lateness.OutOfStock)"),
        ("forceMajeure", "order.ForceMajeureReports.Any(r => r.From <= deadline && (r.To == null || deadline < r.To.Value))"),
        ("notEnforced",
            "(terms.NotEnforcedWhen.Contains(LateShipmentCondition.BuyerAbuse) && order.BuyerAbuse)"
            + " || (terms.NotEnforcedWhen.Contains(LateShipmentCondition.PlatformStopShipOrder) && order.PlatformStopShipOrder)"
            + " || (terms.NotEnforcedWhen.Contains(LateShipmentCondition.ForceMajeureReported) && forceMajeure)"),
        ("exempt",
            "(terms.ExemptWhen.Contains(LateShipmentCondition.BuyerAbuse) && order.BuyerAbuse)"
            + " || (terms.ExemptWhen.Contains(LateShipmentCondition.PlatformStopShipOrder) && order.PlatformStopShipOrder)"
            + " || (terms.ExemptWhen.Contains(LateShipmentCondition.ForceMajeureReported) && forceMajeure)"),
        ("reasonCompensable", "terms.CompensableRefundReasons.Contains(order.RefundReason)"),
        ("compensable", "late && !notEnforced && !exempt && reasonCompensable"),
        ("compensation", "lateness == Lateness.OutOfStock ? terms.OutOfStock : terms.Late"),
        ("raw", "compensation.Rate * line.Amount"),
        // The rule's rounding modes on its non-negative amounts: half-up = away from zero, down = to zero, up = to +infinity.
        ("rounding",
            "terms.Rounding.Mode == RoundingMode.HalfUp ? MidpointRounding.AwayFromZero : terms.Rounding.Mode == RoundingMode.HalfEven ? MidpointRounding.ToEven"
            + " : terms.Rounding.Mode == RoundingMode.Down ? MidpointRounding.ToZero : MidpointRounding.ToPositiveInfinity"),
        // Capped only when over the cap (at the cap, the uncapped amount and its scale stand: 100.000, not 100.0).
        ("payout", "Math.Round(raw > compensation.Cap ? compensation.Cap : raw, terms.Rounding.Scale, rounding)"),
    ];

    /// <summary>The outcome rules, in the core's order of precedence; their conditions exclude each other.</summary>
    private static readonly (LateShipmentOutcome Outcome, string Expression)[] OutcomeRules =
    [
        (LateShipmentOutcome.RefusedBeforePayment, "order.RefusedBeforePayment"),
        (LateShipmentOutcome.NotYetDue, "!order.RefusedBeforePayment && lateness == Lateness.NotYetDue"),
        (LateShipmentOutcome.NotLate, "!order.RefusedBeforePayment && lateness == Lateness.OnTime"),
        (LateShipmentOutcome.NotEnforced, "late && notEnforced"),
        (LateShipmentOutcome.Exempt, "late && !notEnforced && exempt"),
        (LateShipmentOutcome.RefundReasonNotCompensable, "late && !notEnforced && !exempt && !reasonCompensable"),
        (LateShipmentOutcome.Compensable, "compensable"),
    ];

    private const string OutOfStockRule = "OutOfStock";
    private const string PointsRule = "TmallPoints";
    private const string LiabilityRule = "PlatformLiability";

    private const string ReferralExpression = "np(terms.RefusedBeforePaymentReferral.ViolationCode)";
    private const string PointsCondition = "compensable && terms.Payout.Instrument == PayoutInstrument.TmallPoints";
    private const string PointsExpression = "Math.Round(payout * terms.Payout.PointsPerYuan, 0,"
        + " terms.Payout.PointsRounding == RoundingMode.Down ? MidpointRounding.ToZero : terms.Payout.PointsRounding == RoundingMode.HalfUp ? MidpointRounding.AwayFromZero"
        + " : terms.Payout.PointsRounding == RoundingMode.HalfEven ? MidpointRounding.ToEven : MidpointRounding.ToPositiveInfinity)";
    private const string LiabilityCondition =
        "compensable && terms.PlatformLiability != null && !(terms.PlatformLiability.OnlyIfNotPaidBeforeJudgment && order.MerchantPaidBeforeJudgment)";
    private const string LiabilityExpression = "Math.Round(terms.PlatformLiability.MultipleOfBuyerPayout * payout, terms.Rounding.Scale, rounding)";

    /// <summary>
    /// The single-rule layout: the same parameters as the rule's local parameters (evaluated once), the outcome
    /// as one nested conditional in the same precedence, and one OutputExpression building the answer.
    /// </summary>
    private const string SingleRuleOutcome =
        "order.RefusedBeforePayment ? LateShipmentOutcome.RefusedBeforePayment : lateness == Lateness.NotYetDue ? LateShipmentOutcome.NotYetDue"
        + " : lateness == Lateness.OnTime ? LateShipmentOutcome.NotLate : notEnforced ? LateShipmentOutcome.NotEnforced : exempt ? LateShipmentOutcome.Exempt"
        + " : !reasonCompensable ? LateShipmentOutcome.RefundReasonNotCompensable : LateShipmentOutcome.Compensable";

    private const string SingleRuleAnswer =
        "LateShipmentAnswer(outcome, outcome == LateShipmentOutcome.RefusedBeforePayment ? null : lateness, compensable ? payout : 0m,"
        + " terms.Payout.Instrument != PayoutInstrument.TmallPoints ? null : " + PointsCondition + " ? Convert.ToInt64(" + PointsExpression + ") : 0L,"
        + " " + LiabilityCondition + " ? " + LiabilityExpression + " : 0m,"
        + " outcome == LateShipmentOutcome.RefusedBeforePayment ? " + ReferralExpression + " : null)";

    private readonly RE _engine;
    private readonly RuleParameter _terms;
    private readonly LateShipmentParameters _parameters;
    private readonly string[] _ruleNames;
    private readonly bool _singleRule;

    /// <param name="version">The rule-set version whose parameters the workflow reads.</param>
    /// <param name="singleRule">
    /// False (the baseline): one rule per outcome sharing workflow parameters, which RulesEngine evaluates again
    /// for each rule. True: the whole decision in one rule, its parameters evaluated once, for comparison.
    /// </param>
    public RulesEngineLateShipment(RuleSetVersion version, bool singleRule = false)
    {
        _singleRule = singleRule;
        var rules = singleRule ? [SingleRule()] : RulePerOutcome();
        _ruleNames = [.. rules.Select(r => r.RuleName)];
        var workflow = new Workflow
        {
            WorkflowName = WorkflowName,
            GlobalParams = singleRule ? null : [.. GlobalParams.Select(g => new ScopedParam { Name = g.Name, Expression = g.Expression })],
            Rules = rules,
        };
        var settings = new ReSettings
        {
            CustomTypes = [typeof(Lateness), typeof(ShippingChannel), typeof(LateShipmentCondition), typeof(PayoutInstrument), typeof(RefundReason),
                typeof(RoundingMode), typeof(MidpointRounding), typeof(LateShipmentOutcome), typeof(LateShipmentAnswer)],
        };
        _engine = new RE([workflow], settings);
        _parameters = version.ParametersAs<LateShipmentParameters>();
        _terms = new RuleParameter("terms", _parameters);
    }

    private static Rule SingleRule()
    {
        var rule = Lambda("Decision", "true");
        rule.LocalParams = [.. GlobalParams.Select(g => new ScopedParam { Name = g.Name, Expression = g.Expression }),
            new ScopedParam { Name = "outcome", Expression = SingleRuleOutcome }];
        rule.Actions = Output(SingleRuleAnswer);
        return rule;
    }

    private static List<Rule> RulePerOutcome()
    {
        var rules = new List<Rule>();
        foreach (var (outcome, expression) in OutcomeRules)
        {
            var rule = Lambda(outcome.ToString(), expression);
            if (outcome == LateShipmentOutcome.Compensable) rule.Actions = Output("payout");
            if (outcome == LateShipmentOutcome.RefusedBeforePayment) rule.Actions = Output(ReferralExpression);
            rules.Add(rule);
        }
        rules.Add(Lambda(OutOfStockRule, "!order.RefusedBeforePayment && lateness == Lateness.OutOfStock"));
        var points = Lambda(PointsRule, PointsCondition);
        points.Actions = Output(PointsExpression);
        rules.Add(points);
        var liability = Lambda(LiabilityRule, LiabilityCondition);
        liability.Actions = Output(LiabilityExpression);
        rules.Add(liability);
        return rules;
    }

    private static Rule Lambda(string name, string expression) =>
        new() { RuleName = name, RuleExpressionType = RuleExpressionType.LambdaExpression, Expression = expression };

    private static RuleActions Output(string expression) => new()
    {
        OnSuccess = new ActionInfo { Name = "OutputExpression", Context = new Dictionary<string, object> { ["expression"] = expression } },
    };

    /// <summary>The case itself is the workflow's input "order" (its one line is the parameter "line").</summary>
    public static RuleParameter Order(LateShipmentCase c) => new("order", c);

    /// <summary>Runs the workflow with ExecuteAllRulesAsync and reads the decision from the rule results; throws if the engine reports an error.</summary>
    public async ValueTask<LateShipmentAnswer> DecideAsync(RuleParameter order)
    {
        var results = await _engine.ExecuteAllRulesAsync(WorkflowName, order, _terms).ConfigureAwait(false);
        if (results.Count != _ruleNames.Length) throw new InvalidOperationException($"RulesEngine returned {results.Count} results for {_ruleNames.Length} rules");
        if (_singleRule)
        {
            var decision = results[0];
            if (!string.IsNullOrEmpty(decision.ExceptionMessage) || decision.ActionResult?.Exception is not null)
                throw new InvalidOperationException($"RulesEngine decision rule failed: {decision.ExceptionMessage}", decision.ActionResult?.Exception);
            return (LateShipmentAnswer)decision.ActionResult!.Output;
        }
        LateShipmentOutcome? outcome = null;
        bool outOfStock = false;
        decimal payout = 0m, liability = 0m;
        long? points = _parameters.Payout.Instrument == PayoutInstrument.TmallPoints ? 0L : null;
        string? referral = null;
        for (int i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (!string.IsNullOrEmpty(result.ExceptionMessage))
                throw new InvalidOperationException($"RulesEngine rule '{result.Rule.RuleName}' failed: {result.ExceptionMessage}");
            if (!result.IsSuccess) continue;
            if (result.ActionResult?.Exception is { } e)
                throw new InvalidOperationException($"RulesEngine rule '{result.Rule.RuleName}' OutputExpression failed", e);
            if (!ReferenceEquals(result.Rule.RuleName, _ruleNames[i]))
                throw new InvalidOperationException($"RulesEngine result {i} is rule '{result.Rule.RuleName}', not '{_ruleNames[i]}'");
            // Results come in the order of the rules: the outcome rules, then out of stock, points, liability.
            if (i < OutcomeRules.Length)
            {
                if (outcome is not null)
                    throw new InvalidOperationException($"RulesEngine: outcome rules '{outcome}' and '{result.Rule.RuleName}' both succeeded");
                outcome = OutcomeRules[i].Outcome;
                if (outcome == LateShipmentOutcome.Compensable) payout = (decimal)result.ActionResult!.Output;
                if (outcome == LateShipmentOutcome.RefusedBeforePayment) referral = (string?)result.ActionResult?.Output;
            }
            else if (i == OutcomeRules.Length) outOfStock = true;
            else if (i == OutcomeRules.Length + 1) points = (long)(decimal)result.ActionResult!.Output;
            else liability = (decimal)result.ActionResult!.Output;
        }
        var decided = outcome ?? throw new InvalidOperationException("RulesEngine: no outcome rule succeeded");
        Lateness? lateness = decided switch
        {
            LateShipmentOutcome.RefusedBeforePayment => null,
            LateShipmentOutcome.NotYetDue => Lateness.NotYetDue,
            LateShipmentOutcome.NotLate => Lateness.OnTime,
            _ => outOfStock ? Lateness.OutOfStock : Lateness.Late,
        };
        return new LateShipmentAnswer(decided, lateness, payout, points, liability, referral);
    }

    /// <summary>The same question answered by the Penalties core.</summary>
    public static LateShipmentAnswer Penalties(RuleSetVersion version, LateShipmentCase c)
    {
        var d = LateShipmentCalculator.Assess(version, c);
        Lateness? lateness = d.Lines.Count == 1 ? d.Lines[0].Lateness : null;
        return new LateShipmentAnswer(d.Outcome, lateness, d.BuyerPayout, d.BuyerPoints, d.PlatformLiability, d.Referral?.ViolationCode);
    }

    /// <summary>
    /// Checks every late-shipment version (Tmall and Taobao) in both layouts (a rule per outcome, one rule) with
    /// <see cref="VerifyIdentical"/> and <paramref name="randomCount"/> cases of <see cref="VerifyRandom"/>;
    /// throws at the first disagreement, and reports a line per version and layout to <paramref name="report"/>.
    /// </summary>
    public static void VerifyAll(RuleCatalog catalog, int randomCount, Action<string>? report = null)
    {
        foreach (var id in new[] { LateShipmentCalculator.TmallRuleSet, LateShipmentCalculator.TaobaoRuleSet })
        {
            foreach (var version in catalog.Versions(id))
            {
                foreach (bool singleRule in new[] { false, true })
                {
                    var engine = new RulesEngineLateShipment(version, singleRule);
                    VerifyIdentical(version, engine);
                    var outcomes = VerifyRandom(version, engine, randomCount);
                    report?.Invoke($"{version.Reference} ({(singleRule ? "one rule" : "a rule per outcome")}): RulesEngine and Penalties agree on "
                        + $"{VerificationTable(version).Count()} table inputs and {outcomes.Values.Sum()} random ones "
                        + $"({string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))})");
                }
            }
        }
    }

    /// <summary>
    /// Checks that RulesEngine and the Penalties core give identical answers on a table of one-line cases covering
    /// every outcome, on time / not yet due / late / out of stock (by time and by each merchant act), the cap,
    /// the rounding and the points (and, for a Taobao version, the liability to the platform); throws listing
    /// every difference and every answer that is not the expected one.
    /// </summary>
    public static void VerifyIdentical(RuleSetVersion version, RulesEngineLateShipment engine)
    {
        var problems = new List<string>();
        int checkedCount = 0;
        foreach (var (name, c, expected) in VerificationTable(version))
        {
            var core = Penalties(version, c);
            var re = engine.DecideAsync(Order(c)).AsTask().GetAwaiter().GetResult();
            if (!core.Identical(re)) problems.Add($"{name}: Penalties {core} ≠ RulesEngine {re}");
            if (core.Outcome != expected.Outcome || core.Lateness != expected.Lateness || (expected.Payout is { } pay && core.Payout != pay))
                problems.Add($"{name}: Penalties {core}, expected {expected.Outcome} {expected.Lateness} {expected.Payout}");
            checkedCount++;
        }
        var outcomes = VerificationTable(version).Select(t => t.Expected.Outcome).ToHashSet();
        foreach (var outcome in Enum.GetValues<LateShipmentOutcome>())
        {
            if (!outcomes.Contains(outcome)) problems.Add($"no verification input has the outcome {outcome}");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException($"RulesEngine and Penalties disagree ({version.Reference}):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// Checks identity on <paramref name="count"/> random one-line cases (a fixed seed: the same cases every run):
    /// amounts, times around the deadline and the out-of-stock time, channels, refund reasons, the merchant's acts,
    /// abuse, stop-ship orders and force-majeure reports. Throws listing the first differences. Returns how many
    /// cases had each outcome.
    /// </summary>
    public static IReadOnlyDictionary<LateShipmentOutcome, int> VerifyRandom(RuleSetVersion version, RulesEngineLateShipment engine, int count, int seed = 20261125)
    {
        var p = version.ParametersAs<LateShipmentParameters>();
        var rnd = new Random(seed);
        var baseCase = Cases.TmallLate() with { Platform = p.Platform };
        var paidAt = baseCase.PaidAt!.Value;
        var outcomes = new Dictionary<LateShipmentOutcome, int>();
        var problems = new List<string>();
        ShippingChannel[] channels = p.JuhuasuanShipWithin is null
            ? [ShippingChannel.Ordinary, ShippingChannel.Presale, ShippingChannel.Custom, ShippingChannel.Agreed]
            : [ShippingChannel.Ordinary, ShippingChannel.Juhuasuan, ShippingChannel.Presale, ShippingChannel.Custom, ShippingChannel.Agreed];
        for (int i = 0; i < count; i++)
        {
            var channel = channels[rnd.Next(channels.Length)];
            var around = paidAt + p.OrdinaryShipWithin + TimeSpan.FromHours(rnd.Next(-80, 160)) + TimeSpan.FromTicks(rnd.Next(-1, 2));
            decimal amount = rnd.Next(4) switch
            {
                0 => rnd.Next(0, 100_000) / 100m,
                1 => rnd.Next(0, 1_000_000) / 100m,
                2 => rnd.Next(0, 10_000),
                _ => new[] { 0m, 0.01m, 12.55m, 123.45m, 1000.00m, 1666.66m, 1666.67m, 1666.70m }[rnd.Next(8)],
            };
            bool refused = rnd.Next(30) == 0;
            var c = baseCase with
            {
                PaidAt = refused ? null : paidAt,
                PlacedAt = paidAt.AddMinutes(-3),
                RefusedBeforePayment = refused,
                Channel = channel,
                AgreedShipBy = channel is ShippingChannel.Ordinary or ShippingChannel.Juhuasuan ? null : paidAt.AddHours(rnd.Next(1, 300)),
                Lines = [new OrderLine { LineId = "1", Amount = amount, Quantity = rnd.Next(1, 4), ShippedAt = rnd.Next(3) == 0 ? null : around.AddHours(rnd.Next(-100, 100)) }],
                EvaluatedAt = around.AddHours(rnd.Next(-60, 100)),
                RefundReason = (RefundReason)rnd.Next(0, 5),
                MerchantAdmittedOutOfStock = rnd.Next(12) == 0,
                MerchantRefusedToShip = rnd.Next(20) == 0,
                MerchantDemandedHigherPrice = rnd.Next(20) == 0,
                BuyerAbuse = rnd.Next(15) == 0,
                PlatformStopShipOrder = rnd.Next(15) == 0,
                ForceMajeureReports = rnd.Next(6) == 0 ? [new ReportedPeriod(paidAt.AddHours(rnd.Next(0, 100)), paidAt.AddHours(100 + rnd.Next(0, 200)))] : [],
                MerchantPaidBeforeJudgment = rnd.Next(3) == 0,
            };
            if (c.Validate().Count > 0) continue;
            var core = Penalties(version, c);
            var re = engine.DecideAsync(Order(c)).AsTask().GetAwaiter().GetResult();
            if (!core.Identical(re) && problems.Count < 10) problems.Add($"random case {i}: Penalties {core} ≠ RulesEngine {re}");
            outcomes[core.Outcome] = outcomes.GetValueOrDefault(core.Outcome) + 1;
        }
        if (problems.Count > 0)
            throw new InvalidOperationException($"RulesEngine and Penalties disagree ({version.Reference}):" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        return outcomes;
    }

    /// <summary>The verification inputs (Tmall's numbers in the expectations; a Taobao version is checked for identity only).</summary>
    public static IEnumerable<(string Name, LateShipmentCase Case, (LateShipmentOutcome Outcome, Lateness? Lateness, decimal? Payout) Expected)> VerificationTable(RuleSetVersion version)
    {
        var p = version.ParametersAs<LateShipmentParameters>();
        bool tmall = p.Platform == Platform.Tmall;
        var baseCase = Cases.TmallLate() with { Platform = p.Platform };
        var paidAt = baseCase.PaidAt!.Value;
        var deadline = paidAt + p.OrdinaryShipWithin;
        var outOfStockAt = deadline + p.OutOfStockAfterLate;
        LateShipmentCase Line(decimal amount, DateTimeOffset? shippedAt) =>
            baseCase with { Lines = [new OrderLine { LineId = "1", Amount = amount, Quantity = 1, ShippedAt = shippedAt }] };
        decimal? Pay(decimal tmallAmount) => tmall ? tmallAmount : null;
        const LateShipmentOutcome C = LateShipmentOutcome.Compensable;

        yield return ("on time, shipped exactly at the deadline", Line(1500.00m, deadline), (LateShipmentOutcome.NotLate, Lateness.OnTime, 0m));
        yield return ("on time, shipped an hour early", Line(1500.00m, deadline.AddHours(-1)), (LateShipmentOutcome.NotLate, Lateness.OnTime, 0m));
        yield return ("late by one tick", Line(1000.00m, deadline.AddTicks(1)), (C, Lateness.Late, Pay(300.00m)));
        yield return ("late under the cap (1,500.00 → 450.00 = 45,000 points)", baseCase, (C, Lateness.Late, Pay(450.00m)));
        yield return ("late over the cap (2,000.00 → 600.00 → 500.00)", Line(2000.00m, deadline.AddHours(5)), (C, Lateness.Late, Pay(500.0m)));
        yield return ("late, 30% has 3 decimals (12.55 → 3.765 → 3.77 half-up)", Line(12.55m, deadline.AddHours(5)), (C, Lateness.Late, Pay(3.77m)));
        yield return ("late, 30% has 3 decimals (123.45 → 37.035 → 37.04)", Line(123.45m, deadline.AddHours(5)), (C, Lateness.Late, Pay(37.04m)));
        yield return ("late, 0.01 → 0.003 → 0.00, 0 points", Line(0.01m, deadline.AddHours(5)), (C, Lateness.Late, Pay(0.00m)));
        yield return ("late, zero amount", Line(0m, deadline.AddHours(5)), (C, Lateness.Late, 0m));
        yield return ("not shipped, deadline not passed", Line(1500.00m, null) with { EvaluatedAt = deadline }, (LateShipmentOutcome.NotYetDue, Lateness.NotYetDue, 0m));
        yield return ("not shipped, past the deadline", Line(1500.00m, null) with { EvaluatedAt = deadline.AddTicks(1) }, (C, Lateness.Late, Pay(450.00m)));
        yield return ("not shipped at the out-of-stock time", Line(1500.00m, null) with { EvaluatedAt = outOfStockAt.AddTicks(1) }, (C, Lateness.OutOfStock, Pay(450.00m)));
        yield return ("not shipped, exactly at the out-of-stock time", Line(1500.00m, null) with { EvaluatedAt = outOfStockAt }, (C, Lateness.Late, Pay(450.00m)));
        yield return ("shipped after the out-of-stock time", Line(3000.00m, outOfStockAt.AddMinutes(1)), (C, Lateness.OutOfStock, Pay(500.0m)));
        yield return ("merchant admits out of stock before the deadline", Line(1500.00m, null) with { EvaluatedAt = paidAt.AddHours(1), MerchantAdmittedOutOfStock = true },
            (C, Lateness.OutOfStock, Pay(450.00m)));
        yield return ("merchant refuses to ship", Line(1500.00m, null) with { MerchantRefusedToShip = true }, (C, Lateness.OutOfStock, Pay(450.00m)));
        yield return ("merchant demands a higher price", Line(1500.00m, null) with { MerchantDemandedHigherPrice = true }, (C, Lateness.OutOfStock, Pay(450.00m)));
        yield return ("merchant admits out of stock but shipped on time", Line(1500.00m, deadline) with { MerchantAdmittedOutOfStock = true },
            (LateShipmentOutcome.NotLate, Lateness.OnTime, 0m));
        yield return ("refund reason not compensable (ordered by mistake)", baseCase with { RefundReason = RefundReason.OrderedByMistake },
            (LateShipmentOutcome.RefundReasonNotCompensable, Lateness.Late, 0m));
        yield return ("refund reason claims late but shipped on time", Line(1500.00m, deadline.AddHours(-2)) with { RefundReason = RefundReason.SellerOutOfStock },
            (LateShipmentOutcome.NotLate, Lateness.OnTime, 0m));
        yield return ("buyer abuses the rule: not enforced", baseCase with { BuyerAbuse = true }, (LateShipmentOutcome.NotEnforced, Lateness.Late, 0m));
        yield return ("platform stop-ship order: not enforced", baseCase with { PlatformStopShipOrder = true }, (LateShipmentOutcome.NotEnforced, Lateness.Late, 0m));
        yield return ("force majeure reported over the deadline: exempt",
            baseCase with { ForceMajeureReports = [new ReportedPeriod(deadline.AddDays(-1), deadline.AddTicks(1))] }, (LateShipmentOutcome.Exempt, Lateness.Late, 0m));
        yield return ("force majeure reported, open-ended: exempt",
            baseCase with { ForceMajeureReports = [new ReportedPeriod(deadline.AddDays(-1), null)] }, (LateShipmentOutcome.Exempt, Lateness.Late, 0m));
        yield return ("force majeure reported, ending at the deadline",
            baseCase with { ForceMajeureReports = [new ReportedPeriod(paidAt, deadline)] }, (C, Lateness.Late, Pay(450.00m)));
        yield return ("abuse and force majeure: not enforced first",
            baseCase with { BuyerAbuse = true, ForceMajeureReports = [new ReportedPeriod(paidAt, deadline)] }, (LateShipmentOutcome.NotEnforced, Lateness.Late, 0m));
        yield return ("refused before payment",
            baseCase with { RefusedBeforePayment = true, PaidAt = null, PlacedAt = paidAt, Lines = [new OrderLine { LineId = "1", Amount = 1500.00m }] },
            (LateShipmentOutcome.RefusedBeforePayment, null, 0m));
        yield return ("presale: the agreed ship-by time", Line(1500.00m, paidAt.AddDays(10)) with { Channel = ShippingChannel.Presale, AgreedShipBy = paidAt.AddDays(9) },
            (C, Lateness.Late, Pay(450.00m)));
        yield return ("merchant paid before judgment", baseCase with { MerchantPaidBeforeJudgment = true }, (C, Lateness.Late, Pay(450.00m)));
        if (p.JuhuasuanShipWithin is { } juhuasuan)
        {
            yield return ("Juhuasuan, shipped within its period", Line(1500.00m, paidAt + juhuasuan) with { Channel = ShippingChannel.Juhuasuan },
                (LateShipmentOutcome.NotLate, Lateness.OnTime, 0m));
        }
    }
}
