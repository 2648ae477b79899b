using Penalties.Core.Common;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.Rules;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.PenaltyPoints;

/// <summary>Every bullet of RULES.md §3 as a table test.</summary>
public class PenaltyPointsTableTests
{
    private const string Tmall = PenaltyPointsCalculator.TmallRuleSet;
    private const string Pdd = PenaltyPointsCalculator.PinduoduoRuleSet;
    private static readonly DateTimeOffset AsOf = At("2024-12-31 12:00");

    internal static Violation V(string caseId, string code, string at, bool revoked = false, int? assessed = null) =>
        new() { CaseId = caseId, Code = code, OccurredAt = At(at), Revoked = revoked, AssessedPoints = assessed };

    /// <summary>n violations of one code, a month apart from February 2024.</summary>
    internal static List<Violation> Series(string code, int n, int firstMonth = 2) =>
        Enumerable.Range(0, n).Select(i => V($"{code}-{i + 1}", code, $"2024-{firstMonth + i:00}-01 10:00")).ToList();

    private static MerchantStanding Standing(string ruleSet, IReadOnlyList<Violation> history, DateTimeOffset? asOf = null) =>
        PenaltyPointsCalculator.Standing(Catalog, ruleSet, history, asOf ?? AsOf);

    [Theory]
    [InlineData("INVOICE", 6, ItemAction.None)]
    [InlineData("FREE_SHIPPING_TITLE", 4, ItemAction.None)]
    [InlineData("INFO_LEAK", 6, ItemAction.None)]
    [InlineData("CLOSE_ORDER", 1, ItemAction.None)]
    [InlineData("REFUSE_BEFORE_PAYMENT", 1, ItemAction.None)]
    [InlineData("BROKEN_PROMISE", 4, ItemAction.None)]
    [InlineData("OFFICIAL_ACTIVITY", 6, ItemAction.None)]
    [InlineData("MISDESCRIBED_SEVERE", 6, ItemAction.DeleteItem)]
    [InlineData("MISDESCRIBED_AFFECTS_USE", 6, ItemAction.DelistItem)]
    [InlineData("MISDESCRIBED_MINOR", 3, ItemAction.None)]
    [InlineData("MISDESCRIBED_SPOT_CHECK", 0, ItemAction.DeleteItem)]
    public void Tmall_catalog_first_deduction(string code, int points, ItemAction action)
    {
        var d = Assert.Single(Standing(Tmall, [V("C1", code, "2024-03-01 10:00")]).Deductions);
        Assert.Equal(points, d.Points);
        Assert.Equal(PointCategory.General, d.Category);
        Assert.Equal(action, d.ItemAction);
        Assert.Equal($"1st {code}: general, {points}", d.Explanation);
    }

    [Fact]
    public void Misdescribed_severe_escalates_6_then_12_and_is_serious_from_the_4th()
    {
        var s = Standing(Tmall, Series("MISDESCRIBED_SEVERE", 5));
        Assert.Equal(
            ["1st MISDESCRIBED_SEVERE: general, 6", "2nd MISDESCRIBED_SEVERE: general, 12", "3rd MISDESCRIBED_SEVERE: general, 12",
             "4th MISDESCRIBED_SEVERE: serious, 12", "5th MISDESCRIBED_SEVERE: serious, 12"],
            s.Deductions.Select(d => d.Explanation));
        Assert.Equal(30, s.Current.General);
        Assert.Equal(24, s.Current.Serious);
        Assert.All(s.Deductions, d => Assert.Equal(ItemAction.DeleteItem, d.ItemAction));
    }

    [Fact]
    public void Misdescribed_affects_use_is_6_each_and_serious_from_the_5th()
    {
        var s = Standing(Tmall, Series("MISDESCRIBED_AFFECTS_USE", 5));
        Assert.Equal([PointCategory.General, PointCategory.General, PointCategory.General, PointCategory.General, PointCategory.Serious],
            s.Deductions.Select(d => d.Category));
        Assert.All(s.Deductions, d => Assert.Equal(6, d.Points));
        Assert.Equal("5th MISDESCRIBED_AFFECTS_USE: serious, 6", s.Deductions[4].Explanation);
        Assert.Equal((24, 6), (s.Current.General, s.Current.Serious));
    }

