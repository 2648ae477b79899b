using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using CsvHelper.Configuration;
using Penalties.Contracts.V1;
using PaymentPart = Penalties.Core.PriceMatch.PaymentPart;
using PaymentKind = Penalties.Core.PriceMatch.PaymentKind;
using MerchantType = Penalties.Core.PriceMatch.MerchantType;
using ComparisonPlatform = Penalties.Core.PriceMatch.ComparisonPlatform;
using ComparisonListing = Penalties.Core.PriceMatch.ComparisonListing;
using ShippingChannel = Penalties.Core.LateShipment.ShippingChannel;
using RefundReason = Penalties.Core.LateShipment.RefundReason;
using OrderLine = Penalties.Core.LateShipment.OrderLine;
using LateShipmentCase = Penalties.Core.LateShipment.LateShipmentCase;
using PriceMatchCase = Penalties.Core.PriceMatch.PriceMatchCase;
using LateShipmentDecision = Penalties.Contracts.V1.LateShipmentDecision;
using PriceMatchDecision = Penalties.Contracts.V1.PriceMatchDecision;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using CorePlatform = Penalties.Core.LateShipment.Platform;

namespace Penalties.Cli;

/// <summary>
/// CSV batches (RFC 4180, read with CsvHelper). A header row names the columns (any order; unknown columns are refused).
/// Late shipment: one row per order line, consecutive rows with the same order_id form one order. Price match: one row
/// per claim; attributes as "k=v;k=v", payments as "Kind:amount;JdBeans:count". An optional merchant_id column is
/// carried to the output. Results: one row per input row. A field never spans lines: a line break inside quotes is an
/// unterminated quote, reported for that row, and reading goes on at the next line.
/// </summary>
internal static class Csv
{
    public static readonly string[] LateColumns =
    [
        "merchant_id", "platform", "order_id", "paid_at", "placed_at", "channel", "agreed_ship_by", "line_id", "amount", "quantity", "shipped_at",
        "evaluated_at", "refund_reason", "merchant_admitted_out_of_stock", "merchant_refused_to_ship", "merchant_demanded_higher_price",
        "refused_before_payment", "buyer_abuse", "platform_stop_ship_order", "merchant_paid_before_judgment", "force_majeure_reports",
    ];

    public static readonly string[] PriceColumns =
    [
        "merchant_id", "order_id", "merchant_type", "enrolled_from", "enrolled_to", "item_has_badge", "item_is_custom", "item_attributes", "ordered_at",
        "claimed_at", "payments", "comparison_platform", "comparison_paid_amount", "comparison_monthly_sales", "comparison_on_sale",
        "comparison_purchasable", "comparison_attributes",
    ];

    private static readonly HashSet<string> LineColumns = new(["line_id", "amount", "quantity", "shipped_at"], StringComparer.Ordinal);

    public const string ResultHeader = "line,platform,merchant_id,order_id,line_id,currency,outcome,buyer_payout,buyer_points,platform_liability,merchant_total,rule_set_id,version,content_hash,reason_codes,error_code,error";

    /// <summary>A problem in one CSV row: its line number, the contract's field path and the reason.</summary>
    public sealed class RowException(int line, string field, string message) : Exception($"line {line}: {field}: {message}")
    {
        public int Line { get; } = line;
        public string Field { get; } = field;
        public string Reason { get; } = message;
    }

    /// <summary>One physical CSV record: its line, its fields, and the field a bad quote was found in (if any).</summary>
    private sealed record Record(int Line, string[] Fields, int BadField);

    /// <summary>
    /// The cases of a CSV batch, one at a time. A row that cannot be read is an error item; for late shipment it refuses
    /// its whole order (deciding the order without one of its lines would give wrong amounts), each row keeping its identity.
    /// </summary>
    public static async IAsyncEnumerable<BatchItem> ReadAsync(bool lateShipment, TextReader reader, string name, [EnumeratorCancellation] CancellationToken token)
    {
        var records = Records(reader, token).GetAsyncEnumerator(token);
        if (!await records.MoveNextAsync()) yield break;
        var head = records.Current;
        var header = head.Fields.Select(h => h.Trim()).ToArray();
        var known = lateShipment ? LateColumns : PriceColumns;
        foreach (var h in header)
        {
            if (!known.Contains(h)) throw new CommandLine.InputException($"{name}: line {head.Line}: {h}: unknown column (expected: {string.Join(", ", known)})");
        }
        if (head.BadField >= 0) throw new CommandLine.InputException($"{name}: line {head.Line}: the header has a quote that is not closed");
        var index = header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);

