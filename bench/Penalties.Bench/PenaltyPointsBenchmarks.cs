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
        _newCase = NewCase;
        if (PenaltyPointsCalculator.Preview(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, _newCase, _newCase.OccurredAt).Deduction is null)
            throw new InvalidOperationException("the new case gives no deduction");
        var r = PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, Cases.PenaltyAsOf);
        if (!r.Deductions.Select(d => (d.CaseId, d.Explanation)).SequenceEqual(s.Deductions.Select(d => (d.CaseId, d.Explanation)))
            || !r.Ignored.SequenceEqual(s.Ignored) || !r.Periods.SequenceEqual(s.Periods))
            throw new InvalidOperationException("the recorded-order history gives another standing");
    }

    private static Violation NewCase => new() { CaseId = "NEW", Code = "MISDESCRIBED_MINOR", OccurredAt = Cases.PenaltyAsOf.AddDays(-1) };

    /// <summary>What recording a new case after the 100 recorded entries costs to decide, folding every period (twice when the history has a sanction).</summary>
    [Benchmark(Description = "Preview(…) of a new case after the 100 recorded entries")]
    public PenaltyPreview PreviewNew() =>
        PenaltyPointsCalculator.Preview(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, _newCase, _newCase.OccurredAt);

    private Violation _newCase = null!;

    [Benchmark(Baseline = true, Description = "Standing(catalog, tmall, 100 entries, asOf)")]
    public MerchantStanding Standing() =>
        PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _history, Cases.PenaltyAsOf);

    /// <summary>The same 100 entries in time order, as a recorded history is stored: the fold checks the order and skips the sort.</summary>
    [Benchmark(Description = "Standing(…), the same 100 entries in recorded (time) order")]
    public MerchantStanding StandingRecorded() =>
        PenaltyPointsCalculator.Standing(_catalog, PenaltyPointsCalculator.TmallRuleSet, _recorded, Cases.PenaltyAsOf);
}
