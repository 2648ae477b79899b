using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Penalties.Contracts.V1;
using Penalties.LoadBench.Echo;

// penalties-loadbench write-requests DIR                                          writes pre-framed request bodies for h2load
// penalties-loadbench check URL FILE                                              sends one of them, requires grpc-status 0 (h2load sees only HTTP 200)
// penalties-loadbench echo [--urls URL]                                           runs the bare echo gRPC server (the baseline)
// penalties-loadbench served-path [BenchmarkDotNet args]                          the service's per-call work in-process, against the echo's
// penalties-loadbench record SERVICE_URL ECHO_URL [CALLS_PER_ROUND] [MERCHANTS]   PenaltyPoints.Record on Redis against the echo
// penalties-loadbench stream SERVICE_URL ECHO_URL [TOTAL]                         AssessStream batches against an echo stream
if (args.Length >= 2 && args[0] == "write-requests")
{
    Requests.Write(args[1]);
    return;
}
if (args.Length >= 3 && args[0] == "check")
{
    // check URL FILE: sends one pre-framed request over HTTP/2 and requires grpc-status 0 (h2load only sees HTTP 200).
    using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    using var request = new HttpRequestMessage(HttpMethod.Post, args[1])
    {
        Content = new ByteArrayContent(File.ReadAllBytes(args[2])),
        Version = System.Net.HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
    request.Headers.TE.ParseAdd("trailers");
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsByteArrayAsync();
    var status = response.TrailingHeaders.TryGetValues("grpc-status", out var v) ? v.First() : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : "missing";
    Console.WriteLine($"{args[1]}: HTTP {(int)response.StatusCode}, grpc-status {status}, {body.Length} response bytes");
    Environment.Exit(status == "0" && body.Length > 5 ? 0 : 1);
}
if (args.Length >= 1 && args[0] == "served-path")
{
    // served-path [BenchmarkDotNet args]: the per-call work of the service in-process, against the echo's.
    BenchmarkDotNet.Running.BenchmarkRunner.Run<Penalties.LoadBench.ServedPathBenchmarks>(args: args[1..]);
    return;
}
if (args.Length >= 3 && args[0] == "record")
{
    // record SERVICE_URL ECHO_URL [CALLS_PER_ROUND] [MERCHANTS]
    int perRound = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 50_000;
    int merchants = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    Environment.Exit(await Penalties.LoadBench.RecordBench.RunAsync(args[1], args[2], perRound, merchants));
}
if (args.Length >= 1 && args[0] == "claims")
{
    // claims [CALLS_PER_ROUND]: Claims.File end to end through the sidecar doubles beside LateShipment.Record alone
    Environment.Exit(await Penalties.LoadBench.ClaimsBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000));
}
if (args.Length >= 3 && args[0] == "stream")
{
    await StreamBench.RunAsync(args[1], args[2], args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
    return;
}
if (args.Length >= 1 && args[0] == "echo")
{
    var builder = WebApplication.CreateSlimBuilder(args[1..]);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
    builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 4 * 1024 * 1024);
    var app = builder.Build();
    app.MapGrpcService<EchoService>();
    app.Run();
    return;
}
Console.Error.WriteLine("usage: write-requests DIR | check URL FILE | echo [--urls URL] | served-path [BenchmarkDotNet args] | claims [CALLS_PER_ROUND]"
    + " | record SERVICE_URL ECHO_URL [CALLS_PER_ROUND] [MERCHANTS] | stream SERVICE_URL ECHO_URL [TOTAL]");
Environment.Exit(2);

internal sealed class EchoService : Echo.EchoBase
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, EchoMessage> BySize = new();

    public override Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context) => Task.FromResult(request);

    public override Task<EchoMessage> Sized(SizedRequest request, ServerCallContext context) =>
        Task.FromResult(BySize.GetOrAdd(Math.Clamp(request.ResponseSize, 2, 1 << 20), Requests.EchoOfSize));

    public override async Task EchoStream(IAsyncStreamReader<EchoMessage> requestStream, IServerStreamWriter<EchoMessage> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken)) await responseStream.WriteAsync(requestStream.Current, context.CancellationToken);
    }
}

/// <summary>
/// Batch throughput: a .NET client with 8 concurrent bidirectional streams sending N messages in all,
/// against LateShipment.AssessStream and against an echo stream with messages of the same size,
/// alternating for 3 rounds. Prints messages/s of each and the ratio of the medians.
/// </summary>
internal static class StreamBench
{
    private const int Streams = 8;

