using System.Globalization;
using CsvHelper;
using Google.Protobuf;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance;

/// <summary>
/// Ledger export files: JSONL of <see cref="C.LedgerRecord"/> in protobuf JSON (the whole record, read back by
/// reconcile, replay and backtest), or CSV of what each record owes, one row per order line or item and side.
/// </summary>
public static class LedgerFiles
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static readonly string[] CsvColumns = ["platform", "merchant_id", "order_id", "line_or_item", "side", "currency", "amount", "outcome", "rule", "event_at"];

    public static void WriteJsonl(TextWriter writer, C.LedgerRecord record) => writer.WriteLine(Formatter.Format(record));

    /// <summary>The records of a JSONL file, one at a time; a line that is not a record stops the read with its line.</summary>
    public static IEnumerable<C.LedgerRecord> ReadJsonl(TextReader reader, string file) =>
        ReadJsonl(reader, file, (r, _) => r, parallel: false);

    /// <summary>
    /// The records of a JSONL file passed through <paramref name="map"/> with their line (null leaves a record out), in file order. With
    /// <paramref name="parallel"/> the lines are parsed and mapped on every core, a bounded window ahead of the caller,
    /// so <paramref name="map"/> must be thread-safe; the first line that is not a record (in file order) stops the read.
    /// </summary>
    public static IEnumerable<T> ReadJsonl<T>(TextReader reader, string file, Func<C.LedgerRecord, long, T?> map, bool parallel = true) where T : class
    {
        var lines = Lines(reader);
        var results = parallel
            ? lines.AsParallel().AsOrdered().Select(l => Read(l.Number, l.Text, file, map))
            : lines.Select(l => Read(l.Number, l.Text, file, map));
        foreach (var (value, error) in results)
        {
            if (error is not null) throw error;
            if (value is not null) yield return value;
        }
    }

    private static IEnumerable<(long Number, string Text)> Lines(TextReader reader)
    {
        long line = 0;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (!string.IsNullOrWhiteSpace(text)) yield return (line, text);
        }
    }

    /// <summary>One line parsed and mapped, or why it is not a record (handed back, not thrown, so the first in file order wins).</summary>
    private static (T? Value, FinanceInputException? Error) Read<T>(long line, string text, string file, Func<C.LedgerRecord, long, T?> map) where T : class
    {
        C.LedgerRecord record;
        try
        {
            record = LedgerJson.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            string at = e.Path is { Length: > 1 } path && !e.Message.Contains(path, StringComparison.Ordinal) ? $", at {path}" : "";
            return (null, new FinanceInputException(file, line, "record", $"is not a ledger record ({e.Message.Split('\n')[0]}{at})"));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return (null, new FinanceInputException(file, line, "record", $"is not a ledger record ({e.Message.Split('\n')[0]})"));
        }
        if (record.RecordCase == C.LedgerRecord.RecordOneofCase.None || (record.LateShipment?.Decision ?? (IMessage?)record.PriceMatch?.Decision) is null)
            return (null, new FinanceInputException(file, line, "record", "holds no late_shipment or price_match record with its decision"));
        if (Missing(record) is { } field) return (null, new FinanceInputException(file, line, field, "is required"));
        return (map(record, line), null);
    }

    /// <summary>
    /// The first field a record cannot go without, or null: the period is chosen by its event, the replay needs its case,
    /// and the version it pins names the rule.
    /// </summary>
    private static string? Missing(C.LedgerRecord record) => record.RecordCase switch
    {
        C.LedgerRecord.RecordOneofCase.LateShipment => record.LateShipment.Case is null ? "record.late_shipment.case"
            : record.LateShipment.EventAt is null ? "record.late_shipment.event_at"
            : record.LateShipment.Decision.Rule is null ? "record.late_shipment.decision.rule"
            : null,
        C.LedgerRecord.RecordOneofCase.PriceMatch => record.PriceMatch.Case is null ? "record.price_match.case"
            : record.PriceMatch.EventAt is null ? "record.price_match.event_at"
            : record.PriceMatch.Decision.Rule is null ? "record.price_match.decision.rule"
            : null,
        _ => null,
    };

    /// <summary>A CSV writer with the header of <see cref="CsvColumns"/> written.</summary>
    public static CsvWriter CsvWriter(TextWriter writer)
    {
        var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in CsvColumns) csv.WriteField(column);
        csv.NextRecord();
        return csv;
    }

    /// <summary>One CSV row per obligation of the record: money as exact decimal text.</summary>
    public static void WriteCsv(CsvWriter csv, C.LedgerRecord record)
    {
        foreach (var o in Obligation.Of(record))
        {
            csv.WriteField(o.Platform);
            csv.WriteField(o.MerchantId);
            csv.WriteField(o.OrderId);
            csv.WriteField(o.LineOrItem);
            csv.WriteField(o.Side == Side.Buyer ? "buyer" : "platform");
            csv.WriteField(o.Currency);
            csv.WriteField(o.Amount.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(o.Outcome);
            csv.WriteField(o.Rule);
            csv.WriteField(o.EventAt.ToString("O", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    }
}
