using Penalties.Core.Common;
using Penalties.Core.Rules;
using C = Penalties.Contracts.V1;
using Core = Penalties.Core;

namespace Penalties.Grpc.Wire;

/// <summary>
/// The calculators' decisions encoded as the contract's messages, field for field what <see cref="Mapping"/>'s
/// <c>Decision</c> builds (the field numbers are those of <c>protos/penalties/v1</c>). A property test compares the
/// bytes with the generated serializer's for the same decisions; a field added to the contract and to Mapping but not
/// here fails it as soon as its generated decisions give the field a value other than its default.
/// </summary>
internal static class DecisionWire
{
    /// <summary>AssessLateShipmentResponse, or AssessLateShipmentStreamResponse with <paramref name="correlationId"/>.</summary>
    public readonly struct LateShipment(Core.LateShipment.LateShipmentDecision decision, bool explain, string? correlationId = null) : IWireMessage
    {
        public void WriteTo(ProtoWriter writer) =>
            LateShipmentDecision(writer, correlationId is null ? C.AssessLateShipmentResponse.DecisionFieldNumber
                : StreamItem(writer, C.AssessLateShipmentStreamResponse.CorrelationIdFieldNumber, correlationId, C.AssessLateShipmentStreamResponse.DecisionFieldNumber),
                decision, explain);
    }

    /// <summary>AssessPriceMatchResponse, or AssessPriceMatchStreamResponse with <paramref name="correlationId"/>.</summary>
    public readonly struct PriceMatch(Core.PriceMatch.PriceMatchDecision decision, bool explain, string? correlationId = null) : IWireMessage
    {
        public void WriteTo(ProtoWriter writer) =>
            PriceMatchDecision(writer, correlationId is null ? C.AssessPriceMatchResponse.DecisionFieldNumber
                : StreamItem(writer, C.AssessPriceMatchStreamResponse.CorrelationIdFieldNumber, correlationId, C.AssessPriceMatchStreamResponse.DecisionFieldNumber),
                decision, explain);
    }

    /// <summary>A stream item's correlation id, written first; the field its decision goes in.</summary>
    private static int StreamItem(ProtoWriter w, int correlationIdField, string correlationId, int decisionField)
    {
        w.String(correlationIdField, correlationId);
        return decisionField;
    }

    private static void LateShipmentDecision(ProtoWriter w, int field, Core.LateShipment.LateShipmentDecision d, bool explain)
    {
        int start = w.BeginMessage(field);
        Rule(w, C.LateShipmentDecision.RuleFieldNumber, d.Rule);
        w.String(C.LateShipmentDecision.OrderIdFieldNumber, d.OrderId);
        w.Enum(C.LateShipmentDecision.OutcomeFieldNumber, (int)Mapping.Outcome(d.Outcome));
        w.String(C.LateShipmentDecision.InstrumentFieldNumber, EnumName<Core.LateShipment.PayoutInstrument>.Of(d.Instrument));
        Money(w, C.LateShipmentDecision.BuyerPayoutFieldNumber, d.BuyerPayout);
        w.OptionalInt64(C.LateShipmentDecision.BuyerPointsFieldNumber, d.BuyerPoints);
        Money(w, C.LateShipmentDecision.PlatformLiabilityFieldNumber, d.PlatformLiability);
        Money(w, C.LateShipmentDecision.MerchantTotalFieldNumber, d.MerchantTotal);
        w.String(C.LateShipmentDecision.ReferralRuleSetIdFieldNumber, d.Referral?.RuleSetId ?? "");
        w.String(C.LateShipmentDecision.ReferralViolationCodeFieldNumber, d.Referral?.ViolationCode ?? "");
        Elements(w, C.LateShipmentDecision.ReasonCodesFieldNumber, d.ReasonCodes);
        // An order with lines is explained per line; only an order without lines at the order (as Mapping.Decision).
        if (explain && d.Lines.Count == 0) Steps(w, C.LateShipmentDecision.StepsFieldNumber, d.Steps);
        for (int i = 0; i < d.Lines.Count; i++) LateShipmentLine(w, C.LateShipmentDecision.LinesFieldNumber, d.Lines[i], explain);
        w.EndMessage(start);
    }

