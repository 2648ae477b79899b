using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using Penalties.Grpc;
using Penalties.LoadBench.Echo;

namespace Penalties.LoadBench;

/// <summary>
/// What one unary call costs the service beyond what it costs the echo, without the network: parse the
/// request bytes, map to the core, decide, build the response message, serialize it into a buffer (as
/// grpc-dotnet does), against the echo parsing and serializing a message of the same request size.
/// Run: dotnet run -c Release --project bench/Penalties.LoadBench -- served-path --filter '*'
/// </summary>
[MemoryDiagnoser]
public class ServedPathBenchmarks
{
    private byte[] _late = null!, _lateBasic = null!, _price = null!, _echoLate = null!;
    private RuleCatalog _catalog = null!;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private Penalties.Core.LateShipment.LateShipmentDecision _lateDecision = null!;

    [GlobalSetup]
    public void Setup()
    {
        _late = new AssessLateShipmentRequest { Case = Requests.LateCase() }.ToByteArray();
        _lateBasic = new AssessLateShipmentRequest { Case = Requests.LateCase(), View = DecisionView.Basic }.ToByteArray();
        _price = new AssessPriceMatchRequest { Case = Requests.PriceCase() }.ToByteArray();
        _echoLate = Requests.EchoOfSize(_late.Length).ToByteArray();
        var rules = Path.Combine(AppContext.BaseDirectory, "rules");
        _catalog = RuleSetLoader.LoadDirectory(rules).ToCatalog();
        var request = AssessLateShipmentRequest.Parser.ParseFrom(_late);
        _lateDecision = LateShipmentCalculator.Assess(_catalog, Mapping.LateShipmentCase(request.Case), null);
        Console.WriteLine($"late-shipment request {_late.Length} B, response {new AssessLateShipmentResponse { Decision = Mapping.Decision(_lateDecision) }.CalculateSize()} B");
    }

    [Benchmark(Baseline = true)]
    public int Echo()
    {
        var m = EchoMessage.Parser.ParseFrom(_echoLate);
        _out.ResetWrittenCount();
        m.WriteTo(_out);
        return _out.WrittenCount;
    }

    /// <summary>One LateShipment.Assess as the service makes it: the request parsed and mapped, decided, the answer mapped and serialized.</summary>
    [Benchmark]
    public int LateShipmentCall() => LateCall(_late);

    /// <summary>The same call asking for the basic view (no explanation steps), as a batch reconciliation would.</summary>
    [Benchmark]
    public int LateShipmentCallBasicView() => LateCall(_lateBasic);

    private int LateCall(byte[] bytes)
    {
        var (decision, explain) = LateDecision(bytes);
        return Written(new AssessLateShipmentResponse { Decision = Mapping.Decision(decision, explain) });
    }

    /// <summary>A request parsed, mapped (with its violations and view) and decided, as the service does before answering.</summary>
    private (Penalties.Core.LateShipment.LateShipmentDecision Decision, bool Explain) LateDecision(byte[] bytes)
    {
        var request = AssessLateShipmentRequest.Parser.ParseFrom(bytes);
        var v = new Penalties.Core.Common.ViolationList();
        var c = Mapping.Case(v, Mapping.LateShipmentCase, request.Case)!;
        bool explain = Mapping.Explain(request.View, v);
        v.ThrowIfAny();
        return (LateShipmentCalculator.Assess(_catalog, c, Mapping.Pin(request.Pin)), explain);
    }

    /// <summary>What grpc-dotnet does with an answer: serialize it into the response buffer.</summary>
    private int Written(IMessage message)
    {
        _out.ResetWrittenCount();
        message.WriteTo(_out);
        return _out.WrittenCount;
    }

    [Benchmark]
    public int PriceMatchCall()
    {
        var request = AssessPriceMatchRequest.Parser.ParseFrom(_price);
        var decision = PriceMatchCalculator.Assess(_catalog, Mapping.PriceMatchCase(request.Case), Mapping.Pin(request.Pin));
        return Written(new AssessPriceMatchResponse { Decision = Mapping.Decision(decision) });
    }

    [Benchmark]
    public object LateParseAndMap() => Mapping.LateShipmentCase(AssessLateShipmentRequest.Parser.ParseFrom(_late).Case);

