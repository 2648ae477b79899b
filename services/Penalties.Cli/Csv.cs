using System.Globalization;
using System.Text;
using Google.Protobuf;
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
/// CSV batches. A header row names the columns (any order; unknown columns are refused). Late shipment:
/// one row per order line, consecutive rows with the same order_id form one order. Price match: one row
/// per claim; attributes as "k=v;k=v", payments as "Kind:amount;JdBeans:count". Results: one row per case.
/// </summary>
internal static class Csv
{
    public static readonly string[] LateColumns =
    [
        "platform", "order_id", "paid_at", "placed_at", "channel", "agreed_ship_by", "line_id", "amount", "quantity", "shipped_at",
        "evaluated_at", "refund_reason", "merchant_admitted_out_of_stock", "merchant_refused_to_ship", "merchant_demanded_higher_price",
        "refused_before_payment", "buyer_abuse", "platform_stop_ship_order", "merchant_paid_before_judgment", "force_majeure_reports",
    ];

    public static readonly string[] PriceColumns =
    [
        "order_id", "merchant_type", "enrolled_from", "enrolled_to", "item_has_badge", "item_is_custom", "item_attributes", "ordered_at",
        "claimed_at", "payments", "comparison_platform", "comparison_paid_amount", "comparison_monthly_sales", "comparison_on_sale",
        "comparison_purchasable", "comparison_attributes",
    ];

    public const string ResultHeader = "line,order_id,outcome,payout,points,merchant_total,rule_set_id,version,content_hash,reason_codes,error_code,error";

    /// <summary>A problem in one CSV row: its line number, column and reason.</summary>
    public sealed class RowException(int line, string column, string message) : Exception($"line {line}: {column}: {message}")
    {
        public int Line { get; } = line;
        public string Column { get; } = column;
    }

    /// <summary>Reads the cases; rows that cannot be read are returned as errors (line, column, message).</summary>
    public static (List<(int Line, object Case)> Cases, List<RowException> Errors) Read(bool lateShipment, string text)
    {
        var rows = Parse(text);
        var cases = new List<(int, object)>();
        var errors = new List<RowException>();
        if (rows.Count == 0) return (cases, errors);
        var header = rows[0].Fields;
        var known = lateShipment ? LateColumns : PriceColumns;
        foreach (var h in header)
        {
            if (!known.Contains(h)) errors.Add(new RowException(rows[0].Line, h, $"unknown column (expected: {string.Join(", ", known)})"));
        }
        if (errors.Count > 0) return (cases, errors);
        var index = header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);

        if (lateShipment)
        {
            LateShipmentCase? current = null;
            int currentLine = 0;
            var lines = new List<OrderLine>();
            void Flush()
            {
                if (current is not null) cases.Add((currentLine, current with { Lines = [.. lines] }));
                current = null;
                lines.Clear();
            }
            foreach (var row in rows.Skip(1))
            {
                try
                {
                    var r = new Row(row, index);
                    var orderId = r.Text("order_id");
                    if (current is null || current.OrderId != orderId)
                    {
                        Flush();
                        currentLine = row.Line;
                        current = new LateShipmentCase
                        {
                            Platform = r.Enum<CorePlatform>("platform"),
                            OrderId = orderId,
                            PaidAt = r.Instant("paid_at"),
                            PlacedAt = r.Instant("placed_at"),
                            Channel = r.Has("channel") ? r.Enum<ShippingChannel>("channel") : ShippingChannel.Ordinary,
                            AgreedShipBy = r.Instant("agreed_ship_by"),
                            Lines = [],
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
                    lines.Add(new OrderLine
                    {
                        LineId = r.Text("line_id"),
                        Amount = r.Decimal("amount"),
                        Quantity = r.Has("quantity") ? r.Int("quantity") : 1,
                        ShippedAt = r.Instant("shipped_at"),
                    });
                }
                catch (RowException e)
                {
                    errors.Add(e);
                }
            }
            Flush();
        }
        else
        {
            foreach (var row in rows.Skip(1))
            {
                try
                {
                    var r = new Row(row, index);
                    var from = r.Instant("enrolled_from");
                    cases.Add((row.Line, new PriceMatchCase
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
                    }));
                }
                catch (RowException e)
                {
                    errors.Add(e);
                }
            }
        }
        return (cases, errors);
    }

