using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Penalties.Contracts.V1;
using AfterSalesCase = Penalties.Core.AfterSales.AfterSalesCase;
using LateShipmentCase = Penalties.Core.LateShipment.LateShipmentCase;
using PriceMatchCase = Penalties.Core.PriceMatch.PriceMatchCase;
using RulePin = Penalties.Core.Rules.RulePin;

namespace Penalties.Cli;

/// <summary>One input row as the output names it: where it was and the identifying fields that could be read.</summary>
internal sealed record BatchRow(int Line, string Platform, string Merchant, string OrderId, string LineId);

/// <summary>One case of a batch (or the error that kept it from being one) and the input rows it came from.</summary>
internal sealed record BatchItem(int Line, object? Case, ItemError? Error, IReadOnlyList<BatchRow> Rows, int InputRows);

/// <summary>
/// Batch mode, streamed: cases are read, decided and written one at a time, so memory stays bounded whatever the
/// input size and results appear as they are decided. Every input row gives one output row, a decision or an error;
/// the exit code is 2 when any row was refused.
/// </summary>
internal static class BatchRun
{
    public sealed record Options(CaseKind Kind, string Input, string? OutFile, bool Csv, bool DecimalMoney, RulePin? Pin);

    public static async Task<int> RunAsync(Options o, Assessor assessor, Cli cli, CancellationToken token)
    {
        bool csvIn = o.Csv || o.Input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        bool csvOut = o.Csv || (o.OutFile?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ?? false);
        string name = o.Input == "-" ? "stdin" : o.Input;
        await using var file = o.Input == "-" ? null : Cli.OpenRead(o.Input);
        using var fileReader = file is null ? null : new StreamReader(file);
        var reader = fileReader ?? cli.In;
        await using var outFile = o.OutFile is null ? null : new StreamWriter(o.OutFile);
        var output = outFile ?? cli.Out;

        if (csvIn && o.Kind == CaseKind.AfterSales) throw new CommandLine.InputException("an after-sales batch is JSONL (one case per line), not CSV");
        var items = csvIn ? Csv.ReadAsync(o.Kind == CaseKind.LateShipment, reader, name, token) : ReadJsonlAsync(o.Kind, reader, token);
        var summary = new Summary();
        if (csvOut) await output.WriteLineAsync(Csv.ResultHeader);
        await BatchProgress.RunAsync(cli.Err, name, file, async advance =>
        {
            await foreach (var (item, result) in assessor.AssessManyAsync(items, o.Pin, token))
            {
                if (result.Error is { } error) await Report(cli.Err, name, item.Line, error);
                if (csvOut)
                {
                    foreach (var row in item.Rows) await output.WriteLineAsync(Csv.ResultRow(row, result));
                }
                else
                {
                    await output.WriteLineAsync(JsonResult(item, result, o.DecimalMoney));
                }
                summary.Add(item, result);
                advance(item.InputRows);
            }
        });
        await output.FlushAsync(token);
        await summary.WriteAsync(cli.Err);
        return summary.Refused > 0 ? 2 : 0;
    }

    private static async Task Report(TextWriter stderr, string name, int line, ItemError error)
    {
        foreach (var v in error.FieldViolations) await stderr.WriteLineAsync($"{name}: line {line}: {v.Field}: {v.Description}");
        if (error.FieldViolations.Count == 0) await stderr.WriteLineAsync($"{name}: line {line}: {error.Message}");
    }

    /// <summary>{"line":N,"decision":…} or {"line":N,"error":…,"platform":…,"orderId":…}: an error keeps what identifies its row.</summary>
    private static string JsonResult(BatchItem item, ItemResult result, bool decimalMoney)
    {
        var line = item.Line.ToString(CultureInfo.InvariantCulture);
        if (result.Error is null) return $"{{\"line\":{line},\"decision\":{ProtoJson.Format(result.Decision!, decimalMoney, oneLine: true)}}}";
        var row = item.Rows[0];
        var identity = (row.Platform.Length > 0 ? $",\"platform\":{JsonSerializer.Serialize(row.Platform)}" : "")
            + (row.Merchant.Length > 0 ? $",\"merchantId\":{JsonSerializer.Serialize(row.Merchant)}" : "")
            + (row.OrderId.Length > 0 ? $",\"orderId\":{JsonSerializer.Serialize(row.OrderId)}" : "");
        return $"{{\"line\":{line},\"error\":{ProtoJson.Format(result.Error)}{identity}}}";
    }

    /// <summary>JSONL: one case per line; blank lines are skipped, a line that cannot be read is an error item.</summary>
    public static async IAsyncEnumerable<BatchItem> ReadJsonlAsync(CaseKind kind, TextReader reader, [EnumeratorCancellation] CancellationToken token)
    {
        int line = 0;
        while (await reader.ReadLineAsync(token) is { } text)
        {
            line++;
            if (!string.IsNullOrWhiteSpace(text)) yield return ReadJsonLine(kind, line, text);
        }
    }

