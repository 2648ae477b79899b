using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Penalties.Cli;

/// <summary>The contract's messages in the proto3 JSON mapping (what a gRPC-JSON transcoder would show).</summary>
internal static class ProtoJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string Format(IMessage message) => Formatter.Format(message);

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly System.Text.Json.JsonSerializerOptions OneLine = new(Indented) { WriteIndented = false };

    /// <summary>
    /// With <paramref name="decimalMoney"/>, every Money is {currencyCode, amount: "450.00"}: exact decimal text, where
    /// {units, nanos} read as floats by jq or a spreadsheet no longer sum exactly. It is indented for one case on its
    /// own; <paramref name="oneLine"/> keeps it on one line, as a JSONL batch needs.
    /// </summary>
    public static string Format(IMessage message, bool decimalMoney, bool oneLine = false)
    {
        var json = Formatter.Format(message);
        if (!decimalMoney) return json;
        var node = JsonNode.Parse(json)!;
        DecimalMoney(node);
        return node.ToJsonString(oneLine ? OneLine : Indented);
    }

    private static void DecimalMoney(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 3 && o["currencyCode"] is JsonValue code && o["units"] is JsonValue units && o["nanos"] is JsonValue nanos:
                var amount = MoneyText.Text(long.Parse(units.GetValue<string>(), CultureInfo.InvariantCulture), nanos.GetValue<int>());
                o.Clear();
                o["currencyCode"] = code.GetValue<string>();
                o["amount"] = amount;
                break;
            case JsonObject o:
                foreach (var (_, child) in o.ToList()) DecimalMoney(child);
                break;
            case JsonArray a:
                foreach (var child in a) DecimalMoney(child);
                break;
        }
    }
}

/// <summary>Money as exact decimal text: at least two decimals, no more than it has ("450.00", "0.125").</summary>
internal static class MoneyText
{
    public static decimal Value(Contracts.V1.Money? m) => m is null ? 0m : m.Units + m.Nanos / 1_000_000_000m;

    public static string Text(decimal value) => value.ToString("0.00#######", CultureInfo.InvariantCulture);

    public static string Text(long units, int nanos) => Text(units + nanos / 1_000_000_000m);

    public static string Text(Contracts.V1.Money? m) => m is null ? "" : Text(Value(m));
}
