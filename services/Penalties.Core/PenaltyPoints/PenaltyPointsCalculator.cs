using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
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
    // Periods are China calendar years: an occurrence must leave room for the year after it.
    private static readonly long LatestOccurrenceTicks = new DateTimeOffset(9990, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public const string TmallRuleSet = "tmall.penalty-points";
    public const string PinduoduoRuleSet = "pdd.penalty-points";

    public static MerchantStanding Standing(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, DateTimeOffset asOf)
    {
        // The fold checks every entry in its first pass and gives up before deducting anything when one is
        // invalid; the full check below then lists every problem.
        if (history is not null && asOf != default && Fold(catalog, ruleSetId, history, asOf) is { } standing) return standing;
        var violations = new ViolationList();
        Check(history!, "history", violations);
        if (asOf == default) violations.Add("asOf", "is required");
        violations.ThrowIfAny();
        return Fold(catalog, ruleSetId, history!, asOf)!;
    }

    /// <summary>What <paramref name="violation"/> would cost given the history; nothing is recorded.</summary>
    public static PenaltyPreview Preview(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, Violation violation, DateTimeOffset asOf)
    {
        var violations = new ViolationList();
        Check(history, "history", violations);
        Check([violation], "violation", violations);
        violations.ThrowIfAny();
        var combined = new List<Violation>(history.Count + 1);
        combined.AddRange(history);
        combined.Add(violation);
        var after = Fold(catalog, ruleSetId, combined, asOf)!;
        bool already = history.Any(h => string.Equals(h.CaseId, violation.CaseId, StringComparison.Ordinal));
        var deduction = after.Deductions.FirstOrDefault(d => string.Equals(d.CaseId, violation.CaseId, StringComparison.Ordinal));
        // The new sanctions are those of the history with the violation that the history without it lacks. With no sanction
        // at all there is nothing to compare, and the fold without it (as dear as the one with it) is skipped: most merchants.
        // Not when the violation repeats a case of the history or is revoked: then it changes which entries of the history
        // count, and the fold without it may refuse an entry (an unknown code) that the fold with it skips.
        List<SanctionDecision> newSanctions = [];
        if (after.Sanctions.Count > 0 || already || violation.Revoked)
        {
            var before = Fold(catalog, ruleSetId, history, asOf)!;
            newSanctions = [.. after.Sanctions.Where(s => !before.Sanctions.Contains(s))];
        }
        return new PenaltyPreview(deduction, already, newSanctions, after);
    }

    /// <summary>
    /// <see cref="Preview"/> of a new case (its id not in the history, not revoked), folding only the history that can
    /// change its deduction and the sanctions it adds. When every version of the rule set resets on 1 January (China
    /// time), that is the cases counted in the violation's year: a period resets everything it counts, so other years
    /// cannot change it. A case of the year with an entry in an earlier year counts there (its first entry), not in the
    /// year, and is left out; one with entries in later years keeps them (a revoked one there revokes it).
    /// Entries left out are neither folded nor checked again (a recorded history was checked when each entry was
    /// recorded), <see cref="PenaltyPreview.StandingAfter"/> covers the folded entries only, and the positions in an
    /// error are those of the folded entries. Otherwise (a rule set that never resets, or not a new case) it is
    /// <see cref="Preview"/>. A merchant's decision so costs one year of history, not all of it.
    /// </summary>
    public static PenaltyPreview PreviewNewCase(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, Violation violation, DateTimeOffset asOf)
    {
        if (history is null || violation is null || violation.Revoked || violation.OccurredAt == default || violation.OccurredAt.UtcTicks >= LatestOccurrenceTicks
            || !ResetsEveryYear(catalog, ruleSetId))
            return Preview(catalog, ruleSetId, history!, violation!, asOf);
        var (start, end) = ChinaTime.YearOf(violation.OccurredAt);
        // The year's cases, each with whether it has an entry before the year (then it counts there, not here).
        var cases = new Dictionary<string, bool>(StringComparer.Ordinal);
        int inYear = 0;
        foreach (var h in history)
        {
            if (h is null || string.Equals(h.CaseId, violation.CaseId, StringComparison.Ordinal)) return Preview(catalog, ruleSetId, history, violation, asOf);
            if (h.OccurredAt < start || h.OccurredAt >= end) continue;
            cases.TryAdd(h.CaseId, false);
            inYear++;
        }
        if (inYear == history.Count) return Preview(catalog, ruleSetId, history, violation, asOf);
        foreach (var h in history)
        {
            if (h.OccurredAt < start && cases.ContainsKey(h.CaseId)) cases[h.CaseId] = true;
        }
        var relevant = new List<Violation>(inYear);
        foreach (var h in history)
        {
            if (h.OccurredAt >= start && cases.TryGetValue(h.CaseId, out bool earlier) && !earlier) relevant.Add(h);
        }
        return Preview(catalog, ruleSetId, relevant, violation, asOf);
    }

    /// <summary>Whether every version of the rule set counts per calendar year (false for one that is not a penalty-points set: <see cref="Preview"/> says why).</summary>
    private static bool ResetsEveryYear(RuleCatalog catalog, string ruleSetId)
    {
        if (ruleSetId is null || !catalog.Contains(ruleSetId)) return false;
        foreach (var version in catalog.Versions(ruleSetId))
        {
            if (version.Parameters is not PenaltyPointsParameters { Period: PointsPeriod.CalendarYear }) return false;
        }
        return true;
    }

    private static void Check(IReadOnlyList<Violation> history, string field, ViolationList v)
    {
        if (history is null) { v.Add(field, "is required"); return; }
        Violation[]? rented = null;
        try
        {
            var entries = Entries(history, ref rented);
            for (int i = 0; i < entries.Length; i++)
            {
                var h = entries[i];
                // Field paths are built only when an entry has a problem: a valid history allocates nothing here.
                if (h is not null && !TextKeys.IsBlank(h.CaseId) && !TextKeys.IsBlank(h.Code) && h.OccurredAt != default && h.OccurredAt.UtcTicks < LatestOccurrenceTicks && h.AssessedPoints is not < 0)
                    continue;
                var path = field == "violation" ? field : $"{field}[{i}]";
                if (h is null) { v.Add(path, "is null"); continue; }
                v.Required(path + ".caseId", h.CaseId);
                v.Required(path + ".code", h.Code);
                if (h.OccurredAt == default) v.Add(path + ".occurredAt", "is required");
                else if (h.OccurredAt.UtcTicks >= LatestOccurrenceTicks) v.Add(path + ".occurredAt", "must be before 9990-01-01 (the yearly periods after it cannot be computed)");
                if (h.AssessedPoints is < 0) v.Add(path + ".assessedPoints", $"must not be negative (got {h.AssessedPoints})");
            }
        }
        finally
        {
            Release(rented, history.Count);
        }
    }

    /// <summary>The history as a span: an array or a list directly, anything else copied once into a pooled array.</summary>
    private static ReadOnlySpan<Violation> Entries(IReadOnlyList<Violation> history, ref Violation[]? rented)
    {
        if (history is Violation[] array) return array;
        if (history is List<Violation> list) return CollectionsMarshal.AsSpan(list);
        int n = history.Count;
        rented = ArrayPool<Violation>.Shared.Rent(n);
        for (int i = 0; i < n; i++) rented[i] = history[i];
        return rented.AsSpan(0, n);
    }

    private static void Release(Violation[]? rented, int count)
    {
        if (rented is null) return;
        Array.Clear(rented, 0, Math.Min(count, rented.Length));
        ArrayPool<Violation>.Shared.Return(rented);
    }

    /// <summary>
    /// The canonical order of history entries: by time, then case id, code, revoked, assessed points, and
    /// finally the position supplied (so the order is total and deterministic).
    /// </summary>
    private static int CompareCanonical(Violation x, int xIndex, Violation y, int yIndex)
    {
        int c = x.OccurredAt.UtcTicks.CompareTo(y.OccurredAt.UtcTicks);
        if (c != 0) return c;
        c = string.CompareOrdinal(x.CaseId, y.CaseId);
        if (c != 0) return c;
        c = string.CompareOrdinal(x.Code, y.Code);
        if (c != 0) return c;
        c = x.Revoked.CompareTo(y.Revoked);
        if (c != 0) return c;
        c = Nullable.Compare(x.AssessedPoints, y.AssessedPoints);
        return c != 0 ? c : xIndex.CompareTo(yIndex);
    }

    /// <summary>
    /// The history in canonical order, with each entry's supplied position in <paramref name="position"/>. A
    /// history already in canonical order (recorded histories are) is only checked and returned as it is;
    /// otherwise the sort runs on primitive keys: the instant relative to the earliest one, shifted left, with
    /// the position in the low bits, so one sort of longs orders by time and keeps the position. Runs of equal
    /// instants, which are rare, then get the full canonical order. The result is in <paramref name="buffer"/>.
    /// Every entry is checked on the way (as <see cref="Check"/> does); when one is invalid, <paramref name="valid"/>
    /// is false and nothing is ordered.
    /// </summary>
    private static ReadOnlySpan<Violation> CanonicalOrder(ReadOnlySpan<Violation> history, Span<Violation> buffer, Span<int> position, Span<long> keys,
        out bool valid)
    {
        int n = history.Length;
        bool ordered = true;
        long min = long.MaxValue, max = long.MinValue, previous = long.MinValue;
        valid = true;
        for (int i = 0; i < n; i++)
        {
            var v = history[i];
            if (v is null || TextKeys.IsBlank(v.CaseId) || TextKeys.IsBlank(v.Code) || v.OccurredAt == default || v.OccurredAt.UtcTicks >= LatestOccurrenceTicks || v.AssessedPoints is < 0)
            {
                valid = false;
                return default;
            }
            long t = v.OccurredAt.UtcTicks;
            keys[i] = t;
            if (t < min) min = t;
            if (t > max) max = t;
            if (ordered && i > 0 && (t < previous || (t == previous && CompareCanonical(history[i - 1], i - 1, v, i) > 0))) ordered = false;
            previous = t;
        }
        if (ordered)
        {
            for (int i = 0; i < n; i++) position[i] = i;
            return history;
        }

        int bits = 64 - BitOperations.LeadingZeroCount((ulong)n);
        if ((ulong)(max - min) < 1UL << (62 - bits))
        {
            long mask = (1L << bits) - 1;
            for (int i = 0; i < n; i++) keys[i] = ((keys[i] - min) << bits) | (long)i;
            keys.Sort();
            for (int i = 0; i < n; i++)
            {
                position[i] = (int)(keys[i] & mask);
                keys[i] >>= bits;
            }
        }
        else
        {
            for (int i = 0; i < n; i++) position[i] = i;
            keys.Sort(position);
        }

        for (int i = 0; i < n; i++) buffer[i] = history[position[i]];
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            if (end - start > 1) SortRun(buffer[start..end], position[start..end]);
            start = end;
        }
        return buffer;
    }

    /// <summary>
    /// Sorts a run of entries at the same instant into the full canonical order: an insertion sort for short
    /// runs (the usual handful), an introsort for long ones.
    /// </summary>
    private static void SortRun(Span<Violation> run, Span<int> position)
    {
        if (run.Length > 16)
        {
            var pairs = new (Violation V, int Position)[run.Length];
            for (int i = 0; i < run.Length; i++) pairs[i] = (run[i], position[i]);
            Array.Sort(pairs, static (x, y) => CompareCanonical(x.V, x.Position, y.V, y.Position));
            for (int i = 0; i < run.Length; i++) (run[i], position[i]) = pairs[i];
            return;
        }
        for (int i = 1; i < run.Length; i++)
        {
            var v = run[i];
            int at = position[i];
            int j = i - 1;
            while (j >= 0 && CompareCanonical(run[j], position[j], v, at) > 0)
            {
                run[j + 1] = run[j];
                position[j + 1] = position[j];
                j--;
            }
            run[j + 1] = v;
            position[j + 1] = at;
        }
    }

    private const byte Counted = 1, RevokedFlag = 2;

    /// <summary>
    /// Marks the first entry (in canonical order) of each case id as counted, and as revoked when any entry of
    /// that case id is revoked; reports the later ones as duplicates. An open-addressing table of positions in
    /// <paramref name="slots"/>, hashed with the fast hash; should any probe get long (colliding case ids), it
    /// starts again with the runtime's randomized string hash.
    /// </summary>
    private static void MarkCases(ReadOnlySpan<Violation> sorted, Span<byte> flags, Span<int> slots, ref List<IgnoredViolation>? ignored)
    {
        if (!TryMarkCases(sorted, flags, slots, randomized: false, ref ignored))
        {
            ignored?.Clear();
            TryMarkCases(sorted, flags, slots, randomized: true, ref ignored);
        }
    }

    private const int LongProbe = 64;

    private static bool TryMarkCases(ReadOnlySpan<Violation> sorted, Span<byte> flags, Span<int> slots, bool randomized, ref List<IgnoredViolation>? ignored)
    {
        int mask = slots.Length - 1;
        slots.Clear();
        flags.Clear();
        for (int i = 0; i < sorted.Length; i++)
        {
            var v = sorted[i];
            int slot = (int)((randomized ? (uint)v.CaseId.GetHashCode() : TextKeys.Hash(v.CaseId)) & (uint)mask);
            int first = -1, probes = 0;
            while (slots[slot] != 0)
            {
                int j = slots[slot] - 1;
                if (string.Equals(sorted[j].CaseId, v.CaseId, StringComparison.Ordinal)) { first = j; break; }
                if (++probes > LongProbe && !randomized) return false;
                slot = (slot + 1) & mask;
            }
            if (first < 0)
            {
                slots[slot] = i + 1;
                flags[i] = Counted;
                first = i;
            }
            else
            {
                (ignored ??= []).Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.DuplicateCaseId));
            }
            if (v.Revoked) flags[first] |= RevokedFlag;
        }
        return true;
    }

    /// <summary>The standing, or null when an entry of the history is invalid (see <see cref="Check"/>).</summary>
    private static MerchantStanding? Fold(RuleCatalog catalog, string ruleSetId, IReadOnlyList<Violation> history, DateTimeOffset asOf)
    {
        int n = history.Count;
        // Scratch space from the shared pools: nothing here is allocated per call except the result.
        Violation[]? rented = null;
        var bufferArray = ArrayPool<Violation>.Shared.Rent(n);
        var positionArray = ArrayPool<int>.Shared.Rent(n);
        var keysArray = ArrayPool<long>.Shared.Rent(n);
        int slotCount = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, 2 * n));
        var slotsArray = ArrayPool<int>.Shared.Rent(slotCount);
        var flagsArray = ArrayPool<byte>.Shared.Rent(n);
        int[]? countsArray = null;
        try
        {
            var position = positionArray.AsSpan(0, n);
            var flags = flagsArray.AsSpan(0, n);
            // Canonical order: by time, then case id; so the result never depends on the order supplied.
            var sorted = CanonicalOrder(Entries(history, ref rented), bufferArray.AsSpan(0, n), position, keysArray.AsSpan(0, n), out bool valid);
            if (!valid) return null;
            // One count per case id: the first entry in canonical order stands; a revocation anywhere revokes it.
            List<IgnoredViolation>? ignored = null;
            MarkCases(sorted, flags, slotsArray.AsSpan(0, slotCount), ref ignored);
            return Deduct(catalog, ruleSetId, sorted, position, flags, asOf, ref ignored, ref countsArray);
        }
        finally
        {
            Release(rented, n);
            Release(bufferArray, n);
            ArrayPool<int>.Shared.Return(positionArray);
            ArrayPool<long>.Shared.Return(keysArray);
            ArrayPool<int>.Shared.Return(slotsArray);
            ArrayPool<byte>.Shared.Return(flagsArray);
            if (countsArray is not null) ArrayPool<int>.Shared.Return(countsArray);
        }
    }

    /// <summary>
    /// The escalation counts of the current version's codes (their numbers in its <see cref="ViolationCodeTable"/> index
    /// <paramref name="counts"/>) carried over to another version in force within the same period: the counts
    /// are per code, whichever version counted them. <paramref name="carried"/> keeps the codes the new
    /// version does not list, in case a later version lists them again. Rare: only when a version changes mid-period.
    /// </summary>
    private static int[] CarryCounts(ViolationCodeTable from, ViolationCodeTable to, int[] counts, ref Dictionary<string, int>? carried)
    {
        carried ??= new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < from.Count; n++) carried[from.Keys[n]] = counts[n];
        var next = ArrayPool<int>.Shared.Rent(to.Count);
        Array.Clear(next);
        for (int n = 0; n < to.Count; n++) next[n] = carried.GetValueOrDefault(to.Keys[n]);
        ArrayPool<int>.Shared.Return(counts);
        return next;
    }

    private static MerchantStanding Deduct(RuleCatalog catalog, string ruleSetId, ReadOnlySpan<Violation> sorted, ReadOnlySpan<int> position,
        ReadOnlySpan<byte> flags, DateTimeOffset asOf, ref List<IgnoredViolation>? ignored, ref int[]? counts)
    {
        var deductions = new List<Deduction>(sorted.Length);
        var periods = new List<PeriodTotals>();
        List<SanctionDecision>? sanctions = null;
        Dictionary<string, int>? carried = null;
        ViolationList? problems = null;
        RuleSetVersion? version = null;
        PenaltyPointsParameters? p = null;
        ViolationCodeTable? codes = null;
        long versionFrom = 0, versionTo = 0;
        DateTimeOffset periodFrom = default;
        DateTimeOffset? periodTo = null;
        long periodToTicks = long.MaxValue;
        int general = 0, serious = 0;
        bool inPeriod = false;
        Span<bool> crossed = stackalloc bool[16];
        bool[]? crossedHeap = null;

        for (int i = 0; i < sorted.Length; i++)
        {
            byte flag = flags[i];
            if ((flag & Counted) == 0) continue;
            var v = sorted[i];
            if ((flag & RevokedFlag) != 0)
            {
                (ignored ??= []).Add(new IgnoredViolation(v.CaseId, v.Code, v.OccurredAt, IgnoredReasons.Revoked));
                continue;
            }
            long ticks = v.OccurredAt.UtcTicks;
            if (version is null || ticks < versionFrom || ticks >= versionTo)
            {
                version = catalog.InForceAt(ruleSetId, v.OccurredAt);
                versionFrom = version.EffectiveFrom.UtcTicks;
                versionTo = version.EffectiveTo?.UtcTicks ?? long.MaxValue;
                var next = version.ParametersAs<PenaltyPointsParameters>();
                if (!ReferenceEquals(next, p))
                {
                    var nextCodes = next.Codes;
                    if (codes is null || counts is null)
                    {
                        counts = ArrayPool<int>.Shared.Rent(nextCodes.Count);
                        Array.Clear(counts);
                    }
                    else
                    {
                        counts = CarryCounts(codes, nextCodes, counts, ref carried);
                    }
                    p = next;
                    codes = nextCodes;
                }
            }
            int number = codes!.Find(v.Code);
            if (number < 0)
            {
                (problems ??= new()).Add($"history[{position[i]}].code",
                    $"unknown violation code '{v.Code}' in {version.RuleSetId} version {version.Version}");
                continue;
            }

            var rule = codes.Rules[number];

            // Period boundaries reset totals, escalation counts and crossed thresholds.
            if (!inPeriod || ticks >= periodToTicks)
            {
                if (inPeriod) periods.Add(new PeriodTotals(periodFrom, periodTo, general, serious));
                (periodFrom, periodTo) = PeriodOf(p!.Period, v.OccurredAt);
                periodToTicks = periodTo?.UtcTicks ?? long.MaxValue;
                general = serious = 0;
                Array.Clear(counts!);
                carried?.Clear();
                crossed.Clear();
                if (crossedHeap is not null) Array.Clear(crossedHeap);
                inPeriod = true;
            }

            int occurrence = ++counts![number];
            var step = StepFor(codes.Ladders[number], occurrence);
            int points = step.Points;
            if (rule.PointsAssessedPerCase)
            {
                if (v.AssessedPoints is null || v.AssessedPoints > step.Points)
                {
                    (problems ??= new()).Add($"history[{position[i]}].assessedPoints",
                        v.AssessedPoints is null ? $"is required for {v.Code}" : $"must be at most {step.Points} for {v.Code} (got {v.AssessedPoints})");
                    continue;
                }
                points = v.AssessedPoints.Value;
            }
            else if (v.AssessedPoints is not null)
            {
                (problems ??= new()).Add($"history[{position[i]}].assessedPoints", $"{v.Code} has fixed points; assessedPoints must not be given");
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

            var thresholds = codes.Thresholds;
            if (thresholds.Length > (crossedHeap?.Length ?? crossed.Length))
            {
                // A version with more thresholds than held so far: the flags grow, keeping those crossed in the period.
                var larger = new bool[thresholds.Length];
                (crossedHeap is null ? crossed : crossedHeap.AsSpan()).CopyTo(larger);
                crossedHeap = larger;
            }
            for (int t = 0; t < thresholds.Length; t++)
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

    /// <summary>The ladder step for the n-th counted deduction (1-based): the last step whose <see cref="LadderStep.FromOccurrence"/> it has reached.</summary>
    private static LadderStep StepFor(LadderStep[] ladder, int occurrence)
    {
        var step = ladder[0];
        for (int i = 1; i < ladder.Length; i++)
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
