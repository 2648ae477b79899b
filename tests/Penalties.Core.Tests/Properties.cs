using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests;

/// <summary>Invariants that must hold for every input, checked with FsCheck.</summary>
public class Properties
{
    private static readonly DateTimeOffset Epoch = At("2012-01-01 00:00");

    // --- Generators ---

    /// <summary>Money in fen, from 0 to 100 million CNY, weighted towards the caps.</summary>
    private static readonly Gen<decimal> Money = Gen.OneOf(
        Gen.Choose(0, 400_000).Select(f => f / 100m),
        Gen.Choose(0, int.MaxValue).Select(f => f * 5m / 100m),
        Gen.Elements(0m, 0.01m, 333.33m, 999.99m, 1000m, 1000.01m, 1666.66m, 1666.67m, 2000m));

    /// <summary>An instant between 2012 and 2026, to the tick range of a few seconds.</summary>
    private static readonly Gen<DateTimeOffset> Instant =
        Gen.Choose(0, 14 * 365 * 24 * 60).Select(m => Epoch.AddMinutes(m));

    private static readonly Gen<LateShipmentCase> LateCases =
        from platform in Gen.Elements(Platform.Tmall, Platform.Taobao)
        from paid in Instant
        from amount in Money
        from shippedAfterHours in Gen.Choose(-1, 400) // -1: not shipped
        from evaluatedAfterHours in Gen.Choose(0, 500)
        from reason in Gen.Elements(Enum.GetValues<RefundReason>())
        from flags in Gen.Choose(0, 31)
        select new LateShipmentCase
        {
            Platform = platform,
            OrderId = "P",
            PaidAt = paid,
            Lines = [new OrderLine { LineId = "1", Amount = amount, ShippedAt = shippedAfterHours < 0 ? null : paid.AddHours(shippedAfterHours) }],
            EvaluatedAt = paid.AddHours(evaluatedAfterHours),
            RefundReason = reason,
            BuyerAbuse = (flags & 1) != 0 && (flags & 16) != 0,
            MerchantAdmittedOutOfStock = (flags & 2) != 0,
            MerchantPaidBeforeJudgment = (flags & 4) != 0,
            PlatformStopShipOrder = (flags & 8) != 0 && (flags & 16) != 0,
        };

    private static readonly string[] TmallCodes =
        ["INVOICE", "FREE_SHIPPING_TITLE", "CLOSE_ORDER", "BROKEN_PROMISE", "MISDESCRIBED_SEVERE", "MISDESCRIBED_AFFECTS_USE", "MISDESCRIBED_MINOR"];

    private static readonly Gen<List<Violation>> Histories =
        from n in Gen.Choose(0, 40)
        from entries in Gen.ListOf(
            from id in Gen.Choose(1, 30) // small id range: duplicates happen
            from code in Gen.Elements(TmallCodes)
            from minutes in Gen.Choose(0, 3 * 365 * 24 * 60)
            from revoked in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
            select new Violation { CaseId = $"C{id}", Code = code, OccurredAt = At("2023-01-01 00:00").AddMinutes(minutes), Revoked = revoked }, n)
        select entries.ToList();

    // Decisions compared by their whole content: records hold lists, which compare by reference.
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static LateShipmentDecision Assess(LateShipmentCase c) => LateShipmentCalculator.Assess(Catalog, c);

    // --- Late shipment ---

    [Property(MaxTest = 2000)]
    public Property Late_shipment_payout_is_never_negative_and_never_above_the_cap() =>
        Prop.ForAll(Arb.From(LateCases), c =>
        {
            var d = Assess(c);
            var cap = c.Platform == Platform.Tmall ? 500m : 100m;
            return d.BuyerPayout >= 0m && d.BuyerPayout <= cap
                && d.PlatformLiability >= 0m && d.PlatformLiability <= cap
                && d.MerchantTotal == d.BuyerPayout + d.PlatformLiability
                && (d.BuyerPoints is null || d.BuyerPoints == (long)(d.BuyerPayout * 100m))
                && (d.Outcome == LateShipmentOutcome.Compensable || d.BuyerPayout == 0m);
        });

