using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Penalties.Core.Rules.Loading;

/// <summary>
/// The canonical form of a JSON document: object members sorted by ordinal name, no insignificant
/// whitespace, numbers in their shortest exact decimal form (0.30 and 0.3 are the same content).
/// Its SHA-256 identifies a rule-set version's exact content, whatever the file's layout.
/// The hash leaves out the top-level <c>effectiveTo</c>: closing a version when its successor is
/// published is the one change a published version allows, and it must not break callers' pins.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The top-level member left out of the content hash.</summary>
    public const string ExcludedFromHash = "effectiveTo";

    public static byte[] Canonicalize(JsonElement element, string? excludeTopLevel = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, element, excludeTopLevel);
        }
        return buffer.ToArray();
    }

    /// <summary>SHA-256 of a rule document's canonical form, without its top-level <c>effectiveTo</c>.</summary>
    public static string ContentHash(JsonElement element) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Canonicalize(element, ExcludedFromHash)));

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? exclude = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (exclude is not null && string.Equals(property.Name, exclude, StringComparison.Ordinal)) continue;
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (element.TryGetDecimal(out var d))
                {
                    // Normalise scale: 0.30 → 0.3, 500.00 → 500.
                    writer.WriteRawValue((d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                }
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
