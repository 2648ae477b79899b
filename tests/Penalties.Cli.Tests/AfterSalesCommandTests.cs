using System.Text.Json;

using RepoRules = Penalties.Core.Tests.Rules;

namespace Penalties.Cli.Tests;

/// <summary>`penalties after-sales`, run in-process on the repository's examples and rules.</summary>
public class AfterSalesCommandTests
{
    private static readonly string Root = Path.GetDirectoryName(RepoRules.Directory)!;

    private static Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args) =>
        CliRunner.RunAsync(stdin, [.. args, "--rules", RepoRules.Directory]);

    private static string Example(string name) => File.ReadAllText(Path.Combine(Root, "examples", name));

    [Fact]
    public async Task The_Tmall_example_is_in_time_at_the_168th_hour_with_its_postage_legs()
    {
        var (code, output, error) = await Run("", "after-sales", Path.Combine(Root, "examples/after-sales.tmall.json"));
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var d = doc.RootElement;
        Assert.Equal("AFTER_SALES_OUTCOME_IN_TIME", d.GetProperty("outcome").GetString());
        Assert.Equal("2024-03-10T07:30:00Z", d.GetProperty("windowEndsAt").GetString());
        Assert.Equal("12", d.GetProperty("postage").GetProperty("buyerPays").GetProperty("units").GetString());
        Assert.Equal("PARTY_MERCHANT", d.GetProperty("postage").GetProperty("outboundPaidBy").GetString());
        Assert.Equal("tmall.after-sales", d.GetProperty("rule").GetProperty("ruleSetId").GetString());
    }

    [Fact]
    public async Task The_JD_example_explains_the_refund_after_deductions_in_text()
    {
        var (code, output, error) = await Run("", "after-sales", Path.Combine(Root, "examples/after-sales.jd.json"), "--format", "text");
        Assert.True(code == 0, error);
        Assert.Contains("order JD-20240301-0007: InTime", output, StringComparison.Ordinal);
        Assert.Contains("refund 196.50 CNY of 199.00 paid; 250 review points taken back", output, StringComparison.Ordinal);
        Assert.Contains("- 250 review points already spent ÷ 100 per CNY = 2.50 deducted from the refund", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_exits_2_naming_each_field()
    {
        var json = Example("after-sales.tmall.json")
            .Replace("\"signedForAt\": \"2024-03-03T15:30:00+08:00\"", "\"signedForAt\": \"2024-02-28T15:30:00+08:00\"", StringComparison.Ordinal)
            .Replace("\"returnPostage\": 12.00", "\"returnPostage\": -12.00", StringComparison.Ordinal);
        var (code, _, error) = await Run(json, "after-sales");
        Assert.Equal(2, code);
        Assert.Contains("invalid input: request.case.signed_for_at: must not be before orderedAt", error, StringComparison.Ordinal);
        Assert.Contains("invalid input: request.case.item.return_postage: must not be negative (got -12.00)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_platform_exits_2()
    {
        var (code, _, error) = await Run(Example("after-sales.tmall.json").Replace("\"Tmall\"", "\"Amazon\"", StringComparison.Ordinal), "after-sales");
        Assert.Equal(2, code);
        Assert.Contains("platform", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSONL_batch_answers_every_line_and_exits_2_when_one_is_refused()
    {
        var tmall = Example("after-sales.tmall.json").ReplaceLineEndings(" ");
        var jd = Example("after-sales.jd.json").ReplaceLineEndings(" ");
        var late = tmall.Replace("2024-03-10T15:30:00+08:00", "2024-03-10T15:30:01+08:00", StringComparison.Ordinal);
        var bad = jd.Replace("\"reviewPointsSpent\": 250", "\"reviewPointsSpent\": 600", StringComparison.Ordinal);
        var (code, output, error) = await Run(string.Join('\n', tmall, late, bad, jd), "after-sales", "--batch", "-", "--view", "basic");
        Assert.Equal(2, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal("AFTER_SALES_OUTCOME_IN_TIME", lines[0].GetProperty("decision").GetProperty("outcome").GetString());
        Assert.Equal("AFTER_SALES_OUTCOME_TOO_LATE", lines[1].GetProperty("decision").GetProperty("outcome").GetString());
        Assert.Equal("request.case.item.review_points_spent", lines[2].GetProperty("error").GetProperty("fieldViolations")[0].GetProperty("field").GetString());
        Assert.Equal("196", lines[3].GetProperty("decision").GetProperty("refund").GetProperty("refund").GetProperty("units").GetString());
        Assert.Contains("4 row(s): 3 decided, 1 refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CSV_batch_is_refused()
    {
        var (code, _, error) = await Run("a,b\n", "after-sales", "--batch", "-", "--csv");
        Assert.Equal(2, code);
        Assert.Contains("JSONL", error, StringComparison.Ordinal);
    }
}
