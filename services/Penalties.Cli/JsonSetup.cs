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
        return o;
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
