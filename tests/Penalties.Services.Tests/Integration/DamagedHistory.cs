using Grpc.Core;
using Penalties.Contracts.V1;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Integration;

/// <summary>A merchant whose stored history is damaged, recorded at the same time as others (standalone Redis and cluster alike).</summary>
internal static class DamagedHistory
{
    /// <summary>
    /// Records <paramref name="damaged"/>'s case 0, overwrites its Redis log with a string, then sends case 1 of it in the middle of case 1 of every
    /// merchant in <paramref name="others"/>, all at once. Asserts that the damaged merchant's call is DATA_LOSS with
    /// nothing written to its key, and that every other merchant's case is recorded once; returns the DATA_LOSS.
    /// </summary>
    public static async Task<RpcException> RecordAmongOthersAsync(PenaltyPoints.PenaltyPointsClient client, IDatabase admin,
        string damaged, IReadOnlyList<string> others, Func<string, int, RecordPenaltyRequest> request)
    {
        Assert.False((await client.RecordAsync(request(damaged, 0))).Replay);
        var log = $"penalties:history:{{{damaged}}}:log";
        await admin.KeyDeleteAsync(log);
        await admin.StringSetAsync(log, "overwritten by hand");

        int middle = others.Count / 2;
        List<string> merchants = [.. others.Take(middle), damaged, .. others.Skip(middle)];
        var calls = merchants.Select(m => client.RecordAsync(request(m, 1)).ResponseAsync).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

        var e = Assert.IsType<RpcException>(calls[middle].Exception?.InnerException);
        Assert.Equal(StatusCode.DataLoss, e.StatusCode);
        Assert.Equal("overwritten by hand", (string?)await admin.StringGetAsync(log)); // nothing written to it
        for (int i = 0; i < merchants.Count; i++)
        {
            if (i == middle) continue;
            Assert.False((await calls[i]).Replay);
            var entry = Assert.Single((await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = merchants[i] })).Entries);
            Assert.Equal(request(merchants[i], 1).Violation.CaseId, entry.Violation.CaseId);
        }
        return e;
    }
}