        var order = new List<Record>();
        while (await records.MoveNextAsync())
        {
            var record = records.Current;
            if (!lateShipment)
            {
                yield return PriceItem(record, index, header);
                continue;
            }
            if (order.Count > 0 && Field(order[0], index, "order_id") != Field(record, index, "order_id"))
            {
                yield return LateItem(order, index, header);
                order.Clear();
            }
            order.Add(record);
        }
        if (order.Count > 0) yield return LateItem(order, index, header);
    }

    /// <summary>
    /// The records, one per non-blank line: each line is parsed on its own by CsvHelper, so a quote left open ends with
    /// its line instead of swallowing the rest of the file. An odd number of quotes, or a quote inside an unquoted field,
    /// marks the field it is in as bad.
    /// </summary>
    private static async IAsyncEnumerable<Record> Records(TextReader reader, [EnumeratorCancellation] CancellationToken token)
    {
        int badField = -1;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = args => badField = badField >= 0 ? badField : Math.Max(0, args.Context.Parser!.Count - 1),
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            BufferSize = 1024,
        };
        int line = 0;
        while (await reader.ReadLineAsync(token) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (!text.Contains('"', StringComparison.Ordinal))
            {
                // Without quotes RFC 4180 is a split at commas; only quoted lines need the parser. Kept by measurement:
                // CsvHelper on each line costs many times the split per row (bench/RESULTS.md, CLI batches).
                yield return new Record(line, text.Split(','), -1);
                continue;
            }
            badField = -1;
            using var parser = new CsvParser(new StringReader(text), config);
            var fields = parser.Read() ? parser.Record ?? [] : [];
            if (text.Count(ch => ch == '"') % 2 == 1) badField = Math.Max(0, fields.Length - 1);
            yield return new Record(line, fields, badField);
        }
    }

    private static string Field(Record r, Dictionary<string, int> index, string column) =>
        index.TryGetValue(column, out var i) && i < r.Fields.Length ? r.Fields[i].Trim() : "";

    private static BatchRow Identity(Record r, Dictionary<string, int> index, bool lateShipment) => new(r.Line,
        lateShipment ? Field(r, index, "platform") : "JD", Field(r, index, "merchant_id"), Field(r, index, "order_id"), lateShipment ? Field(r, index, "line_id") : "");

    private static BatchItem LateItem(List<Record> records, Dictionary<string, int> index, string[] header)
    {
        var rows = records.Select(r => Identity(r, index, lateShipment: true)).ToArray();
        try
        {
            var c = ReadOrder(records, index, header);
            return new BatchItem(records[0].Line, c, null, rows, rows.Length);
        }
        catch (RowException e)
        {
            return new BatchItem(e.Line, null, BatchRun.Error(e.Field, e.Reason), rows, rows.Length);
        }
    }

    private static BatchItem PriceItem(Record record, Dictionary<string, int> index, string[] header)
    {
        var rows = new[] { Identity(record, index, lateShipment: false) };
        try
        {
            return new BatchItem(record.Line, ReadClaim(new Row(record, index, header, 0)), null, rows, 1);
        }
        catch (RowException e)
        {
            return new BatchItem(e.Line, null, BatchRun.Error(e.Field, e.Reason), rows, 1);
        }
    }

    /// <summary>The contract's path of a column: order-line columns under case.lines[i], the comparison under case.comparison.</summary>
    private static string PathOf(string column, int lineIndex) => column switch
    {
        "merchant_id" => "request.merchant_id",
        _ when LineColumns.Contains(column) => $"request.case.lines[{lineIndex}].{column}",
        "enrolled_from" => "request.case.enrollments[0].from",
        "enrolled_to" => "request.case.enrollments[0].to",
        _ when column.StartsWith("comparison_", StringComparison.Ordinal) => "request.case.comparison." + column["comparison_".Length..],
        _ => "request.case." + column,
    };

    private static LateShipmentCase ReadOrder(List<Record> records, Dictionary<string, int> index, string[] header)
    {
        var r = new Row(records[0], index, header, 0);
        var lines = new List<OrderLine>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var line = new Row(records[i], index, header, i);
            lines.Add(new OrderLine
            {
                LineId = line.Text("line_id"),
                Amount = line.Decimal("amount"),
                Quantity = line.Has("quantity") ? line.Int("quantity") : 1,
                ShippedAt = line.Instant("shipped_at"),
            });
        }
        return new LateShipmentCase
        {
            Platform = r.Enum<CorePlatform>("platform"),
            OrderId = r.Text("order_id"),
            PaidAt = r.Instant("paid_at"),
            PlacedAt = r.Instant("placed_at"),
            Channel = r.Has("channel") ? r.Enum<ShippingChannel>("channel") : ShippingChannel.Ordinary,
            AgreedShipBy = r.Instant("agreed_ship_by"),
            Lines = lines,
            EvaluatedAt = r.Instant("evaluated_at") ?? default,
            RefundReason = r.Enum<RefundReason>("refund_reason"),
            MerchantAdmittedOutOfStock = r.Bool("merchant_admitted_out_of_stock"),
            MerchantRefusedToShip = r.Bool("merchant_refused_to_ship"),
            MerchantDemandedHigherPrice = r.Bool("merchant_demanded_higher_price"),
            RefusedBeforePayment = r.Bool("refused_before_payment"),
            BuyerAbuse = r.Bool("buyer_abuse"),
            PlatformStopShipOrder = r.Bool("platform_stop_ship_order"),
            MerchantPaidBeforeJudgment = r.Bool("merchant_paid_before_judgment"),
            ForceMajeureReports = r.Periods("force_majeure_reports"),
        };
    }

    private static PriceMatchCase ReadClaim(Row r)
    {
        var from = r.Instant("enrolled_from");
        return new PriceMatchCase
        {
            OrderId = r.Text("order_id"),
            MerchantType = r.Enum<MerchantType>("merchant_type"),
            Enrollments = from is null ? [] : [new EnrollmentPeriod(from.Value, r.Instant("enrolled_to"))],
            ItemHasBadge = r.Bool("item_has_badge"),
            ItemIsCustom = r.Bool("item_is_custom"),
            ItemAttributes = r.Map("item_attributes"),
            OrderedAt = r.Instant("ordered_at") ?? default,
            ClaimedAt = r.Instant("claimed_at") ?? default,
            Payments = r.Payments("payments"),
            Comparison = new ComparisonListing
            {
                Platform = r.Enum<ComparisonPlatform>("comparison_platform"),
                PaidAmount = r.Decimal("comparison_paid_amount"),
                MonthlySales = r.Int("comparison_monthly_sales"),
                OnSale = !r.Has("comparison_on_sale") || r.Bool("comparison_on_sale"),
                Purchasable = !r.Has("comparison_purchasable") || r.Bool("comparison_purchasable"),
                Attributes = r.Map("comparison_attributes"),
            },
        };
    }

    /// <summary>One result row per input row: a late-shipment row carries its own order line's decision.</summary>
    public static string ResultRow(BatchRow row, ItemResult result)
    {
        var f = new string?[17];
        (f[0], f[1], f[2], f[3], f[4]) = (row.Line.ToString(CultureInfo.InvariantCulture), row.Platform, row.Merchant, row.OrderId, row.LineId);
        switch (result.Decision)
        {
            case LateShipmentDecision d:
                var line = d.Lines.FirstOrDefault(l => l.LineId == row.LineId);
                if (line is not null && d.Lines.Count > 1)
                {
                    (f[5], f[6], f[7], f[8], f[9], f[10]) = (line.BuyerPayout?.CurrencyCode, line.Outcome.ToString(), MoneyText.Text(line.BuyerPayout),
                        line.HasBuyerPoints ? line.BuyerPoints.ToString(CultureInfo.InvariantCulture) : "", MoneyText.Text(line.PlatformLiability), MoneyText.Text(line.MerchantTotal));
                    f[14] = string.Join(";", line.ReasonCodes);
                }
                else
                {
                    (f[5], f[6], f[7], f[8], f[9], f[10]) = (d.BuyerPayout?.CurrencyCode, d.Outcome.ToString(), MoneyText.Text(d.BuyerPayout),
                        d.HasBuyerPoints ? d.BuyerPoints.ToString(CultureInfo.InvariantCulture) : "", MoneyText.Text(d.PlatformLiability), MoneyText.Text(d.MerchantTotal));
                    f[14] = string.Join(";", d.ReasonCodes);
                }
                (f[11], f[12], f[13]) = (d.Rule.RuleSetId, d.Rule.Version.ToString(CultureInfo.InvariantCulture), d.Rule.ContentHash);
                break;
            case PriceMatchDecision d:
                (f[5], f[6], f[7], f[10]) = (d.Payout?.CurrencyCode, d.Outcome.ToString(), MoneyText.Text(d.Payout), MoneyText.Text(d.Payout));
                (f[11], f[12], f[13], f[14]) = (d.Rule.RuleSetId, d.Rule.Version.ToString(CultureInfo.InvariantCulture), d.Rule.ContentHash, string.Join(";", d.ReasonCodes));
                break;
        }
        if (result.Error is { } error)
        {
            f[15] = error.Code.ToString(CultureInfo.InvariantCulture);
            f[16] = error.FieldViolations.Count > 0 ? string.Join("; ", error.FieldViolations.Select(v => $"{v.Field}: {v.Description}")) : error.Message;
        }
        return string.Join(',', f.Select(Quote));
    }

    private static string Quote(string? s) =>
        s is null ? "" : s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    /// <summary>The typed fields of one record; a field that cannot be read names its line and contract path.</summary>
    private readonly struct Row
    {
        private readonly Record _record;
        private readonly Dictionary<string, int> _index;
        private readonly int _lineIndex;

        public Row(Record record, Dictionary<string, int> index, string[] header, int lineIndex)
        {
            (_record, _index, _lineIndex) = (record, index, lineIndex);
            if (record.BadField >= 0)
            {
                var column = header[Math.Min(record.BadField, header.Length - 1)];
                throw Bad(column, "a quote is not closed on its line (or text follows a closing quote); the row is refused, reading goes on at the next line");
            }
        }

        private string? Raw(string column) =>
            _index.TryGetValue(column, out var i) && i < _record.Fields.Length && _record.Fields[i].Trim().Length > 0 ? _record.Fields[i].Trim() : null;

        private RowException Bad(string column, string message) => new(_record.Line, PathOf(column, _lineIndex), message);

        public bool Has(string column) => Raw(column) is not null;

        public string Text(string column) => Raw(column) ?? "";

        public DateTimeOffset? Instant(string column)
        {
            var s = Raw(column);
            if (s is null) return null;
            return Instants.TryParse(s, out var v) ? v : throw Bad(column, Instants.Refusal(s));
        }

        public decimal Decimal(string column)
        {
            var s = Raw(column) ?? throw Bad(column, "is required");
            return decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : throw Bad(column, $"'{s}' is not a number");
        }

        public int Int(string column)
        {
            var s = Raw(column) ?? throw Bad(column, "is required");
            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw Bad(column, $"'{s}' is not an integer");
        }

        public bool Bool(string column) => Raw(column) switch
        {
            null or "false" or "0" => false,
            "true" or "1" => true,
            var s => throw Bad(column, $"'{s}' is not true or false"),
        };

        public T Enum<T>(string column) where T : struct, Enum
        {
            var s = Raw(column) ?? throw Bad(column, "is required");
            return System.Enum.GetNames<T>().Contains(s) ? System.Enum.Parse<T>(s) : throw Bad(column, $"'{s}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}");
        }

        public Dictionary<string, string> Map(string column)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in (Raw(column) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw Bad(column, $"'{pair}' is not name=value");
                map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
            return map;
        }

        public List<PaymentPart> Payments(string column)
        {
            var parts = new List<PaymentPart>();
            foreach (var item in (Raw(column) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int colon = item.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || !System.Enum.TryParse<PaymentKind>(item[..colon], out var kind) || !System.Enum.IsDefined(kind))
                    throw Bad(column, $"'{item}' is not Kind:amount (kinds: {string.Join(", ", System.Enum.GetNames<PaymentKind>())})");
                var value = item[(colon + 1)..];
                if (kind == PaymentKind.JdBeans)
                    parts.Add(new PaymentPart { Kind = kind, Beans = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) ? b : throw Bad(column, $"'{value}' is not a bean count") });
                else
                    parts.Add(new PaymentPart { Kind = kind, Amount = decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : throw Bad(column, $"'{value}' is not an amount") });
            }
            return parts;
        }

        public List<ReportedPeriod> Periods(string column)
        {
            var periods = new List<ReportedPeriod>();
            foreach (var item in (Raw(column) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var ends = item.Split('/', StringSplitOptions.TrimEntries);
                if (ends.Length != 2 || !Instants.TryParse(ends[0], out var from) || !Instants.TryParse(ends[1], out var to))
                    throw Bad(column, $"'{item}' is not from/to");
                periods.Add(new ReportedPeriod(from, to));
            }
            return periods;
        }
    }
}
