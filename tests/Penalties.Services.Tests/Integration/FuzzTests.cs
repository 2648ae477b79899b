using System.Collections;
using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// Hostile input against the all-in-one host: for every RPC of every service (taken from the generated descriptors,
/// so a new RPC is fuzzed too), random bytes, truncated and mutated valid requests, wrong wire types and extreme
/// values. No answer is INTERNAL or UNKNOWN (nor any stream item), every INVALID_ARGUMENT names its fields in a
/// BadRequest, and every status fits in 8 KiB.
/// </summary>
public class FuzzTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private const int Seed = 20_261_206;
    private const int CasesPerRpc = 300;
    private const int MaxStatusBytes = 8 * 1024;
    private static readonly int MaxReceiveBytes = new Penalties.ServiceDefaults.RequestLimits().MaxReceiveMessageSize;

    private static readonly ServiceDescriptor[] Services =
        [LateShipment.Descriptor, PriceMatch.Descriptor, PenaltyPoints.Descriptor, RuleSets.Descriptor, AfterSales.Descriptor];

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>A valid request of each input type (the empty message for those not listed).</summary>
    private static IMessage Valid(MessageDescriptor type) => type.ClrType.Name switch
    {
        nameof(AssessLateShipmentRequest) => new AssessLateShipmentRequest { Case = TmallLate() },
        nameof(AssessLateShipmentStreamRequest) => new AssessLateShipmentStreamRequest { CorrelationId = "1", Request = new AssessLateShipmentRequest { Case = TmallLate() } },
        nameof(RecordLateShipmentRequest) => new RecordLateShipmentRequest { MerchantId = "fuzz", Case = TmallLate() },
        nameof(AssessPriceMatchRequest) => new AssessPriceMatchRequest { Case = JdPayable() },
        nameof(AssessPriceMatchStreamRequest) => new AssessPriceMatchStreamRequest { CorrelationId = "1", Request = new AssessPriceMatchRequest { Case = JdPayable() } },
        nameof(RecordPriceMatchRequest) => new RecordPriceMatchRequest { MerchantId = "fuzz", ItemId = "i-1", Case = JdPayable() },
        nameof(AssessAfterSalesRequest) => new AssessAfterSalesRequest { Case = TmallReturn() },
        nameof(AssessAfterSalesStreamRequest) => new AssessAfterSalesStreamRequest { CorrelationId = "1", Request = new AssessAfterSalesRequest { Case = TmallReturn() } },
        nameof(AssessPenaltyRequest) => new AssessPenaltyRequest { RuleSetId = "tmall.penalty-points", Violation = Violation("c-1", "INVOICE", "2024-03-01 10:00") },
        nameof(AssessPenaltyStreamRequest) => new AssessPenaltyStreamRequest
        {
            CorrelationId = "1", Request = new AssessPenaltyRequest { RuleSetId = "tmall.penalty-points", Violation = Violation("c-1", "INVOICE", "2024-03-01 10:00") },
        },
        nameof(PreviewPenaltyRequest) => new PreviewPenaltyRequest { MerchantId = "fuzz", RuleSetId = "tmall.penalty-points", Violation = Violation("c-1", "INVOICE", "2024-03-01 10:00") },
        nameof(RecordPenaltyRequest) => new RecordPenaltyRequest { MerchantId = "fuzz", RuleSetId = "tmall.penalty-points", Violation = Violation("c-1", "INVOICE", "2024-03-01 10:00") },
        nameof(RevokePenaltyRequest) => new RevokePenaltyRequest { MerchantId = "fuzz", CaseId = "c-1" },
        nameof(GetStandingRequest) => new GetStandingRequest { MerchantId = "fuzz", RuleSetId = "tmall.penalty-points", AsOf = At("2024-03-02 10:00") },
        nameof(ListHistoryRequest) => new ListHistoryRequest { MerchantId = "fuzz" },
        nameof(ListRecordedLateShipmentsRequest) => new ListRecordedLateShipmentsRequest { MerchantId = "fuzz" },
        nameof(ListRecordedPriceMatchesRequest) => new ListRecordedPriceMatchesRequest { MerchantId = "fuzz" },
        nameof(ListVersionsRequest) => new ListVersionsRequest { RuleSetId = "tmall.late-shipment" },
        nameof(GetRuleSetVersionRequest) => new GetRuleSetVersionRequest { RuleSetId = "tmall.late-shipment", Version = 1 },
        nameof(ResolveRuleSetRequest) => new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = At("2024-03-01 10:00") },
        _ => (IMessage)Activator.CreateInstance(type.ClrType)!,
    };

    [Fact]
    public async Task No_request_to_any_RPC_is_answered_INTERNAL_UNKNOWN_unlisted_or_past_8_KiB()
    {
        var invoker = fixture.Host.Channel.CreateCallInvoker();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int calls = 0;
        var codes = new Dictionary<StatusCode, int>();
        foreach (var service in Services)
        {
            foreach (var rpc in service.Methods)
            {
                var random = new Random(Seed + rpc.FullName.Sum(ch => ch)); // a fixed seed per RPC (HashCode is seeded per process)
                var fuzz = new Fuzzer(random);
                var method = new Method<byte[], byte[]>(Kind(rpc), service.FullName, rpc.Name, Bytes, Bytes);
                for (int i = 0; i < CasesPerRpc; i++)
                {
                    var (what, body) = fuzz.Request(rpc.InputType, Valid(rpc.InputType), i);
                    calls++;
                    // A body past the size limit is refused unread while the client is still sending it, and HTTP/2 may
                    // then close the connection under the calls after it: such a body goes over a connection of its own.
                    using var own = body.Length > MaxReceiveBytes ? global::Grpc.Net.Client.GrpcChannel.ForAddress(fixture.Host.Address) : null;
                    foreach (var failure in await Call(own?.CreateCallInvoker() ?? invoker, method, rpc, body, codes))
                        failures.Add($"{rpc.FullName} #{i} ({what}, {body.Length} bytes): {failure}");
                }
            }
        }
        var answered = string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls failed in {clock.Elapsed.TotalSeconds:F0} s ({answered}):\n" + string.Join("\n", failures.Take(20)));
        // The fuzzing reached the calculators: some requests were decided, some refused.
        Assert.True(codes.GetValueOrDefault(StatusCode.OK) > 100 && codes.GetValueOrDefault(StatusCode.InvalidArgument) > 100, answered);
    }

    private static MethodType Kind(MethodDescriptor rpc) => (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        _ => MethodType.DuplexStreaming,
    };

    /// <summary>What is wrong with the answer to <paramref name="body"/> (empty when nothing is).</summary>
    private static async Task<List<string>> Call(CallInvoker invoker, Method<byte[], byte[]> method, MethodDescriptor rpc, byte[] body, Dictionary<StatusCode, int> codes)
    {
        var problems = new List<string>();
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20));
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, body);
                    codes[StatusCode.OK] = codes.GetValueOrDefault(StatusCode.OK) + 1;
                    break;
                case MethodType.DuplexStreaming:
                {
                    using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
                    // The body, then a valid item after it: a bad item is answered and the stream goes on. Written while
                    // the answers are read, as a stream's client should: a server that refuses the whole stream (an item
                    // past its size limit) stops reading it, and a write waiting on that never ended, deadline or not.
                    var writing = Write(call.RequestStream, body, Valid(rpc.InputType).ToByteArray());
                    int answers = 0;
                    await foreach (var answer in call.ResponseStream.ReadAllAsync())
                    {
                        answers++;
                        var itemCode = (StatusCode)(ItemError(rpc.OutputType, answer)?.Code ?? 0);
                        codes[itemCode] = codes.GetValueOrDefault(itemCode) + 1;
                        if (ItemError(rpc.OutputType, answer) is { } error) problems.AddRange(Problems((StatusCode)error.Code, error.Message, error.FieldViolations.Count, 0));
                    }
                    if (answers != 2) problems.Add($"{answers} answers to 2 items");
                    await writing; // the stream ended well: the server read both items
                    break;
                }
                case MethodType.ServerStreaming:
                {
                    // A watch goes on until the caller leaves: its first answer is enough.
                    using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    using var call = invoker.AsyncServerStreamingCall(method, null, options.WithCancellationToken(leave.Token), body);
                    await call.ResponseStream.MoveNext(leave.Token);
                    break;
                }
                default:
                    throw new NotSupportedException($"{rpc.FullName}: fuzz a client-streaming RPC");
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            codes[e.StatusCode] = codes.GetValueOrDefault(e.StatusCode) + 1;
            var badRequest = e.GetRpcStatus()?.GetDetail<BadRequest>();
            problems.AddRange(Problems(e.StatusCode, e.Status.Detail, badRequest?.FieldViolations.Count ?? 0, StatusSize.Of(e)));
        }
        catch (RpcException)
        {
            // the watch left by the test
        }
        return problems;
    }

    private static async Task Write(IClientStreamWriter<byte[]> stream, params byte[][] items)
    {
        foreach (var item in items) await stream.WriteAsync(item);
        await stream.CompleteAsync();
    }

    private static IEnumerable<string> Problems(StatusCode code, string message, int fieldViolations, int trailerBytes)
    {
        if (code is StatusCode.Internal or StatusCode.Unknown) yield return $"{code}: {Head(message)}";
        if (code == StatusCode.InvalidArgument && fieldViolations == 0) yield return $"INVALID_ARGUMENT without field violations: {Head(message)}";
        if (trailerBytes >= MaxStatusBytes) yield return $"{code} status of {trailerBytes} bytes";
        if (code == StatusCode.Unavailable) yield return $"UNAVAILABLE (an in-memory host has nothing to be unavailable): {Head(message)}";
    }

    private static string Head(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>The item error of a stream answer, if it is one.</summary>
    private static ItemError? ItemError(MessageDescriptor output, byte[] answer) =>
        output.FindFieldByName("error")?.Accessor.GetValue(output.Parser.ParseFrom(answer)) as ItemError;

    /// <summary>Hostile requests from one seeded random source.</summary>
    private sealed class Fuzzer(Random random)
    {
        private static readonly string Huge = new('x', 100 * 1024);
        private static readonly long[] Longs = [0, 1, -1, long.MaxValue, long.MinValue, long.MaxValue - 1, 9_223_372_036, -9_223_372_036, int.MaxValue, 1L << 53];
        private static readonly long[] NearTheLimit = [long.MaxValue, long.MaxValue - 1, long.MinValue, -long.MaxValue, long.MaxValue / 2 + 1, 79_228_162_514];
        private static readonly int[] Ints = [0, 1, -1, int.MaxValue, int.MinValue, 999_999_999, 1_000_000_000, -1_000_000_000, 255, 1 << 20];

        public (string What, byte[] Body) Request(MessageDescriptor type, IMessage valid, int i)
        {
            var bytes = valid.ToByteArray();
            switch (i % 7)
            {
                case 6:
                {
                    var message = valid.Descriptor.Parser.ParseFrom(bytes);
                    Extremes(message);
                    return ("extreme amounts and instants", message.ToByteArray());
                }
                case 0:
                    return ("random bytes", RandomBytes(random.Next(0, 300)));
                case 1:
                    return ("truncated", bytes[..random.Next(0, Math.Max(1, bytes.Length))]);
                case 2:
                    return ("wrong wire types", WrongWireTypes(bytes));
                case 3:
                {
                    var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
                    Fill(message, depth: 0);
                    return ("random message", message.ToByteArray());
                }
                case 4:
                {
                    var message = valid.Descriptor.Parser.ParseFrom(bytes);
                    for (int n = random.Next(1, 4); n > 0; n--) Mutate(message, depth: 0);
                    return ("mutated", message.ToByteArray());
                }
                default:
                {
                    var flipped = (byte[])bytes.Clone();
                    for (int n = random.Next(1, 4); n > 0 && flipped.Length > 0; n--) flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                    return ("bytes flipped", flipped);
                }
            }
        }

        private byte[] RandomBytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        /// <summary>Fields 1-12 with a random wire type and what follows it, spliced into a valid request.</summary>
        private byte[] WrongWireTypes(byte[] valid)
        {
            using var stream = new MemoryStream();
            var output = new CodedOutputStream(stream);
            int at = random.Next(0, valid.Length + 1);
            for (int n = random.Next(1, 5); n > 0; n--)
            {
                uint field = (uint)random.Next(1, 13);
                switch (random.Next(4))
                {
                    case 0: output.WriteTag(WireFormat.MakeTag((int)field, WireFormat.WireType.Varint)); output.WriteInt64(Longs[random.Next(Longs.Length)]); break;
                    case 1: output.WriteTag(WireFormat.MakeTag((int)field, WireFormat.WireType.Fixed64)); output.WriteFixed64((ulong)random.NextInt64()); break;
                    case 2: output.WriteTag(WireFormat.MakeTag((int)field, WireFormat.WireType.Fixed32)); output.WriteFixed32((uint)random.Next()); break;
                    default: output.WriteTag(WireFormat.MakeTag((int)field, WireFormat.WireType.LengthDelimited)); output.WriteBytes(ByteString.CopyFrom(RandomBytes(random.Next(0, 40)))); break;
                }
            }
            output.Flush();
            return [.. valid[..at], .. stream.ToArray(), .. valid[at..]];
        }

        /// <summary>Replaces one or two amounts or instants of a valid message with extreme ones, the rest still valid.</summary>
        private void Extremes(IMessage message)
        {
            var leaves = new List<IMessage>();
            Leaves(message, leaves);
            // Amounts or instants, one kind at a time: the other fields stay valid, so the extreme value is what is decided on.
            var kind = leaves.Count == 0 ? null : leaves[random.Next(leaves.Count)].Descriptor;
            leaves.RemoveAll(l => l.Descriptor != kind);
            for (int n = random.Next(1, 3); n > 0 && leaves.Count > 0; n--)
            {
                var leaf = leaves[random.Next(leaves.Count)];
                leaf.MergeFrom(Message(leaf.Descriptor, depth: 4).ToByteString());
            }
        }

        private static void Leaves(IMessage message, List<IMessage> leaves)
        {
            foreach (var field in message.Descriptor.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message && !f.IsMap))
            {
                var values = field.IsRepeated ? ((IList)field.Accessor.GetValue(message)).Cast<IMessage>()
                    : field.Accessor.GetValue(message) is IMessage one ? [one] : [];
                foreach (var value in values)
                {
                    if (IsLeaf(value.Descriptor)) leaves.Add(value);
                    else Leaves(value, leaves);
                }
            }
        }

        /// <summary>Sets every field, at random, to extreme values.</summary>
        private void Fill(IMessage message, int depth)
        {
            foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
            {
                if (random.Next(3) > 0) Set(message, field, depth);
            }
        }

        /// <summary>Sets one field somewhere in the message (a nested one, at random) to an extreme value.</summary>
        private void Mutate(IMessage message, int depth)
        {
            var fields = message.Descriptor.Fields.InDeclarationOrder();
            if (fields.Count == 0) return;
            var field = fields[random.Next(fields.Count)];
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && depth < 4 && random.Next(4) > 0
                && field.Accessor.GetValue(message) is IMessage nested && !IsLeaf(field.MessageType))
            {
                Mutate(nested, depth + 1);
                return;
            }
            Set(message, field, depth);
        }

        private static bool IsLeaf(MessageDescriptor type) => type.FullName is "google.protobuf.Timestamp" or "penalties.v1.Money";

        private void Set(IMessage message, FieldDescriptor field, int depth)
        {
            if (field.IsMap)
            {
                var map = (IDictionary)field.Accessor.GetValue(message);
                var (key, value) = (field.MessageType.FindFieldByNumber(1), field.MessageType.FindFieldByNumber(2));
                int count = random.Next(10) == 0 ? 2_000 : random.Next(0, 4);
                for (int i = 0; i < count; i++) map[Value(key, depth, i)!] = Value(value, depth, i);
                return;
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (random.Next(10) == 0)
                {
                    // Many small elements: a few MiB at most.
                    var small = field.FieldType == FieldType.Message ? Message(field.MessageType, depth: 4) : null;
                    for (int i = 0; i < (small is null ? 20_000 : 5_000); i++)
                        list.Add(small ?? (field.FieldType == FieldType.String ? $"id-{i}" : Value(field, depth: 4, i)));
                    return;
                }
                for (int i = random.Next(0, 4); i > 0 && depth < 3; i--) list.Add(Value(field, depth, i));
                return;
            }
            if (Value(field, depth, 0) is { } v) field.Accessor.SetValue(message, v);
        }

        private object? Value(FieldDescriptor field, int depth, int index) => field.FieldType switch
        {
            FieldType.String => random.Next(8) switch
            {
                0 => "",
                1 => Huge,
                2 => "CNY",
                3 => "订单-\u0000-\uFFFF-😀",
                4 => "tmall.penalty-points",
                _ => $"id-{index}-{random.Next(1000)}",
            },
            FieldType.Bytes => ByteString.CopyFrom(RandomBytes(random.Next(0, 64))),
            FieldType.Bool => random.Next(2) == 0,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Ints[random.Next(Ints.Length)],
            FieldType.UInt32 or FieldType.Fixed32 => unchecked((uint)Ints[random.Next(Ints.Length)]),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Longs[random.Next(Longs.Length)],
            FieldType.UInt64 or FieldType.Fixed64 => unchecked((ulong)Longs[random.Next(Longs.Length)]),
            FieldType.Double => random.Next(3) switch { 0 => double.NaN, 1 => double.MaxValue, _ => -1.5 },
            FieldType.Float => random.Next(2) == 0 ? float.NaN : float.MinValue,
            FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, random.Next(4) == 0 ? Ints[random.Next(Ints.Length)] : field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number),
            FieldType.Message => Message(field.MessageType, depth + 1),
            _ => null,
        };

        private IMessage Message(MessageDescriptor type, int depth)
        {
            switch (type.FullName)
            {
                case "google.protobuf.Timestamp":
                    return new Timestamp
                    {
                        Seconds = random.Next(3) == 0 ? Longs[random.Next(Longs.Length)] : new[] { -62135596800L, 253402300799L, -2208988801L, 221845392000L, 1709258400L }[random.Next(5)],
                        Nanos = random.Next(3) == 0 ? Ints[random.Next(Ints.Length)] : 0,
                    };
                case "penalties.v1.Money":
                    return new Money
                    {
                        CurrencyCode = random.Next(4) == 0 ? "USD" : "CNY",
                        Units = random.Next(2) == 0 ? NearTheLimit[random.Next(NearTheLimit.Length)] : Longs[random.Next(Longs.Length)],
                        Nanos = random.Next(3) > 0 ? 0 : Ints[random.Next(Ints.Length)],
                    };
                default:
                {
                    var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
                    if (depth < 4) Fill(message, depth);
                    return message;
                }
            }
        }
    }
}
