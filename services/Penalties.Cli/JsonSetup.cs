using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Penalties.Core.Common;

namespace Penalties.Cli;

/// <summary>JSON conventions of the command line: camelCase, enums by name, unknown fields refused.</summary>
internal static class JsonSetup
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        o.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        o.Converters.Add(new ExplanationStepConverter());
        o.Converters.Add(new InstantConverter());
        return o;
    }

    /// <summary>The reason of a JSON error without the position System.Text.Json appends (the caller names line and field itself).</summary>
    public static string Reason(JsonException e)
    {
        var at = e.Message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at > 0 ? e.Message[..at] : e.Message;
    }

    /// <summary>Instants as <see cref="Instants"/> reads them: with an offset, never in the machine's zone.</summary>
    private sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("an instant must be a string");
            return Instants.TryParse(text, out var value) ? value : throw new JsonException(Instants.Refusal(text));
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Writes a step as its kind and its rendered text; steps are output only.</summary>
    private sealed class ExplanationStepConverter : JsonConverter<ExplanationStep>
    {
        public override ExplanationStep Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new JsonException("explanation steps are output only");

        public override void Write(Utf8JsonWriter writer, ExplanationStep value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", value.Kind.ToString());
            writer.WriteString("text", value.Text);
            writer.WriteEndObject();
        }
    }
}

/// <summary>
/// Instants must say which instant they are: an ISO 8601 date-time with 'Z' or an explicit offset.
/// A bare local time would otherwise be read in the machine's own time zone.
/// </summary>
internal static class Instants
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        bool hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        value = default;
        return hasZone && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out value);
    }

    public static string Refusal(string text) =>
        $"'{text}' is not an instant: use ISO 8601 with an offset, e.g. 2024-03-01T10:00:00+08:00 or 2024-03-01T02:00:00Z";
}
