using System.Text;
using FsCheck.Xunit;
using RepoRules = Penalties.Core.Tests.Rules;

namespace Penalties.Cli.Tests;

/// <summary>Streamed batches: one output row per input row, resync after a bad row, bounded memory, one-line user errors.</summary>
public class BatchStreamingTests
{
    private const string Header = "merchant_id,platform,order_id,paid_at,line_id,amount,shipped_at,evaluated_at,refund_reason";

    private static string Row(int i, string amount = "1500.00") =>
        $"M-{i % 7},Tmall,T-{i},2024-03-01T10:00:00+08:00,1,{amount},2024-03-05T09:30:00+08:00,2024-03-06T12:00:00+08:00,NotShippedInAgreedTime";

    private static Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args) =>
        CliRunner.RunAsync(stdin, [.. args, "--rules", RepoRules.Directory]);

    [Fact]
    public async Task An_unterminated_quote_refuses_its_row_only_and_reading_goes_on_at_the_next_line()
    {
        var file = Path.Combine(Path.GetTempPath(), $"penalties-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, string.Join('\n', Header, Row(1), Row(2, "\"1500.00"), Row(3, "\"1,500.00\""), Row(4)) + "\n");
        try
        {
            var (code, output, error) = await Run("", "late-shipment", "--batch", file, "--csv");
            Assert.Equal(2, code);
            Assert.Contains($"{file}: line 3: request.case.lines[0].amount: a quote is not closed on its line", error, StringComparison.Ordinal);
            var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
            Assert.Equal(["2", "3", "4", "5"], rows.Skip(1).Select(r => r[0]));
            Assert.Equal(["Compensable", "", "Compensable", "Compensable"], rows.Skip(1).Select(r => r[6]));
            Assert.Equal(("M-2", "T-2", "3"), (rows[2][2], rows[2][3], rows[2][15]));   // the refused row keeps its identity
            Assert.Contains("4 row(s): 3 decided, 1 refused", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Property(MaxTest = 25)]
    public bool N_rows_in_give_N_rows_out_whatever_rows_are_bad(byte[] kinds)
    {
        var input = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < kinds.Length; i++)
        {
            input.Append((kinds[i] % 5) switch
            {
                0 => Row(i, "\"12"),         // open quote
                1 => Row(i, "abc"),          // not a number
                2 => "x,\"y\"z,",            // garbage
                _ => Row(i),
            }).Append('\n');
        }
        var (_, output, _) = Run(input.ToString(), "late-shipment", "--batch", "-", "--csv").GetAwaiter().GetResult();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => int.Parse(l[..l.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
        return lines.SequenceEqual(Enumerable.Range(2, kinds.Length));
    }

    /// <summary>Generates the rows on demand, so the input itself takes no memory.</summary>
    private sealed class GeneratedRows(int count) : TextReader
    {
        private int _next = -1;

        public override string? ReadLine() => _next++ < 0 ? Header : _next <= count ? Row(_next) : null;

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
    }

    /// <summary>Discards what is written and samples the managed heap every 10,000 lines.</summary>
    private sealed class HeapSampler : TextWriter
    {
        public long Lines { get; private set; }
        public long Peak { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            if (++Lines % 10_000 == 0) Peak = Math.Max(Peak, GC.GetTotalMemory(forceFullCollection: true));
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Two_hundred_thousand_rows_stream_through_in_bounded_memory()
    {
        var output = new HeapSampler();
        int code = await CommandLine.RunAsync(["late-shipment", "--batch", "-", "--csv", "--view", "basic", "--rules", RepoRules.Directory], new GeneratedRows(200_000), output, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Equal(200_001, output.Lines);                     // the header and one row per input row
        Assert.InRange(output.Peak, 1, 64L * 1024 * 1024);       // the whole batch held at once would be far more
    }

    [Theory]
    [InlineData("missing batch file", "late-shipment|--batch|/nonexistent/batch.jsonl", "invalid input: /nonexistent/batch.jsonl: no such file")]
    [InlineData("instant without offset", "rules|resolve|tmall.late-shipment|2024-03-01T10:00:00", "invalid input: rules resolve INSTANT: '2024-03-01T10:00:00' is not an instant")]
    [InlineData("server without scheme nor host", "rules|list|--server|http://", "invalid input: --server: 'http://' is not a server address")]
    [InlineData("unknown option", "late-shipment|--bonus", "unknown option '--bonus'")]
    public async Task A_user_error_is_one_line_and_exit_2(string what, string args, string expected)
    {
        var (code, output, error) = await Run("", args.Split('|'));
        Assert.True(code == 2, what);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    private const string Case = """{"platform": "Tmall", "orderId": "T-1", "paidAt": "2024-03-01T10:00:00+08:00", "lines": [{"lineId": "1", "amount": 1500.00, "shippedAt": "2024-03-05T09:30:00+08:00"}], "evaluatedAt": "2024-03-06T12:00:00+08:00", "refundReason": "NotShippedInAgreedTime"}""";

    [Theory]
    [InlineData("\"orderId\": \"T-1\"", "\"orderId\": null", "request.case.order_id")]
    [InlineData("\"lines\": [{\"lineId\": \"1\", \"amount\": 1500.00, \"shippedAt\": \"2024-03-05T09:30:00+08:00\"}]", "\"lines\": null", "request.case.lines")]
    public async Task A_null_field_in_a_JSONL_batch_refuses_its_row_as_required(string field, string nulled, string path)
    {
        var file = Path.Combine(Path.GetTempPath(), $"penalties-{Guid.NewGuid():N}.jsonl");
        Assert.Contains(field, Case, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, Case + "\n" + Case.Replace(field, nulled, StringComparison.Ordinal) + "\n");
        try
        {
            var (code, output, error) = await Run("", "late-shipment", "--batch", file);
            Assert.True(code == 2, error);
            var refused = Assert.Single(error.Split('\n'), l => l.StartsWith($"{file}: line ", StringComparison.Ordinal));
            Assert.Equal($"{file}: line 2: {path}: is required", refused);
            var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, results.Length);
            Assert.StartsWith("{\"line\":2,\"error\":", results[1], StringComparison.Ordinal);
            Assert.Contains("2 row(s): 1 decided, 1 refused", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_server_given_as_host_and_port_is_read_as_http()
    {
        var (code, _, error) = await Run("", "rules", "list", "--server", "127.0.0.1:1");
        Assert.Equal(1, code);                                   // reached for, not refused: nothing listens there
        Assert.Contains("answered Unavailable", error, StringComparison.Ordinal);
    }
}

/// <summary>Money as exact decimal text, where {units, nanos} read as floats do not sum exactly.</summary>
public class DecimalMoneyTests
{
    [Fact]
    public async Task Money_decimal_writes_every_amount_as_exact_decimal_text()
    {
        var root = Path.GetDirectoryName(RepoRules.Directory)!;
        var (code, output, error) = await CliRunner.RunAsync("", "late-shipment", Path.Combine(root, "examples/late-shipment.tmall.json"), "--money", "decimal", "--rules", RepoRules.Directory);
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var payout = doc.RootElement.GetProperty("buyerPayout");
        Assert.Equal("CNY", payout.GetProperty("currencyCode").GetString());
        Assert.Equal("450.00", payout.GetProperty("amount").GetString());
        Assert.False(payout.TryGetProperty("units", out _));
        Assert.Equal("450.00", doc.RootElement.GetProperty("lines")[0].GetProperty("buyerPayout").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Money_decimal_in_a_JSONL_batch_keeps_one_result_per_line()
    {
        var root = Path.GetDirectoryName(RepoRules.Directory)!;
        string one = string.Join(" ", await File.ReadAllLinesAsync(Path.Combine(root, "examples/late-shipment.tmall.json")));
        var (code, output, error) = await CliRunner.RunAsync(one + "\n" + one + "\n", "late-shipment", "--batch", "-", "--money", "decimal", "--rules", RepoRules.Directory);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal("450.00", System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("decision").GetProperty("buyerPayout").GetProperty("amount").GetString()));
    }
}
