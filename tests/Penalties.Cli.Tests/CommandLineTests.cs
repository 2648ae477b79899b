using System.Text.Json;
using Penalties.Cli;

using RepoRules = Penalties.Core.Tests.Rules;

namespace Penalties.Cli.Tests;

/// <summary>The `penalties` command, run in-process on the repository's examples and rules.</summary>
public class CommandLineTests
{
    private static readonly string Root = Path.GetDirectoryName(RepoRules.Directory)!;

    /// <summary>The command with the repository's rules.</summary>
    private static Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args) =>
        CliRunner.RunAsync(stdin, [.. args, "--rules", RepoRules.Directory]);

    [Theory]
    [InlineData("late-shipment", "examples/late-shipment.tmall.json", "buyerPayout", "450")]
    [InlineData("price-match", "examples/price-match.jd.json", "payout", "300")]
    public async Task The_examples_evaluate_to_the_documented_answer(string command, string file, string field, string expectedUnits)
    {
        var (code, output, error) = await Run("", command, Path.Combine(Root, file));
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var money = doc.RootElement.GetProperty(field);
        Assert.Equal(("CNY", expectedUnits, 0), (money.GetProperty("currencyCode").GetString(), money.GetProperty("units").GetString(), money.GetProperty("nanos").GetInt32()));
        Assert.StartsWith("sha256:", doc.RootElement.GetProperty("rule").GetProperty("contentHash").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_rules_the_bundled_rule_data_beside_the_command_is_used()
    {
        var (code, output, error) = await CliRunner.RunAsync("", "late-shipment", Path.Combine(Root, "examples/late-shipment.tmall.json"), "--format", "text");
        Assert.True(code == 0, error);
        Assert.Contains("buyer receives 450.00 CNY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standing_example_shows_the_4th_deduction_as_serious_in_text()
    {
        var (code, output, _) = await Run("", "standing", Path.Combine(Root, "examples/standing.tmall.json"), "--format", "text");
        Assert.Equal(0, code);
        Assert.Contains("4th MISDESCRIBED_SEVERE: serious, 12", output, StringComparison.Ordinal);
        Assert.Contains("C-5: not counted (REVOKED)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_is_read_from_stdin()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(Root, "examples/late-shipment.tmall.json"));
        var (code, output, _) = await Run(json, "late-shipment", "-", "--format", "text");
        Assert.Equal(0, code);
        Assert.Contains("30% × 1,500.00 = 450.00", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_input_names_the_line_and_field_and_exits_2()
    {
        var json = "{\n  \"platform\": \"Tmall\",\n  \"orderId\": \"x\",\n  \"paidAt\": \"not a time\"\n}";
        var (code, _, error) = await Run(json, "late-shipment");
        Assert.Equal(2, code);
        Assert.Equal("invalid input: stdin: line 4: request.case.paid_at: 'not a time' is not an instant: use ISO 8601 with an offset, e.g. 2024-03-01T10:00:00+08:00 or 2024-03-01T02:00:00Z",
            error.Trim());
    }

    [Fact]
    public async Task An_instant_without_an_offset_is_refused_rather_than_read_in_the_machines_zone()
    {
        var json = (await File.ReadAllTextAsync(Path.Combine(Root, "examples/late-shipment.tmall.json")))
            .Replace("\"2024-03-01T10:00:00+08:00\"", "\"2024-03-01T10:00:00\"", StringComparison.Ordinal);
        var (code, _, error) = await Run(json, "late-shipment");
        Assert.Equal(2, code);
        Assert.Contains("request.case.paid_at: '2024-03-01T10:00:00' is not an instant", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_fields_in_a_case_are_refused()
    {
        var (code, _, error) = await Run("{\"platform\":\"Tmall\",\"bonus\":1}", "late-shipment");
        Assert.Equal(2, code);
        Assert.Contains("bonus", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_cases_print_every_field_violation_and_exit_2()
    {
        var json = """{"platform":"Tmall","orderId":"","lines":[{"lineId":"1","amount":-1}],"evaluatedAt":"2024-03-01T00:00:00+08:00","refundReason":"Other"}""";
        var (code, _, error) = await Run(json, "late-shipment");
        Assert.Equal(2, code);
        Assert.Contains("invalid input: request.case.order_id: is required", error, StringComparison.Ordinal);
        Assert.Contains("invalid input: request.case.paid_at:", error, StringComparison.Ordinal);
        Assert.Contains("invalid input: request.case.lines[0].amount: must not be negative", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_version_in_force_exits_3()
    {
        var json = (await File.ReadAllTextAsync(Path.Combine(Root, "examples/price-match.jd.json"))).Replace("2024-06-18", "2022-06-18", StringComparison.Ordinal);
        var (code, _, error) = await Run(json, "price-match");
        Assert.Equal(3, code);
        Assert.Contains("FailedPrecondition: no version of rule set 'jd.price-match' is in force at 2022-06-18 09:15:00", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_version_is_used_and_a_wrong_hash_is_refused()
    {
        var file = Path.Combine(Root, "examples/late-shipment.tmall.json");
        var hash = RepoRules.Catalog.Pinned(new Core.Rules.RulePin("tmall.late-shipment", 1)).ContentHash;
        Assert.Equal(0, (await Run("", "late-shipment", file, "--pin", $"tmall.late-shipment@1#{hash}")).Code);
        var (code, _, error) = await Run("", "late-shipment", file, "--pin", "tmall.late-shipment@1#sha256:00");
        Assert.Equal(3, code);
        Assert.Contains("FailedPrecondition: rule set 'tmall.late-shipment' version 1 has content hash", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"rate\": 0.30", "\"rate\": 1.30",
        "a.json: parameters.compensation.late.rate: rate must be within [0, 1] (got 1.30)|a.json: parameters.compensation.outOfStock.rate: rate must be within [0, 1] (got 1.30)")]
    [InlineData("\"title\": \"", "\"title\": \"\\ud800", "a.json: title: text that is not valid UTF-16")] // unreadable text: reported, not a crash
    public async Task Rules_validate_reports_every_problem_with_file_and_field(string find, string replace, string expected)
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var text = await File.ReadAllTextAsync(Path.Combine(RepoRules.Directory, "tmall.late-shipment/v1.json"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "a.json"), text.Replace(find, replace, StringComparison.Ordinal));
            var (code, _, error) = await CliRunner.RunAsync("", "rules", "validate", "--rules", dir.FullName);
            Assert.Equal(2, code);
            Assert.All(expected.Split('|'), e => Assert.Contains(e, error, StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_batch_writes_one_result_per_line_reports_bad_lines_with_their_number_and_exits_2()
    {
        var good = (await File.ReadAllTextAsync(Path.Combine(Root, "examples/late-shipment.tmall.json"))).ReplaceLineEndings(" ");
        var invalid = good.Replace("\"orderId\": \"T-20240301-0001\"", "\"orderId\": \"\"", StringComparison.Ordinal);
        var input = string.Join('\n', good, "{ \"platform\": \"Mars\" }", "", invalid, good);
        var (code, output, error) = await Run(input, "late-shipment", "--batch", "-");
        Assert.Equal(2, code);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1, 2, 4, 5], results.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal(["decision", "error", "error", "decision"], results.Select(r => r.EnumerateObject().ElementAt(1).Name));
        Assert.Contains("stdin: line 2: request.case.platform:", error, StringComparison.Ordinal);
        Assert.Contains("stdin: line 4: request.case.order_id: is required", error, StringComparison.Ordinal);
        Assert.Equal("Mars", results[1].GetProperty("platform").GetString());                // an error row keeps what identifies it
        Assert.DoesNotContain("\r", error, StringComparison.Ordinal);                      // no progress bar when stderr is not a terminal
        Assert.Contains("4 row(s): 2 decided, 2 refused", error, StringComparison.Ordinal);
        Assert.Contains("  outcome Compensable: 2 case(s), buyers receive 900.00 CNY", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_show_prints_one_version_with_its_hash_parameters_and_provenance()
    {
        var (code, output, _) = await Run("", "rules", "show", "taobao.late-shipment", "1");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(RepoRules.Catalog.Pinned(new Core.Rules.RulePin("taobao.late-shipment", 1)).ContentHash, root.GetProperty("contentHash").GetString());
        Assert.Equal(1, root.GetProperty("parameters").GetProperty("platformLiability").GetProperty("multipleOfBuyerPayout").GetInt32());
        Assert.Contains(root.GetProperty("provenance").EnumerateArray(), p => p.GetProperty("assumption").GetBoolean());
        var (missing, _, error) = await Run("", "rules", "show", "taobao.late-shipment", "9");
        Assert.Equal(3, missing);
        Assert.Contains("has no version 9", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_shipment_CSV_batch_groups_lines_into_orders_and_writes_one_row_per_order_line()
    {
        var csv = await File.ReadAllTextAsync(Path.Combine(Root, "examples/late-shipment.batch.csv"));
        var (code, output, error) = await Run(csv, "late-shipment", "--batch", "-", "--csv");
        Assert.True(code == 0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',')).ToList();
        Assert.Equal(Csv.ResultHeader, string.Join(',', rows[0]));
        Assert.Equal(["2", "3", "4", "5"], rows.Skip(1).Select(r => r[0]));                      // one row per input row
        // line, platform, merchant, order, line id, currency, outcome, buyer payout, points
        Assert.Equal(["2", "Tmall", "", "T-1", "1", "CNY", "Compensable", "450.00", "45000"], rows[1][..9]);
        Assert.Equal(["3", "Tmall", "", "T-1", "2", "CNY", "NotLate", "0.00"], rows[2][..8]);         // the order's on-time line
        Assert.Equal(("B-7", "100.00", "taobao.late-shipment", "2"), (rows[3][3], rows[3][7], rows[3][11], rows[3][12]));
        Assert.Equal(("T-2", "500.00"), (rows[4][3], rows[4][7]));                                  // never shipped: out of stock, capped
        Assert.Contains("OUT_OF_STOCK_NOT_SHIPPED_AFTER_LATE", rows[4][14], StringComparison.Ordinal);
        Assert.Contains("4 row(s): 4 decided, 0 refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_CSV_row_is_reported_with_its_line_and_column_and_the_rest_is_decided()
    {
        var csv = "platform,order_id,paid_at,line_id,amount,shipped_at,evaluated_at,refund_reason\n"
            + "Tmall,T-1,2024-03-01T10:00:00+08:00,1,abc,2024-03-05T09:30:00+08:00,2024-03-06T12:00:00+08:00,NotShippedInAgreedTime\n"
            + "Tmall,T-2,2024-03-01T10:00:00+08:00,1,\"1,500.00\",2024-03-05T09:30:00+08:00,2024-03-06T12:00:00+08:00,NotShippedInAgreedTime\n";
        var (code, output, error) = await Run(csv, "late-shipment", "--batch", "-", "--csv");
        Assert.Equal(2, code);
        Assert.Contains("stdin: line 2: request.case.lines[0].amount: 'abc' is not a number", error, StringComparison.Ordinal);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("2,Tmall,,T-1,1,,,,,,,,,,,3,", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("3,Tmall,,T-2,1,CNY,Compensable,450.00,", rows[2], StringComparison.Ordinal); // quoted "1,500.00" read as one field
        var unknown = await Run("platform,bonus\nTmall,1\n", "late-shipment", "--batch", "-", "--csv");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("line 1: bonus: unknown column", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_match_CSV_row_carries_attributes_and_payments_in_cells()
    {
        var csv = "order_id,merchant_type,enrolled_from,item_has_badge,item_attributes,ordered_at,claimed_at,payments,comparison_platform,comparison_paid_amount,comparison_monthly_sales,comparison_attributes\n"
            + "JD-1,ThirdParty,2024-01-01T00:00:00+08:00,true,brand=Apple;name=iPhone 15;model=A3092,2024-06-18T09:15:00+08:00,2024-06-18T21:40:00+08:00,"
            + "Cash:5899.00;JdBeans:10000;Coupon:300.00,PinduoduoTenBillionSubsidy,5849.00,2300,brand=Apple;name=iPhone 15;model=A3092\n";
        var (code, output, error) = await Run(csv, "price-match", "--batch", "-", "--csv");
        Assert.True(code == 0, error);
        var row = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(',');
        Assert.Equal(("JD-1", "Payable", "300.00"), (row[3], row[6], row[7]));
    }

    [Fact]
    public async Task Help_describes_every_command_and_each_has_its_own()
    {
        var (code, output, _) = await Run("", "--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "late-shipment", "price-match", "after-sales", "standing", "rules", "--server", "--version" })
            Assert.Contains(command, output, StringComparison.Ordinal);
        (code, output, _) = await Run("", "rules", "--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "list", "validate", "show", "resolve", "publish" })
            Assert.Contains(command, output, StringComparison.Ordinal);
        (_, output, _) = await Run("", "late-shipment", "--help");
        foreach (var option in new[] { "--batch", "--server", "--money <decimal|proto>", "--view <basic|full>", "--csv" })
            Assert.Contains(option, output, StringComparison.Ordinal);
        (code, output, _) = await CliRunner.RunAsync("", "--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task The_admin_token_is_never_taken_from_the_command_line()
    {
        var (code, output, error) = await Run("", "rules", "publish", RepoRules.Directory, "--server", "http://127.0.0.1:1", "--token", "secret-on-the-command-line");
        Assert.Equal(2, code);
        Assert.Contains("--token is not accepted", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-on-the-command-line", output + error, StringComparison.Ordinal);

        var missing = Path.Combine(Path.GetTempPath(), $"penalties-no-token-{Guid.NewGuid():N}");
        (code, _, error) = await Run("", "rules", "publish", RepoRules.Directory, "--server", "http://127.0.0.1:1", "--token-file", missing);
        Assert.Equal(2, code);
        Assert.Contains("cannot read the token file", error, StringComparison.Ordinal);

        (_, output, _) = await Run("", "rules", "publish", "--help");
        Assert.Contains("--token-file <FILE>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--token TOKEN", output, StringComparison.Ordinal);
    }
}
