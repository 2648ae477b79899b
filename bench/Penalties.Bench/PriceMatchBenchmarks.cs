using BenchmarkDotNet.Attributes;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;

namespace Penalties.Bench;

/// <summary>A payable JD price-match claim: cash + JD beans + a coupon, 5 identical attributes → 300.00.</summary>
[MemoryDiagnoser]
public class PriceMatchBenchmarks
{
    private RuleCatalog _catalog = null!;
    private RuleSetVersion _version = null!;
    private PriceMatchCase _case = null!;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = RepoPaths.LoadCatalog();
        _case = Cases.JdPayable();
        _version = _catalog.InForceAt(PriceMatchCalculator.RuleSet, _case.OrderedAt);
        var d = PriceMatchCalculator.Assess(_version, _case);
        if (d.Outcome != PriceMatchOutcome.Payable || d.Payout != 300.00m)
            throw new InvalidOperationException($"expected Payable 300.00, got {d.Outcome} {d.Payout} ({string.Join("; ", d.FailedConditions)})");
    }

    [Benchmark(Baseline = true, Description = "Assess(version, case)")]
    public PriceMatchDecision Assess() => PriceMatchCalculator.Assess(_version, _case);

    [Benchmark(Description = "Assess(catalog, case)")]
    public PriceMatchDecision AssessViaCatalog() => PriceMatchCalculator.Assess(_catalog, _case);
}
