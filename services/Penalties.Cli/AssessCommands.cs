using System.CommandLine;
using Grpc.Core;
using Penalties.Core.AfterSales;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;

namespace Penalties.Cli;

/// <summary>What a case is about: which calculator decides it.</summary>
internal enum CaseKind
{
    LateShipment,
    PriceMatch,
    AfterSales,
}

/// <summary>`penalties late-shipment`, `penalties price-match` and `penalties after-sales`: one case, or a streamed batch (--batch).</summary>
internal static class AssessCommands
{
    public static Command Create(Cli cli, CaseKind kind)
    {
        var command = new Command(
            kind switch { CaseKind.LateShipment => "late-shipment", CaseKind.PriceMatch => "price-match", _ => "after-sales" },
            kind switch
            {
                CaseKind.LateShipment => "assess a late-shipment / out-of-stock claim",
                CaseKind.PriceMatch => "assess a JD 买贵双倍赔 (price-match) claim",
                _ => "assess a return or exchange request: the seven-day window, its postage, the after-sales timers, JD's refund after review deductions",
            });
        var file = Cli.FileArgument("the case as JSON ('-' or none: stdin)");
        var pin = new Option<string?>("--pin") { Description = "use this version instead of the one in force", HelpName = "ID@VERSION[#sha256:HASH]" };
        var format = new Option<string>("--format") { Description = "json: the contract's decision message in proto3 JSON; text: the explanation", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        var money = MoneyOption();
        var view = new Option<string>("--view") { Description = "basic leaves out the explanation steps (the same numbers, reason codes and rule reference)", DefaultValueFactory = _ => "full" };
        view.AcceptOnlyFromAmong("full", "basic");
        var batch = new Option<string?>("--batch")
        {
            Description = "decide a batch, streamed row by row: JSONL (one case per line)" + kind switch
            {
                CaseKind.LateShipment => " or CSV (a header row; one row per order line, consecutive rows with the same order_id form an order)",
                CaseKind.PriceMatch => " or CSV (a header row; one row per claim, attributes \"k=v;k=v\", payments \"Cash:5899.00;JdBeans:10000\")",
                _ => "",
            } + "; every input row gives one output row, a decision or an error",
            HelpName = "FILE|-",
        };
        var output = new Option<string?>("--out") { Description = "where batch results go (default stdout)", HelpName = "FILE" };
        var csv = new Option<bool>("--csv") { Description = "batch input and output are CSV (CSV input is also chosen by a .csv input file, CSV output by a .csv --out file)" };
        command.Arguments.Add(file);
        foreach (var o in new Option[] { pin, format, money, view, batch, output, csv }) command.Options.Add(o);

        command.SetAction((r, token) => cli.Guard(r, async () =>
        {
            var server = cli.ServerUrl(r);
            bool explain = r.GetValue(view) == "full";
            RulePin? rulePin = r.GetValue(pin) is { } pinText ? ParsePin(pinText) : null;
            using var assessor = server is null ? Assessor.InProcess(cli.Catalog(r), explain) : Assessor.Server(server, explain);
            bool decimalMoney = r.GetValue(money) == "decimal";
            if (r.GetValue(batch) is { } input)
                return await BatchRun.RunAsync(new BatchRun.Options(kind, input, r.GetValue(output), r.GetValue(csv), decimalMoney, rulePin), assessor, cli, token);

            object c = kind switch
            {
                CaseKind.LateShipment => await cli.ReadJson<LateShipmentCase>(r.GetValue(file), "request.case"),
                CaseKind.PriceMatch => await cli.ReadJson<PriceMatchCase>(r.GetValue(file), "request.case"),
                _ => await cli.ReadJson<AfterSalesCase>(r.GetValue(file), "request.case"),
            };
            var result = await assessor.AssessAsync(1, c, rulePin, token);
            if (result.Error is { } error)
            {
                foreach (var v in error.FieldViolations) await cli.Err.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
                if (error.FieldViolations.Count == 0) await cli.Err.WriteLineAsync($"{(StatusCode)error.Code}: {error.Message}");
                return error.Code == (int)StatusCode.InvalidArgument ? 2 : 3;
            }
            await cli.Out.WriteLineAsync(r.GetValue(format) == "json" ? ProtoJson.Format(result.Decision!, decimalMoney) : ProtoText.Decision(result.Decision!));
            return 0;
        }));
        return command;
    }

    /// <summary>--money: the proto3 JSON mapping's {units, nanos}, or exact decimal text ("450.00") that sums exactly in jq.</summary>
    public static Option<string> MoneyOption()
    {
        var money = new Option<string>("--money") { Description = "JSON money: proto ({currencyCode, units, nanos}) or decimal ({currencyCode, amount: \"450.00\"})", DefaultValueFactory = _ => "proto" };
        money.AcceptOnlyFromAmong("proto", "decimal");
        return money;
    }

    private static RulePin ParsePin(string text)
    {
        var hashAt = text.IndexOf('#', StringComparison.Ordinal);
        var hash = hashAt >= 0 ? text[(hashAt + 1)..] : null;
        var idVersion = hashAt >= 0 ? text[..hashAt] : text;
        var at = idVersion.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(idVersion[(at + 1)..], out var version))
            throw new CommandLine.InputException($"--pin must look like ID@VERSION or ID@VERSION#sha256:HASH (got '{text}')");
        return new RulePin(idVersion[..at], version, hash);
    }
}
