using BenchmarkDotNet.Attributes;
using Penalties.Core.LateShipment;
using Penalties.Core.Rules;
using RulesEngine.Models;

namespace Penalties.Bench;

/// <summary>
/// The Tmall one-line late case (1,500.00 CNY, shipped after the 72 h deadline → 450.00 as 45,000 points) in the
/// Penalties core, and the same decision in Microsoft RulesEngine (the baseline: the whole one-line decision, every
/// outcome rule, reading the same version's parameters), so one run gives the ratio.
/// </summary>
[MemoryDiagnoser]
public class LateShipmentBenchmarks
{
    private RuleCatalog _catalog = null!;
    private RuleSetVersion _version = null!;
    private LateShipmentCase _case = null!;
    private RulesEngineLateShipment _rulesEngine = null!;
    private RulesEngineLateShipment _rulesEngineOneRule = null!;
    private RuleParameter _order = null!;

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine($"// repo root: {RepoPaths.RepoRoot} (base directory {AppContext.BaseDirectory})");
        _catalog = RepoPaths.LoadCatalog();
        _case = Cases.TmallLate();
        _version = _catalog.InForceAt(LateShipmentCalculator.TmallRuleSet, _case.EventTime);
        _rulesEngine = new RulesEngineLateShipment(_version);
        _rulesEngineOneRule = new RulesEngineLateShipment(_version, singleRule: true);
        _order = RulesEngineLateShipment.Order(_case);

        var d = LateShipmentCalculator.Assess(_version, _case);
        if (d.Outcome != LateShipmentOutcome.Compensable || d.BuyerPayout != 450.00m)
            throw new InvalidOperationException($"expected Compensable 450.00, got {d.Outcome} {d.BuyerPayout}");
        // Identical results before anything is measured: every late-shipment version (Tmall and Taobao), both layouts,
        // the table (every outcome) and random cases; then the benchmark case itself.
        RulesEngineLateShipment.VerifyAll(_catalog, 2_000);
        foreach (var engine in new[] { _rulesEngine, _rulesEngineOneRule })
        {
            var answer = engine.DecideAsync(_order).AsTask().GetAwaiter().GetResult();
            if (!answer.Identical(RulesEngineLateShipment.Penalties(_version, _case)) || answer.Points != 45_000)
                throw new InvalidOperationException($"RulesEngine on the benchmark case: {answer}");
        }
        Console.WriteLine("// RulesEngine (both layouts) and Penalties agree on every late-shipment version: every verification input (every outcome) and 2,000 random cases each");
    }

    [Benchmark(Baseline = true, Description = "RulesEngine 6.0.1, a rule per outcome")]
    public ValueTask<LateShipmentAnswer> RulesEngine() => _rulesEngine.DecideAsync(_order);

    /// <summary>The same decision with the whole workflow in one rule (its parameters evaluated once): RulesEngine's cheaper layout.</summary>
    [Benchmark(Description = "RulesEngine 6.0.1, the decision in one rule")]
    public ValueTask<LateShipmentAnswer> RulesEngineOneRule() => _rulesEngineOneRule.DecideAsync(_order);

    [Benchmark(Description = "Penalties Assess(version, case)")]
    public LateShipmentDecision Penalties() => LateShipmentCalculator.Assess(_version, _case);

    /// <summary>The same decision without its explanation steps (reason codes kept): what RulesEngine computes.</summary>
    [Benchmark(Description = "Penalties Assess(version, case, explain: false)")]
    public LateShipmentDecision PenaltiesDecisionOnly() => LateShipmentCalculator.Assess(_version, _case, explain: false);

    [Benchmark(Description = "Penalties Assess(catalog, case)")]
    public LateShipmentDecision PenaltiesViaCatalog() => LateShipmentCalculator.Assess(_catalog, _case);
}