    [Fact]
    public void Escalation_counts_per_code()
    {
        var history = Series("MISDESCRIBED_SEVERE", 3);
        history.Add(V("X", "MISDESCRIBED_AFFECTS_USE", "2024-08-01 10:00"));
        history.Add(V("Y", "MISDESCRIBED_SEVERE", "2024-09-01 10:00"));
        var s = Standing(Tmall, history);
        Assert.Equal("1st MISDESCRIBED_AFFECTS_USE: general, 6", s.Deductions[3].Explanation);
        Assert.Equal("4th MISDESCRIBED_SEVERE: serious, 12", s.Deductions[4].Explanation);
    }

    [Fact]
    public void A_revocation_in_the_middle_of_the_ladder_is_out_of_every_total_and_every_later_step()
    {
        var history = Series("MISDESCRIBED_SEVERE", 5);
        history[1] = history[1] with { Revoked = true };
        var s = Standing(Tmall, history);
        Assert.Equal(["MISDESCRIBED_SEVERE-1", "MISDESCRIBED_SEVERE-3", "MISDESCRIBED_SEVERE-4", "MISDESCRIBED_SEVERE-5"], s.Deductions.Select(d => d.CaseId));
        Assert.Equal(
            ["1st MISDESCRIBED_SEVERE: general, 6", "2nd MISDESCRIBED_SEVERE: general, 12", "3rd MISDESCRIBED_SEVERE: general, 12",
             "4th MISDESCRIBED_SEVERE: serious, 12"],
            s.Deductions.Select(d => d.Explanation));
        Assert.Equal((30, 12), (s.Current.General, s.Current.Serious));
        var ignored = Assert.Single(s.Ignored);
        Assert.Equal(("MISDESCRIBED_SEVERE-2", IgnoredReasons.Revoked), (ignored.CaseId, ignored.Reason));
    }

    [Fact]
    public void A_revocation_supplied_as_a_second_entry_for_the_same_case_revokes_it()
    {
        var history = Series("INVOICE", 2);
        history.Add(history[0] with { Revoked = true });
        var s = Standing(Tmall, history);
        Assert.Equal("1st INVOICE: general, 6", Assert.Single(s.Deductions).Explanation);
        Assert.Equal(6, s.Current.General);
        // Listed once, as revoked: the revocation entry is not a second violation of the case.
        var ignored = Assert.Single(s.Ignored);
        Assert.Equal((history[0].CaseId, IgnoredReasons.Revoked), (ignored.CaseId, ignored.Reason));
    }

    [Fact]
    public void The_same_case_id_twice_counts_once()
    {
        var history = Series("MISDESCRIBED_SEVERE", 3);
        history.Add(history[2]);
        history.Add(history[0]);
        var s = Standing(Tmall, history);
        Assert.Equal(3, s.Deductions.Count);
        Assert.Equal(30, s.Current.General);
        Assert.Equal(2, s.Ignored.Count(i => i.Reason == IgnoredReasons.DuplicateCaseId));
    }

    [Fact]
    public void Each_deduction_uses_the_version_in_force_when_it_occurred()
    {
        var s = Standing(Tmall, [V("a", "MISDESCRIBED_SEVERE", "2014-12-31 23:59:59.9999999"), V("b", "MISDESCRIBED_SEVERE", "2015-01-01 00:00")]);
        Assert.Equal([1, 2], s.Deductions.Select(d => d.Rule.Version));
        Assert.Equal("1st MISDESCRIBED_SEVERE: general, 12", s.Deductions[0].Explanation); // 2012 flat rule
        Assert.Equal("1st MISDESCRIBED_SEVERE: general, 6", s.Deductions[1].Explanation);  // new year, new period, escalating rule
    }

