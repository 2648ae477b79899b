using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Penalties.Finance;

namespace Penalties.Cli;

/// <summary>
/// `penalties reconcile`: the recorded decisions of a period (a service or a ledger file) against finance's payouts file,
/// with the replay check of every record in the same run; `reconcile merge` sums the parts of a sharded run exactly.
/// Exit 0 all matched and no drift, 4 differences or drift, 2 bad input.
/// </summary>
internal static class ReconcileCommand
{
    public const int DifferencesFound = 4;

    private static readonly string[] DifferenceColumns =
        ["class", "platform", "merchant_id", "order_id", "line_or_item", "side", "currency", "owed", "paid", "delta", "day", "rule", "payout_references"];

    public static Command Create(Cli cli)
    {
        var command = new Command("reconcile", "match finance's payouts to the recorded decisions of a period, classify every difference, and replay each decision");
        var ledger = LedgerSource.Ledger();
        var payouts = new Option<string>("--payouts") { Description = "the payouts CSV (docs/cli.md: platform, order_id, line_or_item, amount, currency, paid_at, payout_reference[, side])", HelpName = "FILE", Required = true };
        var from = LedgerSource.From();
        var to = LedgerSource.To();
        var shard = LedgerSource.Shard();
        var output = OutOption();
        var part = new Option<string?>("--part") { Description = "write this shard's part as JSON for `reconcile merge` (required with --shard)", HelpName = "FILE" };
        var report = ReportOption();
        foreach (var o in new Option[] { ledger, payouts, from, to, shard, output, part, report }) command.Options.Add(o);
        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var (f, t) = LedgerSource.Period(r, from, to);
            var (index, count) = LedgerSource.ParseShard(r.GetValue(shard));
            if (count > 1 && r.GetValue(part) is null) throw new CommandLine.InputException("--part: required with --shard (the parts are summed by `penalties reconcile merge`)");
            var catalog = cli.Catalog(r);
            var replay = new ReplayCheck(catalog);
            var drifts = new List<Drift>();
            var reconciler = new Reconciler(f, t, count == 1 ? "1/1" : $"{index}/{count}");
            // Replayed and turned into obligations beside the parsing (on every core); only the matching is one thread.
            var entries = LedgerSource.Read(cli, r.GetValue(ledger)!, f, t, (index, count), (record, at) => new Entry(replay.Check(record), [.. Obligation.Of(record)], at.Source, at.Line), token);
            await foreach (var entry in entries)
            {
                if (entry.Drift is { } drift) drifts.Add(drift);
                try
                {
                    foreach (var o in entry.Obligations) reconciler.Add(o);
                }
                catch (InvalidOperationException e)
                {
                    if (entry.Line > 0) throw new FinanceInputException(entry.Source, entry.Line, "record", $"{e.Message} (a record or a file given twice?)");
                    throw new CommandLine.InputException($"--ledger: {e.Message} (a source given twice?)");
                }
            }
            string payoutsFile = r.GetValue(payouts)!;
            using (var reader = new StreamReader(Cli.OpenRead(payoutsFile)))
            {
                foreach (var p in PayoutsCsv.Read(reader, payoutsFile)) reconciler.Add(p);
            }
            // A whole run is "1/1" (it classifies the payouts no decision claims itself); a shard leaves them to merge.
            var result = reconciler.Finish() with { Replayed = replay.Checked, Drifts = drifts };
            if (r.GetValue(part) is { } partFile)
            {
                await using var stream = File.Create(partFile);
                result.Write(stream);
            }
            return await Finish(cli, r, result, output, report);
        }));

        var parts = new Argument<string[]>("PART") { Description = "the part JSON of every shard 0/N to N-1/N", Arity = ArgumentArity.OneOrMore };
        var mergePayouts = new Option<string>("--payouts") { Description = "the payouts CSV the shards read (read again for the payouts no shard claimed)", HelpName = "FILE", Required = true };
        var mergeOut = OutOption();
        var mergeReport = ReportOption();
        var merge = new Command("merge", "sum the parts of a sharded reconciliation exactly (payouts no shard matched become paid-not-owed)") { parts, mergePayouts, mergeOut, mergeReport };
        merge.SetAction((r, _) => cli.Guard(r, async () =>
        {
            var read = new List<(string, ReconciliationPart)>();
            foreach (var file in r.GetValue(parts)!)
            {
                await using var stream = Cli.OpenRead(file);
                try
                {
                    read.Add((file, ReconciliationPart.Read(stream, file)));
                }
                catch (JsonException e)
                {
                    throw new FinanceInputException(file, (e.LineNumber ?? 0) + 1, e.Path ?? "part", "is not a reconciliation part");
                }
            }
            string payoutsFile = r.GetValue(mergePayouts)!;
            ReconciliationPart merged;
            using (var reader = new StreamReader(Cli.OpenRead(payoutsFile)))
            {
                merged = ReconciliationPart.Merge(read, PayoutsCsv.Read(reader, payoutsFile), payoutsFile);
            }
            return await Finish(cli, r, merged, mergeOut, mergeReport);
        }));
        command.Subcommands.Add(merge);
        return command;
    }

    /// <summary>One ledger record as reconcile keeps it: its replay drift, if any, what it owes, and where it was read (line 0 from a service).</summary>
    private sealed record Entry(Drift? Drift, Obligation[] Obligations, string Source, long Line);

    private static Option<string?> OutOption() => new("--out") { Description = "write every difference (not matched) as CSV here, amounts as exact decimal text", HelpName = "FILE" };

    private static Option<string?> ReportOption() => new("--report") { Description = "write the self-contained HTML report here", HelpName = "FILE" };

    /// <summary>The summary on stdout, the differences CSV and the report; exit 4 when anything differs or drifted.</summary>
    private static async Task<int> Finish(Cli cli, ParseResult r, ReconciliationPart result, Option<string?> output, Option<string?> report)
    {
        await Summary(cli.Out, result);
        if (r.GetValue(output) is { } csvFile)
        {
            await using var writer = new StreamWriter(csvFile);
            WriteDifferences(writer, result.Mismatches);
        }
        if (r.GetValue(report) is { } html)
        {
            await using var writer = new StreamWriter(html);
            HtmlReport.Write(writer, result, DateTimeOffset.UtcNow);
        }
        return result.Mismatches.Any() || result.Drifts.Count > 0 ? DifferencesFound : 0;
    }

    private static async Task Summary(TextWriter w, ReconciliationPart result)
    {
        var (drifts, replayed) = (result.Drifts, result.Replayed);
        string Instant(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
        await w.WriteLineAsync($"reconciled [{Instant(result.From)}, {Instant(result.To)}) shard {result.Shard}");
        await w.WriteLineAsync(string.Join(", ", result.Counts().Select(c => $"{Text.Kebab(c.Key.ToString())} {c.Value}")));
        foreach (var ((_, currency), totals) in result.TotalsBy(_ => ""))
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{currency}: owed {totals.Owed}, paid {totals.Paid}, paid - owed {totals.Delta}"));
        if (replayed > 0 || drifts.Count > 0) await w.WriteLineAsync($"replay: {replayed} decisions recomputed, {drifts.Count} drifted");
        foreach (var d in drifts) await w.WriteLineAsync($"drift: {d.Platform} order {d.OrderId} (merchant {d.MerchantId}, {d.Rule}): {string.Join("; ", d.Differences)}");
    }

    /// <summary>The differences as CSV, one row each.</summary>
    public static void WriteDifferences(TextWriter writer, IEnumerable<Difference> differences)
    {
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in DifferenceColumns) csv.WriteField(column);
        csv.NextRecord();
        foreach (var d in differences)
        {
            csv.WriteField(Text.Kebab(d.Class.ToString()));
            csv.WriteField(d.Platform);
            csv.WriteField(d.MerchantId);
            csv.WriteField(d.OrderId);
            csv.WriteField(d.LineOrItem);
            csv.WriteField(d.Side == Side.Buyer ? "buyer" : "platform");
            csv.WriteField(d.Currency);
            csv.WriteField(d.Owed.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(d.Paid.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(d.Delta.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            csv.WriteField(d.Rule);
            csv.WriteField(string.Join(' ', d.PayoutReferences));
            csv.NextRecord();
        }
    }
}