    private static BatchItem ReadJsonLine(CaseKind kind, int line, string text)
    {
        try
        {
            object c = kind switch
            {
                CaseKind.LateShipment => JsonSerializer.Deserialize<LateShipmentCase>(text, JsonSetup.Options),
                CaseKind.PriceMatch => JsonSerializer.Deserialize<PriceMatchCase>(text, JsonSetup.Options),
                _ => (object?)JsonSerializer.Deserialize<AfterSalesCase>(text, JsonSetup.Options),
            } ?? throw new JsonException("not a case");
            return new BatchItem(line, c, null, Rows(line, c), 1);
        }
        catch (JsonException e)
        {
            var field = Cli.JsonPath("request.case", e.Path);
            var reason = JsonSetup.Reason(e);
            return new BatchItem(line, null, Error(field, reason), [IdentityOf(line, text)], 1);
        }
    }

    /// <summary>
    /// The output rows of a case read from JSON: one per order line for late shipment, one per claim for price match.
    /// JSON null reaches these fields unchecked (validation refuses it later): a row keeps what is there.
    /// </summary>
    private static BatchRow[] Rows(int line, object c) => c switch
    {
        LateShipmentCase { Lines.Count: > 0 } late => [.. late.Lines.Select(l => new BatchRow(line, late.Platform.ToString(), "", late.OrderId ?? "", l?.LineId ?? ""))],
        LateShipmentCase late => [new BatchRow(line, late.Platform.ToString(), "", late.OrderId ?? "", "")],
        PriceMatchCase price => [new BatchRow(line, "JD", "", price.OrderId ?? "", "")],
        AfterSalesCase afterSales => [new BatchRow(line, afterSales.Platform.ToString(), "", afterSales.OrderId ?? "", "")],
        _ => [new BatchRow(line, "", "", "", "")],
    };

    /// <summary>What identifies a line that is not a readable case: its platform and order id, when the JSON holds them.</summary>
    private static BatchRow IdentityOf(int line, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            string Text(string name) => doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            return new BatchRow(line, Text("platform"), Text("merchantId"), Text("orderId"), "");
        }
        catch (JsonException)
        {
            return new BatchRow(line, "", "", "", "");
        }
    }

    /// <summary>An item error as the services give one: INVALID_ARGUMENT with the field and the reason.</summary>
    public static ItemError Error(string field, string reason)
    {
        var error = new ItemError { Code = (int)Grpc.Core.StatusCode.InvalidArgument, Message = $"{field}: {reason}" };
        error.FieldViolations.Add(new FieldViolation { Field = field, Description = reason });
        return error;
    }

    /// <summary>Rows decided and refused, and exact totals of what buyers receive by outcome and by platform.</summary>
    private sealed class Summary
    {
        private readonly SortedDictionary<string, (int Cases, decimal Amount)> _byOutcome = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, (int Cases, decimal Amount)> _byPlatform = new(StringComparer.Ordinal);
        private int _rows;
        private int _decided;

        public int Refused => _rows - _decided;

        public void Add(BatchItem item, ItemResult result)
        {
            _rows += item.InputRows;
            var (outcome, money) = result.Decision switch
            {
                LateShipmentDecision d => (d.Outcome.ToString(), d.BuyerPayout),
                PriceMatchDecision d => (d.Outcome.ToString(), d.Payout),
                // What an after-sales buyer receives is JD's refund after deductions; elsewhere the rules compute none.
                AfterSalesDecision d => (d.Outcome.ToString(), d.Refund?.Refund ?? Contracts.Mapping.Money(0m)),
                _ => ("", (Contracts.V1.Money?)null),
            };
            if (money is null) return;
            _decided += item.InputRows;
            var currency = string.IsNullOrEmpty(money.CurrencyCode) ? "" : " " + money.CurrencyCode;
            Add(_byOutcome, outcome + currency, MoneyText.Value(money));
            Add(_byPlatform, item.Rows[0].Platform + currency, MoneyText.Value(money));
        }

        private static void Add(SortedDictionary<string, (int Cases, decimal Amount)> totals, string key, decimal amount)
        {
            var (cases, sum) = totals.GetValueOrDefault(key);
            totals[key] = (cases + 1, sum + amount);
        }

        public async Task WriteAsync(TextWriter stderr)
        {
            await stderr.WriteLineAsync($"{_rows} row(s): {_decided} decided, {Refused} refused");
            foreach (var (key, (cases, amount)) in _byOutcome) await stderr.WriteLineAsync($"  outcome {Key(key)}: {cases} case(s), buyers receive {MoneyText.Text(amount)}{Currency(key)}");
            foreach (var (key, (cases, amount)) in _byPlatform) await stderr.WriteLineAsync($"  platform {Key(key)}: {cases} case(s), buyers receive {MoneyText.Text(amount)}{Currency(key)}");
        }

        private static string Key(string key) => key.Contains(' ', StringComparison.Ordinal) ? key[..key.IndexOf(' ', StringComparison.Ordinal)] : key;

        private static string Currency(string key) => key.Contains(' ', StringComparison.Ordinal) ? key[key.IndexOf(' ', StringComparison.Ordinal)..] : "";
    }
}
