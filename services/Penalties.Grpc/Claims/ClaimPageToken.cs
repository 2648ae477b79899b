using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Penalties.Grpc.Claims;

/// <summary>A List page token: the last claim the page listed (its filing time and id); the next page goes on after it.</summary>
internal static class ClaimPageToken
{
    public static string Encode(FiledClaim last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.FiledAt.UtcTicks}|{last.ClaimId}")));

    public static FiledClaim? Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar > 0
                && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && bar < text.Length - 1
                ? new FiledClaim(new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
