using Penalties.Cli;

namespace Penalties.Services.Tests.Integration;

/// <summary>Batches over AssessStream on a real loopback host: streamed (a result is out before the input ends) and row for row the same as in process.</summary>
public class CliStreamingTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private const string Header = "merchant_id,platform,order_id,paid_at,line_id,amount,shipped_at,evaluated_at,refund_reason";

    private static string Row(int i, string amount = "1500.00") =>
        $"M-{i % 7},{(i % 3 == 0 ? "Taobao" : "Tmall")},O-{i / 2},2024-03-01T10:00:00+08:00,{i % 2},{amount},2024-03-05T09:30:00+08:00,2024-03-06T12:00:00+08:00,NotShippedInAgreedTime";

    /// <summary>
    /// The header and two orders; a third is given only once the output holds a result (the first order is complete
    /// when the second begins), then the input ends.
    /// </summary>
    private sealed class WaitsForFirstResult(Task firstResult) : TextReader
    {
        private int _next;

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            switch (_next++)
            {
                case 0: return Header;
                case 1: return Row(2);
                case 2: return Row(4);
                case 3:
                    // Not streamed, the first result would never come: fail (TimeoutException) rather than hang.
                    await firstResult.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                    return Row(6);
                default: return null;
            }
        }
    }

    private sealed class SignalsFirstResult : StringWriter
    {
        public TaskCompletionSource FirstResult { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            if (value is not null && !value.StartsWith("line,", StringComparison.Ordinal)) FirstResult.TrySetResult();
            return base.WriteLineAsync(value);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_result_is_written_before_the_input_ends(bool onServer)
    {
        var output = new SignalsFirstResult();
        string[] server = onServer ? ["--server", fixture.Host.Address] : [];
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(["late-shipment", "--batch", "-", "--csv", "--rules", RepoPaths.Rules, .. server],
            new WaitsForFirstResult(output.FirstResult.Task), output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Equal(4, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the header and three rows
    }

    [Fact]
    public async Task A_CSV_batch_with_bad_rows_gives_the_same_rows_on_the_server_as_in_process()
    {
        var rows = new List<string> { Header };
        for (int i = 1; i <= 2000; i++) rows.Add(i % 97 == 0 ? Row(i, "\"12") : i % 89 == 0 ? Row(i, "abc") : Row(i));
        var input = string.Join('\n', rows) + "\n";
        var local = await CliRunner.RunAsync(input, "late-shipment", "--batch", "-", "--csv", "--view", "basic", "--rules", RepoPaths.Rules);
        var remote = await CliRunner.RunAsync(input, "late-shipment", "--batch", "-", "--csv", "--view", "basic", "--rules", RepoPaths.Rules, "--server", fixture.Host.Address);
        Assert.Equal((2, 2), (local.Code, remote.Code));
        var lines = local.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2001, lines.Length);                                        // one result row per input row
        Assert.Equal(lines, remote.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(local.Err, remote.Err);                                     // the same problems and the same summary
    }
}
