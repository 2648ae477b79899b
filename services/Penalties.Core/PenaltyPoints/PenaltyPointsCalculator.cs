using System.Runtime.InteropServices;
using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PenaltyPoints;

/// <summary>
/// Penalty points and sanctions (RULES.md §3). A merchant's standing is a pure fold over its history:
/// independent of the order the history is supplied in, one count per case id, revoked deductions in no
/// total and no escalation step, each deduction under the rule version in force when it occurred. The
/// standing as of an instant counts only the entries that occurred at or before it; a revocation is no
/// event in time (its entry keeps the violation's occurrence), so a revoked case counts as of no instant.
/// </summary>
public static class PenaltyPointsCalculator
{
    // Periods are China calendar years: an occurrence must leave room for the year after it.
    private static readonly long LatestOccurrenceTicks = new DateTimeOffset(9990, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public const string TmallRuleSet = "tmall.penalty-points";
    public const string PinduoduoRuleSet = "pdd.penalty-points";

    public static MerchantStanding Standing(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, DateTimeOffset asOf)
    {
        var violations = new ViolationList();
        Check(history, "history", violations);
        if (asOf == default) violations.Add("asOf", "is required");
        violations.ThrowIfAny();
        return Fold(catalog, ruleSetId, history, history.Count, asOf);
    }

    /// <summary>What <paramref name="violation"/> would cost given the history; nothing is recorded.</summary>
    public static PenaltyPreview Preview(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, Violation violation, DateTimeOffset asOf)
    {
        var violations = new ViolationList();
        Check(history, "history", violations);
        Check([violation], "violation", violations);
        // Judged before it occurred, the violation would not count: no answer could be true.
        if (ViolationList.IsBefore(asOf, OccurrenceOf(violation))) violations.Add("asOf", "must not be before violation.occurredAt");
        violations.ThrowIfAny();
        var combined = new List<Violation>(history.Count + 1);
        combined.AddRange(history);
        combined.Add(violation);
        var after = Fold(catalog, ruleSetId, combined, history.Count, asOf);
        bool already = history.Any(h => string.Equals(h.CaseId, violation.CaseId, StringComparison.Ordinal));
        var deduction = after.Deductions.FirstOrDefault(d => string.Equals(d.CaseId, violation.CaseId, StringComparison.Ordinal));
        // The new sanctions are those of the history with the violation that the history without it lacks. With no sanction
        // at all there is nothing to compare, and the fold without it (as dear as the one with it) is skipped: most merchants.
        // Not when the violation repeats a case of the history or is revoked: then it changes which entries of the history
        // count, and the fold without it may refuse an entry (an unknown code) that the fold with it skips.
        List<SanctionDecision> newSanctions = [];
        if (after.Sanctions.Count > 0 || already || violation.Revoked)
        {
            var before = Fold(catalog, ruleSetId, history, history.Count, asOf);
            newSanctions = [.. after.Sanctions.Where(s => !before.Sanctions.Contains(s))];
        }
        return new PenaltyPreview(deduction, already, newSanctions, after);
    }

    private static DateTimeOffset? OccurrenceOf(Violation? violation) => violation?.OccurredAt;

    private static void Check(IReadOnlyList<Violation> history, string field, ViolationList v)
    {
        if (history is null) { v.Add(field, "is required"); return; }
        for (int i = 0; i < history.Count; i++)
        {
            var h = history[i];
            // The field path is built only for a problem: a valid entry allocates nothing here.
            string Path(string member = "") => (field == "violation" ? field : $"{field}[{i}]") + member;
            if (h is null) { v.Add(Path(), "is null"); continue; }
            if (string.IsNullOrWhiteSpace(h.CaseId)) v.Add(Path(".caseId"), "is required");
            if (string.IsNullOrWhiteSpace(h.Code)) v.Add(Path(".code"), "is required");
            if (h.OccurredAt == default) v.Add(Path(".occurredAt"), "is required");
            else if (h.OccurredAt.UtcTicks >= LatestOccurrenceTicks) v.Add(Path(".occurredAt"), "must be before 9990-01-01 (the yearly periods after it cannot be computed)");
            if (h.AssessedPoints is < 0) v.Add(Path(".assessedPoints"), $"must not be negative (got {h.AssessedPoints})");
        }
    }

    /// <summary>
    /// The canonical order of history entries: by time, then case id, code, revoked, assessed points, and
    /// finally the position supplied (so the order is total and deterministic).
    /// </summary>
    private static int CompareCanonical((Violation V, int Position) x, (Violation V, int Position) y)
    {
        int c = x.V.OccurredAt.UtcTicks.CompareTo(y.V.OccurredAt.UtcTicks);
        if (c == 0) c = string.CompareOrdinal(x.V.CaseId, y.V.CaseId);
        if (c == 0) c = string.CompareOrdinal(x.V.Code, y.V.Code);
        if (c == 0) c = x.V.Revoked.CompareTo(y.V.Revoked);
        if (c == 0) c = Nullable.Compare(x.V.AssessedPoints, y.V.AssessedPoints);
        return c != 0 ? c : x.Position.CompareTo(y.Position);
    }

    private static readonly Comparer<(Violation V, int Position)> CanonicalOrder = Comparer<(Violation V, int Position)>.Create(CompareCanonical);

    /// <summary>
    /// The standing of a checked history. Its first <paramref name="supplied"/> entries are the request's history; an entry
    /// after them is the violation assessed with it, and its problems are named by the request's violation field.
    /// </summary>
    private static MerchantStanding Fold(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, int supplied, DateTimeOffset asOf)
    {
        string PathOf(int position, string member) => position < supplied ? $"history[{position}].{member}" : $"violation.{member}";
        // Canonical order: by time, then case id; so the result never depends on the order supplied. Sorting by the
        // instant alone is the array sort of plain keys; each run of equal instants (rare) is then put in full order.
        var ticks = new long[history.Count];
        var sorted = new (Violation V, int Position)[history.Count];
        HashSet<string>? revokedCases = null;
        for (int i = 0; i < history.Count; i++)
        {
            ticks[i] = history[i].OccurredAt.UtcTicks;
            sorted[i] = (history[i], i);
            if (history[i].Revoked) (revokedCases ??= new(StringComparer.Ordinal)).Add(history[i].CaseId);
        }
        Array.Sort(ticks, sorted);
        for (int start = 0, end; start < sorted.Length; start = end)
        {
            for (end = start + 1; end < sorted.Length && ticks[end] == ticks[start]; end++) { }
            if (end - start > 1) Array.Sort(sorted, start, end - start, CanonicalOrder);
        }
        // Entries after asOf are left out, from the first one on (they are sorted by time); the revocations among them
        // still revoke their cases, gathered above.
        long asOfTicks = asOf.UtcTicks;
        int occurred = sorted.Length;
        while (occurred > 0 && ticks[occurred - 1] > asOfTicks) occurred--;
        // One count per case id: the first entry in canonical order stands; a revocation anywhere revokes it.
        var firstOfCase = new HashSet<string>(sorted.Length, StringComparer.Ordinal);
        // Duplicates are listed first, then revoked cases, each in canonical order.
        List<IgnoredViolation> ignored = [], revoked = [];

        var deductions = new List<Deduction>(sorted.Length);
        var periods = new List<PeriodTotals>();
        List<SanctionDecision> sanctions = [];
        var problems = new ViolationList();
        // Escalation counts are per code, whichever version of the period counted them; thresholds by their place in the version.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var crossed = new HashSet<int>();
        PeriodTotals? period = null;
        int general = 0, serious = 0;
        RuleSetVersion? version = null;
        foreach (var (v, position) in sorted.AsSpan(0, occurred))
        {
            bool first = firstOfCase.Add(v.CaseId);
            if (revokedCases?.Contains(v.CaseId) == true)
            {
                // A revoked case is listed once, by its first entry: its others (the revocation mark among them) are
                // no further violations of it.
                if (first) revoked.Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.Revoked));
                continue;
            }
            if (!first)
            {
                ignored.Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.DuplicateCaseId));
                continue;
            }
            // Entries come in time order: the version of the previous one usually still holds.
            if (version is null || !version.IsInForceAt(v.OccurredAt)) version = catalog.InForceAt(ruleSetId, v.OccurredAt);
            var p = version.ParametersAs<PenaltyPointsParameters>();
            if (!p.Violations.TryGetValue(v.Code, out var rule))
            {
                problems.Add(PathOf(position, "code"), $"unknown violation code '{v.Code}' in {version.RuleSetId} version {version.Version}");
                continue;
            }

            // Period boundaries reset totals, escalation counts and crossed thresholds.
            if (period is null || !period.Contains(v.OccurredAt))
            {
                if (period is not null) periods.Add(period with { General = general, Serious = serious });
                var (from, to) = PeriodOf(p.Period, v.OccurredAt);
                period = new PeriodTotals(from, to, 0, 0);
                general = serious = 0;
                counts.Clear();
                crossed.Clear();
            }

            int occurrence = ++CollectionsMarshal.GetValueRefOrAddDefault(counts, v.Code, out _);
            var step = StepFor(rule.Ladder, occurrence);
            int points = step.Points;
            if (rule.PointsAssessedPerCase)
            {
                if (v.AssessedPoints is null || v.AssessedPoints > step.Points)
                {
                    problems.Add(PathOf(position, "assessedPoints"),
                        v.AssessedPoints is null ? $"is required for {v.Code}" : $"must be at most {step.Points} for {v.Code} (got {v.AssessedPoints})");
                    continue;
                }
                points = v.AssessedPoints.Value;
            }
            else if (v.AssessedPoints is not null)
            {
                problems.Add(PathOf(position, "assessedPoints"), $"{v.Code} has fixed points; assessedPoints must not be given");
                continue;
            }
            if (step.Category == PointCategory.Serious) serious += points;
            else general += points;

            SanctionDecision? sanction = null;
            if (rule.Sanction is { } s)
            {
                sanction = new SanctionDecision(v.CaseId, v.CaseId, s.Actions, v.OccurredAt, v.OccurredAt + s.Duration, version.Reference);
                sanctions.Add(sanction);
            }
            deductions.Add(new Deduction(v.CaseId, v.Code, v.OccurredAt, version.Reference, occurrence, points, step.Category, rule.ItemAction, sanction));

            for (int t = 0; t < p.Thresholds.Count; t++)
            {
                var threshold = p.Thresholds[t];
                int sum = threshold.Basis switch
                {
                    ThresholdBasis.General => general,
                    ThresholdBasis.Serious => serious,
                    _ => general + serious,
                };
                if (sum < threshold.Points || !crossed.Add(t)) continue;
                sanctions.Add(new SanctionDecision(threshold.Description, v.CaseId, threshold.Sanction.Actions, v.OccurredAt,
                    v.OccurredAt + threshold.Sanction.Duration, version.Reference));
            }
        }
        problems.ThrowIfAny();
        ignored.AddRange(revoked);
        if (period is not null) periods.Add(period with { General = general, Serious = serious });

        var current = periods.Count > 0 && periods[^1].Contains(asOf) ? periods[^1] : CurrentEmpty(catalog, ruleSetId, asOf, periods);
        return new MerchantStanding(ruleSetId, asOf, deductions, ignored, periods, current, sanctions);
    }

    /// <summary>The ladder step for the n-th counted deduction (1-based): the last step whose <see cref="LadderStep.FromOccurrence"/> it has reached.</summary>
    private static LadderStep StepFor(IReadOnlyList<LadderStep> ladder, int occurrence)
    {
        var step = ladder[0];
        for (int i = 1; i < ladder.Count; i++)
        {
            if (ladder[i].FromOccurrence <= occurrence) step = ladder[i];
            else break;
        }
        return step;
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