    public static async Task RunAsync(string serviceUrl, string echoUrl, int total)
    {
        var item = new AssessLateShipmentStreamRequest { CorrelationId = "1", Request = new AssessLateShipmentRequest { Case = Requests.LateCase() } };
        var echo = Requests.EchoOfSize(item.CalculateSize());
        using var service = Grpc.Net.Client.GrpcChannel.ForAddress(serviceUrl);
        using var echoChannel = Grpc.Net.Client.GrpcChannel.ForAddress(echoUrl);
        var late = new LateShipment.LateShipmentClient(service);
        var echoClient = new Echo.EchoClient(echoChannel);
        await Run(() => late.AssessStream(), item, total / 10);          // warm-up
        await Run(() => echoClient.EchoStream(), echo, total / 10);
        var s = new List<double>();
        var e = new List<double>();
        for (int round = 1; round <= 3; round++)
        {
            var cpu = Penalties.LoadBench.ProcessCpu.Snapshot();
            e.Add(await Run(() => echoClient.EchoStream(), echo, total));
            cpu = Penalties.LoadBench.ProcessCpu.Report($"round {round} echo stream", total, cpu);
            s.Add(await Run(() => late.AssessStream(), item, total));
            Penalties.LoadBench.ProcessCpu.Report($"round {round} AssessStream", total, cpu);
            Console.WriteLine($"round {round}: echo stream {e[^1]:0} msg/s, LateShipment.AssessStream {s[^1]:0} msg/s");
        }
        double ms = s.Order().ElementAt(1), me = e.Order().ElementAt(1);
        Console.WriteLine($"LateShipment.AssessStream, {Streams} streams: {ms:0} msg/s (echo stream {me:0}) = {100 * ms / me:0.0}%");
    }

    private static async Task<double> Run<TRequest, TResponse>(Func<AsyncDuplexStreamingCall<TRequest, TResponse>> open, TRequest message, int total)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int per = total / Streams;
        await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => Task.Run(async () =>
        {
            using var call = open();
            var writer = Task.Run(async () =>
            {
                for (int i = 0; i < per; i++) await call.RequestStream.WriteAsync(message);
                await call.RequestStream.CompleteAsync();
            });
            int received = 0;
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) received++;
            await writer;
            if (received != per) throw new InvalidOperationException($"sent {per}, received {received}");
        })));
        return per * Streams / sw.Elapsed.TotalSeconds;
    }
}

