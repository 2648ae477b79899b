using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Penalties.Grpc;

/// <summary>
/// The page tokens of every paged call: where the page ended, as base64url text. Most name the last item listed by its
/// instant and id ("ticks|id"), so that items added meanwhile never shift a page.
/// </summary>
public static class PageTokens
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Of(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>The text of a token made by <see cref="Of(string)"/>; null for any other.</summary>
    public static string? Text(string token)
    {
        try
        {
            return Strict.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A token naming an item by its instant (UTC ticks) and its id.</summary>
    public static string Of(long ticks, string id) => Of(string.Create(CultureInfo.InvariantCulture, $"{ticks}|{id}"));

    /// <summary>The instant and id a token of <see cref="Of(long, string)"/> names; null for any other token.</summary>
    public static (long Ticks, string Id)? Key(string token)
    {
        if (Text(token) is not { } text) return null;
        int bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < text.Length - 1
            && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (ticks, text[(bar + 1)..]) : null;
    }
}
