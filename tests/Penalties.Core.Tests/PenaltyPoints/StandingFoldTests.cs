using System.Text.Json.Nodes;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.Rules;
using Penalties.Core.Tests.Loading;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.PenaltyPoints;

/// <summary>
/// The fold's fast paths (codes interned per version, the canonical order checked before sorting, pooled
/// scratch) give the same standing as the plain definition in every case they shortcut.
/// </summary>
public class StandingFoldTests
{
    private const string Tmall = PenaltyPointsCalculator.TmallRuleSet;

    private static Violation V(string caseId, string code, string at, bool revoked = false) =>
        new() { CaseId = caseId, Code = code, OccurredAt = At(at), Revoked = revoked };

    /// <summary>
    /// Three versions in force within 2024: A (until 1 May), B (until 1 Sep, without MISDESCRIBED_SEVERE), C.
    /// Escalation counts are per code and per period, whichever version counted them.
    /// </summary>
    private static RuleCatalog ThreeVersionsIn2024()
    {
        JsonNode Version(int version, string from, string? to, bool withoutSevere)
        {
            var d = RuleDocuments.Shipped(RuleDocuments.TmallPointsV2);
            d["version"] = version;
            d["effectiveFrom"] = from;
            if (to is not null) d["effectiveTo"] = to;
            if (withoutSevere)
            {
                d["parameters"]!["violations"]!.AsObject().Remove("MISDESCRIBED_SEVERE");
                foreach (var p in d["provenance"]!.AsArray())
                {
                    var fields = p!["fields"]!.AsArray();
                    var severe = fields.FirstOrDefault(f => (string?)f == "parameters.violations.MISDESCRIBED_SEVERE");
                    if (severe is not null) fields.Remove(severe);
                }
            }
            return d;
        }
        var result = RuleDocuments.Load(
            ("tmall.penalty-points/v1.json", Version(1, "2012-01-01", "2024-05-01", withoutSevere: false)),
            ("tmall.penalty-points/v2.json", Version(2, "2024-05-01", "2024-09-01", withoutSevere: true)),
            ("tmall.penalty-points/v3.json", Version(3, "2024-09-01", null, withoutSevere: false)));
        Assert.True(result.Ok, string.Join("; ", result.Errors));
        return result.ToCatalog();
    }

    [Fact]
    public void Escalation_counts_carry_over_a_version_change_within_the_period_even_through_a_version_without_the_code()
    {
        var catalog = ThreeVersionsIn2024();
        List<Violation> history =
        [
            V("S1", "MISDESCRIBED_SEVERE", "2024-02-01 10:00"),
            V("M1", "MISDESCRIBED_MINOR", "2024-03-01 10:00"),
            V("S2", "MISDESCRIBED_SEVERE", "2024-04-01 10:00"),
            V("M2", "MISDESCRIBED_MINOR", "2024-06-01 10:00"),   // version 2
            V("M3", "MISDESCRIBED_MINOR", "2024-09-15 10:00"),   // version 3
            V("S3", "MISDESCRIBED_SEVERE", "2024-10-01 10:00"),  // version 3: the 3rd of the year
            V("S4", "MISDESCRIBED_SEVERE", "2024-11-01 10:00"),  // the 4th: serious
        ];
        var s = PenaltyPointsCalculator.Standing(catalog, Tmall, history, At("2024-12-31 12:00"));
        Assert.Equal(
            ["1st MISDESCRIBED_SEVERE: general, 6", "1st MISDESCRIBED_MINOR: general, 3", "2nd MISDESCRIBED_SEVERE: general, 12",
             "2nd MISDESCRIBED_MINOR: general, 3", "3rd MISDESCRIBED_MINOR: general, 3", "3rd MISDESCRIBED_SEVERE: general, 12",
             "4th MISDESCRIBED_SEVERE: serious, 12"],
            s.Deductions.Select(d => d.Explanation));
        Assert.Equal([1, 1, 1, 2, 3, 3, 3], s.Deductions.Select(d => d.Rule.Version));
    }

    [Fact]
    public void A_code_the_version_in_force_does_not_list_is_reported_with_its_supplied_position()
    {
        var catalog = ThreeVersionsIn2024();
        List<Violation> history = [V("M1", "MISDESCRIBED_MINOR", "2024-07-01 10:00"), V("S1", "MISDESCRIBED_SEVERE", "2024-06-01 10:00")];
        var e = Assert.Throws<Core.Common.InvalidCaseException>(() => PenaltyPointsCalculator.Standing(catalog, Tmall, history, At("2024-12-31 12:00")));
        var v = Assert.Single(e.Violations);
        Assert.Equal("history[1].code", v.Field);
        Assert.Equal("unknown violation code 'MISDESCRIBED_SEVERE' in tmall.penalty-points version 2", v.Description);
    }

