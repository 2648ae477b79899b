using System.Diagnostics;
using Grpc.Net.Client;
using Penalties.Contracts.V1;
using Penalties.LoadBench.Echo;

namespace Penalties.LoadBench;

/// <summary>
/// PenaltyPoints.Record under load: 64 concurrent calls (4 connections × 16, like the h2load runs) from a .NET
/// client, every call a new case id, then the same calls again (the replay path), against the echo's unary
/// call with a message of the same size from the same client, alternating for 5 rounds. Afterwards every
/// merchant's history is read back: exactly the case ids acknowledged, each once.
/// (h2load repeats one request body, so it cannot send a new case id per call: the client is .NET here, for
/// the echo and the service alike.)
/// </summary>
internal static class RecordBench
{
    private const int Connections = 4, PerConnection = 16, Rounds = 5;

    public static async Task<int> RunAsync(string serviceUrl, string echoUrl, int perRound, int merchants)
    {
        var services = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(serviceUrl)).ToArray();
        var echoes = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(echoUrl)).ToArray();
        var echo = Requests.EchoOfSize(Request("r0", 0, merchants).CalculateSize());

        // Warm-up (its records count like any other and are verified too).
        var warm = Enumerable.Range(0, perRound / 10).Select(i => Request("warm", i, merchants)).ToArray();
        await Run(services, warm, expectReplay: false);
        await RunEcho(echoes, echo, perRound / 2);

        var expected = new HashSet<string>(warm.Select(r => r.Violation.CaseId), StringComparer.Ordinal);
        var results = new List<(string Name, double Rate, double Echo)>();
        int failures = 0;
        for (int round = 1; round <= Rounds; round++)
        {
            var requests = Enumerable.Range(0, perRound).Select(i => Request($"r{round}", i, merchants)).ToArray();
            var cpu = ProcessCpu.Snapshot();
            double e1 = await RunEcho(echoes, echo, perRound);
            cpu = ProcessCpu.Report($"round {round} echo", perRound, cpu);
            var (fresh, f1) = await Run(services, requests, expectReplay: false);
            cpu = ProcessCpu.Report($"round {round} new", perRound, cpu);
            double e2 = await RunEcho(echoes, echo, perRound);
            cpu = ProcessCpu.Report($"round {round} echo", perRound, cpu);
            var (replay, f2) = await Run(services, requests, expectReplay: true);
            ProcessCpu.Report($"round {round} replay", perRound, cpu);
            failures += f1 + f2;
            foreach (var r in requests) expected.Add(r.Violation.CaseId);
            results.Add(("new", fresh, e1));
            results.Add(("replay", replay, e2));
            Console.WriteLine($"round {round}: echo {e1:0}/s, Record new {fresh:0}/s; echo {e2:0}/s, Record replay {replay:0}/s");
        }

        // Read every merchant's history back.
        var client = new PenaltyPoints.PenaltyPointsClient(services[0]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = 0;
        for (int m = 0; m < merchants; m++)
        {
            string token = "";
            do
            {
                var page = await client.ListHistoryAsync(new ListHistoryRequest { MerchantId = Merchant(m), PageSize = 1000, PageToken = token });
                foreach (var entry in page.Entries)
                {
                    if (!entry.Revocation && !seen.Add(entry.Violation.CaseId)) duplicates++;
                }
                token = page.NextPageToken;
            } while (token.Length > 0);
        }
        int lost = expected.Count(id => !seen.Contains(id));
        int extra = seen.Count(id => !expected.Contains(id));
        Console.WriteLine($"history read back: {seen.Count} records for {expected.Count} acknowledged case ids: {lost} lost, {duplicates} duplicated, {extra} unexpected; {failures} failed or wrongly flagged calls");

        // Each service run is compared with the echo run just before it (the pair ran seconds apart): the
        // median of those ratios holds better on a machine whose speed drifts than a ratio of medians.
        foreach (var kind in new[] { "new", "replay" })
        {
            var rows = results.Where(r => r.Name == kind).ToList();
            double rate = Median(rows.Select(r => r.Rate)), echoRate = Median(rows.Select(r => r.Echo));
            double ratio = Median(rows.Select(r => r.Rate / r.Echo));
            Console.WriteLine($"PenaltyPoints.Record ({kind}), {Connections * PerConnection} concurrent: {rate:0} calls/s (echo {echoRate:0}); median of the paired ratios {100 * ratio:0.0}%");
        }
        foreach (var c in services.Concat(echoes)) c.Dispose();
        return lost == 0 && duplicates == 0 && extra == 0 && failures == 0 ? 0 : 1;
    }

    private static string Merchant(int m) => $"bench-merchant-{m}";

    internal static RecordPenaltyRequest Request(string round, int i, int merchants) => new()
    {
        MerchantId = Merchant(i % merchants),
        RuleSetId = "tmall.penalty-points",
        Violation = new Violation
        {
            CaseId = $"{round}-case-{i}",
            Code = "CLOSE_ORDER",
            OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMinutes(i)),
        },
    };

    private static async Task<(double Rate, int Failures)> Run(GrpcChannel[] channels, RecordPenaltyRequest[] requests, bool expectReplay)
    {
        int next = -1, failures = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(channels.SelectMany(ch => Enumerable.Range(0, PerConnection).Select(_ => Task.Run(async () =>
        {
            var client = new PenaltyPoints.PenaltyPointsClient(ch);
            for (int i = Interlocked.Increment(ref next); i < requests.Length; i = Interlocked.Increment(ref next))
            {
                try
                {
                    var r = await client.RecordAsync(requests[i]);
                    if (r.Replay != expectReplay) Interlocked.Increment(ref failures);
                }
                catch (global::Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }))));
        return (requests.Length / sw.Elapsed.TotalSeconds, failures);
    }

    private static async Task<double> RunEcho(GrpcChannel[] channels, EchoMessage message, int total)
    {
        int next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(channels.SelectMany(ch => Enumerable.Range(0, PerConnection).Select(_ => Task.Run(async () =>
        {
            var client = new Echo.Echo.EchoClient(ch);
            while (Interlocked.Increment(ref next) < total) await client.EchoAsync(message);
        }))));
        return total / sw.Elapsed.TotalSeconds;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

/// <summary>
/// CPU time of the benchmark's processes (this client and those named in BENCH_PIDS, "name:pid,…", read from
/// /proc), so that a run can say what each process spent per call. Nothing is reported without BENCH_PIDS.
/// </summary>
internal static class ProcessCpu
{
    private static readonly (string Name, int Pid)[] Processes = Parse(Environment.GetEnvironmentVariable("BENCH_PIDS"));
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on Linux

    public static double[] Snapshot() =>
        Processes.Length == 0 ? [] : [Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, .. Processes.Select(p => Seconds(p.Pid))];

    /// <summary>Prints the CPU µs per call each process spent since <paramref name="before"/>; returns a new snapshot.</summary>
    public static double[] Report(string run, int calls, double[] before)
    {
        var now = Snapshot();
        if (now.Length == 0) return now;
        var parts = new List<string> { $"client {1e6 * (now[0] - before[0]) / calls:0.0}" };
        for (int i = 0; i < Processes.Length; i++) parts.Add($"{Processes[i].Name} {1e6 * (now[i + 1] - before[i + 1]) / calls:0.0}");
        Console.WriteLine($"  cpu µs/call, {run}: {string.Join(", ", parts)}");
        return now;
    }

    private static double Seconds(int pid)
    {
        try
        {
            // /proc/PID/stat: the command is in parentheses; utime and stime are fields 14 and 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static (string, int)[] Parse(string? value) =>
        string.IsNullOrEmpty(value) ? [] :
        [.. value.Split(',').Select(p => p.Split(':')).Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];
}
