using System.Text.Json;

namespace Penalties.Services.Tests.Integration;

/// <summary>The CLI's in-process and --server modes give identical decisions for the same batch (contract test).</summary>
public class CliParityTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    /// <summary>The command line on the shipped rules folder.</summary>
    private static Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args) =>
        CliRunner.RunAsync(stdin, [.. args, "--rules", RepoPaths.Rules]);

    private static string LateCase(int i, string paidAt, string? shippedAt, string platform = "Tmall", string reason = "NotShippedInAgreedTime") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["platform"] = platform,
            ["orderId"] = $"O-{i}",
            ["paidAt"] = paidAt,
            ["lines"] = new[] { new Dictionary<string, object?> { ["lineId"] = "1", ["amount"] = 97.13m * i, ["shippedAt"] = shippedAt } },
            ["evaluatedAt"] = "2024-06-30T00:00:00+08:00",
            ["refundReason"] = reason,
        });

    /// <summary>The batch's output lines, the same in process and on the server, one per row, some refused (exit 2).</summary>
    private async Task<string[]> SameInBothModes(string command, string input, int rows)
    {
        var local = await Run(input, command, "--batch", "-");
        var remote = await Run(input, command, "--batch", "-", "--server", fixture.Host.Address);
        Assert.Equal(2, local.Code);
        Assert.Equal(local.Code, remote.Code);
        var localLines = local.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows, localLines.Length);
        Assert.Equal(localLines, remote.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return localLines;
    }

    private static string ReturnCase(int i, string platform, string requestedAt, bool dateOnly) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["platform"] = platform,
            ["orderId"] = $"R-{i}",
            ["kind"] = i % 2 == 0 ? "Return" : "Exchange",
            ["orderedAt"] = "2024-03-01T10:00:00+08:00",
            [dateOnly ? "signedForDate" : "signedForAt"] = dateOnly ? "2024-03-03" : "2024-03-03T15:30:00+08:00",
            ["requestedAt"] = requestedAt,
            ["merchantAnsweredAt"] = i % 3 == 0 ? "2024-03-12T00:00:00+08:00" : null,
            ["item"] = new Dictionary<string, object?>
            {
                ["freeShipping"] = i % 4 == 0, ["outboundPostage"] = 0.07m * i, ["returnPostage"] = 0.11m * i, ["paidAmount"] = 1.99m * i,
                ["reviewPoints"] = 10 * i, ["reviewPointsSpent"] = 3 * i,
            },
        });

    [Fact]
    public async Task After_sales_batches_give_identical_results_in_process_and_on_the_server()
    {
        string[] platforms = ["Tmall", "Taobao", "Jd", "Pinduoduo"];
        var lines = Enumerable.Range(1, 120).Select(i => (i % 5) switch
        {
            0 => ReturnCase(i, platforms[i % 4], "2024-03-10T15:30:00.0000001+08:00", dateOnly: false), // one tick late (168 h)
            1 => ReturnCase(i, platforms[i % 4], "2024-03-11T00:00:00+08:00", dateOnly: true),          // date only: the last instant
            2 => ReturnCase(i, platforms[i % 4], "2024-03-02T00:00:00+08:00", dateOnly: false),         // before the sign-for: invalid
            3 => ReturnCase(i, platforms[i % 4], "2022-03-10T00:00:00+08:00", dateOnly: false),         // invalid or no rule in force
            _ => ReturnCase(i, platforms[i % 4], "2024-03-05T09:00:00+08:00", dateOnly: i % 2 == 0),
        }).ToList();
        var localLines = await SameInBothModes("after-sales", string.Join('\n', lines), 120);
        Assert.Contains(localLines, l => l.Contains("AFTER_SALES_OUTCOME_TOO_LATE", StringComparison.Ordinal));
        Assert.Contains(localLines, l => l.Contains("\"autoAgreedAt\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Late_shipment_batches_give_identical_results_in_process_and_on_the_server()
    {
        var lines = new List<string>();
        for (int i = 1; i <= 300; i++)
        {
            lines.Add((i % 7) switch
            {
                0 => LateCase(i, "2024-03-01T10:00:00+08:00", null),                                    // unshipped: out of stock
                1 => LateCase(i, "2024-03-01T10:00:00+08:00", "2024-03-02T10:00:00+08:00"),             // on time
                2 => LateCase(i, "2022-03-01T10:00:00+08:00", "2022-03-08T10:00:00+08:00", "Taobao"),   // old Taobao rule
                3 => LateCase(i, "2011-03-01T10:00:00+08:00", "2011-03-08T10:00:00+08:00"),             // no version in force
                4 => LateCase(i, "2024-03-01T10:00:00+08:00", "2024-03-05T10:00:00+08:00", reason: "Other"),
                5 => "{\"platform\":\"Tmall\",\"orderId\":\"\",\"lines\":[],\"evaluatedAt\":\"2024-06-30T00:00:00+08:00\",\"refundReason\":\"Other\"}", // invalid
                _ => LateCase(i, "2024-03-01T10:00:00+08:00", "2024-03-04T10:00:00.0000001+08:00"),     // one tick late
            });
        }
        var input = string.Join('\n', lines);
        var localLines = await SameInBothModes("late-shipment", input, 300);
        Assert.Contains(localLines, l => l.Contains("\"code\": 9", StringComparison.Ordinal)); // FAILED_PRECONDITION items are there

        // The basic view: the same in both modes, and each decision is the full one without its steps.
        var localBasic = await Run(input, "late-shipment", "--batch", "-", "--view", "basic");
        var remoteBasic = await Run(input, "late-shipment", "--batch", "-", "--view", "basic", "--server", fixture.Host.Address);
        var basicLines = localBasic.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(basicLines, remoteBasic.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(300, basicLines.Length);
        Assert.DoesNotContain(basicLines, l => l.Contains("\"text\"", StringComparison.Ordinal)); // no step is rendered
        Assert.Contains(localLines, l => l.Contains("\"text\"", StringComparison.Ordinal));
        Assert.Equal(localLines.Select(WithoutSteps), basicLines.Select(WithoutSteps));
        Assert.Equal(2, (await Run("", "late-shipment", "--view", "short")).Code);
    }

    /// <summary>A result line with every "steps" property removed, re-serialized compactly.</summary>
    private static string WithoutSteps(string line)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(line)!;
        void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            if (n is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("steps");
                foreach (var (_, child) in o) Strip(child);
            }
            else if (n is System.Text.Json.Nodes.JsonArray a)
            {
                foreach (var child in a) Strip(child);
            }
        }
        Strip(node);
        return node.ToJsonString();
    }

    [Fact]
    public async Task Price_match_single_cases_give_identical_decisions_in_process_and_on_the_server()
    {
        var file = Path.Combine(RepoPaths.Root, "examples/price-match.jd.json");
        var local = await Run("", "price-match", file);
        var remote = await Run("", "price-match", file, "--server", fixture.Host.Address);
        Assert.Equal(0, local.Code);
        Assert.Equal(local.Out, remote.Out);
        var text = await Run("", "price-match", file, "--server", fixture.Host.Address, "--format", "text");
        Assert.Contains("2 × 150.00 = 300.00", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_show_on_the_server_names_the_same_version_and_hash_as_in_process()
    {
        var local = await Run("", "rules", "show", "jd.price-match", "1");
        var remote = await Run("", "rules", "show", "jd.price-match", "1", "--server", fixture.Host.Address);
        Assert.Equal((0, 0), (local.Code, remote.Code));
        using var l = JsonDocument.Parse(local.Out);
        using var r = JsonDocument.Parse(remote.Out);
        Assert.Equal(l.RootElement.GetProperty("contentHash").GetString(), r.RootElement.GetProperty("summary").GetProperty("rule").GetProperty("contentHash").GetString());
        Assert.Equal(l.RootElement.GetProperty("provenance").GetArrayLength(), r.RootElement.GetProperty("provenance").GetArrayLength());
    }

    [Fact]
    public async Task Rules_list_and_resolve_on_the_server_match_in_process()
    {
        var local = await Run("", "rules", "list");
        var remote = await Run("", "rules", "list", "--server", fixture.Host.Address);
        Assert.Equal((0, 0), (local.Code, remote.Code));
        Assert.Equal(local.Out, remote.Out);
        var resolved = await Run("", "rules", "resolve", "taobao.late-shipment", "2022-12-31T23:59:59+08:00", "--server", fixture.Host.Address);
        Assert.Equal(0, resolved.Code);
        Assert.Contains("\"version\": 1", resolved.Out, StringComparison.Ordinal);
        var none = await Run("", "rules", "resolve", "jd.price-match", "2020-01-01T00:00:00+08:00", "--server", fixture.Host.Address);
        Assert.Equal(3, none.Code);
    }

    [Fact]
    public async Task Standing_on_the_server_gives_the_same_deductions_as_in_process()
    {
        var file = Path.Combine(RepoPaths.Root, "examples/standing.tmall.json");
        var remote = await Run("", "standing", file, "--server", fixture.Host.Address, "--format", "text");
        Assert.Equal(0, remote.Code);
        Assert.Contains("4th MISDESCRIBED_SEVERE: serious, 12", remote.Out, StringComparison.Ordinal);
        var local = await Run("", "standing", file, "--format", "text");
        Assert.Equal(local.Out, remote.Out);                                   // the same text in both modes
        Assert.Contains("C-5: not counted (REVOKED)", remote.Out, StringComparison.Ordinal);
        var localJson = await Run("", "standing", file);
        var remoteJson = await Run("", "standing", file, "--server", fixture.Host.Address);
        Assert.Equal(localJson.Out, remoteJson.Out);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error_with_exit_code_1()
    {
        var file = Path.Combine(RepoPaths.Root, "examples/late-shipment.tmall.json");
        var (code, _, error) = await Run("", "late-shipment", file, "--server", "http://127.0.0.1:1");
        Assert.Equal(1, code);
        Assert.Contains("Unavailable", error, StringComparison.Ordinal);
    }
}
