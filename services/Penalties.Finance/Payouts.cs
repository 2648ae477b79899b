using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Penalties.Core.Common;

namespace Penalties.Finance;

/// <summary>One payment finance made: to a buyer for an order line or item, or from a merchant to the platform.</summary>
/// <param name="Line">The line of the payout file it was read from (1 is the header).</param>
public sealed record Payout(string Platform, string OrderId, string LineOrItem, Side Side, decimal Amount, string Currency, DateTimeOffset PaidAt, string Reference, long Line)
{
    public PayoutKey Key => new(Platform, OrderId, LineOrItem, Side);
}

/// <summary>Input that cannot be read: the file, the line, the field and why, as one line.</summary>
public sealed class FinanceInputException(string file, long line, string field, string reason)
    : Exception($"{file}:{line}: {field}: {reason}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}

/// <summary>
/// The payouts file (RFC 4180 CSV with a header): <c>platform, order_id, line_or_item, amount, currency, paid_at,
/// payout_reference</c> and optionally <c>side</c> (<c>buyer</c>, the default, or <c>platform</c> for a merchant's
/// payment to the platform). Amounts are decimal text; instants carry their offset.
/// </summary>
public static class PayoutsCsv
{
    public static readonly string[] Columns = ["platform", "order_id", "line_or_item", "amount", "currency", "paid_at", "payout_reference", "side"];

    /// <summary>The platforms a payout may name, as obligations name them (any case is read).</summary>
    private static readonly string[] Platforms = ["tmall", "taobao", "jd"];

    private static readonly string[] Currencies = [Obligation.Cny, Obligation.TmallPoints];

    /// <summary>The payouts, read one at a time; the first unreadable row stops the read with its file, line and field.</summary>
    public static IEnumerable<Payout> Read(TextReader reader, string file)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, DetectColumnCountChanges = false };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader()) throw new FinanceInputException(file, 1, "header", $"is missing: expected {string.Join(",", Columns)}");
        var header = csv.HeaderRecord!;
        foreach (var column in Columns[..^1])
        {
            if (!header.Contains(column, StringComparer.Ordinal)) throw new FinanceInputException(file, 1, column, "column is missing from the header");
        }
        bool hasSide = header.Contains("side", StringComparer.Ordinal);
        while (true)
        {
            bool more;
            try
            {
                more = csv.Read();
            }
            catch (CsvHelperException e)
            {
                throw new FinanceInputException(file, csv.Parser.RawRow, "row", $"is not valid CSV ({e.GetType().Name})");
            }
            if (!more) yield break;
            long line = FirstLine(csv.Parser, out long last);
            string? Get(string name)
            {
                try
                {
                    return csv.GetField(name);
                }
                catch (CsvHelper.MissingFieldException)
                {
                    string quote = last > line ? $"; a quoted field runs on to line {last}: is a quote not closed?" : "";
                    throw new FinanceInputException(file, line, name, $"is missing: the row has {csv.Parser.Count} of {header.Length} columns{quote}");
                }
                catch (CsvHelperException e)
                {
                    throw new FinanceInputException(file, line, name, $"is not valid CSV ({e.GetType().Name})");
                }
            }
            string Field(string name)
            {
                var value = Get(name);
                return string.IsNullOrEmpty(value) ? throw new FinanceInputException(file, line, name, "is required") : value;
            }
            string amountText = Field("amount");
            if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal amount))
                throw new FinanceInputException(file, line, "amount", $"'{amountText}' is not a decimal amount");
            if (amount < 0) throw new FinanceInputException(file, line, "amount", $"must not be negative (got {amountText})");
            // The services' own ceiling: amounts beyond it would overflow when a key's payouts are summed.
            if (amount > InputLimits.MaxMoney) throw new FinanceInputException(file, line, "amount", $"must be at most {InputLimits.MaxMoney} (got {amountText})");
            string paidAtText = Field("paid_at");
            var paidAt = Instant(paidAtText) ?? throw new FinanceInputException(file, line, "paid_at", $"'{paidAtText}' is not an instant with an offset (e.g. 2024-03-01T10:00:00+08:00)");
            var side = !hasSide || Get("side") is not { Length: > 0 } sideText ? Side.Buyer
                : sideText.Equals("buyer", StringComparison.OrdinalIgnoreCase) ? Side.Buyer
                : sideText.Equals("platform", StringComparison.OrdinalIgnoreCase) ? Side.Platform
                : throw new FinanceInputException(file, line, "side", $"must be buyer or platform (got '{sideText}')");
            string platformText = Field("platform");
            string platform = Array.Find(Platforms, p => p.Equals(platformText, StringComparison.OrdinalIgnoreCase))
                ?? throw new FinanceInputException(file, line, "platform", $"must be {string.Join(", ", Platforms)} (got '{platformText}')");
            string orderId = Field("order_id"), lineOrItem = Field("line_or_item"), currencyText = Field("currency");
            string currency = Array.Find(Currencies, c => c.Equals(currencyText, StringComparison.OrdinalIgnoreCase))
                ?? throw new FinanceInputException(file, line, "currency", $"must be {string.Join(" or ", Currencies)} (got '{currencyText}')");
            yield return new Payout(platform, orderId, lineOrItem, side, amount, currency, paidAt, Field("payout_reference"), line);
        }
    }

    /// <summary>
    /// The line a record starts on, and the last it reaches. A quoted field may hold line breaks, and an unclosed quote
    /// runs to the end of the file: the parser counts every break it read but the terminating one of a closed record.
    /// </summary>
    private static long FirstLine(IParser parser, out long last)
    {
        last = parser.RawRow;
        string raw = parser.RawRecord;
        bool closed = raw.Count(c => c == '"') % 2 == 0;
        int breaks = raw.Count(c => c == '\n') - (closed && raw.EndsWith('\n') ? 1 : 0);
        return last - breaks;
    }

    /// <summary>An ISO 8601 instant that names its offset ("Z" or "+08:00"); null for one that does not, never read in the machine's zone.</summary>
    public static DateTimeOffset? Instant(string text)
    {
        int t = text.IndexOf('T', StringComparison.Ordinal);
        bool hasOffset = t > 0 && (text.EndsWith('Z') || text.EndsWith('z') || text.AsSpan(t).IndexOfAny('+', '-') > 0);
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant : null;
    }

    /// <summary>Writes payouts in the documented columns (what the tests and the benchmark generator use).</summary>
    public static void Write(TextWriter writer, IEnumerable<Payout> payouts)
    {
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: true);
        foreach (var column in Columns) csv.WriteField(column);
        csv.NextRecord();
        foreach (var p in payouts)
        {
            csv.WriteField(p.Platform);
            csv.WriteField(p.OrderId);
            csv.WriteField(p.LineOrItem);
            csv.WriteField(p.Amount.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(p.Currency);
            csv.WriteField(p.PaidAt.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(p.Reference);
            csv.WriteField(p.Side == Side.Buyer ? "buyer" : "platform");
            csv.NextRecord();
        }
    }
}