    [Theory]
    [InlineData("MISDESCRIBED_SEVERE", 12)]
    [InlineData("MISDESCRIBED_AFFECTS_USE", 6)]
    [InlineData("MISDESCRIBED_MINOR", 3)]
    public void The_2012_description_mismatch_rule_is_flat(string code, int points)
    {
        var history = Enumerable.Range(1, 5).Select(i => V($"c{i}", code, $"2013-0{i}-01 10:00")).ToList();
        var s = Standing(Tmall, history, At("2013-12-01 00:00"));
        Assert.All(s.Deductions, d => Assert.Equal((points, PointCategory.General), (d.Points, d.Category)));
    }

    [Fact]
    public void The_spot_check_code_does_not_exist_in_the_2012_version()
    {
        var e = Assert.Throws<InvalidCaseException>(() => Standing(Tmall, [V("s", "MISDESCRIBED_SPOT_CHECK", "2013-05-01 10:00")], At("2013-06-01 00:00")));
        Assert.Equal("history[0].code", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void Serious_points_reaching_48_clear_the_merchant()
    {
        // 4th to 7th MISDESCRIBED_SEVERE are serious 12 each: 48 at the 7th.
        var s6 = Standing(Tmall, Series("MISDESCRIBED_SEVERE", 6));
        Assert.Equal(36, s6.Current.Serious);
        Assert.Empty(s6.Sanctions);

        var history = Series("MISDESCRIBED_SEVERE", 7);
        var s = Standing(Tmall, history);
        Assert.Equal(48, s.Current.Serious);
        var clearance = Assert.Single(s.Sanctions);
        Assert.Equal([SanctionAction.Clearance], clearance.Actions);
        Assert.Equal(history[6].OccurredAt, clearance.StartsAt);
        Assert.Null(clearance.EndsAt);
        Assert.Contains(clearance, s.ActiveSanctions);
    }

    [Fact]
    public void General_points_alone_never_trigger_clearance()
    {
        var history = Enumerable.Range(1, 10).Select(i => V($"i{i}", "INVOICE", $"2024-{i:00}-01 10:00")).ToList();
        var s = Standing(Tmall, history);
        Assert.Equal(60, s.Current.General);
        Assert.Empty(s.Sanctions);
    }

    [Fact]
    public void Totals_and_escalation_reset_each_China_calendar_year()
    {
        var history = new List<Violation>
        {
            V("a", "MISDESCRIBED_SEVERE", "2023-03-01 10:00"),
            V("b", "MISDESCRIBED_SEVERE", "2023-06-01 10:00"),
            V("c", "MISDESCRIBED_SEVERE", "2023-12-31 23:59:59"),
            V("d", "MISDESCRIBED_SEVERE", "2024-01-01 00:00:00"), // first of a new China year (still 2023-12-31 in UTC)
        };
        var s = Standing(Tmall, history);
        Assert.Equal("1st MISDESCRIBED_SEVERE: general, 6", s.Deductions[3].Explanation);
        Assert.Equal(2, s.Periods.Count);
        Assert.Equal((30, 0), (s.Periods[0].General, s.Periods[0].Serious));
        Assert.Equal((6, 0), (s.Current.General, s.Current.Serious));
        Assert.Equal(At("2024-01-01 00:00"), s.Current.From);
    }

    [Fact]
    public void A_standing_in_a_year_without_deductions_has_zero_current_totals()
    {
        var s = Standing(Tmall, Series("INVOICE", 2), At("2025-06-01 00:00"));
        Assert.Equal((0, 0), (s.Current.General, s.Current.Serious));
        Assert.Equal(At("2025-01-01 00:00"), s.Current.From);
    }

    // --- As of an instant ---

    /// <summary>Nine severe misdescriptions, on the 10th of each month from January 2024.</summary>
    private static List<Violation> NineSevere() =>
        Enumerable.Range(1, 9).Select(m => V($"S{m}", "MISDESCRIBED_SEVERE", $"2024-{m:00}-10 10:00")).ToList();

    [Theory]
    [InlineData("2024-02-01 00:00", 1, 6, 0, false)]
    [InlineData("2024-04-10 10:00", 4, 30, 12, false)]  // the 4th, at the instant it occurred, counts
    [InlineData("2024-07-10 09:59", 6, 30, 36, false)]
    [InlineData("2024-07-10 10:00", 7, 30, 48, true)]   // the 7th brings 48 serious points: clearance
    [InlineData("2024-12-01 00:00", 9, 30, 72, true)]
    public void The_standing_as_of_an_instant_counts_only_what_occurred_by_then(string asOf, int counted, int general, int serious, bool cleared)
    {
        var s = Standing(Tmall, NineSevere(), At(asOf));
        Assert.Equal(NineSevere().Take(counted).Select(v => v.CaseId), s.Deductions.Select(d => d.CaseId));
        Assert.Equal((general, serious), (s.Current.General, s.Current.Serious));
        Assert.Equal(cleared ? [SanctionAction.Clearance] : [], s.Sanctions.SelectMany(x => x.Actions));
        Assert.Equal(s.Sanctions, s.ActiveSanctions); // none listed that has not started
    }

    [Fact]
    public void A_revoked_case_counts_at_no_instant_even_one_before_its_revocation_entry()
    {
        // The revocation carries no date of its own: an appeal upheld means the violation never stood.
        var history = NineSevere();
        history.Add(history[0] with { OccurredAt = At("2024-10-01 10:00"), Revoked = true });
        var s = Standing(Tmall, history, At("2024-02-01 00:00"));
        Assert.Empty(s.Deductions);
        Assert.Equal((0, 0), (s.Current.General, s.Current.Serious));
        Assert.Equal(("S1", IgnoredReasons.Revoked, At("2024-01-10 10:00")), (Assert.Single(s.Ignored).CaseId, s.Ignored[0].Reason, s.Ignored[0].OccurredAt));
    }

    [Fact]
    public void A_case_that_occurs_after_the_instant_is_not_listed_even_revoked()
    {
        var history = NineSevere();
        history[5] = history[5] with { Revoked = true };
        var s = Standing(Tmall, history, At("2024-03-01 00:00"));
        Assert.Equal(["S1", "S2"], s.Deductions.Select(d => d.CaseId));
        Assert.Empty(s.Ignored);
    }

    [Fact]
    public void A_preview_as_of_an_instant_before_the_violation_occurred_is_refused_naming_asOf()
    {
        var violation = V("new", "INVOICE", "2024-03-01 10:00");
        var e = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Tmall, [], violation, violation.OccurredAt.AddTicks(-1)));
        Assert.Equal("asOf", Assert.Single(e.Violations).Field);
        Assert.Equal("must not be before violation.occurredAt", e.Violations[0].Description);
        Assert.Equal(6, PenaltyPointsCalculator.Preview(Catalog, Tmall, [], violation, violation.OccurredAt).Deduction!.Points);
    }