    [Property(MaxTest = 1000)]
    public Property Late_shipment_payout_is_monotone_in_the_amount() =>
        Prop.ForAll(Arb.From(LateCases), Arb.From(Money), (c, other) =>
        {
            var a = c.Lines[0].Amount;
            var (low, high) = a <= other ? (a, other) : (other, a);
            var dl = Assess(c with { Lines = [c.Lines[0] with { Amount = low }] });
            var dh = Assess(c with { Lines = [c.Lines[0] with { Amount = high }] });
            return dl.BuyerPayout <= dh.BuyerPayout && dl.MerchantTotal <= dh.MerchantTotal;
        });

    [Property(MaxTest = 500)]
    public Property Late_shipment_is_deterministic() =>
        Prop.ForAll(Arb.From(LateCases), c => Json(Assess(c)) == Json(Assess(c with { })));

    // --- Price match ---

    [Property(MaxTest = 2000)]
    public Property Price_match_payout_is_twice_the_positive_difference() =>
        Prop.ForAll(Arb.From(Money), Arb.From(Money), (ours, theirs) =>
        {
            var d = PriceMatchCalculator.Assess(Catalog, PriceMatch.PriceMatchTableTests.Case(ours, theirs));
            return d.Payout == 2m * Math.Max(0m, ours - theirs)
                && d.Outcome == (ours > theirs ? PriceMatchOutcome.Payable : PriceMatchOutcome.NoPositiveDifference);
        });

    [Property(MaxTest = 500)]
    public Property Price_match_refusals_never_pay() =>
        Prop.ForAll(Arb.From(Money), Arb.From(Gen.Choose(0, 200)), Arb.From(Gen.Elements(Enum.GetValues<ComparisonPlatform>())), (ours, sales, platform) =>
        {
            var c = PriceMatch.PriceMatchTableTests.Case(ours, 1m);
            var d = PriceMatchCalculator.Assess(Catalog, c with { Comparison = c.Comparison with { MonthlySales = sales, Platform = platform } });
            bool eligible = sales >= 100 && platform is ComparisonPlatform.Tmall or ComparisonPlatform.PinduoduoTenBillionSubsidy;
            return eligible ? d.FailedConditions.Count == 0 : d.Payout == 0m && d.Outcome == PriceMatchOutcome.Refused;
        });

    /// <summary>Attribute maps over a few names and values: equal, different, on one side only.</summary>
    private static readonly Gen<List<(string Name, string Value)>> AttributeLists =
        from names in Gen.SubListOf(["brand", "name", "model", "colour", "size", "storage", "flavour"])
        from values in Gen.ListOf(Gen.Elements("a", "b"), names.Count)
        select names.Zip(values, (n, v) => (n, v)).ToList();

    [Property(MaxTest = 500)]
    public Property Price_match_does_not_depend_on_the_order_of_the_attributes() =>
        Prop.ForAll(Arb.From(AttributeLists), Arb.From(AttributeLists), Arb.From(Gen.Choose(0, int.MaxValue)), (ours, theirs, seed) =>
        {
            var rng = new Random(seed);
            PriceMatchDecision In(IEnumerable<(string Name, string Value)> o, IEnumerable<(string Name, string Value)> t)
            {
                var c = PriceMatch.PriceMatchTableTests.Case();
                return PriceMatchCalculator.Assess(Catalog, c with
                {
                    ItemAttributes = o.ToDictionary(a => a.Name, a => a.Value),
                    Comparison = c.Comparison with { Attributes = t.ToDictionary(a => a.Name, a => a.Value) },
                });
            }
            var shuffled = In(ours.OrderBy(_ => rng.Next()), theirs.OrderBy(_ => rng.Next()));
            return Json(In(ours, theirs)) == Json(shuffled);
        });

    // --- Penalty points ---

