using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PenaltyPoints;

/// <summary>
/// Penalty points and sanctions (RULES.md §3). A merchant's standing is a pure fold over its history:
/// independent of the order the history is supplied in, one count per case id, revoked deductions in no
/// total and no escalation step, each deduction under the rule version in force when it occurred.
/// </summary>
public static class PenaltyPointsCalculator
{
    public const string TmallRuleSet = "tmall.penalty-points";
    public const string PinduoduoRuleSet = "pdd.penalty-points";

    public static MerchantStanding Standing(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, DateTimeOffset asOf)
    {
        var violations = new ViolationList();
        Check(history, "history", violations);
        if (asOf == default) violations.Add("asOf", "is required");
        violations.ThrowIfAny();
        return Fold(catalog, ruleSetId, history, asOf);
    }

    /// <summary>What <paramref name="violation"/> would cost given the history; nothing is recorded.</summary>
    public static PenaltyPreview Preview(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, Violation violation, DateTimeOffset asOf)
    {
        var violations = new ViolationList();
        Check(history, "history", violations);
        Check([violation], "violation", violations);
        violations.ThrowIfAny();
        var before = Fold(catalog, ruleSetId, history, asOf);
        var combined = new List<Violation>(history.Count + 1);
        combined.AddRange(history);
        combined.Add(violation);
        var after = Fold(catalog, ruleSetId, combined, asOf);
        bool already = history.Any(h => string.Equals(h.CaseId, violation.CaseId, StringComparison.Ordinal));
        var deduction = after.Deductions.FirstOrDefault(d => string.Equals(d.CaseId, violation.CaseId, StringComparison.Ordinal));
        var newSanctions = after.Sanctions.Where(s => !before.Sanctions.Contains(s)).ToList();
        return new PenaltyPreview(deduction, already, newSanctions, after);
    }

    private static void Check(IReadOnlyList<Violation> history, string field, ViolationList v)
    {
        if (history is null) { v.Add(field, "is required"); return; }
        for (int i = 0; i < history.Count; i++)
        {
            var h = history[i];
            // Field paths are built only when an entry has a problem: a valid history allocates nothing here.
            if (h is not null && !string.IsNullOrWhiteSpace(h.CaseId) && !string.IsNullOrWhiteSpace(h.Code) && h.OccurredAt != default && h.AssessedPoints is not < 0)
                continue;
            var path = field == "violation" ? field : $"{field}[{i}]";
            if (h is null) { v.Add(path, "is null"); continue; }
            v.Required(path + ".caseId", h.CaseId);
            v.Required(path + ".code", h.Code);
            if (h.OccurredAt == default) v.Add(path + ".occurredAt", "is required");
            if (h.AssessedPoints is < 0) v.Add(path + ".assessedPoints", $"must not be negative (got {h.AssessedPoints})");
        }
    }

    private readonly struct Entry(Violation v, int index)
    {
        public readonly long Ticks = v.OccurredAt.UtcTicks;
        public readonly Violation V = v;
        public readonly int Index = index;
    }

