using Penalties.Core.LateShipment;
using Penalties.Core.Rules;
using RulesEngine.Models;
using RE = RulesEngine.RulesEngine;

namespace Penalties.Bench;

/// <summary>The facts of a one-line late-shipment case, as the RulesEngine workflow reads them.</summary>
public sealed class LateShipmentFacts
{
    public DateTimeOffset PaidAt { get; init; }
    public DateTimeOffset ShippedAt { get; init; }
    public decimal Amount { get; init; }

    public static LateShipmentFacts From(LateShipmentCase c) => new()
    {
        PaidAt = c.PaidAt!.Value,
        ShippedAt = c.Lines[0].ShippedAt!.Value,
        Amount = c.Lines[0].Amount,
    };
}

/// <summary>The rule's numbers, taken from the same rule-set version the Penalties core uses.</summary>
public sealed class LateShipmentTerms
{
    public TimeSpan ShipWithin { get; init; }
    public decimal Rate { get; init; }
    public decimal Cap { get; init; }

    public static LateShipmentTerms From(RuleSetVersion version)
    {
        var p = version.ParametersAs<LateShipmentParameters>();
        return new LateShipmentTerms { ShipWithin = p.OrdinaryShipWithin, Rate = p.Late.Rate, Cap = p.Late.Cap };
    }
}

/// <summary>What both implementations must agree on: is it late, and how much compensation.</summary>
public readonly record struct LateShipmentAnswer(bool Late, decimal Compensation);

/// <summary>
/// The late-shipment decision (late when shipped after paid-at + 72 h; compensation = min(30% × amount, 500)
/// rounded half-up to 0.01) as a Microsoft RulesEngine workflow: one lambda-expression rule and an
/// OutputExpression action that computes the compensation when the rule succeeds.
/// </summary>
public sealed class RulesEngineLateShipment
{
    public const string WorkflowName = "LateShipment";
    public const string RuleName = "ShippedAfterDeadline";

    private readonly RE _engine;
    private readonly RuleParameter _terms;

    public RulesEngineLateShipment(RuleSetVersion version)
    {
        var workflow = new Workflow
        {
            WorkflowName = WorkflowName,
            Rules =
            [
                new Rule
                {
                    RuleName = RuleName,
                    RuleExpressionType = RuleExpressionType.LambdaExpression,
                    Expression = "order.ShippedAt > order.PaidAt.Add(terms.ShipWithin)",
                    Actions = new RuleActions
                    {
                        OnSuccess = new ActionInfo
                        {
                            Name = "OutputExpression",
                            Context = new Dictionary<string, object>
                            {
                                ["expression"] = "Math.Round(Math.Min(terms.Rate * order.Amount, terms.Cap), 2, MidpointRounding.AwayFromZero)",
                            },
                        },
                    },
                },
            ],
        };
        _engine = new RE([workflow], new ReSettings());
        _terms = new RuleParameter("terms", LateShipmentTerms.From(version));
    }

    public static RuleParameter Order(LateShipmentFacts facts) => new("order", facts);

    /// <summary>Runs the workflow with ExecuteAllRulesAsync; throws if the engine reports an error.</summary>
    public async ValueTask<LateShipmentAnswer> DecideAsync(RuleParameter order)
    {
        var results = await _engine.ExecuteAllRulesAsync(WorkflowName, order, _terms).ConfigureAwait(false);
        var result = results[0];
        if (!string.IsNullOrEmpty(result.ExceptionMessage))
            throw new InvalidOperationException($"RulesEngine rule '{result.Rule.RuleName}' failed: {result.ExceptionMessage}");
        if (!result.IsSuccess) return new LateShipmentAnswer(false, 0m);
        if (result.ActionResult?.Exception is { } e)
            throw new InvalidOperationException("RulesEngine OutputExpression failed", e);
        return new LateShipmentAnswer(true, (decimal)result.ActionResult!.Output);
    }

    /// <summary>The same question answered by the Penalties core.</summary>
    public static LateShipmentAnswer Penalties(RuleSetVersion version, LateShipmentCase c)
    {
        var d = LateShipmentCalculator.Assess(version, c);
        var line = d.Lines[0];
        bool late = line.Lateness is Lateness.Late or Lateness.OutOfStock;
        return new LateShipmentAnswer(late, d.BuyerPayout);
    }

    /// <summary>
    /// Checks that RulesEngine and the Penalties core give identical answers on a small table of inputs
    /// (on time at the deadline, late under the cap, late over the cap, an amount whose 30% has 3 decimals
    /// and rounds half-up); throws listing every difference.
    /// </summary>
    public static void VerifyIdentical(RuleSetVersion version, RulesEngineLateShipment engine)
    {
        var paidAt = Cases.TmallLate().PaidAt!.Value;
        var deadline = paidAt + version.ParametersAs<LateShipmentParameters>().OrdinaryShipWithin;
        (string Name, LateShipmentCase Case, LateShipmentAnswer Expected)[] table =
        [
            ("on time, shipped exactly at the deadline", Cases.TmallLate(1500.00m, deadline), new(false, 0m)),
            ("on time, shipped an hour early", Cases.TmallLate(1500.00m, deadline.AddHours(-1)), new(false, 0m)),
            ("late by one tick", Cases.TmallLate(1000.00m, deadline.AddTicks(1)), new(true, 300.00m)),
            ("late under the cap (1,500.00 → 450.00)", Cases.TmallLate(), new(true, 450.00m)),
            ("late over the cap (2,000.00 → 600.00 → 500.00)", Cases.TmallLate(2000.00m), new(true, 500.00m)),
            ("late, 30% has 3 decimals (12.55 → 3.765 → 3.77 half-up)", Cases.TmallLate(12.55m), new(true, 3.77m)),
            ("late, 30% has 3 decimals (123.45 → 37.035 → 37.04)", Cases.TmallLate(123.45m), new(true, 37.04m)),
            ("late, zero amount", Cases.TmallLate(0m), new(true, 0m)),
        ];
        var problems = new List<string>();
        foreach (var (name, c, expected) in table)
        {
            var core = Penalties(version, c);
            var re = engine.DecideAsync(Order(LateShipmentFacts.From(c))).AsTask().GetAwaiter().GetResult();
            // decimal equality ignores scale (450.0 == 450.00); compare the scale as well so the answers are identical.
            if (core != re || core.Compensation.Scale != re.Compensation.Scale)
                problems.Add($"{name}: Penalties {core.Late}/{core.Compensation} ≠ RulesEngine {re.Late}/{re.Compensation}");
            if (core.Late != expected.Late || core.Compensation != expected.Compensation)
                problems.Add($"{name}: Penalties {core.Late}/{core.Compensation}, expected {expected.Late}/{expected.Compensation}");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("RulesEngine and Penalties disagree:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }
}