    [Property(MaxTest = 300)]
    public Property Standing_does_not_depend_on_the_order_of_the_history() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Gen.Choose(0, int.MaxValue)), (history, seed) =>
        {
            var rng = new Random(seed);
            List<Violation> shuffled = [.. history.Select(h => (h, k: rng.Next())).OrderBy(x => x.k).Select(x => x.h)];
            var asOf = At("2026-01-01 00:00");
            return Json(PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, asOf))
                == Json(PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", shuffled, asOf));
        });

    [Property(MaxTest = 300)]
    public Property Standing_totals_are_the_sum_of_counted_deductions_and_no_revoked_case_counts() =>
        Prop.ForAll(Arb.From(Histories), history =>
        {
            var s = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, At("2026-01-01 00:00"));
            var revoked = history.Where(h => h.Revoked).Select(h => h.CaseId).ToHashSet();
            return s.Periods.Sum(p => p.Total) == s.Deductions.Sum(d => d.Points)
                && s.Deductions.All(d => !revoked.Contains(d.CaseId))
                && s.Deductions.Select(d => d.CaseId).Distinct().Count() == s.Deductions.Count
                && s.Deductions.Count == history.Select(h => h.CaseId).Distinct().Count(id => !revoked.Contains(id));
        });

    [Property(MaxTest = 300)]
    public Property A_revoked_case_is_listed_once_as_revoked_whichever_of_its_entries_comes_first() =>
        Prop.ForAll(Arb.From(Histories), history =>
        {
            var s = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, At("2026-01-01 00:00"));
            var revoked = history.Where(h => h.Revoked).Select(h => h.CaseId).ToHashSet();
            var listed = s.Ignored.Where(i => revoked.Contains(i.CaseId)).ToList();
            return listed.All(i => i.Reason == IgnoredReasons.Revoked)
                && listed.Select(i => i.CaseId).Order().SequenceEqual(revoked.Order());
        });

    [Property(MaxTest = 300)]
    public Property Adding_a_duplicate_of_a_recorded_case_changes_nothing_counted() =>
        Prop.ForAll(Arb.From(Histories.Where(h => h.Count > 0)), history =>
        {
            var asOf = At("2026-01-01 00:00");
            var before = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, asOf);
            var after = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", [.. history, history[0]], asOf);
            return Json(before.Deductions) == Json(after.Deductions) && Json(before.Periods) == Json(after.Periods);
        });

    [Property(MaxTest = 500)]
    public Property The_standing_as_of_an_instant_is_that_of_the_entries_that_occurred_by_then() =>
        Prop.ForAll(Arb.From(Histories), Arb.From(Gen.Choose(0, 3 * 365 * 24 * 60)), (history, minutes) =>
        {
            // A revocation voids its case at every instant: it marks the entries kept, whenever its own entry is dated.
            var asOf = At("2023-01-01 00:00").AddMinutes(minutes);
            var revoked = history.Where(h => h.Revoked).Select(h => h.CaseId).ToHashSet();
            List<Violation> byThen = [.. history.Where(h => h.OccurredAt <= asOf).Select(h => revoked.Contains(h.CaseId) ? h with { Revoked = true } : h)];
            var s = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, asOf);
            return (Json(s) == Json(PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", byThen, asOf))
                    && s.Sanctions.All(x => x.StartsAt <= asOf))
                .Classify(byThen.Count < history.Count, "later entries left out");
        });

    /// <summary>Histories of one year heavy in severe misdescriptions: some cross Tmall's 48 serious points (clearance), some already have.</summary>
    private static readonly Gen<List<Violation>> SevereYears =
        from n in Gen.Choose(0, 12)
        from entries in Gen.ListOf(
            from id in Gen.Choose(1, 20)
            from code in Gen.Frequency((3, Gen.Constant("MISDESCRIBED_SEVERE")), (1, Gen.Elements(TmallCodes)))
            from minutes in Gen.Choose(0, 364 * 24 * 60)
            from revoked in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
            select new Violation { CaseId = $"C{id}", Code = code, OccurredAt = At("2024-01-01 00:00").AddMinutes(minutes), Revoked = revoked }, n)
        select entries.ToList();

    [Property(MaxTest = 500)]
    public Property Preview_new_sanctions_are_those_the_violation_adds_to_the_history() =>
        Prop.ForAll(Arb.From(SevereYears), Arb.From(Gen.Choose(0, 364 * 24 * 60)), Arb.From(Gen.Choose(1, 25)), (history, minutes, id) =>
        {
            var asOf = At("2025-01-01 00:00");
            var violation = new Violation { CaseId = $"C{id}", Code = "MISDESCRIBED_SEVERE", OccurredAt = At("2024-01-01 00:00").AddMinutes(minutes) };
            var before = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", history, asOf);
            var after = PenaltyPointsCalculator.Standing(Catalog, "tmall.penalty-points", [.. history, violation], asOf);
            var preview = PenaltyPointsCalculator.Preview(Catalog, "tmall.penalty-points", history, violation, asOf);
            var added = after.Sanctions.Where(s => !before.Sanctions.Contains(s)).ToList();
            return (Json(added) == Json(preview.NewSanctions) && Json(after) == Json(preview.StandingAfter))
                .Classify(before.Sanctions.Count > 0, "already sanctioned")
                .Classify(added.Count > 0, "sanction added");
        });
}