    private sealed class EntryOrder : IComparer<Entry>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(Entry x, Entry y)
        {
            int c = x.Ticks.CompareTo(y.Ticks);
            if (c != 0) return c;
            c = string.CompareOrdinal(x.V.CaseId, y.V.CaseId);
            if (c != 0) return c;
            c = string.CompareOrdinal(x.V.Code, y.V.Code);
            if (c != 0) return c;
            c = x.V.Revoked.CompareTo(y.V.Revoked);
            return c != 0 ? c : Nullable.Compare(x.V.AssessedPoints, y.V.AssessedPoints);
        }
    }

    private static MerchantStanding Fold(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, DateTimeOffset asOf)
    {
        // Canonical order: by time, then case id; so the result never depends on the order supplied.
        // Sorted on primitive tick keys (fast); runs of equal instants, which are rare, get the full order.
        var entries = new Entry[history.Count];
        var keys = new long[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new Entry(history[i], i);
            keys[i] = entries[i].Ticks;
        }
        Array.Sort(keys, entries);
        for (int start = 0; start < entries.Length;)
        {
            int end = start + 1;
            while (end < entries.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(entries, start, end - start, EntryOrder.Instance);
            start = end;
        }

        // One count per case id: the first entry in canonical order stands; a revocation anywhere revokes it.
        var byCase = new Dictionary<string, int>(entries.Length, StringComparer.Ordinal);
        List<IgnoredViolation>? ignored = null;
        var counted = new bool[entries.Length];
        var revoked = new bool[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            var v = entries[i].V;
            ref int first = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byCase, v.CaseId, out bool seen);
            if (!seen)
            {
                first = i;
                counted[i] = true;
            }
            else
            {
                (ignored ??= []).Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.DuplicateCaseId));
            }
            if (v.Revoked) revoked[first] = true;
        }

        var deductions = new List<Deduction>(entries.Length);
        var periods = new List<PeriodTotals>();
        List<SanctionDecision>? sanctions = null;
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        ViolationList? problems = null;
        RuleSetVersion? version = null;
        PenaltyPointsParameters? p = null;
        DateTimeOffset periodFrom = default;
        DateTimeOffset? periodTo = null;
        int general = 0, serious = 0;
        bool inPeriod = false;
        Span<bool> crossed = stackalloc bool[16];
        bool[]? crossedHeap = null;

        for (int i = 0; i < entries.Length; i++)
        {
            if (!counted[i]) continue;
            var v = entries[i].V;
            if (revoked[i])
            {
                (ignored ??= []).Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.Revoked));
                continue;
            }
            if (version is null || !version.IsInForceAt(v.OccurredAt))
            {
                version = catalog.InForceAt(ruleSetId, v.OccurredAt);
                p = version.ParametersAs<PenaltyPointsParameters>();
            }
            if (!p!.Violations.TryGetValue(v.Code, out var rule))
            {
                (problems ??= new()).Add($"history[{entries[i].Index}].code",
                    $"unknown violation code '{v.Code}' in {version.RuleSetId} version {version.Version}");
                continue;
            }

            // Period boundaries reset totals, escalation counts and crossed thresholds.
            if (!inPeriod || v.OccurredAt >= periodTo)
            {
                if (inPeriod) periods.Add(new PeriodTotals(periodFrom, periodTo, general, serious));
                (periodFrom, periodTo) = PeriodOf(p.Period, v.OccurredAt);
                general = serious = 0;
                occurrences.Clear();
                crossed.Clear();
                if (crossedHeap is not null) Array.Clear(crossedHeap);
                inPeriod = true;
            }

            ref int count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(occurrences, v.Code, out _);
            int occurrence = ++count;
            var step = rule.StepFor(occurrence);
            int points = step.Points;
            if (rule.PointsAssessedPerCase)
            {
                if (v.AssessedPoints is null || v.AssessedPoints > step.Points)
                {
                    (problems ??= new()).Add($"history[{entries[i].Index}].assessedPoints",
                        v.AssessedPoints is null ? $"is required for {v.Code}" : $"must be at most {step.Points} for {v.Code} (got {v.AssessedPoints})");
                    continue;
                }
                points = v.AssessedPoints.Value;
            }
            else if (v.AssessedPoints is not null)
            {
                (problems ??= new()).Add($"history[{entries[i].Index}].assessedPoints", $"{v.Code} has fixed points; assessedPoints must not be given");
                continue;
            }
            if (step.Category == PointCategory.Serious) serious += points;
            else general += points;

            SanctionDecision? sanction = null;
            if (rule.Sanction is { } s)
            {
                sanction = new SanctionDecision(v.CaseId, s.Actions, v.OccurredAt, s.Duration is null ? null : v.OccurredAt + s.Duration.Value, version.Reference);
                (sanctions ??= []).Add(sanction);
            }
            deductions.Add(new Deduction(v.CaseId, v.Code, v.OccurredAt, version.Reference, occurrence, points, step.Category, rule.ItemAction, sanction));

            var thresholds = p.Thresholds;
            if (thresholds.Count > crossed.Length && crossedHeap is null) crossedHeap = new bool[thresholds.Count];
            for (int t = 0; t < thresholds.Count; t++)
            {
                ref bool done = ref crossedHeap is not null ? ref crossedHeap[t] : ref crossed[t];
                if (done) continue;
                var threshold = thresholds[t];
                int sum = threshold.Basis switch
                {
                    ThresholdBasis.General => general,
                    ThresholdBasis.Serious => serious,
                    _ => general + serious,
                };
                if (sum < threshold.Points) continue;
                done = true;
                var d = threshold.Sanction.Duration;
                (sanctions ??= []).Add(new SanctionDecision(threshold.Description, threshold.Sanction.Actions, v.OccurredAt,
                    d is null ? null : v.OccurredAt + d.Value, version.Reference));
            }
        }
        problems?.ThrowIfAny();
        if (inPeriod) periods.Add(new PeriodTotals(periodFrom, periodTo, general, serious));

        var current = periods.Count > 0 && periods[^1].Contains(asOf) ? periods[^1] : CurrentEmpty(catalog, ruleSetId, asOf, periods);
        return new MerchantStanding(ruleSetId, asOf, deductions, ignored ?? (IReadOnlyList<IgnoredViolation>)[], periods, current,
            sanctions ?? (IReadOnlyList<SanctionDecision>)[]);
    }

    private static PeriodTotals CurrentEmpty(RuleCatalog catalog, string ruleSetId, DateTimeOffset asOf, List<PeriodTotals> periods)
    {
        foreach (var period in periods)
        {
            if (period.Contains(asOf)) return period;
        }
        PointsPeriod kind;
        try
        {
            kind = catalog.InForceAt(ruleSetId, asOf).ParametersAs<PenaltyPointsParameters>().Period;
        }
        catch (RuleResolutionException e) when (e.Error == RuleResolutionError.NoVersionInForce)
        {
            kind = PointsPeriod.CalendarYear;
        }
        var (from, to) = PeriodOf(kind, asOf);
        return new PeriodTotals(from, to, 0, 0);
    }

    private static (DateTimeOffset From, DateTimeOffset? To) PeriodOf(PointsPeriod period, DateTimeOffset instant)
    {
        if (period == PointsPeriod.None) return (DateTimeOffset.MinValue, null);
        var (start, end) = ChinaTime.YearOf(instant);
        return (start, end);
    }
}
