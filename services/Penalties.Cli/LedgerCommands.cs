using System.CommandLine;
using Penalties.Finance;

namespace Penalties.Cli;

/// <summary>`penalties ledger export`: the recorded decisions of a period from the services, as JSONL records or CSV obligations, written as they arrive.</summary>
internal static class LedgerCommands
{
    public static Command Create(Cli cli)
    {
        var ledger = new Command("ledger", "the decision ledger of LateShipment and PriceMatch");
        var export = new Command("export", "every recorded decision of a period (all merchants, or one), page by page from --server");
        var from = LedgerSource.From();
        var to = LedgerSource.To();
        var shard = LedgerSource.Shard();
        var merchant = new Option<string?>("--merchant") { Description = "only this merchant's decisions (ListRecorded)", HelpName = "ID" };
        var kind = new Option<string>("--kind") { Description = "which ledger", DefaultValueFactory = _ => "all" };
        kind.AcceptOnlyFromAmong("late-shipment", "price-match", "all");
        var format = new Option<string>("--format") { Description = "jsonl: one penalties.v1.LedgerRecord per line; csv: one row per obligation", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var output = new Option<string?>("--out") { Description = "write here instead of stdout", HelpName = "FILE" };
        foreach (var o in new Option[] { from, to, merchant, shard, kind, format, output }) export.Options.Add(o);
        export.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var server = cli.ServerUrl(r) ?? throw new CommandLine.InputException("--server: required (the LateShipment and PriceMatch services, e.g. http://127.0.0.1:5100)");
            var (f, t) = LedgerSource.Period(r, from, to);
            var part = LedgerSource.ParseShard(r.GetValue(shard));
            if (r.GetValue(merchant) is not null && part.Count > 1) throw new CommandLine.InputException("--shard: not with --merchant (one merchant is in one shard)");
            var which = r.GetValue(kind) switch { "late-shipment" => LedgerKind.LateShipment, "price-match" => LedgerKind.PriceMatch, _ => LedgerKind.All };
            var records = r.GetValue(merchant) is { } m
                ? LedgerSource.List(cli, server, which, m, f, t, token)
                : LedgerSource.Export(cli, server, which, f, t, part, token);
            var file = r.GetValue(output);
            await using var writer = file is null ? null : new StreamWriter(file);
            var w = writer ?? cli.Out;
            using var csv = r.GetValue(format) == "csv" ? LedgerFiles.CsvWriter(w) : null;
            long n = 0;
            await foreach (var record in records)
            {
                if (csv is null) LedgerFiles.WriteJsonl(w, record);
                else LedgerFiles.WriteCsv(csv, record);
                n++;
            }
            csv?.Flush();
            await w.FlushAsync(token);
            await cli.Err.WriteLineAsync($"{n} recorded decisions exported");
            return 0;
        }));
        ledger.Subcommands.Add(export);
        return ledger;
    }
}