    [Fact]
    public void A_preview_as_of_its_violation_leaves_out_later_history()
    {
        var p = PenaltyPointsCalculator.Preview(Catalog, Tmall, NineSevere(), V("new", "MISDESCRIBED_SEVERE", "2024-03-01 10:00"), At("2024-03-01 10:00"));
        Assert.Equal("3rd MISDESCRIBED_SEVERE: general, 12", p.Deduction!.Explanation);
        Assert.Equal(["S1", "S2", "new"], p.StandingAfter.Deductions.Select(d => d.CaseId));
        Assert.Equal((30, 0), (p.StandingAfter.Current.General, p.StandingAfter.Current.Serious));
        Assert.Empty(p.NewSanctions);
    }

    // --- Pinduoduo ---

    [Theory]
    [InlineData("HARASSMENT_ORDINARY", 3, false)]
    [InlineData("HARASSMENT_SERIOUS", 7, false)]
    [InlineData("HARASSMENT_ESPECIALLY_SERIOUS", 15, true)]
    public void Pinduoduo_harassment_delists_every_item_for_3_7_or_15_days(string code, int days, bool mayTerminate)
    {
        var at = "2024-05-10 22:30";
        var s = Standing(Pdd, [V("h", code, at)], At("2024-05-11 00:00"));
        var sanction = Assert.Single(s.Sanctions);
        Assert.Contains(SanctionAction.DelistAllItems, sanction.Actions);
        Assert.Equal(mayTerminate, sanction.Actions.Contains(SanctionAction.PlatformMayTerminate));
        Assert.Equal(At(at), sanction.StartsAt);
        Assert.Equal(At(at).AddDays(days), sanction.EndsAt);
        Assert.True(sanction.IsActiveAt(At(at).AddDays(days).AddTicks(-1)));
        Assert.False(sanction.IsActiveAt(At(at).AddDays(days)));
        Assert.Same(sanction, Assert.Single(s.Deductions).Sanction);
    }

