using System.CommandLine;
using System.Globalization;
using Penalties.Finance;

namespace Penalties.Cli;

/// <summary>`penalties backtest`: the recorded claims of a period decided again under candidate rules; per-merchant CNY impact, outcome transitions, top changes.</summary>
internal static class BacktestCommand
{
    public static Command Create(Cli cli)
    {
        var command = new Command("backtest", "re-decide the recorded claims of a period under a candidate rule set and show what would change");
        var candidate = new Option<string>("--candidate") { Description = "the candidate rule data folder", HelpName = "DIR", Required = true };
        var ledger = LedgerSource.Ledger();
        var from = LedgerSource.From();
        var to = LedgerSource.To();
        var report = new Option<string?>("--report") { Description = "write the self-contained HTML report here", HelpName = "FILE" };
        var top = new Option<int>("--top") { Description = "how many of the largest changes to list", DefaultValueFactory = _ => 10 };
        foreach (var o in new Option[] { candidate, ledger, from, to, report, top }) command.Options.Add(o);
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var (f, t) = LedgerSource.Period(r, from, to);
            var backtest = new Backtest(Cli.Catalog(r.GetValue(candidate)!, "--candidate"));
            await foreach (var record in LedgerSource.Read(cli, r.GetValue(ledger)!, f, t, (0, 1), (record, _) => record, token)) backtest.Add(record);

            var w = cli.Out;
            await w.WriteLineAsync($"backtest: {backtest.Decided} claims decided again, {backtest.Undecided.Count} could not be");
            foreach (var (order, reason) in backtest.Undecided.Take(r.GetValue(top))) await w.WriteLineAsync($"  undecided: order {order}: {reason}");
            await w.WriteLineAsync("impact per merchant (CNY, candidate minus recorded):");
            foreach (var (merchant, delta) in backtest.Impact.Where(i => i.Value != 0m).OrderByDescending(i => Math.Abs(i.Value)).ThenBy(i => i.Key, StringComparer.Ordinal))
                await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {merchant}: {delta:+0.00##;-0.00##;0}"));
            await w.WriteLineAsync("outcome transitions (recorded -> candidate: claims):");
            foreach (var ((fromOutcome, toOutcome), n) in backtest.Transitions.OrderBy(x => x.Key))
                await w.WriteLineAsync($"  {fromOutcome} -> {toOutcome}: {n}");
            await w.WriteLineAsync($"top {r.GetValue(top)} changes:");
            foreach (var c in backtest.TopChanges(r.GetValue(top)))
                await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {c.Platform} order {c.OrderId} (merchant {c.MerchantId}): {c.FromOutcome} -> {c.ToOutcome}, {c.FromCost} -> {c.ToCost} CNY ({c.FromRule} -> {c.ToRule})"));
            if (r.GetValue(report) is { } html)
            {
                await using var writer = new StreamWriter(html);
                HtmlReport.WriteBacktest(writer, backtest, r.GetValue(candidate)!, f, t, DateTimeOffset.UtcNow);
            }
            return 0;
        }));
        return command;
    }
}
