using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Penalties.Grpc.Claims;

/// <summary>A List page token: the filing day and the position in its index to go on from.</summary>
internal static class ClaimPageToken
{
    public static string Encode(DateOnly day, int position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}|{position}")));

    public static (DateOnly Day, int Position)? Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            return parts.Length == 2
                && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int position)
                ? (day, position) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