    [Fact]
    public void Pinduoduo_12_points_shield_the_store_restrict_listing_and_warn_publicly()
    {
        var history = new List<Violation>
        {
            V("p1", "PLATFORM_INTERVENTION_PENALTY", "2024-02-01 10:00", assessed: 5),
            V("p2", "PLATFORM_INTERVENTION_PENALTY", "2024-03-01 10:00", assessed: 4),
        };
        Assert.Empty(Standing(Pdd, history).Sanctions);
        history.Add(V("p3", "PLATFORM_INTERVENTION_PENALTY", "2024-04-01 10:00", assessed: 3));
        var s = Standing(Pdd, history);
        Assert.Equal(12, s.Current.Total);
        var sanction = Assert.Single(s.Sanctions);
        Assert.Equal([SanctionAction.ShieldStore, SanctionAction.RestrictListing, SanctionAction.PublicWarning], sanction.Actions);
        Assert.Equal(At("2024-04-01 10:00"), sanction.StartsAt);
    }

    [Fact]
    public void Assessed_points_are_required_and_bounded_where_the_rule_says_so()
    {
        var e = Assert.Throws<InvalidCaseException>(() => Standing(Pdd,
            [V("p1", "PLATFORM_INTERVENTION_PENALTY", "2024-02-01 10:00"), V("p2", "PLATFORM_INTERVENTION_PENALTY", "2024-02-02 10:00", assessed: 13),
             V("p3", "HARASSMENT_ORDINARY", "2024-02-03 10:00", assessed: 1)]));
        Assert.Equal(["history[0].assessedPoints", "history[1].assessedPoints", "history[2].assessedPoints"], e.Violations.Select(v => v.Field));
    }

    // --- Preview ---

    [Fact]
    public void Preview_says_what_a_violation_would_cost_and_changes_nothing()
    {
        var history = Series("MISDESCRIBED_SEVERE", 3);
        var copy = history.ToList();
        var p = PenaltyPointsCalculator.Preview(Catalog, Tmall, history, V("new", "MISDESCRIBED_SEVERE", "2024-11-01 10:00"), AsOf);
        Assert.Equal("4th MISDESCRIBED_SEVERE: serious, 12", p.Deduction!.Explanation);
        Assert.False(p.AlreadyInHistory);
        Assert.Equal(12, p.StandingAfter.Current.Serious);
        Assert.Equal(copy, history);
    }

    [Fact]
    public void Preview_of_a_case_already_in_the_history_counts_it_once()
    {
        var history = Series("INVOICE", 2);
        var p = PenaltyPointsCalculator.Preview(Catalog, Tmall, history, history[1], AsOf);
        Assert.True(p.AlreadyInHistory);
        Assert.Equal(12, p.StandingAfter.Current.General);
        Assert.Empty(p.NewSanctions);
    }

