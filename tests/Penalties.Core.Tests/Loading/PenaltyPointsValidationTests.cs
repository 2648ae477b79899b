using System.Text.Json.Nodes;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>The violation catalog of a penalty-points rule set: codes, ladders, sanctions and thresholds.</summary>
public class PenaltyPointsValidationTests
{
    private const string FileName = "x/v1.json";

    private const string SanctionActions = "Clearance, DelistAllItems, ShieldStore, RestrictListing, PublicWarning, PlatformMayTerminate";

    [Fact]
    public void A_ladder_whose_first_step_is_not_occurrence_1_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.MISDESCRIBED_MINOR.ladder[0].fromOccurrence", 2));
        AssertOnlyError(result, FileName, "parameters.violations.MISDESCRIBED_MINOR.ladder[0].fromOccurrence",
            "the first step must start at occurrence 1 (got 2)");
    }

    [Fact]
    public void A_ladder_step_repeating_the_previous_occurrence_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.MISDESCRIBED_SEVERE.ladder[2].fromOccurrence", 2));
        AssertOnlyError(result, FileName, "parameters.violations.MISDESCRIBED_SEVERE.ladder[2].fromOccurrence",
            "steps must start at strictly increasing occurrences (2 after 2)");
    }

    [Fact]
    public void A_ladder_step_going_back_to_an_earlier_occurrence_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.MISDESCRIBED_AFFECTS_USE.ladder[1].fromOccurrence", 1));
        AssertOnlyError(result, FileName, "parameters.violations.MISDESCRIBED_AFFECTS_USE.ladder[1].fromOccurrence",
            "steps must start at strictly increasing occurrences (1 after 1)");
    }

    [Fact]
    public void An_occurrence_below_1_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.INVOICE.ladder[0].fromOccurrence", 0));
        AssertOnlyError(result, FileName, "parameters.violations.INVOICE.ladder[0].fromOccurrence", "must be at least 1 (got 0)");
    }

    [Fact]
    public void A_bad_first_step_does_not_make_the_next_step_look_like_the_first()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.MISDESCRIBED_SEVERE.ladder[0].fromOccurrence", 0));
        AssertOnlyError(result, FileName, "parameters.violations.MISDESCRIBED_SEVERE.ladder[0].fromOccurrence", "must be at least 1 (got 0)");
    }

    [Fact]
    public void Points_above_1000_are_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.INVOICE.ladder[0].points", 1001));
        AssertOnlyError(result, FileName, "parameters.violations.INVOICE.ladder[0].points", "must be within [0, 1000] (got 1001)");
    }

    [Fact]
    public void An_empty_ladder_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.INVOICE.ladder", new JsonArray()));
        AssertOnlyError(result, FileName, "parameters.violations.INVOICE.ladder", "must not be empty");
    }

    [Fact]
    public void A_lower_case_violation_code_is_refused()
    {
        // A new code needs no provenance of its own: parameters.violations is covered by the entries for its other codes.
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.late_reply", d.At("parameters.violations.INVOICE").DeepClone()));
        AssertOnlyError(result, FileName, "parameters.violations.late_reply", "violation code must be UPPER_SNAKE_CASE (got 'late_reply')");
    }

    [Fact]
    public void An_upper_snake_case_violation_code_is_accepted()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.LATE_REPLY_2", d.At("parameters.violations.INVOICE").DeepClone()));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void An_unknown_sanction_action_in_a_threshold_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.thresholds[0].sanction.actions[0]", "Ban"));
        AssertOnlyError(result, FileName, "parameters.thresholds[0].sanction.actions[0]",
            $"unknown SanctionAction value 'Ban' (expected one of: {SanctionActions})");
    }

    [Fact]
    public void An_unknown_sanction_action_in_a_violation_is_refused()
    {
        var result = LoadChanged(PddPoints, d => d.Set("parameters.violations.HARASSMENT_ESPECIALLY_SERIOUS.sanction.actions[1]", "Terminate"));
        AssertOnlyError(result, FileName, "parameters.violations.HARASSMENT_ESPECIALLY_SERIOUS.sanction.actions[1]",
            $"unknown SanctionAction value 'Terminate' (expected one of: {SanctionActions})");
    }

    [Fact]
    public void A_bad_sanction_duration_is_refused()
    {
        var result = LoadChanged(PddPoints, d => d.Set("parameters.violations.HARASSMENT_ORDINARY.sanction.duration", "3 days"));
        AssertOnlyError(result, FileName, "parameters.violations.HARASSMENT_ORDINARY.sanction.duration",
            "must be an ISO 8601 duration such as PT72H or P7D (got '3 days')");
    }

    [Fact]
    public void An_unknown_point_category_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.MISDESCRIBED_SEVERE.ladder[2].category", "Severe"));
        AssertOnlyError(result, FileName, "parameters.violations.MISDESCRIBED_SEVERE.ladder[2].category",
            "unknown PointCategory value 'Severe' (expected one of: General, Serious)");
    }

    [Fact]
    public void An_unknown_threshold_basis_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.thresholds[0].basis", "All"));
        AssertOnlyError(result, FileName, "parameters.thresholds[0].basis", "unknown ThresholdBasis value 'All' (expected one of: General, Serious, Total)");
    }

    [Fact]
    public void A_threshold_without_a_sanction_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Remove("parameters.thresholds[0].sanction"));
        AssertOnlyError(result, FileName, "parameters.thresholds[0].sanction", "missing required field");
    }

    [Fact]
    public void An_empty_violation_catalog_is_refused()
    {
        var result = LoadChanged(PddPoints, d =>
        {
            d.Set("parameters.violations", new JsonObject());
            // Keep provenance pointing at fields that exist, so that only the catalog is at fault.
            d.Set("provenance[2].fields", new JsonArray("parameters.violations"));
            d.Set("provenance[3].fields", new JsonArray("parameters.violations"));
        });
        AssertOnlyError(result, FileName, "parameters.violations", "must list at least one violation");
    }

    [Fact]
    public void A_violation_that_is_not_an_object_is_refused()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.INVOICE", 6));
        AssertOnlyError(result, FileName, "parameters.violations.INVOICE", "must be an object (got number 6)");
    }

    [Fact]
    public void The_ladder_and_thresholds_are_read_in_order()
    {
        var result = LoadChanged(TmallPointsV2, _ => { });
        var p = result.Versions[0].ParametersAs<Core.PenaltyPoints.PenaltyPointsParameters>();
        Assert.Equal([1, 2, 4], p.Violations["MISDESCRIBED_SEVERE"].Ladder.Select(s => s.FromOccurrence));
        Assert.Equal(Core.PenaltyPoints.ItemAction.DeleteItem, p.Violations["MISDESCRIBED_SEVERE"].ItemAction);
        Assert.Equal(Core.PenaltyPoints.ItemAction.None, p.Violations["INVOICE"].ItemAction);
        Assert.Equal(48, Assert.Single(p.Thresholds).Points);
    }

    [Fact]
    public void A_later_version_with_more_thresholds_than_the_first_is_counted_against_all_of_them()
    {
        // Versions of 17 and then 20 thresholds on general points (one point more each), past the 16 held on the stack.
        static System.Text.Json.Nodes.JsonNode WithThresholds(string shipped, int count)
        {
            var doc = Shipped(shipped);
            var thresholds = new System.Text.Json.Nodes.JsonArray();
            for (int i = 1; i <= count; i++)
                thresholds.Add(new System.Text.Json.Nodes.JsonObject
                {
                    ["basis"] = "General", ["points"] = 6 * i, ["description"] = $"{6 * i} general points",
                    ["sanction"] = new System.Text.Json.Nodes.JsonObject { ["actions"] = new System.Text.Json.Nodes.JsonArray("PublicWarning") },
                });
            return doc.Set("parameters.thresholds", thresholds);
        }
        var result = Load(("tmall.penalty-points/v1.json", WithThresholds("tmall.penalty-points/v1.json", 17)), ("tmall.penalty-points/v2.json", WithThresholds(TmallPointsV2, 20)));
        Assert.True(result.Ok, string.Join("; ", result.Errors.Select(e => e.Reason)));
        var catalog = result.ToCatalog();
        var at = new DateTimeOffset(2014, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        // 17 invoices under the first version (2014), 20 under the second (2015): 6 points each.
        var history = Enumerable.Range(0, 17).Select(i => new Core.PenaltyPoints.Violation { CaseId = $"a{i}", Code = "INVOICE", OccurredAt = at.AddDays(i) })
            .Concat(Enumerable.Range(0, 20).Select(i => new Core.PenaltyPoints.Violation { CaseId = $"b{i}", Code = "INVOICE", OccurredAt = at.AddYears(1).AddDays(i) }))
            .ToList();
        var standing = Core.PenaltyPoints.PenaltyPointsCalculator.Standing(catalog, "tmall.penalty-points", history, at.AddYears(2));
        Assert.Equal(17, standing.Sanctions.Count(s => s.StartsAt.Year == 2014));
        Assert.Equal(20, standing.Sanctions.Count(s => s.StartsAt.Year == 2015));
    }
}
