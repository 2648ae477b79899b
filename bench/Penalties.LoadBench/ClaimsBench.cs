using System.Diagnostics;
using System.Globalization;
using Dapr.Client;
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
/// Beside them, in the same rounds: Record through the Claims sidecar double, and one claim-sized state transaction
/// through it, the parts no File can do without.
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
            async Task<(ServiceHost Host, SidecarDouble Sidecar)> Start(string appId, PenaltiesServices services, params string[] extra)
            {
                var sidecar = await SidecarDouble.StartAsync(network, appId);
                var host = await ServiceHost.StartAsync(services, [.. sidecar.HostArgs, .. redisArgs, .. extra]);
                sidecar.AttachApp(host.Address);
                owned.Add(sidecar);
                owned.Add(host);
                return (host, sidecar);
            }
            var (late, _) = await Start(AppIds.LateShipment, PenaltiesServices.LateShipment);
            await Start(AppIds.PenaltyPoints, PenaltiesServices.PenaltyPoints);
            var (claims, claimsSidecar) = await Start(AppIds.Claims, PenaltiesServices.Claims, "--Penalties:Claims:Store", "dapr");
            var lateChannels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(late.Address)).ToArray();
            var claimChannels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(claims.Address)).ToArray();
            // The hop every File makes to record its decision, alone: LateShipment.Record through the Claims sidecar double.
            var proxyChannels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(claimsSidecar.GrpcEndpoint)).ToArray();

            await File(claimChannels, "first", 1);
            // What each of File's saves costs at the least: one state transaction of one claim as stored, through the sidecar double.
            using var dapr = new DaprClientBuilder().UseGrpcEndpoint(claimsSidecar.GrpcEndpoint).UseHttpEndpoint(claimsSidecar.HttpEndpoint).Build();
            var stored = System.Text.Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(new StoredClaim
            {
                Request = FileRequest("first", 0),
                Claim = await new Claims.ClaimsClient(claimChannels[0]).GetAsync(new GetClaimRequest { ClaimId = "first-0" }),
            }));
            var rows = new List<(Run Record, Run Proxied, Run Save, Run File)>();
            // Round 0 warms up (the JIT still tiers code up for seconds after the first calls) and is not counted.
            for (int round = 0; round <= Rounds; round++)
            {
                var record = await Record(lateChannels, $"r{round}", perRound);
                var proxied = await Record(proxyChannels, $"p{round}", perRound, AppIds.LateShipment);
                var save = await Save(dapr, stored, $"s{round}", perRound);
                var file = await File(claimChannels, $"c{round}", perRound);
                if (round > 0) rows.Add((record, proxied, save, file));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: LateShipment.Record {record.Rate:0}/s p99 {record.P99Ms:0.0} ms; through a sidecar {proxied.Rate:0}/s p99 {proxied.P99Ms:0.0} ms; a claim's save {save.Rate:0}/s p99 {save.P99Ms:0.0} ms; Claims.File {file.Rate:0}/s p99 {file.P99Ms:0.0} ms; {file.Failures + record.Failures + proxied.Failures + save.Failures} failed"));
            }
            double r = RecordBench.Median(rows.Select(x => x.Record.Rate)), f = RecordBench.Median(rows.Select(x => x.File.Rate)), ratio = RecordBench.Median(rows.Select(x => x.File.Rate / x.Record.Rate));
            double p = RecordBench.Median(rows.Select(x => x.Proxied.Rate)), proxiedRatio = RecordBench.Median(rows.Select(x => x.Proxied.Rate / x.Record.Rate));
            double s = RecordBench.Median(rows.Select(x => x.Save.Rate)), saveRatio = RecordBench.Median(rows.Select(x => x.Save.Rate / x.Record.Rate));
            // A File at the least records through a sidecar and saves the claim twice (pending, then decided with its event).
            double bound = RecordBench.Median(rows.Select(x => 1 / (1 / x.Proxied.Rate + 2 / x.Save.Rate) / x.Record.Rate));
            double rp = RecordBench.Median(rows.Select(x => x.Record.P99Ms)), fp = RecordBench.Median(rows.Select(x => x.File.P99Ms)), pp = RecordBench.Median(rows.Select(x => x.Proxied.P99Ms));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {Rounds} rounds: Claims.File {f:0}/s (p99 {fp:0.0} ms), LateShipment.Record {r:0}/s (p99 {rp:0.0} ms): ratio {100 * ratio:0.0}% (floor 40%); "
                + $"Record through a sidecar {p:0}/s (p99 {pp:0.0} ms): {100 * proxiedRatio:0.0}% of Record; a claim's save {s:0}/s: {100 * saveRatio:0.0}% of Record; "
                + $"a File that only did those three would be {100 * bound:0.0}% of Record"));
            return rows.Sum(x => x.Record.Failures + x.Proxied.Failures + x.Save.Failures + x.File.Failures) == 0 ? 0 : 1;
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

    /// <summary>Records on the host, or with <paramref name="viaAppId"/> through a sidecar's invocation proxy to that app.</summary>
    private static Task<Run> Record(GrpcChannel[] channels, string prefix, int total, string? viaAppId = null) => Load(channels, total, async (channel, i) =>
        (await new LateShipment.LateShipmentClient(channel).RecordAsync(new RecordLateShipmentRequest { MerchantId = Merchant(i), Case = Case($"{prefix}-{i}") },
            viaAppId is null ? null : new global::Grpc.Core.Metadata { { "dapr-app-id", viaAppId } })).Replay == false);

    private static FileClaimRequest FileRequest(string prefix, int i) => new()
    {
        ClaimId = $"{prefix}-{i}", MerchantId = Merchant(i), FiledAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
        LateShipment = Case($"{prefix}-{i}"),
    };

    private static Task<Run> File(GrpcChannel[] channels, string prefix, int total) => Load(channels, total, async (channel, i) =>
        (await new Claims.ClaimsClient(channel).FileAsync(FileRequest(prefix, i), deadline: DateTime.UtcNow.AddSeconds(30))).Status == ClaimStatus.Decided);

    /// <summary>A new key saved with the claim's bytes, first-write, in one state transaction (as the creating save is, without its indexes).</summary>
    private static Task<Run> Save(DaprClient dapr, byte[] value, string prefix, int total) => Load(new GrpcChannel[Connections], total, async (_, i) =>
    {
        await dapr.ExecuteStateTransactionAsync(StateStores.ClaimsStateStore,
            [new StateTransactionRequest($"bench-save|{prefix}-{i}", value, StateOperationType.Upsert, options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite })]);
        return true;
    });

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