    [Fact]
    public void Preview_refuses_a_history_entry_with_an_unknown_code_even_when_the_violation_repeats_its_case()
    {
        // The violation (earlier, same case id) would make the history's entry a duplicate that does not count.
        var e = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Tmall,
            [V("C1", "NOT_A_CODE", "2024-06-01 10:00")], V("C1", "MISDESCRIBED_MINOR", "2024-05-01 10:00"), AsOf));
        Assert.Contains("unknown violation code 'NOT_A_CODE'", Assert.Single(e.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_names_the_violation_problems_by_the_violation_and_the_history_ones_by_their_entry()
    {
        var unknown = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Tmall,
            Series("INVOICE", 1), V("new", "NOPE", "2024-11-01 10:00"), AsOf));
        Assert.Equal("violation.code", Assert.Single(unknown.Violations).Field);
        var unassessed = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Pdd,
            [V("p1", "PLATFORM_INTERVENTION_PENALTY", "2024-02-01 10:00", assessed: 5)], V("p2", "PLATFORM_INTERVENTION_PENALTY", "2024-03-01 10:00"), AsOf));
        Assert.Equal(("violation.assessedPoints", "is required for PLATFORM_INTERVENTION_PENALTY"), (Assert.Single(unassessed.Violations).Field, unassessed.Violations[0].Description));
        var fixedPoints = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Tmall,
            [], V("new", "INVOICE", "2024-11-01 10:00", assessed: 2), AsOf));
        Assert.Equal("violation.assessedPoints", Assert.Single(fixedPoints.Violations).Field);
        var both = Assert.Throws<InvalidCaseException>(() => PenaltyPointsCalculator.Preview(Catalog, Tmall,
            [V("old", "NOPE", "2024-03-01 10:00")], V("new", "NOPE_EITHER", "2024-11-01 10:00"), AsOf));
        Assert.Equal(["history[0].code", "violation.code"], both.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Preview_reports_the_sanction_the_violation_would_trigger()
    {
        var p = PenaltyPointsCalculator.Preview(Catalog, Tmall, Series("MISDESCRIBED_SEVERE", 6), V("7", "MISDESCRIBED_SEVERE", "2024-11-01 10:00"), AsOf);
        Assert.Equal([SanctionAction.Clearance], Assert.Single(p.NewSanctions).Actions);
    }

    [Fact]
    public void Invalid_history_entries_are_listed_with_their_fields()
    {
        var e = Assert.Throws<InvalidCaseException>(() => Standing(Tmall,
            [new Violation { CaseId = "", Code = "INVOICE", OccurredAt = default }, V("ok", "NO_SUCH_CODE", "2024-01-05 10:00")]));
        Assert.Equal(["history[0].caseId", "history[0].occurredAt"], e.Violations.Select(v => v.Field));
        var unknown = Assert.Throws<InvalidCaseException>(() => Standing(Tmall, [V("ok", "NO_SUCH_CODE", "2024-01-05 10:00")]));
        Assert.Contains("unknown violation code 'NO_SUCH_CODE'", Assert.Single(unknown.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_violation_whose_year_has_no_successor_is_invalid_not_a_crash()
    {
        var late = new Violation { CaseId = "far", Code = "INVOICE", OccurredAt = new DateTimeOffset(9999, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)) };
        var e = Assert.Throws<InvalidCaseException>(() => Standing(Tmall, [late]));
        Assert.Equal("history[0].occurredAt", Assert.Single(e.Violations).Field);
        Assert.Contains("before 9990-01-01", e.Violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_violation_before_any_version_is_a_typed_error()
    {
        var e = Assert.Throws<RuleResolutionException>(() => Standing(Pdd, [V("h", "HARASSMENT_ORDINARY", "2022-05-01 10:00")]));
        Assert.Equal(RuleResolutionError.NoVersionInForce, e.Error);
    }
}
