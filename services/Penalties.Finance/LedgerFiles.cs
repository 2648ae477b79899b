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
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static readonly string[] CsvColumns = ["platform", "merchant_id", "order_id", "line_or_item", "side", "currency", "amount", "outcome", "rule", "event_at"];

    public static void WriteJsonl(TextWriter writer, C.LedgerRecord record) => writer.WriteLine(Formatter.Format(record));

    /// <summary>The records of a JSONL file, one at a time; a line that is not a record stops the read with its line.</summary>
    public static IEnumerable<C.LedgerRecord> ReadJsonl(TextReader reader, string file)
    {
        long line = 0;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            C.LedgerRecord record;
            try
            {
                record = Parser.Parse<C.LedgerRecord>(text);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                throw new FinanceInputException(file, line, "record", $"is not a ledger record ({e.Message.Split('\n')[0]})");
            }
            if (record.RecordCase == C.LedgerRecord.RecordOneofCase.None || (record.LateShipment?.Decision ?? (IMessage?)record.PriceMatch?.Decision) is null)
                throw new FinanceInputException(file, line, "record", "holds no late_shipment or price_match record with its decision");
            yield return record;
        }
    }

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