    private static List<Violation> Mixed(int n)
    {
        string[] codes = ["INVOICE", "CLOSE_ORDER", "MISDESCRIBED_SEVERE", "MISDESCRIBED_AFFECTS_USE", "MISDESCRIBED_MINOR"];
        var history = new List<Violation>(n);
        for (int i = 0; i < n; i++)
        {
            int k = (i * 7919) % n;
            // Some instants shared by several entries, some case ids repeated, some revoked.
            history.Add(new Violation
            {
                CaseId = $"C{k % (n - n / 10)}",
                Code = codes[k % codes.Length],
                OccurredAt = At("2023-01-01 00:00").AddHours(k / 3 * 7),
                Revoked = k % 17 == 0,
            });
        }
        return history;
    }

    private static string Render(MerchantStanding s) => string.Join("\n",
        s.Deductions.Select(d => $"{d.CaseId} {d.Code} {d.OccurredAt:O} {d.Explanation} {d.Rule}")
            .Concat(s.Ignored.Select(i => i.ToString()))
            .Concat(s.Periods.Select(p => p.ToString()))
            .Concat(s.Sanctions.Select(x => $"{x.Trigger} {x.StartsAt:O} {x.EndsAt:O}")));

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    [InlineData(3000)]
    public void Canonical_order_supplied_unordered_or_as_any_list_gives_the_same_standing(int n)
    {
        var history = Mixed(n);
        var asOf = At("2026-01-01 00:00");
        var expected = Render(PenaltyPointsCalculator.Standing(Catalog, Tmall, history, asOf));
        var canonical = history.OrderBy(v => v.OccurredAt.UtcTicks).ThenBy(v => v.CaseId, StringComparer.Ordinal)
            .ThenBy(v => v.Code, StringComparer.Ordinal).ThenBy(v => v.Revoked).ToList();
        Assert.Equal(expected, Render(PenaltyPointsCalculator.Standing(Catalog, Tmall, canonical, asOf)));
        Assert.Equal(expected, Render(PenaltyPointsCalculator.Standing(Catalog, Tmall, canonical.ToArray(), asOf)));
        Assert.Equal(expected, Render(PenaltyPointsCalculator.Standing(Catalog, Tmall, history.AsReadOnly(), asOf)));
        Assert.Equal(expected, Render(PenaltyPointsCalculator.Standing(Catalog, Tmall, Enumerable.Reverse(canonical).ToList(), asOf)));
    }

    [Fact]
    public void Instants_too_far_apart_to_pack_with_positions_take_the_general_sort_and_give_the_same_standing()
    {
        // 20 entries from 2015 to the year 9000: the span (2.2e17 ticks) does not fit beside 5 position bits, so the keys are sorted with the positions as items.
        var history = Enumerable.Range(0, 20)
            .Select(i => new Violation
            {
                CaseId = $"C{i:D2}",
                Code = "INVOICE",
                OccurredAt = i == 7 ? new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero) : At("2015-03-01 00:00").AddDays((i * 13) % 20),
            })
            .ToList();
        var s = PenaltyPointsCalculator.Standing(Catalog, Tmall, history, new DateTimeOffset(9000, 6, 1, 0, 0, 0, TimeSpan.Zero)); // after every entry
        Assert.Equal(history.OrderBy(v => v.OccurredAt).Select(v => v.CaseId), s.Deductions.Select(d => d.CaseId));
        Assert.Equal("C07", s.Deductions[^1].CaseId);
    }

    [Fact]
    public void A_long_run_of_entries_at_one_instant_is_put_in_canonical_order()
    {
        // 40 entries at the same instant, supplied in reverse: ordered by case id, then code, then revoked.
        var at = At("2024-05-01 10:00");
        var history = Enumerable.Range(0, 40).Reverse()
            .Select(i => new Violation { CaseId = $"C{i / 2:D2}", Code = i % 2 == 0 ? "INVOICE" : "CLOSE_ORDER", OccurredAt = at })
            .ToList();
        var s = PenaltyPointsCalculator.Standing(Catalog, Tmall, history, At("2024-12-31 00:00"));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"C{i:D2}"), s.Deductions.Select(d => d.CaseId));
        Assert.All(s.Deductions, d => Assert.Equal("CLOSE_ORDER", d.Code));
        Assert.All(s.Ignored, i => Assert.Equal(("INVOICE", IgnoredReasons.DuplicateCaseId), (i.Code, i.Reason)));
    }
}
