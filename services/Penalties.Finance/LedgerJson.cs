using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf.Reflection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance;

/// <summary>
/// The proto3 JSON of a ledger record read by System.Text.Json straight into the generated messages: camelCase names,
/// 64-bit numbers as strings, enums by their proto names, timestamps with their offset; an unknown field is refused,
/// as protobuf's own JsonParser refuses it.
/// </summary>
internal static class LedgerJson
{
    // Used instead of protobuf's JsonParser: measured three times as fast on ledger lines (bench/RESULTS.md, Reconcile).
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new TimestampConverter(), new ProtoEnumConverter(), new StringConverter() },
    };

    public static C.LedgerRecord Parse(string line) =>
        JsonSerializer.Deserialize<C.LedgerRecord>(line, Options) ?? throw new JsonException("the line is null, not a record");

    /// <summary>
    /// Strings, with null refused here: a generated setter would throw on it outside the reader, where the field's
    /// path is lost.
    /// </summary>
    private sealed class StringConverter : JsonConverter<string>
    {
        public override bool HandleNull => true;

        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? throw new JsonException("null is not a string; leave the field out for an empty one") : reader.GetString()!;

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => throw new NotSupportedException("read only");
    }

    private sealed class TimestampConverter : JsonConverter<Timestamp>
    {
        public override Timestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.ValueSpan;
            // RFC 3339 as protobuf writes it: the offset is never left to the machine's zone.
            bool hasOffset = text.IndexOf((byte)'T') > 0 && text.Length > 6 && (text[^1] is (byte)'Z' or (byte)'z' || text[^6] is (byte)'+' or (byte)'-');
            return hasOffset && reader.TryGetDateTimeOffset(out var at)
                ? Timestamp.FromDateTimeOffset(at)
                : throw new JsonException($"'{reader.GetString()}' is not a timestamp with its offset");
        }

        public override void Write(Utf8JsonWriter writer, Timestamp value, JsonSerializerOptions options) => throw new NotSupportedException("read only");
    }

    /// <summary>The contract's enums by their proto names ("PLATFORM_TMALL"), or by number as proto3 JSON allows.</summary>
    private sealed class ProtoEnumConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsEnum && typeToConvert.GetFields(BindingFlags.Public | BindingFlags.Static).Any(f => f.IsDefined(typeof(OriginalNameAttribute)));

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class EnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly Dictionary<string, T> Names = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => f.GetCustomAttribute<OriginalNameAttribute>()!.Name, f => (T)f.GetValue(null)!, StringComparer.Ordinal);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return (T)Enum.ToObject(typeof(T), reader.GetInt32());
            string name = reader.GetString() ?? "";
            return Names.TryGetValue(name, out var value) ? value : throw new JsonException($"'{name}' is not a {typeof(T).Name}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => throw new NotSupportedException("read only");
    }
}
