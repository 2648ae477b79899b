using BenchmarkDotNet.Attributes;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.Rules;

namespace Penalties.Bench;

/// <summary>A Tmall merchant's standing over 100 history entries (the calculator resolves versions through the catalog).</summary>
[MemoryDiagnoser]
public class PenaltyPointsBenchmarks
{
    private RuleCatalog _catalog = null!;
    private IReadOnlyList<Violation> _history = null!;
    private IReadOnlyList<Violation> _recorded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = RepoPaths.LoadCatalog();
        _history = Cases.TmallHistory100();
        _recorded = Cases.InCanonicalOrder(_history);
        var s = PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _history, Cases.PenaltyAsOf);
        if (_history.Count != 100 || s.Periods.Count != 2 || s.Sanctions.Count == 0
            || s.Ignored.Count(i => i.Reason == IgnoredReasons.DuplicateCaseId) != 1
            || s.Ignored.Count(i => i.Reason == IgnoredReasons.Revoked) != 4
            || !s.Deductions.Any(d => d.Code == "MISDESCRIBED_SEVERE" && d.Category == PointCategory.Serious))
            throw new InvalidOperationException(
                $"unexpected standing: {_history.Count} entries, {s.Periods.Count} periods, {s.Deductions.Count} deductions, {s.Ignored.Count} ignored, {s.Sanctions.Count} sanctions");
        var r = PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, Cases.PenaltyAsOf);
        if (!r.Deductions.Select(d => (d.CaseId, d.Explanation)).SequenceEqual(s.Deductions.Select(d => (d.CaseId, d.Explanation)))
            || !r.Ignored.SequenceEqual(s.Ignored) || !r.Periods.SequenceEqual(s.Periods))
            throw new InvalidOperationException("the recorded-order history gives another standing");
    }

    [Benchmark(Baseline = true, Description = "Standing(catalog, tmall, 100 entries, asOf)")]
    public MerchantStanding Standing() =>
        PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _history, Cases.PenaltyAsOf);

    /// <summary>The same 100 entries in time order, as a recorded history is stored: the fold checks the order and skips the sort.</summary>
    [Benchmark(Description = "Standing(…), the same 100 entries in recorded (time) order")]
    public MerchantStanding StandingRecorded() =>
        PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, Cases.PenaltyAsOf);
}
