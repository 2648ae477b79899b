using Penalties.Core.Common;
using Penalties.Core.Rules;
using C = Penalties.Contracts.V1;
using Core = Penalties.Core;

namespace Penalties.Grpc.Wire;

/// <summary>
/// The calculators' decisions as the contract's messages: the one mapping of a late-shipment or price-match decision to
/// the contract (field numbers from <c>protos/penalties/v1</c>). Assess answers are these bytes as they are; everything
/// else that needs the message (recorded decisions, the CLI) parses them (<see cref="Message(Core.LateShipment.LateShipmentDecision, bool)"/>).
/// Tests hold the bytes to what the generated serializer writes for the parsed message (field order, defaults left out,
/// lengths) and the parsed message to the core's decision, field by field.
/// </summary>
internal static class DecisionWire
{
    /// <summary>AssessLateShipmentResponse, or AssessLateShipmentStreamResponse with <paramref name="correlationId"/>.</summary>
    public readonly struct LateShipment(Core.LateShipment.LateShipmentDecision decision, bool explain, string? correlationId = null) : IWireMessage
    {
        public void WriteTo(ref ProtoWriter writer) =>
            LateShipmentDecision(ref writer, correlationId is null ? C.AssessLateShipmentResponse.DecisionFieldNumber
                : StreamItem(ref writer, C.AssessLateShipmentStreamResponse.CorrelationIdFieldNumber, correlationId, C.AssessLateShipmentStreamResponse.DecisionFieldNumber),
                decision, explain);
    }

    /// <summary>AssessPriceMatchResponse, or AssessPriceMatchStreamResponse with <paramref name="correlationId"/>.</summary>
    public readonly struct PriceMatch(Core.PriceMatch.PriceMatchDecision decision, bool explain, string? correlationId = null) : IWireMessage
    {
        public void WriteTo(ref ProtoWriter writer) =>
            PriceMatchDecision(ref writer, correlationId is null ? C.AssessPriceMatchResponse.DecisionFieldNumber
                : StreamItem(ref writer, C.AssessPriceMatchStreamResponse.CorrelationIdFieldNumber, correlationId, C.AssessPriceMatchStreamResponse.DecisionFieldNumber),
                decision, explain);
    }

    /// <summary>A stream item's correlation id, written first; the field its decision goes in.</summary>
    private static int StreamItem(ref ProtoWriter w, int correlationIdField, string correlationId, int decisionField)
    {
        w.String(correlationIdField, correlationId);
        return decisionField;
    }

    /// <summary>The contract's message of a late-shipment decision (for records, the CLI and the tests): its encoding, parsed.</summary>
    public static C.LateShipmentDecision Message(Core.LateShipment.LateShipmentDecision d, bool explain) =>
        Parsed(C.LateShipmentDecision.Parser, LateShipmentDecisionFields, d, explain);

    /// <summary>The contract's message of a price-match decision: its encoding, parsed.</summary>
    public static C.PriceMatchDecision Message(Core.PriceMatch.PriceMatchDecision d, bool explain) =>
        Parsed(C.PriceMatchDecision.Parser, PriceMatchDecisionFields, d, explain);

    private delegate void Fields<in T>(ref ProtoWriter w, T decision, bool explain);

    private static TMessage Parsed<T, TMessage>(Google.Protobuf.MessageParser<TMessage> parser, Fields<T> fields, T decision, bool explain)
        where TMessage : Google.Protobuf.IMessage<TMessage>
    {
        var w = new ProtoWriter(WireResponse.InitialCapacity);
        try
        {
            fields(ref w, decision, explain);
            return parser.ParseFrom(w.Written);
        }
        finally
        {
            w.Dispose();
        }
    }

    private static void LateShipmentDecision(ref ProtoWriter w, int field, Core.LateShipment.LateShipmentDecision d, bool explain)
    {
        int start = w.BeginMessage(field);
        LateShipmentDecisionFields(ref w, d, explain);
        w.EndMessage(start);
    }

    private static void LateShipmentDecisionFields(ref ProtoWriter w, Core.LateShipment.LateShipmentDecision d, bool explain)
    {
        Rule(ref w, C.LateShipmentDecision.RuleFieldNumber, d.Rule);
        w.String(C.LateShipmentDecision.OrderIdFieldNumber, d.OrderId);
        w.Enum(C.LateShipmentDecision.OutcomeFieldNumber, (int)Mapping.Outcome(d.Outcome));
        w.String(C.LateShipmentDecision.InstrumentFieldNumber, EnumName<Core.LateShipment.PayoutInstrument>.Of(d.Instrument));
        Money(ref w, C.LateShipmentDecision.BuyerPayoutFieldNumber, d.BuyerPayout);
        w.OptionalInt64(C.LateShipmentDecision.BuyerPointsFieldNumber, d.BuyerPoints);
        Money(ref w, C.LateShipmentDecision.PlatformLiabilityFieldNumber, d.PlatformLiability);
        Money(ref w, C.LateShipmentDecision.MerchantTotalFieldNumber, d.MerchantTotal);
        w.String(C.LateShipmentDecision.ReferralRuleSetIdFieldNumber, d.Referral?.RuleSetId ?? "");
        w.String(C.LateShipmentDecision.ReferralViolationCodeFieldNumber, d.Referral?.ViolationCode ?? "");
        Elements(ref w, C.LateShipmentDecision.ReasonCodesFieldNumber, d.ReasonCodes);
        // An order with lines is explained per line (a one-line order too: its explanation is its line's, sent once);
        // only an order without lines (refused before payment) is explained at the order.
        if (explain && d.Lines.Count == 0) Steps(ref w, C.LateShipmentDecision.StepsFieldNumber, d.Steps);
        for (int i = 0; i < d.Lines.Count; i++) LateShipmentLine(ref w, C.LateShipmentDecision.LinesFieldNumber, d.Lines[i], explain);
    }