internal static class Requests
{
    public static void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        var late = new AssessLateShipmentRequest { Case = LateCase() };
        var price = new AssessPriceMatchRequest { Case = PriceCase() };
        Frame(Path.Combine(dir, "late-shipment.bin"), late);
        Frame(Path.Combine(dir, "price-match.bin"), price);
        // Echo requests of the same size as each real request.
        Frame(Path.Combine(dir, "echo-late-shipment.bin"), EchoOfSize(late.CalculateSize()));
        Frame(Path.Combine(dir, "echo-price-match.bin"), EchoOfSize(price.CalculateSize()));
        // The late-shipment case asking for the basic view (no explanation steps), and its echo.
        var lateBasic = new AssessLateShipmentRequest { Case = LateCase(), View = DecisionView.Basic };
        Frame(Path.Combine(dir, "late-shipment-basic.bin"), lateBasic);
        Frame(Path.Combine(dir, "echo-late-shipment-basic.bin"), EchoOfSize(lateBasic.CalculateSize()));
        // One PenaltyPoints.Record request (sent again and again by h2load, every call after the first is a replay), and its echo.
        var record = Penalties.LoadBench.RecordBench.Request("h2load", 0, 1);
        record.MerchantId = "h2load-merchant"; // none of the record benchmark's merchants, whose histories it reads back
        Frame(Path.Combine(dir, "record.bin"), record);
        Frame(Path.Combine(dir, "echo-record.bin"), EchoOfSize(record.CalculateSize()));
        // Sized echo requests: the real request's size, asking for the real response's size.
        var catalog = Penalties.Core.Rules.Loading.RuleSetLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "rules")).ToCatalog();
        int lateResponse = new AssessLateShipmentResponse { Decision = Penalties.Contracts.Mapping.Decision(
            Penalties.Core.LateShipment.LateShipmentCalculator.Assess(catalog, Penalties.Contracts.Mapping.LateShipmentCase(late.Case), null)) }.CalculateSize();
        int priceResponse = new AssessPriceMatchResponse { Decision = Penalties.Contracts.Mapping.Decision(
            Penalties.Core.PriceMatch.PriceMatchCalculator.Assess(catalog, Penalties.Contracts.Mapping.PriceMatchCase(price.Case), null)) }.CalculateSize();
        Frame(Path.Combine(dir, "sized-late-shipment.bin"), SizedOfSize(late.CalculateSize(), lateResponse));
        Frame(Path.Combine(dir, "sized-price-match.bin"), SizedOfSize(price.CalculateSize(), priceResponse));
        foreach (var f in Directory.GetFiles(dir, "*.bin")) Console.WriteLine($"{Path.GetFileName(f)}: {new FileInfo(f).Length} bytes");
    }

    internal static EchoMessage EchoOfSize(int size)
    {
        // tag (1 byte) + length varint + payload = size
        for (int payload = size - 2; payload > 0; payload--)
        {
            var m = new EchoMessage { Payload = ByteString.CopyFrom(new byte[payload]) };
            if (m.CalculateSize() == size) return m;
        }
        throw new InvalidOperationException("no payload size fits");
    }

    private static SizedRequest SizedOfSize(int size, int responseSize)
    {
        for (int payload = size - 4; payload > 0; payload--)
        {
            var m = new SizedRequest { Payload = ByteString.CopyFrom(new byte[payload]), ResponseSize = responseSize };
            if (m.CalculateSize() == size) return m;
        }
        throw new InvalidOperationException("no payload size fits");
    }

    /// <summary>The gRPC length-prefixed message: 1 byte compressed flag (0), 4 bytes big-endian length, the protobuf bytes.</summary>
    private static void Frame(string path, IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        File.WriteAllBytes(path, framed);
    }

    private static Google.Protobuf.WellKnownTypes.Timestamp At(string s) =>
        Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture));

    internal static LateShipmentCase LateCase() => new()
    {
        Platform = Platform.Tmall,
        OrderId = "T-20240301-0001",
        PaidAt = At("2024-03-01T10:00:00+08:00"),
        Channel = ShippingChannel.Ordinary,
        Lines = { new OrderLine { LineId = "1", Amount = Penalties.Contracts.Mapping.Money(1500.00m), Quantity = 1, ShippedAt = At("2024-03-05T09:30:00+08:00") } },
        EvaluatedAt = At("2024-03-06T12:00:00+08:00"),
        RefundReason = RefundReason.NotShippedInAgreedTime,
    };

    /// <summary>The late-shipment case as the core reads it (mapped once).</summary>
    internal static Penalties.Core.LateShipment.LateShipmentCase CoreLateCase { get; } = Penalties.Contracts.Mapping.LateShipmentCase(LateCase());

    internal static PriceMatchCase PriceCase() => new()
    {
        OrderId = "JD-88001",
        MerchantType = MerchantType.ThirdParty,
        Enrollments = { new TimeInterval { From = At("2024-01-01T00:00:00+08:00") } },
        ItemHasBadge = true,
        ItemAttributes = { { "brand", "Apple" }, { "name", "iPhone 15" }, { "model", "A3092" }, { "colour", "black" }, { "storage", "256GB" } },
        OrderedAt = At("2024-06-18T09:15:00+08:00"),
        ClaimedAt = At("2024-06-18T21:40:00+08:00"),
        Payments =
        {
            new PaymentPart { Kind = PaymentKind.Cash, Amount = Penalties.Contracts.Mapping.Money(5899.00m) },
            new PaymentPart { Kind = PaymentKind.JdBeans, Beans = 10000 },
            new PaymentPart { Kind = PaymentKind.Coupon, Amount = Penalties.Contracts.Mapping.Money(300.00m) },
        },
        Comparison = new ComparisonListing
        {
            Platform = ComparisonPlatform.PinduoduoTenBillionSubsidy,
            PaidAmount = Penalties.Contracts.Mapping.Money(5849.00m),
            MonthlySales = 2300,
            OnSale = true,
            Purchasable = true,
            Attributes = { { "brand", "Apple" }, { "name", "iPhone 15" }, { "model", "A3092" }, { "colour", "black" }, { "storage", "256GB" } },
        },
    };
}
