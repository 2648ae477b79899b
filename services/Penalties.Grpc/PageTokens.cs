using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Penalties.Core.Common;

namespace Penalties.Grpc;

/// <summary>
/// The page tokens of every paged call: where the page ended, as base64url text. Most name the last item listed by its
/// instant and id ("ticks|id"), so that items added meanwhile never shift a page. A bound token also carries a short
/// hash of the request it answers (<see cref="Request"/>), so that it is refused for any other request.
/// </summary>
public static class PageTokens
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Of(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>The text of a token made by <see cref="Of(string)"/>; null for any other.</summary>
    private static string? Text(string token)
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

    /// <summary>Hex digits of a request's hash in a bound token.</summary>
    private const int HashLength = 16;

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// The hash a bound token carries of the fields naming its request (the call first): a token resumes only the listing
    /// it came from, not another merchant's, period's or shard's, where it would skip or repeat items silently.
    /// </summary>
    public static string Request(params string?[] fields)
    {
        var text = new StringBuilder();
        // Each field with its length (or "-" when unset), so no two lists of fields read alike.
        foreach (var f in fields) text.Append(f is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{f.Length}:{f}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, HashLength / 2));
    }

    /// <summary>An instant as a field of <see cref="Request"/>: its UTC ticks, whatever its offset; null when unset.</summary>
    public static string? Instant(DateTimeOffset? instant) => instant?.UtcTicks.ToString(CultureInfo.InvariantCulture);

    /// <summary>A token holding <paramref name="text"/>, good only for the request whose <see cref="Request"/> is <paramref name="request"/>.</summary>
    public static string Of(string text, string request) => Of(request + "." + text);

    /// <summary>
    /// The text of a token made by <see cref="Of(string, string)"/> for <paramref name="request"/>; null, with a violation of
    /// "pageToken", for another token. Whether it was made for another request is checked only when <paramref name="v"/>
    /// holds nothing yet: a request refused for its other fields has no binding to compare.
    /// </summary>
    public static string? Text(string token, string request, string call, ViolationList v)
    {
        if (Text(token) is { } text && text.Length > HashLength && text[HashLength] == '.'
            && text.AsSpan(0, HashLength).IndexOfAnyExcept(HexDigits) < 0)
        {
            if (v.Any) return null;
            if (text.AsSpan(0, HashLength).SequenceEqual(request)) return text[(HashLength + 1)..];
            v.Add("pageToken", $"was issued for another request (a token of {call} goes on only with the same fields it was returned for)");
            return null;
        }
        v.Add("pageToken", $"is not a token returned by {call}");
        return null;
    }

    /// <summary>A bound token (<see cref="Of(string, string)"/>) naming an item by its instant (UTC ticks) and its id.</summary>
    public static string Of(long ticks, string id, string request) => Of(string.Create(CultureInfo.InvariantCulture, $"{ticks}|{id}"), request);

    /// <summary>The instant and id "ticks|id" names; null for any other text.</summary>
    public static (long Ticks, string Id)? KeyOf(string text)
    {
        int bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < text.Length - 1
            && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? (ticks, text[(bar + 1)..]) : null;
    }
}
