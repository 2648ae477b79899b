using System.Globalization;
using Penalties.Finance;
using Penalties.Finance.Tests;
using C = Penalties.Contracts.V1;

namespace Penalties.Cli.Tests;

/// <summary>`reconcile`, `reconcile merge` and `backtest` on real ledger and payout files written in a temporary folder.</summary>
public sealed class FinanceCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("penalties-finance-").FullName;
    private readonly List<C.LedgerRecord> _ledger = Ledgers.Generate(seed: 16, orders: 60);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static string Instant(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private string WriteLedger(IEnumerable<C.LedgerRecord> records, string name = "ledger.jsonl")
    {
        using var w = new StreamWriter(PathOf(name));
        foreach (var r in records) LedgerFiles.WriteJsonl(w, r);
        return PathOf(name);
    }

    private string WritePayouts(IEnumerable<Payout> payouts)
    {
        using var w = new StreamWriter(PathOf("payouts.csv"));
        PayoutsCsv.Write(w, payouts);
        return PathOf("payouts.csv");
    }

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRunner.RunAsync("", [.. args, "--rules", Rules.Directory]);

    private static Task<(int Code, string Out, string Err)> Reconcile(string ledger, string payouts, params string[] more) =>
        Run(["reconcile", "--ledger", ledger, "--payouts", payouts, "--from", Instant(Ledgers.From), "--to", Instant(Ledgers.To), .. more]);

    [Fact]
    public async Task Payouts_exactly_as_owed_reconcile_with_exit_0_and_totals_per_currency()
    {
        var (code, output, error) = await Reconcile(WriteLedger(_ledger), WritePayouts(Ledgers.PaidExactly(_ledger)));
        Assert.True(code == 0, output + error);
        decimal owed = _ledger.SelectMany(Obligation.Of).Where(o => o.Currency == Obligation.Cny).Sum(o => o.Amount);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"CNY: owed {owed}, paid {owed}, paid - owed 0"), output, StringComparison.Ordinal);
        Assert.Contains($"replay: {_ledger.Count} decisions recomputed, 0 drifted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_payout_is_owed_not_paid_in_the_differences_csv_and_the_report_with_exit_4()
    {
        var payouts = Ledgers.PaidExactly(_ledger);
        var dropped = payouts.First(p => p.Currency == Obligation.Cny && p.Reference.EndsWith('a') is false);
        payouts.Remove(dropped);
        var (code, output, error) = await Reconcile(WriteLedger(_ledger), WritePayouts(payouts), "--out", PathOf("differences.csv"), "--report", PathOf("report.html"));
        Assert.True(code == 4, output + error);
        var rows = await File.ReadAllLinesAsync(PathOf("differences.csv"));
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("class,platform,merchant_id,order_id,line_or_item,side,currency,owed,paid,delta", rows[0], StringComparison.Ordinal);
        Assert.StartsWith($"owed-not-paid,{dropped.Platform},", rows[1], StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $",{dropped.OrderId},{dropped.LineOrItem},buyer,CNY,{dropped.Amount},0,-{dropped.Amount},"), rows[1], StringComparison.Ordinal);
        Assert.Contains("id=\"count-OwedNotPaid\">1<", await File.ReadAllTextAsync(PathOf("report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_payout_row_is_one_line_naming_the_file_line_and_field_with_exit_2()
    {
        var payouts = WritePayouts(Ledgers.PaidExactly(_ledger));
        var lines = (await File.ReadAllLinesAsync(payouts)).ToList();
        var fields = lines[2].Split(',');
        fields[3] = "12,5x";
        lines[2] = string.Join(',', fields.Select((f, i) => i == 3 ? "\"12,5x\"" : f));
        await File.WriteAllLinesAsync(payouts, lines);
        var (code, output, error) = await Reconcile(WriteLedger(_ledger), payouts);
        Assert.Equal(2, code);
        Assert.Equal($"{payouts}:3: amount: '12,5x' is not a decimal amount", error.Trim());
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("tmall,O-9,1\ntmall,O-9,2,1,CNY,2024-03-01T10:00:00Z,P10,buyer\n", "amount")]
    [InlineData("tmall,\"O-9,1,1,CNY,2024-03-01T10:00:00Z,P9,buyer\ntmall,O-9,2,1,CNY,2024-03-01T10:00:00Z,P10,buyer\n", "amount")]
    [InlineData("tmall,O-9,1,79228162514264337593543950335,CNY,2024-03-01T10:00:00Z,P9,buyer\ntmall,O-9,1,79228162514264337593543950335,CNY,2024-03-01T10:00:00Z,P10,buyer\n", "amount")]
    [InlineData("amazon,O-9,1,1,CNY,2024-03-01T10:00:00Z,P9,buyer\n", "platform")]
    [InlineData("tmall,O-9,1,1,USD,2024-03-01T10:00:00Z,P9,buyer\n", "currency")]
    [InlineData("tmall,O-9,1,1,CNY,2024-03-01T10:00:00Z,P9,5\n", "side")]
    public async Task A_short_unclosed_huge_or_unknown_payout_row_is_one_line_with_exit_2(string rows, string field)
    {
        var payouts = WritePayouts(Ledgers.PaidExactly(_ledger));
        int line = (await File.ReadAllLinesAsync(payouts)).Length + 1;              // the first row appended
        await File.AppendAllTextAsync(payouts, rows);
        var (code, output, error) = await Reconcile(WriteLedger(_ledger), payouts);
        Assert.True(code == 2, output + error);
        Assert.True(error.StartsWith($"{payouts}:{line}: {field}: ", StringComparison.Ordinal), error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_ledger_line_that_is_not_a_record_is_named_with_exit_2()
    {
        var ledger = WriteLedger(_ledger.Take(2));
        await File.AppendAllTextAsync(ledger, "{\"lateShipment\": 12}\n");
        var (code, _, error) = await Reconcile(ledger, WritePayouts([]));
        Assert.Equal(2, code);
        Assert.StartsWith($"{ledger}:3: record: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_given_twice_in_a_ledger_is_named_by_its_second_line_with_exit_2()
    {
        var ledger = WriteLedger([.. _ledger.Take(4), _ledger[1], .. _ledger.Skip(4)]);
        var (code, output, error) = await Reconcile(ledger, WritePayouts([]));
        Assert.Equal(2, code);
        var order = _ledger[1].LateShipment.Case;
        Assert.True(error.StartsWith($"{ledger}:5: record: the ledger holds {order.Platform.ToString().ToLowerInvariant()} order {order.OrderId} line ", StringComparison.Ordinal), error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("case", "record.late_shipment.case: is required")]
    [InlineData("eventAt", "record.late_shipment.event_at: is required")]
    [InlineData("orderId", "record: is not a ledger record")]
    public async Task A_ledger_record_missing_its_case_event_or_order_is_one_line_with_exit_2(string field, string says)
    {
        var records = _ledger.Take(3).Select(r => r.Clone()).ToList();
        if (field == "case") records[1].LateShipment.Case = null;
        if (field == "eventAt") records[1].LateShipment.EventAt = null;
        var ledger = WriteLedger(records);
        var lines = await File.ReadAllLinesAsync(ledger);
        if (field == "orderId") lines[1] = System.Text.RegularExpressions.Regex.Replace(lines[1], "\"orderId\": \"[^\"]*\"", "\"orderId\": null");
        await File.WriteAllLinesAsync(ledger, lines);
        var (code, output, error) = await Reconcile(ledger, WritePayouts([]));
        Assert.True(code == 2, output + error);
        Assert.StartsWith($"{ledger}:2: {says}", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_recorded_decision_its_rules_no_longer_reproduce_is_a_drift_with_exit_4()
    {
        var changed = _ledger.Select(r => r.Clone()).ToList();
        var line = changed.First(r => r.LateShipment.Decision.Lines.Any(l => l.BuyerPayout?.Units > 0)).LateShipment.Decision.Lines.First(l => l.BuyerPayout?.Units > 0);
        line.BuyerPayout.Units += 1;
        var (code, output, error) = await Reconcile(WriteLedger(changed), WritePayouts(Ledgers.PaidExactly(changed)));
        Assert.True(code == 4, output + error);
        Assert.Contains($"replay: {changed.Count} decisions recomputed, 1 drifted", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.StartsWith("drift: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sharded_parts_merged_give_the_differences_of_the_whole_run()
    {
        var payouts = Ledgers.PaidExactly(_ledger);
        payouts.RemoveAt(3);                                                        // owed, not paid
        payouts.Add(payouts[5] with { Reference = "again" });                        // a duplicate payout
        payouts.Add(payouts[7] with { OrderId = "nobody", Reference = "stray" });     // paid, owed by nobody
        var (ledger, payoutsFile) = (WriteLedger(_ledger), WritePayouts(payouts));
        var whole = await Reconcile(ledger, payoutsFile, "--out", PathOf("whole.csv"));
        Assert.Equal(4, whole.Code);

        var parts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            parts.Add(PathOf($"part-{i}.json"));
            var part = await Reconcile(ledger, payoutsFile, "--shard", $"{i}/3", "--part", parts[^1]);
            Assert.True(part.Code is 0 or 4, part.Err);
        }
        var merged = await Run(["reconcile", "merge", .. parts, "--payouts", payoutsFile, "--out", PathOf("merged.csv")]);
        Assert.True(merged.Code == 4, merged.Err);
        Assert.Equal((await File.ReadAllLinesAsync(PathOf("whole.csv"))).Order(StringComparer.Ordinal), (await File.ReadAllLinesAsync(PathOf("merged.csv"))).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await File.ReadAllLinesAsync(PathOf("merged.csv"))).Length - 1);
        Assert.Equal(whole.Out, merged.Out);                                        // the same counts, totals and replay line

        var other = await Run(["reconcile", "merge", .. parts, "--payouts", WritePayouts(payouts.Skip(1))]);
        Assert.Equal(2, other.Code);
        Assert.StartsWith($"{payoutsFile}:1: payouts: the file holds {payouts.Count - 1} payouts, the parts were run on {payouts.Count}", other.Err, StringComparison.Ordinal);
        var none = await Run(["reconcile", "merge", .. parts]);
        Assert.Equal(2, none.Code);
        Assert.Contains("--payouts", none.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sharded_parts_merged_keep_the_replay_drift_of_the_whole_run()
    {
        var changed = _ledger.Select(r => r.Clone()).ToList();
        var line = changed.First(r => r.LateShipment.Decision.Lines.Any(l => l.BuyerPayout?.Units > 0)).LateShipment.Decision.Lines.First(l => l.BuyerPayout?.Units > 0);
        line.BuyerPayout.Units += 1;
        var (ledger, payoutsFile) = (WriteLedger(changed), WritePayouts(Ledgers.PaidExactly(changed)));
        var whole = await Reconcile(ledger, payoutsFile);
        Assert.True(whole.Code == 4, whole.Out + whole.Err);

        var parts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            parts.Add(PathOf($"part-{i}.json"));
            var part = await Reconcile(ledger, payoutsFile, "--shard", $"{i}/3", "--part", parts[^1]);
            Assert.True(part.Code is 0 or 4, part.Err);
        }
        var merged = await Run(["reconcile", "merge", .. parts, "--payouts", payoutsFile, "--report", PathOf("merged.html")]);
        Assert.True(merged.Code == 4, merged.Out + merged.Err);
        static string[] Replay(string output) => output.Split('\n').Where(l => l.StartsWith("replay: ", StringComparison.Ordinal) || l.StartsWith("drift: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"replay: {changed.Count} decisions recomputed, 1 drifted"], Replay(whole.Out).Take(1));
        Assert.Equal(Replay(whole.Out), Replay(merged.Out));
        Assert.Contains("id=\"drift-count\">1<", await File.ReadAllTextAsync(PathOf("merged.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_without_a_part_file_and_a_bad_shard_are_refused_with_exit_2()
    {
        var (ledger, payouts) = (WriteLedger(_ledger), WritePayouts([]));
        var noPart = await Reconcile(ledger, payouts, "--shard", "0/2");
        Assert.Equal((2, "invalid input: --part: required with --shard (the parts are summed by `penalties reconcile merge`)"), (noPart.Code, noPart.Err.Trim()));
        var bad = await Reconcile(ledger, payouts, "--shard", "2/2", "--part", PathOf("p.json"));
        Assert.Equal(2, bad.Code);
        Assert.StartsWith("invalid input: --shard: '2/2' is not i/N", bad.Err, StringComparison.Ordinal);
        var noOffset = await Run("reconcile", "--ledger", ledger, "--payouts", payouts, "--from", "2022-12-01T00:00:00", "--to", Instant(Ledgers.To));
        Assert.Equal(2, noOffset.Code);
        Assert.StartsWith("invalid input: --from: ", noOffset.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backtest_under_the_same_rules_changes_nothing()
    {
        var (code, output, error) = await Run("backtest", "--candidate", Rules.Directory, "--ledger", WriteLedger(_ledger),
            "--from", Instant(Ledgers.From), "--to", Instant(Ledgers.To), "--report", PathOf("backtest.html"));
        Assert.True(code == 0, error);
        Assert.Contains($"backtest: {_ledger.Count} claims decided again, 0 could not be", output, StringComparison.Ordinal);
        var transitions = output.Split('\n').SkipWhile(l => !l.StartsWith("outcome transitions", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(transitions);
        Assert.All(transitions, l => Assert.Matches(@"^  (\w+) -> \1: \d+$", l));
        Assert.Contains("top 10 changes:\n", output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith("top 10 changes:", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("id=\"decided\">60<", await File.ReadAllTextAsync(PathOf("backtest.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_given_twice_is_bad_input_and_an_unreachable_service_is_exit_1_in_one_line()
    {
        var ledger = WriteLedger(_ledger);
        var twice = await Reconcile(ledger, WritePayouts([]), "--ledger", ledger);
        Assert.Equal(2, twice.Code);
        Assert.StartsWith($"{ledger}:1: record: the ledger holds ", twice.Err, StringComparison.Ordinal);
        var unreachable = await Reconcile("http://127.0.0.1:1", WritePayouts([]));
        Assert.Equal(1, unreachable.Code);
        Assert.StartsWith("the server answered Unavailable: http://127.0.0.1:1 (LateShipment): ", unreachable.Err, StringComparison.Ordinal);
        Assert.Single(unreachable.Err.Trim().Split('\n'));
    }
}
