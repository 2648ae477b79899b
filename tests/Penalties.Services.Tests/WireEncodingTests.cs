using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Google.Protobuf;
using C = Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using Penalties.Grpc;
using Penalties.Grpc.Wire;
using CoreLateCase = Penalties.Core.LateShipment.LateShipmentCase;
using CoreLine = Penalties.Core.LateShipment.OrderLine;
using CorePriceCase = Penalties.Core.PriceMatch.PriceMatchCase;

namespace Penalties.Services.Tests;

/// <summary>
/// The calculators' answers encoded straight to the wire (<see cref="DecisionWire"/>, the one mapping of their decisions
/// to the contract) are canonical protobuf and say what the core's decision says: for every outcome, view, line count,
/// sign and size of amount, instant before and after 1970, and text length.
/// </summary>
public sealed class WireEncodingTests
{
    private static readonly RuleCatalog Catalog = RuleSetLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "rules")).ToCatalog();

    /// <summary>Ids of any length and script: one-, two- and three-byte length prefixes, ASCII, Chinese, astral.</summary>
    private static readonly Gen<string> Ids = Gen.OneOf(
        Gen.Elements("T-1", "订单-延迟发货-0001", "😀", new string('x', 42), new string('字', 43), new string('o', 200), new string('长', 6000)),
        Gen.Choose(1, 99_999).Select(i => $"O-{i}"));

    /// <summary>Instants from 1900 to 2100 (negative Unix seconds included), to the tick.</summary>
    private static readonly Gen<DateTimeOffset> Instants =
        from day in Gen.Choose(0, 200 * 365)
        from tick in Gen.Choose(0, int.MaxValue)
        from offset in Gen.Elements(0, 480, -300)
        select new DateTimeOffset(1900, 1, 2, 0, 0, 0, TimeSpan.Zero).AddDays(day).AddTicks(tick * 40L).ToOffset(TimeSpan.FromMinutes(offset));

    /// <summary>CNY in fen from 0 to 10^12, and the caps' neighbours.</summary>
    private static readonly Gen<decimal> Amounts = Gen.OneOf(
        Gen.Choose(0, 400_000).Select(f => f / 100m),
        Gen.Choose(0, int.MaxValue).Select(f => f * 500m / 100m),
        Gen.Elements(0m, 0.01m, 333.33m, 1666.67m, 2000m, 1_000_000_000_000m));

    private static readonly Gen<CoreLine> Lines =
        from id in Ids
        from amount in Amounts
        from quantity in Gen.Choose(1, 3)
        from shippedAfterHours in Gen.Frequency((1, Gen.Constant(-1)), (3, Gen.Choose(0, 24 * 40))) // -1: not shipped
        select new CoreLine { LineId = id, Amount = amount, Quantity = quantity, ShippedAt = shippedAfterHours < 0 ? null : Instant0.AddHours(shippedAfterHours) };

    // Lines are generated against this instant, then moved with the case's payment time.
    private static readonly DateTimeOffset Instant0 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<CoreLateCase> LateCases =
        from platform in Gen.Elements(Penalties.Core.LateShipment.Platform.Tmall, Penalties.Core.LateShipment.Platform.Taobao)
        from orderId in Ids
        from paid in Instants
        from channel in Gen.Elements(Enum.GetValues<Penalties.Core.LateShipment.ShippingChannel>())
        from agreedAfterHours in Gen.Choose(1, 24 * 30)
        from lines in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Lines, n))
        from evaluatedAfterHours in Gen.Choose(0, 24 * 60)
        from reason in Gen.Elements(Enum.GetValues<Penalties.Core.LateShipment.RefundReason>())
        from flags in Gen.Choose(0, 255)
        from reported in Gen.Elements(false, true)
        from unpaid in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new CoreLateCase
        {
            Platform = platform,
            OrderId = orderId,
            PaidAt = unpaid ? null : paid,
            PlacedAt = paid.AddHours(-1),
            Channel = channel,
            AgreedShipBy = paid.AddHours(agreedAfterHours),
            Lines = [.. lines.Select((l, i) => l with { LineId = $"{i}-{l.LineId}", ShippedAt = l.ShippedAt is { } s ? paid + (s - Instant0) : null })],
            EvaluatedAt = paid.AddHours(evaluatedAfterHours),
            RefundReason = reason,
            MerchantAdmittedOutOfStock = (flags & 1) != 0,
            MerchantRefusedToShip = (flags & 2) != 0 && (flags & 64) != 0,
            MerchantDemandedHigherPrice = (flags & 4) != 0 && (flags & 64) != 0,
            RefusedBeforePayment = unpaid,
            BuyerAbuse = (flags & 8) != 0 && (flags & 128) != 0,
            PlatformStopShipOrder = (flags & 16) != 0 && (flags & 128) != 0,
            ForceMajeureReports = reported ? [new ReportedPeriod(paid, paid.AddDays(10))] : [],
            MerchantPaidBeforeJudgment = (flags & 32) != 0,
        };

    private static readonly string[] AttributeNames = ["brand", "name", "model", "颜色"];

    /// <summary>A claim that meets every condition but the one <c>broken</c> picks (none for most): every outcome is reached.</summary>
    private static readonly Gen<CorePriceCase> PriceCases =
        from orderId in Ids
        from broken in Gen.Choose(0, 16)
        from ordered in Instants
        from claimedAfterHours in Gen.Choose(0, 24 * 20)
        from payments in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(
            from kind in Gen.Elements(Enum.GetValues<Penalties.Core.PriceMatch.PaymentKind>())
            from amount in Amounts
            from beans in Gen.Choose(0, 100_000)
            select new PaymentPart { Kind = kind, Amount = kind == Penalties.Core.PriceMatch.PaymentKind.JdBeans ? 0m : amount, Beans = kind == Penalties.Core.PriceMatch.PaymentKind.JdBeans ? beans : 0 }, n))
        from platform in Gen.Elements(Enum.GetValues<Penalties.Core.PriceMatch.ComparisonPlatform>())
        from theirs in Amounts
        from sales in Gen.Choose(0, 300)
        select new CorePriceCase
        {
            OrderId = orderId,
            MerchantType = broken == 1 ? Penalties.Core.PriceMatch.MerchantType.JdSmallShop : Penalties.Core.PriceMatch.MerchantType.ThirdParty,
            Enrollments = [new EnrollmentPeriod(broken == 2 ? ordered.AddDays(1) : ordered.AddDays(-30), null)],
            ItemHasBadge = broken != 3,
            ItemIsCustom = broken == 4,
            ItemAttributes = AttributeNames.ToDictionary(a => a, a => a + "-1"),
            OrderedAt = ordered,
            ClaimedAt = ordered.AddHours(broken == 5 ? claimedAfterHours : claimedAfterHours % 24),
            Payments = [.. payments],
            Comparison = new ComparisonListing
            {
                Platform = broken == 6 ? platform : Penalties.Core.PriceMatch.ComparisonPlatform.Tmall,
                PaidAmount = theirs,
                MonthlySales = broken == 7 ? sales : 100 + sales,
                OnSale = broken != 8,
                Purchasable = broken != 9,
                Attributes = AttributeNames.Where(a => broken != 10 || a != "brand").ToDictionary(a => a, a => broken == 11 && a == "model" ? "other" : a + "-1"),
            },
        };

    private static readonly Gen<string?> CorrelationIds = Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>(""), Ids.Select(i => (string?)i));

    /// <summary>The view (explained or not) and the correlation id (null: a unary answer; else a stream item's).</summary>
    private static readonly Gen<(bool Explain, string? CorrelationId)> Answers =
        from explain in Gen.Elements(true, false)
        from id in CorrelationIds
        select (explain, id);

    /// <summary>The case decided under one of its rule set's versions (pinned: instants from 1900 to 2100 have none in force), chosen by <paramref name="pick"/>.</summary>
    private static Penalties.Core.LateShipment.LateShipmentDecision? Late(CoreLateCase c, int pick) =>
        Decide(() => LateShipmentCalculator.Assess(Catalog, c, Pin(c.Platform == Penalties.Core.LateShipment.Platform.Tmall ? "tmall.late-shipment" : "taobao.late-shipment", pick)));

    private static Penalties.Core.PriceMatch.PriceMatchDecision? Price(CorePriceCase c, int pick) =>
        Decide(() => PriceMatchCalculator.Assess(Catalog, c, Pin("jd.price-match", pick)));

    private static RulePin Pin(string ruleSetId, int pick)
    {
        var versions = Catalog.Versions(ruleSetId);
        return new RulePin(ruleSetId, versions[pick % versions.Count].Version);
    }

    /// <summary>The decision, or null when the generated case is one the calculator refuses (invalid).</summary>
    private static T? Decide<T>(Func<T> decide) where T : class
    {
        try
        {
            return decide();
        }
        catch (Exception e) when (e is InvalidCaseException or RuleResolutionException)
        {
            return null;
        }
    }

    /// <summary>
    /// A late-shipment answer (unary, or a stream item with its correlation id) is canonical protobuf — what the generated
    /// serializer writes for the message it parses to: field order, defaults left out, lengths — and that message says
    /// what the core's decision says, field by field.
    /// </summary>
    [Property(MaxTest = 1500)]
    public Property Late_shipment_answers_are_canonical_and_say_what_the_decision_says() =>
        Prop.ForAll(Arb.From(LateCases), Arb.From(Gen.Choose(0, 9)), Arb.From(Answers), (c, pick, answer) =>
        {
            var (explain, correlationId) = answer;
            if (Late(c, pick) is not { } d) return true.Label("refused");
            var bytes = WireResponse.Encode(new DecisionWire.LateShipment(d, explain, correlationId)).Bytes.ToArray();
            var (parsed, decision, id) = correlationId is null
                ? Unary(C.AssessLateShipmentResponse.Parser.ParseFrom(bytes), r => r.Decision)
                : Streamed(C.AssessLateShipmentStreamResponse.Parser.ParseFrom(bytes), r => (r.CorrelationId, r.Decision));
            var differences = LateDifferences(decision, d, explain);
            if (id != correlationId) differences.Add("correlationId");
            return (bytes.AsSpan().SequenceEqual(parsed.ToByteArray()) && differences.Count == 0)
                .Label($"{d.Outcome}, {d.Lines.Count} lines, explain {explain}: differs in [{string.Join(", ", differences)}]; {Convert.ToHexString(bytes)} vs {Convert.ToHexString(parsed.ToByteArray())}");
        });

    /// <summary>The same for a price-match answer.</summary>
    [Property(MaxTest = 1500)]
    public Property Price_match_answers_are_canonical_and_say_what_the_decision_says() =>
        Prop.ForAll(Arb.From(PriceCases), Arb.From(Gen.Choose(0, 9)), Arb.From(Answers), (c, pick, answer) =>
        {
            var (explain, correlationId) = answer;
            if (Price(c, pick) is not { } d) return true.Label("refused");
            var bytes = WireResponse.Encode(new DecisionWire.PriceMatch(d, explain, correlationId)).Bytes.ToArray();
            var (parsed, decision, id) = correlationId is null
                ? Unary(C.AssessPriceMatchResponse.Parser.ParseFrom(bytes), r => r.Decision)
                : Streamed(C.AssessPriceMatchStreamResponse.Parser.ParseFrom(bytes), r => (r.CorrelationId, r.Decision));
            var differences = PriceDifferences(decision, d, explain);
            if (id != correlationId) differences.Add("correlationId");
            return (bytes.AsSpan().SequenceEqual(parsed.ToByteArray()) && differences.Count == 0)
                .Label($"{d.Outcome}, explain {explain}: differs in [{string.Join(", ", differences)}]; {Convert.ToHexString(bytes)} vs {Convert.ToHexString(parsed.ToByteArray())}");
        });

    private static (IMessage Parsed, TDecision Decision, string? CorrelationId) Unary<TResponse, TDecision>(TResponse r, Func<TResponse, TDecision> decision)
        where TResponse : IMessage => (r, decision(r), null);

    private static (IMessage Parsed, TDecision Decision, string? CorrelationId) Streamed<TResponse, TDecision>(TResponse r, Func<TResponse, (string, TDecision)> item)
        where TResponse : IMessage
    {
        var (id, decision) = item(r);
        return (r, decision, id);
    }

    // --- The contract's message against the core's decision: the test's own statement of the mapping ---

    private static List<string> LateDifferences(C.LateShipmentDecision m, Penalties.Core.LateShipment.LateShipmentDecision d, bool explain)
    {
        var differences = Head(m.Rule, m.OrderId, m.Outcome.ToString(), d.Rule, d.OrderId, d.Outcome.ToString());
        void Check(bool same, string field) => Add(differences, same, field);
        Check(m.Instrument == d.Instrument.ToString(), "instrument");
        Check(IsCny(m.BuyerPayout, d.BuyerPayout), "buyerPayout");
        Check(m.HasBuyerPoints == d.BuyerPoints.HasValue && m.BuyerPoints == (d.BuyerPoints ?? 0), "buyerPoints");
        Check(IsCny(m.PlatformLiability, d.PlatformLiability), "platformLiability");
        Check(IsCny(m.MerchantTotal, d.MerchantTotal), "merchantTotal");
        Check(m.ReferralRuleSetId == (d.Referral?.RuleSetId ?? "") && m.ReferralViolationCode == (d.Referral?.ViolationCode ?? ""), "referral");
        Check(m.ReasonCodes.SequenceEqual(d.ReasonCodes), "reasonCodes");
        // An order with lines is explained per line; only an order without lines at the order.
        Check(SameSteps(m.Steps, explain && d.Lines.Count == 0 ? d.Steps : []), "steps");
        Check(m.Lines.Count == d.Lines.Count, "lines");
        for (int i = 0; i < Math.Min(m.Lines.Count, d.Lines.Count); i++)
        {
            var (ml, l) = (m.Lines[i], d.Lines[i]);
            Check(ml.LineId == l.LineId, $"lines[{i}].lineId");
            Check(ml.Outcome.ToString() == l.Outcome.ToString(), $"lines[{i}].outcome");
            Check(ml.Lateness == l.Lateness.ToString(), $"lines[{i}].lateness");
            Check(ml.Deadline is not null && ml.Deadline.ToDateTimeOffset() == l.Deadline, $"lines[{i}].deadline");
            Check(ml.OutOfStockAt is not null && ml.OutOfStockAt.ToDateTimeOffset() == l.OutOfStockAt, $"lines[{i}].outOfStockAt");
            Check(IsCny(ml.BuyerPayout, l.BuyerPayout), $"lines[{i}].buyerPayout");
            Check(ml.HasBuyerPoints == l.BuyerPoints.HasValue && ml.BuyerPoints == (l.BuyerPoints ?? 0), $"lines[{i}].buyerPoints");
            Check(IsCny(ml.PlatformLiability, l.PlatformLiability), $"lines[{i}].platformLiability");
            Check(IsCny(ml.MerchantTotal, l.MerchantTotal), $"lines[{i}].merchantTotal");
            Check(ml.ReasonCodes.SequenceEqual(l.ReasonCodes), $"lines[{i}].reasonCodes");
            Check(SameSteps(ml.Steps, explain ? l.Steps : []), $"lines[{i}].steps");
        }
        return differences;
    }

    private static List<string> PriceDifferences(C.PriceMatchDecision m, Penalties.Core.PriceMatch.PriceMatchDecision d, bool explain)
    {
        var differences = Head(m.Rule, m.OrderId, m.Outcome.ToString(), d.Rule, d.OrderId, d.Outcome.ToString());
        void Check(bool same, string field) => Add(differences, same, field);
        Check(IsCny(m.BuyerPaidAmount, d.BuyerPaidAmount), "buyerPaidAmount");
        Check(IsCny(m.ComparisonPaidAmount, d.ComparisonPaidAmount), "comparisonPaidAmount");
        Check(IsCny(m.Difference, d.Difference), "difference");
        Check(IsCny(m.Payout, d.Payout), "payout");
        Check(m.FailedConditions.Select(f => (f.Code, f.Detail)).SequenceEqual(d.FailedConditions.Select(f => (f.Code, f.Detail))), "failedConditions");
        Check(m.ReasonCodes.SequenceEqual(d.ReasonCodes), "reasonCodes");
        Check(SameSteps(m.Steps, explain ? d.Steps : []), "steps");
        return differences;
    }

    /// <summary>The differences in what every decision message starts with: its rule, order and outcome (by name).</summary>
    private static List<string> Head(C.RuleReference? rule, string orderId, string outcome, RuleReference expectedRule, string expectedOrderId, string expectedOutcome)
    {
        var differences = new List<string>();
        Add(differences, rule is not null && rule.RuleSetId == expectedRule.RuleSetId && rule.Version == expectedRule.Version && rule.ContentHash == expectedRule.ContentHash, "rule");
        Add(differences, orderId == expectedOrderId, "orderId");
        Add(differences, outcome == expectedOutcome, "outcome");
        return differences;
    }

    private static void Add(List<string> differences, bool same, string field)
    {
        if (!same) differences.Add(field);
    }

    private static bool IsCny(C.Money? m, decimal amount) => m is not null && m.CurrencyCode == "CNY" && Cases.Value(m) == amount;

    private static bool SameSteps(IEnumerable<C.ExplanationStep> m, IReadOnlyList<ExplanationStep> steps) =>
        m.Select(s => (s.Kind, s.Text)).SequenceEqual(steps.Select(s => (s.Kind.ToString(), s.Text)));

    /// <summary>The generators reach what the property is about: every outcome, several lines, negative amounts and instants, long nested messages.</summary>
    [Fact]
    public void The_generated_cases_cover_every_outcome_and_the_encodings_edges()
    {
        var late = LateCases.Sample(3000).Select((c, i) => Late(c, i)).OfType<Penalties.Core.LateShipment.LateShipmentDecision>().ToList();
        var price = PriceCases.Sample(3000).Select((c, i) => Price(c, i)).OfType<Penalties.Core.PriceMatch.PriceMatchDecision>().ToList();
        Assert.True(late.Count > 2000, $"only {late.Count} of 3000 late-shipment cases decided");
        Assert.True(price.Count > 2000, $"only {price.Count} of 3000 price-match cases decided");
        Assert.Equal(Enum.GetValues<Penalties.Core.LateShipment.LateShipmentOutcome>().Order(), late.Select(d => d.Outcome).Distinct().Order());
        Assert.Equal(Enum.GetValues<Penalties.Core.PriceMatch.PriceMatchOutcome>().Order(), price.Select(d => d.Outcome).Distinct().Order());
        Assert.Contains(late, d => d.Lines.Count > 1);
        Assert.Contains(late, d => d.Lines.Any(l => l.Deadline.UtcDateTime < DateTime.UnixEpoch));
        Assert.Contains(price, d => d.Difference < 0m);
        Assert.Contains(late, d => WireResponse.Encode(new DecisionWire.LateShipment(d, explain: true)).Bytes.Length > 16_384); // a three-byte length prefix
    }

    /// <summary>A step's text written in place: an empty one left out, a long one (past the writer's first buffer) whole.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(3000)]
    public void A_steps_text_is_written_as_the_generated_message_writes_it(int subjectLength)
    {
        var step = new ExplanationStep(StepKind.Note, Subject: new string('报', subjectLength));
        var writer = new ProtoWriter(16); // grows from 16 bytes (pooled buffers of at least that)
        try
        {
            writer.String(C.ExplanationStep.KindFieldNumber, "Note");
            writer.Utf8(C.ExplanationStep.TextFieldNumber, step);
            Assert.Equal(new C.ExplanationStep { Kind = "Note", Text = step.Text }.ToByteArray(), writer.Written.ToArray());
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// The marshaller sends a response's bytes as they were encoded, with their length, once: answers of every size in a
    /// row (each in its own pooled buffer, one past 64 KiB grown from the first 2 KiB) each come out whole.
    /// </summary>
    [Fact]
    public void The_marshaller_sends_each_answer_whole_once()
    {
        var c = LateCases.Sample(100).First(c => Late(c, 0) is not null);
        var small = Late(c with { OrderId = "S-1" }, 0)!;
        var huge = Late(c with { OrderId = new string('长', 25_000) }, 0)!;
        foreach (var d in new[] { small, huge, small, huge, small })
        {
            var response = WireResponse.Encode(new DecisionWire.LateShipment(d, explain: true));
            var expected = response.Bytes.ToArray();
            var context = new RecordingContext();
            WireResponse.Marshaller.ContextualSerializer(response, context);
            Assert.Equal(expected.Length, context.PayloadLength);
            Assert.Equal(expected, context.Output.WrittenSpan.ToArray());
            Assert.True(context.Completed);
            Assert.Throws<InvalidOperationException>(() => WireResponse.Marshaller.ContextualSerializer(response, new RecordingContext()));
        }
        Assert.True(WireResponse.Encode(new DecisionWire.LateShipment(huge, explain: true)).Bytes.Length > 64 * 1024);
    }

    private sealed class RecordingContext : global::Grpc.Core.SerializationContext
    {
        public readonly System.Buffers.ArrayBufferWriter<byte> Output = new();
        public int PayloadLength = -1;
        public bool Completed;

        public override void SetPayloadLength(int payloadLength) => PayloadLength = payloadLength;

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => Output;

        public override void Complete() => Completed = true;

        public override void Complete(byte[] payload) => throw new InvalidOperationException("the wire marshaller writes through the buffer writer");
    }

    /// <summary>A method marked to answer an RPC on the wire that it cannot answer (a misspelt name, a server-streaming RPC) stops the host from mapping the service.</summary>
    [Fact]
    public async Task A_method_marked_on_the_wire_for_no_unary_or_bidirectional_rpc_stops_the_host()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpc();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<Penalties.Grpc.PenaltiesMetrics>();
        builder.Services.AnswerMalformedRequestsAsInvalidArgument();
        await using var app = builder.Build();
        var misspelt = Assert.Throws<InvalidOperationException>(() => Endpoints(app, a => a.MapGrpcService<MisspeltOnTheWire>()));
        Assert.Contains("AssessOnTheWire [OnTheWire(\"Asess\")]", misspelt.Message, StringComparison.Ordinal);
        var streaming = Assert.Throws<InvalidOperationException>(() => Endpoints(app, a => a.MapGrpcService<ServerStreamingOnTheWire>()));
        Assert.Contains("WatchOnTheWire [OnTheWire(\"Watch\")]", streaming.Message, StringComparison.Ordinal);
    }

    /// <summary>Maps a service and builds its endpoints (grpc-dotnet discovers a service's methods when its endpoints are first read).</summary>
    private static void Endpoints(Microsoft.AspNetCore.Builder.WebApplication app, Action<Microsoft.AspNetCore.Builder.WebApplication> map)
    {
        map(app);
        _ = ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();
    }

    private sealed class MisspeltOnTheWire : C.LateShipment.LateShipmentBase
    {
        [OnTheWire("Asess")]
        public Task<WireResponse> AssessOnTheWire(C.AssessLateShipmentRequest request, global::Grpc.Core.ServerCallContext context) =>
            throw new NotSupportedException();
    }

    private sealed class ServerStreamingOnTheWire : C.RuleSets.RuleSetsBase
    {
        [OnTheWire("Watch")]
        public Task WatchOnTheWire(C.WatchRuleSetsRequest request, global::Grpc.Core.IServerStreamWriter<WireResponse> responses, global::Grpc.Core.ServerCallContext context) =>
            throw new NotSupportedException();
    }

    /// <summary>A stream item's error is the generated message's own bytes.</summary>
    [Fact]
    public void A_stream_items_error_is_sent_as_its_message()
    {
        var message = new C.AssessLateShipmentStreamResponse
        {
            CorrelationId = "item-7",
            Error = new C.ItemError { Code = 3, Message = "invalid", FieldViolations = { new C.FieldViolation { Field = "case.lines[0].amount", Description = "is required" } } },
        };
        Assert.Equal(message.ToByteArray(), WireResponse.Of(message).Bytes.ToArray());
    }
}
