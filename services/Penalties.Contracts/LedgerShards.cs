using System.IO.Hashing;
using System.Text;

namespace Penalties.Contracts;

/// <summary>
/// How ExportRecorded shares merchants between N workers: a stable bucket per merchant (the same in every process and
/// release), and worker i of N takes the buckets b with b mod N = i. Here so that a ledger file is sharded as the services shard.
/// </summary>
public static class LedgerShards
{
    public const int Buckets = 64;

    /// <summary>The merchant's bucket, 0 to <see cref="Buckets"/> - 1.</summary>
    public static int Bucket(string merchantId) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(merchantId)) % Buckets);

    /// <summary>Whether worker <paramref name="index"/> of <paramref name="count"/> takes <paramref name="bucket"/>.</summary>
    public static bool InShard(int bucket, int index, int count) => bucket % count == index;
}