    private static void LateShipmentLine(ref ProtoWriter w, int field, Core.LateShipment.LateShipmentLineDecision l, bool explain)
    {
        int start = w.BeginMessage(field);
        w.String(C.LateShipmentLineDecision.LineIdFieldNumber, l.LineId);
        w.Enum(C.LateShipmentLineDecision.OutcomeFieldNumber, (int)Mapping.Outcome(l.Outcome));
        w.String(C.LateShipmentLineDecision.LatenessFieldNumber, EnumName<Core.LateShipment.Lateness>.Of(l.Lateness));
        Time(ref w, C.LateShipmentLineDecision.DeadlineFieldNumber, l.Deadline);
        Time(ref w, C.LateShipmentLineDecision.OutOfStockAtFieldNumber, l.OutOfStockAt);
        Money(ref w, C.LateShipmentLineDecision.BuyerPayoutFieldNumber, l.BuyerPayout);
        w.OptionalInt64(C.LateShipmentLineDecision.BuyerPointsFieldNumber, l.BuyerPoints);
        Money(ref w, C.LateShipmentLineDecision.PlatformLiabilityFieldNumber, l.PlatformLiability);
        Money(ref w, C.LateShipmentLineDecision.MerchantTotalFieldNumber, l.MerchantTotal);
        Elements(ref w, C.LateShipmentLineDecision.ReasonCodesFieldNumber, l.ReasonCodes);
        if (explain) Steps(ref w, C.LateShipmentLineDecision.StepsFieldNumber, l.Steps);
        w.EndMessage(start);
    }

    private static void PriceMatchDecision(ref ProtoWriter w, int field, Core.PriceMatch.PriceMatchDecision d, bool explain)
    {
        int start = w.BeginMessage(field);
        PriceMatchDecisionFields(ref w, d, explain);
        w.EndMessage(start);
    }

    private static void PriceMatchDecisionFields(ref ProtoWriter w, Core.PriceMatch.PriceMatchDecision d, bool explain)
    {
        Rule(ref w, C.PriceMatchDecision.RuleFieldNumber, d.Rule);
        w.String(C.PriceMatchDecision.OrderIdFieldNumber, d.OrderId);
        w.Enum(C.PriceMatchDecision.OutcomeFieldNumber, (int)Mapping.Outcome(d.Outcome));
        Money(ref w, C.PriceMatchDecision.BuyerPaidAmountFieldNumber, d.BuyerPaidAmount);
        Money(ref w, C.PriceMatchDecision.ComparisonPaidAmountFieldNumber, d.ComparisonPaidAmount);
        Money(ref w, C.PriceMatchDecision.DifferenceFieldNumber, d.Difference);
        Money(ref w, C.PriceMatchDecision.PayoutFieldNumber, d.Payout);
        foreach (var f in d.FailedConditions)
        {
            int condition = w.BeginMessage(C.PriceMatchDecision.FailedConditionsFieldNumber);
            w.String(C.FailedCondition.CodeFieldNumber, f.Code);
            w.String(C.FailedCondition.DetailFieldNumber, f.Detail);
            w.EndMessage(condition);
        }
        Elements(ref w, C.PriceMatchDecision.ReasonCodesFieldNumber, d.ReasonCodes);
        if (explain) Steps(ref w, C.PriceMatchDecision.StepsFieldNumber, d.Steps);
    }

    private static void Rule(ref ProtoWriter w, int field, RuleReference r)
    {
        int start = w.BeginMessage(field);
        w.String(C.RuleReference.RuleSetIdFieldNumber, r.RuleSetId);
        w.Int32(C.RuleReference.VersionFieldNumber, r.Version);
        w.String(C.RuleReference.ContentHashFieldNumber, r.ContentHash);
        w.EndMessage(start);
    }

    /// <summary>As <see cref="Mapping.Money(decimal)"/>: CNY, units and nanos.</summary>
    private static void Money(ref ProtoWriter w, int field, decimal value)
    {
        var (units, nanos) = MoneyParts.Of(value);
        int start = w.BeginMessage(field);
        w.String(C.Money.CurrencyCodeFieldNumber, Mapping.Currency);
        w.Int64(C.Money.UnitsFieldNumber, units);
        w.Int32(C.Money.NanosFieldNumber, nanos);
        w.EndMessage(start);
    }

    /// <summary>As <c>Timestamp.FromDateTimeOffset</c>: seconds since the Unix epoch and the non-negative nanos of the second.</summary>
    private static void Time(ref ProtoWriter w, int field, DateTimeOffset t)
    {
        long ticks = t.UtcTicks;
        int start = w.BeginMessage(field);
        w.Int64(Google.Protobuf.WellKnownTypes.Timestamp.SecondsFieldNumber, ticks / TimeSpan.TicksPerSecond - UnixEpochSeconds);
        w.Int32(Google.Protobuf.WellKnownTypes.Timestamp.NanosFieldNumber, (int)(ticks % TimeSpan.TicksPerSecond) * 100);
        w.EndMessage(start);
    }

    private const long UnixEpochSeconds = 62_135_596_800; // DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerSecond

    private static void Elements(ref ProtoWriter w, int field, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++) w.Element(field, values[i]);
    }

    private static void Steps(ref ProtoWriter w, int field, IReadOnlyList<ExplanationStep> steps)
    {
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            int start = w.BeginMessage(field);
            w.String(C.ExplanationStep.KindFieldNumber, EnumName<StepKind>.Of(step.Kind));
            w.Utf8(C.ExplanationStep.TextFieldNumber, step);
            w.EndMessage(start);
        }
    }
}