    private static void LateShipmentLine(ProtoWriter w, int field, Core.LateShipment.LateShipmentLineDecision l, bool explain)
    {
        int start = w.BeginMessage(field);
        w.String(C.LateShipmentLineDecision.LineIdFieldNumber, l.LineId);
        w.Enum(C.LateShipmentLineDecision.OutcomeFieldNumber, (int)Mapping.Outcome(l.Outcome));
        w.String(C.LateShipmentLineDecision.LatenessFieldNumber, EnumName<Core.LateShipment.Lateness>.Of(l.Lateness));
        Time(w, C.LateShipmentLineDecision.DeadlineFieldNumber, l.Deadline);
        Time(w, C.LateShipmentLineDecision.OutOfStockAtFieldNumber, l.OutOfStockAt);
        Money(w, C.LateShipmentLineDecision.BuyerPayoutFieldNumber, l.BuyerPayout);
        w.OptionalInt64(C.LateShipmentLineDecision.BuyerPointsFieldNumber, l.BuyerPoints);
        Money(w, C.LateShipmentLineDecision.PlatformLiabilityFieldNumber, l.PlatformLiability);
        Money(w, C.LateShipmentLineDecision.MerchantTotalFieldNumber, l.MerchantTotal);
        Elements(w, C.LateShipmentLineDecision.ReasonCodesFieldNumber, l.ReasonCodes);
        if (explain) Steps(w, C.LateShipmentLineDecision.StepsFieldNumber, l.Steps);
        w.EndMessage(start);
    }

    private static void PriceMatchDecision(ProtoWriter w, int field, Core.PriceMatch.PriceMatchDecision d, bool explain)
    {
        int start = w.BeginMessage(field);
        Rule(w, C.PriceMatchDecision.RuleFieldNumber, d.Rule);
        w.String(C.PriceMatchDecision.OrderIdFieldNumber, d.OrderId);
        w.Enum(C.PriceMatchDecision.OutcomeFieldNumber, (int)Mapping.Outcome(d.Outcome));
        Money(w, C.PriceMatchDecision.BuyerPaidAmountFieldNumber, d.BuyerPaidAmount);
        Money(w, C.PriceMatchDecision.ComparisonPaidAmountFieldNumber, d.ComparisonPaidAmount);
        Money(w, C.PriceMatchDecision.DifferenceFieldNumber, d.Difference);
        Money(w, C.PriceMatchDecision.PayoutFieldNumber, d.Payout);
        foreach (var f in d.FailedConditions)
        {
            int condition = w.BeginMessage(C.PriceMatchDecision.FailedConditionsFieldNumber);
            w.String(C.FailedCondition.CodeFieldNumber, f.Code);
            w.String(C.FailedCondition.DetailFieldNumber, f.Detail);
            w.EndMessage(condition);
        }
        Elements(w, C.PriceMatchDecision.ReasonCodesFieldNumber, d.ReasonCodes);
        if (explain) Steps(w, C.PriceMatchDecision.StepsFieldNumber, d.Steps);
        w.EndMessage(start);
    }

    private static void Rule(ProtoWriter w, int field, RuleReference r)
    {
        int start = w.BeginMessage(field);
        w.String(C.RuleReference.RuleSetIdFieldNumber, r.RuleSetId);
        w.Int32(C.RuleReference.VersionFieldNumber, r.Version);
        w.String(C.RuleReference.ContentHashFieldNumber, r.ContentHash);
        w.EndMessage(start);
    }

    /// <summary>As <see cref="Mapping.Money(decimal)"/>: CNY, units and nanos.</summary>
    private static void Money(ProtoWriter w, int field, decimal value)
    {
        var (units, nanos) = MoneyParts.Of(value);
        int start = w.BeginMessage(field);
        w.String(C.Money.CurrencyCodeFieldNumber, Mapping.Currency);
        w.Int64(C.Money.UnitsFieldNumber, units);
        w.Int32(C.Money.NanosFieldNumber, nanos);
        w.EndMessage(start);
    }

    /// <summary>As <c>Timestamp.FromDateTimeOffset</c>: seconds since the Unix epoch and the non-negative nanos of the second.</summary>
    private static void Time(ProtoWriter w, int field, DateTimeOffset t)
    {
        long ticks = t.UtcTicks;
        int start = w.BeginMessage(field);
        w.Int64(Google.Protobuf.WellKnownTypes.Timestamp.SecondsFieldNumber, ticks / TimeSpan.TicksPerSecond - UnixEpochSeconds);
        w.Int32(Google.Protobuf.WellKnownTypes.Timestamp.NanosFieldNumber, (int)(ticks % TimeSpan.TicksPerSecond) * 100);
        w.EndMessage(start);
    }

    private const long UnixEpochSeconds = 62_135_596_800; // DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerSecond

    private static void Elements(ProtoWriter w, int field, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++) w.Element(field, values[i]);
    }

    private static void Steps(ProtoWriter w, int field, IReadOnlyList<ExplanationStep> steps)
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