    /// <summary>Deciding a mapped case and serializing the explained answer.</summary>
    [Benchmark]
    public int LateDecideAndEncode() => Written(new AssessLateShipmentResponse { Decision = Mapping.Decision(LateShipmentCalculator.Assess(_catalog, Requests.CoreLateCase, null)) });

    /// <summary>
    /// A new PenaltyPoints.Record's own work for a merchant with 14 recorded cases, without the network and Redis:
    /// parse the request, map it, gather the merchant's violations, decide (the 15th), build the answer and its stored
    /// bytes, serialize the answer.
    /// </summary>
    [Benchmark]
    public int RecordNewDecision()
    {
        var request = RecordPenaltyRequest.Parser.ParseFrom(_record);
        var v = new Penalties.Core.Common.ViolationList();
        var violation = Mapping.Violation(request.Violation, "violation", v);
        v.ThrowIfAny();
        var history = new List<Penalties.Core.PenaltyPoints.Violation>(_history.Length);
        foreach (var h in _history) history.Add(h);
        var preview = Penalties.Core.PenaltyPoints.PenaltyPointsCalculator.Preview(_catalog, request.RuleSetId, history, violation, violation.OccurredAt);
        var response = new RecordPenaltyResponse
        {
            Deduction = preview.Deduction is null ? null : Mapping.Deduction(preview.Deduction, violation.OccurredAt),
            NewSanctions = { preview.NewSanctions.Select(x => Mapping.Sanction(x, violation.OccurredAt)) },
        };
        var stored = response.ToByteArray();
        _out.ResetWrittenCount();
        response.WriteTo(_out);
        return _out.WrittenCount + stored.Length;
    }

    /// <summary>
    /// What every record costs the host to read, the merchant's log being read from Redis each time: decoding its stored
    /// log of 100 entries, each with its first answer, as <c>RedisPenaltyHistoryStore</c> does. (Redis's LRANGE comes on top.)
    /// </summary>
    [Benchmark]
    public int DecodeStoredLog()
    {
        int n = 0;
        for (int i = 0; i < _log.Length; i++) n += Penalties.State.RedisPenaltyHistoryStore.Decode(_log[i], i, "log").Violation.CaseId.Length;
        return n;
    }

    /// <summary>Encoding one new record's entry (stored with its first answer) for the append.</summary>
    [Benchmark]
    public int EncodeEntry() => Penalties.State.RedisPenaltyHistoryStore.Encode(_entry).Length;

    private byte[][] _log = null!;
    private Penalties.State.HistoryRecord _entry = null!;

    [GlobalSetup(Targets = [nameof(DecodeStoredLog), nameof(EncodeEntry)])]
    public void SetupLog()
    {
        Setup();
        SetupRecord();
        var answer = new RecordPenaltyResponse
        {
            Deduction = Mapping.Deduction(Penalties.Core.PenaltyPoints.PenaltyPointsCalculator.Preview(_catalog, "tmall.penalty-points", _history, _history[^1], _history[^1].OccurredAt).Deduction!, _history[^1].OccurredAt),
        };
        _entry = new Penalties.State.HistoryRecord(0, "tmall.penalty-points", _history[^1], false, null, answer);
        _log = [.. Enumerable.Range(0, 100).Select(i => Penalties.State.RedisPenaltyHistoryStore.Encode(_entry with { Violation = _entry.Violation with { CaseId = $"r0-case-{i * 50_000}" } }))];
    }

    private byte[] _record = null!;
    private Penalties.Core.PenaltyPoints.Violation[] _history = null!;

    [GlobalSetup(Target = nameof(RecordNewDecision))]
    public void SetupRecord()
    {
        Setup();
        _record = RecordBench.Request("r1", 14 * 50_000, 50_000).ToByteArray();
        _history = [.. Enumerable.Range(0, 14).Select(i => Mapping.Violation(RecordBench.Request("r0", i * 50_000, 50_000).Violation, "violation", new Penalties.Core.Common.ViolationList()))];
    }

    /// <summary>Mapping a decided answer to the contract (its steps rendered) and serializing it.</summary>
    [Benchmark]
    public int LateEncode() => Written(new AssessLateShipmentResponse { Decision = Mapping.Decision(_lateDecision) });
}
