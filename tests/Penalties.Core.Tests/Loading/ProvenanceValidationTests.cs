using System.Text.Json.Nodes;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>Every parameter and effective date has provenance: a seeds source with its clause, or an assumption with a note.</summary>
public class ProvenanceValidationTests
{
    private const string FileName = "x/v1.json";

    /// <summary>Index of the provenance entry of tmall.late-shipment v1 whose fields include <paramref name="field"/>.</summary>
    private static int EntryCovering(JsonNode doc, string field) =>
        doc["provenance"]!.AsArray().Select((e, i) => (e, i)).Single(x => x.e!["fields"]!.AsArray().Any(f => (string)f! == field)).i;

    [Fact]
    public void A_parameter_not_covered_by_any_provenance_entry_is_reported_at_the_parameter()
    {
        var result = LoadChanged(TmallLate, d => d.Remove($"provenance[{EntryCovering(d, "parameters.rounding")}]"));
        AssertOnlyError(result, FileName, "parameters.rounding", "no provenance entry covers this field");
    }

    [Fact]
    public void An_uncovered_effective_from_is_reported()
    {
        var result = LoadChanged(TmallLate, d => d.Remove($"provenance[{EntryCovering(d, "effectiveFrom")}]"));
        AssertOnlyError(result, FileName, "effectiveFrom", "no provenance entry covers this field");
    }

    [Fact]
    public void Closing_a_version_with_effective_to_needs_no_provenance_of_its_own()
    {
        // The successor's effectiveFrom, which has provenance, is what sets it.
        var result = LoadChanged(TmallLate, d => d.Set("effectiveTo", "2030-01-01"));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void A_parameter_added_without_provenance_is_reported()
    {
        // platformLiability is optional for late shipment; adding it needs its own provenance.
        var result = LoadChanged(TmallLate, d => d.Set("parameters.platformLiability",
            new JsonObject { ["multipleOfBuyerPayout"] = 1, ["onlyIfNotPaidBeforeJudgment"] = true }));
        AssertOnlyError(result, FileName, "parameters.platformLiability", "no provenance entry covers this field");
    }

    [Fact]
    public void A_parent_path_covers_its_members_and_a_member_path_covers_its_parent()
    {
        // tmall.late-shipment v1 covers parameters.payout by its members; replacing them with "parameters.payout" is as good.
        var result = LoadChanged(TmallLate, d =>
        {
            d.Set($"provenance[{EntryCovering(d, "parameters.payout.instrument")}].fields", new JsonArray("parameters.payout"));
            d.Remove($"provenance[{EntryCovering(d, "parameters.payout.pointsPerYuan")}]");
        });
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void A_provenance_field_path_that_names_no_field_is_reported_at_that_path()
    {
        var result = LoadChanged(TmallLate, d => d.At("provenance[0].fields").AsArray().Add("parameters.nope"));
        AssertOnlyError(result, FileName, "provenance[0].fields[1]", "names no field of this document: 'parameters.nope'");
    }

    [Fact]
    public void A_provenance_field_path_with_an_index_past_the_end_is_reported()
    {
        var result = LoadChanged(TmallLate, d => d.At("provenance[0].fields").AsArray().Add("parameters.compensableRefundReasons[2]"));
        AssertOnlyError(result, FileName, "provenance[0].fields[1]", "names no field of this document: 'parameters.compensableRefundReasons[2]'");
    }

    [Fact]
    public void A_provenance_field_path_with_an_index_inside_the_array_is_accepted()
    {
        var result = LoadChanged(TmallLate, d => d.At("provenance[0].fields").AsArray().Add("parameters.compensableRefundReasons[1]"));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Theory]
    [InlineData("001.txt")]
    [InlineData("001_00C6E1D50E99D581.txt")]
    [InlineData("shared/seeds/001_00c6e1d50e99d581.txt")]
    [InlineData("001_00c6e1d50e99d581.md")]
    public void A_source_that_does_not_match_the_seeds_file_pattern_is_refused(string source)
    {
        var result = LoadChanged(TmallLate, d => d.Set("provenance[1].source", source));
        AssertOnlyError(result, FileName, "provenance[1].source",
            $"must name a source file in shared/seeds such as '001_00c6e1d50e99d581.txt' (got '{source}')");
    }

    [Fact]
    public void An_assumption_without_a_note_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("provenance[0].note"));
        AssertOnlyError(result, FileName, "provenance[0].note", "missing: an assumption says what was assumed and why");
    }

    [Fact]
    public void An_assumption_with_a_blank_note_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("provenance[0].note", " "));
        AssertOnlyError(result, FileName, "provenance[0].note", "missing: an assumption says what was assumed and why");
    }

    [Fact]
    public void An_entry_with_neither_a_source_nor_an_assumption_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("provenance[1].source").Remove("provenance[1].clause").Remove("provenance[1].quote"));
        AssertOnlyError(result, FileName, "provenance[1].source", "missing: a provenance entry names its source file, or is marked as an assumption");
    }

    [Fact]
    public void An_assumption_false_without_a_source_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("provenance[0].assumption", false));
        AssertOnlyError(result, FileName, "provenance[0].source", "missing: a provenance entry names its source file, or is marked as an assumption");
    }

    [Fact]
    public void A_source_without_a_clause_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("provenance[1].clause"));
        AssertOnlyError(result, FileName, "provenance[1].clause", "missing: say which clause of the source this comes from");
    }

    [Fact]
    public void An_unknown_field_in_a_provenance_entry_is_reported()
    {
        var result = LoadChanged(TmallLate, d => d.Set("provenance[1].page", 3));
        AssertOnlyError(result, FileName, "provenance[1].page", "unknown field");
    }

    [Fact]
    public void An_entry_with_no_fields_is_refused_and_leaves_its_parameter_uncovered()
    {
        var result = LoadChanged(TmallLate, d => d.Set($"provenance[{EntryCovering(d, "parameters.rounding")}].fields", new JsonArray()));
        Assert.Equal(
            ["x/v1.json: parameters.rounding: no provenance entry covers this field", "x/v1.json: provenance[5].fields: must not be empty"],
            result.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_provenance_array_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("provenance"));
        AssertOnlyError(result, FileName, "provenance", "missing required field");
    }
}
