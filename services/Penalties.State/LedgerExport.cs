using System.Globalization;
using Penalties.Contracts;

namespace Penalties.State;

/// <summary>
/// The all-merchant index that finance exports read. Every entry is also filed under the hour of its event time (UTC)
/// and one of <see cref="Buckets"/> buckets chosen by its merchant: no key holds more than an hour of one bucket, so
/// none becomes hot, and N workers each take the buckets b with b mod N = i (whole merchants, no overlap).
/// An export walks hours in order, then buckets, then members (event time first).
/// </summary>
public static class LedgerExport
{
    public const int Buckets = LedgerShards.Buckets;

    /// <summary>The merchant's bucket: a stable hash, the same in every process and release (and in the CLI's file shards).</summary>
    public static int Bucket(string merchantId) => LedgerShards.Bucket(merchantId);

    /// <summary>Whether worker <paramref name="index"/> of <paramref name="count"/> takes <paramref name="bucket"/>.</summary>
    public static bool InShard(int bucket, int index, int count) => LedgerShards.InShard(bucket, index, count);

    /// <summary>The start of the UTC hour holding <paramref name="instant"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>"2024030110": the hour's part of its index key.</summary>
    public static string HourKey(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>An index member: the entry id (event ticks first, so members sort by event time), then its merchant and the merchant's length.</summary>
    public static string Member(string merchantId, string entryId) =>
        string.Create(CultureInfo.InvariantCulture, $"{entryId}\n{merchantId}\n{merchantId.Length}");

    /// <summary>The merchant and entry id of a member, or null when it is not one this class wrote.</summary>
    public static (string MerchantId, string EntryId)? Parse(string member)
    {
        // Read from the end: the merchant's length says where it starts, whatever characters the ids hold.
        int last = member.LastIndexOf('\n');
        if (last < 0 || !int.TryParse(member.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int length)) return null;
        int start = last - length;
        return length > 0 && start > 1 && member[start - 1] == '\n' ? (member[start..last], member[..(start - 1)]) : null;
    }

    /// <summary>Where an export page stopped: after <paramref name="Member"/> of bucket <paramref name="Bucket"/> in the hour starting at <paramref name="Hour"/>.</summary>
    public sealed record Cursor(DateTimeOffset Hour, int Bucket, string Member)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Hour.UtcTicks}|{Bucket}|{Member}");

        public static Cursor? Parse(string text)
        {
            var parts = text.Split('|', 3);
            return parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) && ticks % TimeSpan.TicksPerHour == 0
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int bucket) && bucket < Buckets
                ? new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), bucket, parts[2])
                : null;
        }
    }
}