    public static string ResultRow(int line, IMessage? decision, ItemError? error)
    {
        var f = new string[12];
        f[0] = line.ToString(CultureInfo.InvariantCulture);
        switch (decision)
        {
            case LateShipmentDecision d:
                (f[1], f[2], f[3], f[4], f[5]) = (d.OrderId, d.Outcome.ToString(), Money(d.BuyerPayout), d.HasBuyerPoints ? d.BuyerPoints.ToString(CultureInfo.InvariantCulture) : "", Money(d.MerchantTotal));
                (f[6], f[7], f[8], f[9]) = (d.Rule.RuleSetId, d.Rule.Version.ToString(CultureInfo.InvariantCulture), d.Rule.ContentHash, string.Join(";", d.ReasonCodes));
                break;
            case PriceMatchDecision d:
                (f[1], f[2], f[3], f[4], f[5]) = (d.OrderId, d.Outcome.ToString(), Money(d.Payout), "", Money(d.Payout));
                (f[6], f[7], f[8], f[9]) = (d.Rule.RuleSetId, d.Rule.Version.ToString(CultureInfo.InvariantCulture), d.Rule.ContentHash, string.Join(";", d.ReasonCodes));
                break;
        }
        if (error is not null)
        {
            f[10] = error.Code.ToString(CultureInfo.InvariantCulture);
            f[11] = error.FieldViolations.Count > 0 ? string.Join("; ", error.FieldViolations.Select(v => $"{v.Field}: {v.Description}")) : error.Message;
        }
        return string.Join(',', f.Select(Quote));
    }

    private static string Money(Contracts.V1.Money m) => (m.Units + m.Nanos / 1_000_000_000m).ToString("0.00##", CultureInfo.InvariantCulture);

    private static string Quote(string? s) =>
        s is null ? "" : s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private sealed record CsvRow(int Line, List<string> Fields);

    /// <summary>RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    private static List<CsvRow> Parse(string text)
    {
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int line = 1, rowLine = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else { if (ch == '\n') line++; field.Append(ch); }
                continue;
            }
            switch (ch)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); rows.Add(new CsvRow(rowLine, [.. fields])); }
                    fields.Clear(); field.Clear(); any = false; line++; rowLine = line;
                    break;
                default: field.Append(ch); any = true; break;
            }
        }
        if (any || field.Length > 0) { fields.Add(field.ToString()); rows.Add(new CsvRow(rowLine, [.. fields])); }
        return rows;
    }

    private readonly struct Row(CsvRow row, Dictionary<string, int> index)
    {
        private string? Raw(string column) =>
            index.TryGetValue(column, out var i) && i < row.Fields.Count && row.Fields[i].Trim().Length > 0 ? row.Fields[i].Trim() : null;

        private RowException Bad(string column, string message) => new(row.Line, column, message);

        public bool Has(string column) => Raw(column) is not null;

        public string Text(string column) => Raw(column) ?? "";

        public DateTimeOffset? Instant(string column)
        {
            var s = Raw(column);
            if (s is null) return null;
            bool zoned = s.EndsWith('Z') || (s.Length > 6 && s[^6] is '+' or '-' && s[^3] == ':');
            return zoned && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var v)
                ? v : throw Bad(column, $"'{s}' is not an instant with an offset (e.g. 2024-03-01T10:00:00+08:00)");
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
                if (ends.Length != 2 || !DateTimeOffset.TryParse(ends[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                    || !DateTimeOffset.TryParse(ends[1], CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
                    throw Bad(column, $"'{item}' is not from/to");
                periods.Add(new ReportedPeriod(from, to));
            }
            return periods;
        }
    }
}
