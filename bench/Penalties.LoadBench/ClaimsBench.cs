using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using Penalties.Contracts.V1;
using Penalties.Dapr;
using Penalties.Grpc;
using Penalties.Services.Tests.Integration;
using Penalties.Services.Tests.Integration.Dapr;

namespace Penalties.LoadBench;

/// <summary>
/// Claims.File end to end against LateShipment.Record alone, in the same run: a redis-server with appendfsync
/// always, a host and a sidecar double (the tests' doubles) per service, Claims on the Dapr state store. Every call
/// is a new order of its own claim, so each File records a decision (no referral) and commits it with its event;
/// 64 concurrent calls (4 connections × 16), the two alternating for 3 rounds; calls/s and p99 of each.
///   dotnet build bench/Penalties.LoadBench -c Release
///   dotnet bench/Penalties.LoadBench/bin/Release/net10.0/Penalties.LoadBench.dll claims 20000
/// </summary>
internal static class ClaimsBench
{
    private const int Connections = 4, PerConnection = 16, Rounds = 3, Merchants = 10_000;

    public static async Task<int> RunAsync(int perRound)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var network = new DaprNetworkDouble(redis.Configuration);
        var owned = new List<IAsyncDisposable>();
        try
        {
            string[] redisArgs = ["--Penalties:Redis:Configuration", redis.Configuration, "--Penalties:Rules:Source", "files"];
            async Task<ServiceHost> Start(string appId, PenaltiesServices services, params string[] extra)
            {
                var sidecar = await SidecarDouble.StartAsync(network, appId);
                var host = await ServiceHost.StartAsync(services, [.. sidecar.HostArgs, .. redisArgs, .. extra]);
                sidecar.AttachApp(host.Address);
                owned.Add(sidecar);
                owned.Add(host);
                return host;
            }
            var late = await Start(AppIds.LateShipment, PenaltiesServices.LateShipment);
            await Start(AppIds.PenaltyPoints, PenaltiesServices.PenaltyPoints);
            var claims = await Start(AppIds.Claims, PenaltiesServices.Claims, "--Penalties:Claims:Store", "dapr");
            var lateChannels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(late.Address)).ToArray();
            var claimChannels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(claims.Address)).ToArray();

            await Record(lateChannels, "warm", perRound / 10);
            await File(claimChannels, "warm", perRound / 10);
            var rows = new List<(Run Record, Run File)>();
            for (int round = 1; round <= Rounds; round++)
            {
                var record = await Record(lateChannels, $"r{round}", perRound);
                var file = await File(claimChannels, $"c{round}", perRound);
                rows.Add((record, file));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: LateShipment.Record {record.Rate:0}/s p99 {record.P99Ms:0.0} ms; Claims.File {file.Rate:0}/s p99 {file.P99Ms:0.0} ms; {file.Failures + record.Failures} failed"));
            }
            double r = RecordBench.Median(rows.Select(x => x.Record.Rate)), f = RecordBench.Median(rows.Select(x => x.File.Rate)), ratio = RecordBench.Median(rows.Select(x => x.File.Rate / x.Record.Rate));
            double rp = RecordBench.Median(rows.Select(x => x.Record.P99Ms)), fp = RecordBench.Median(rows.Select(x => x.File.P99Ms));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {Rounds} rounds: Claims.File {f:0}/s (p99 {fp:0.0} ms), LateShipment.Record {r:0}/s (p99 {rp:0.0} ms): ratio {100 * ratio:0.0}% (floor 40%)"));
            return rows.Sum(x => x.Record.Failures + x.File.Failures) == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var d in Enumerable.Reverse(owned)) await d.DisposeAsync();
            await redis.DisposeAsync();
        }
    }

    private sealed record Run(double Rate, double P99Ms, int Failures);

    private static LateShipmentCase Case(string orderId)
    {
        var c = Requests.LateCase();
        c.OrderId = orderId;
        return c;
    }

    private static string Merchant(int i) => "m-" + (i % Merchants).ToString(CultureInfo.InvariantCulture);

    private static Task<Run> Record(GrpcChannel[] channels, string prefix, int total) => Load(channels, total, async (channel, i) =>
        (await new LateShipment.LateShipmentClient(channel).RecordAsync(new RecordLateShipmentRequest { MerchantId = Merchant(i), Case = Case($"{prefix}-{i}") })).Replay == false);

    private static Task<Run> File(GrpcChannel[] channels, string prefix, int total) => Load(channels, total, async (channel, i) =>
        (await new Claims.ClaimsClient(channel).FileAsync(new FileClaimRequest
        {
            ClaimId = $"{prefix}-{i}", MerchantId = Merchant(i), FiledAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
            LateShipment = Case($"{prefix}-{i}"),
        }, deadline: DateTime.UtcNow.AddSeconds(30))).Status == ClaimStatus.Decided);

    /// <summary>Calls <paramref name="call"/> <paramref name="total"/> times, 16 at once on each channel; the rate, the p99 latency, the calls that failed.</summary>
    private static async Task<Run> Load(GrpcChannel[] channels, int total, Func<GrpcChannel, int, Task<bool>> call)
    {
        int next = -1, failures = 0;
        var latencies = new double[total];
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(channels.SelectMany(ch => Enumerable.Range(0, PerConnection).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < total;)
            {
                long start = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await call(ch, i); } catch (global::Grpc.Core.RpcException) { ok = false; }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!ok) Interlocked.Increment(ref failures);
            }
        }))));
        double rate = total / sw.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Run(rate, latencies[(int)Math.Min(total - 1, Math.Ceiling(0.99 * total) - 1)], failures);
    }
}
