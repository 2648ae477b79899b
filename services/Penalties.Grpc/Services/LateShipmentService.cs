using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Rules;
using Penalties.State;
using CoreCase = Penalties.Core.LateShipment.LateShipmentCase;

namespace Penalties.Grpc.Services;

/// <summary>
/// LateShipment: a thin adapter from the contract to <see cref="LateShipmentCalculator"/>, and the ledger of
/// recorded decisions (one entry per order line, keyed by platform, order and line) through <see cref="IDecisionLedger"/>.
/// </summary>
public sealed class LateShipmentService(RuleCatalogSource rules, IDecisionLedger ledger, PenaltiesMetrics metrics) : LateShipment.LateShipmentBase
{
    private const string Ledger = "late-shipment";

    public override Task<AssessLateShipmentResponse> Assess(AssessLateShipmentRequest request, ServerCallContext context) =>
        Task.FromResult(new AssessLateShipmentResponse { Decision = Handle(request) });

    public override Task AssessStream(IAsyncStreamReader<AssessLateShipmentStreamRequest> requestStream, IServerStreamWriter<AssessLateShipmentStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics,
            r => new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Decision = Handle(r.Request ?? new AssessLateShipmentRequest()) },
            (r, error) => new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Error = error });

    /// <summary>The decision on one request, as the contract's message.</summary>
    private Contracts.V1.LateShipmentDecision Handle(AssessLateShipmentRequest request)
    {
        var v = new ViolationList();
        var c = Mapping.Case(v, Mapping.LateShipmentCase, request.Case);
        bool explain = Mapping.Explain(request.View, v);
        v.ThrowIfAny();
        var decision = Mapping.Decision(Decide(c!, request.Pin), explain);
        Count(decision.Rule.RuleSetId, decision.Rule.Version, decision.Outcome); // once answered
        return decision;
    }

    private Core.LateShipment.LateShipmentDecision Decide(CoreCase c, RulePin? pin) =>
        Mapping.Decide(() => LateShipmentCalculator.Assess(rules.Current, c, Mapping.Pin(pin)));

    /// <summary>Counts a decision that was answered: assessed, or newly recorded (not a replay, not one lost to a concurrent record).</summary>
    private void Count(string ruleSetId, int version, Contracts.V1.LateShipmentOutcome outcome) =>
        metrics.Decision(ruleSetId, version, outcome.ToString());

    public override async Task<RecordLateShipmentResponse> Record(RecordLateShipmentRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        var c = Mapping.Case(v, Mapping.LateShipmentCase, request.Case);
        var eventAt = c?.PaidAt ?? c?.PlacedAt;
        if (c is not null && eventAt is null) v.Add("case.paidAt", "is required to record (or placed_at, when the order was not paid)");
        v.ThrowIfAny();
        var platform = request.Case.Platform.ToString();
        var order = DecisionRecording.Key(platform, c!.OrderId);
        var keys = c.Lines.Select(l => DecisionRecording.Key(platform, c.OrderId, l.LineId)).ToArray();
        var recorded = await DecisionRecording.RecordAsync(ledger, Ledger, $"late-shipment order '{c.OrderId}'", request.MerchantId, order, keys, eventAt!.Value,
            request, "case.lines", () => Mapping.Decision(Decide(c, request.Pin)), context.CancellationToken);
        if (!recorded.Replay) Count(recorded.Decision.Rule.RuleSetId, recorded.Decision.Rule.Version, recorded.Decision.Outcome);
        metrics.Record(Ledger, recorded.Replay);
        return new RecordLateShipmentResponse { Decision = recorded.Decision, Replay = recorded.Replay, RecordedAt = Mapping.Time(recorded.RecordedAt) };
    }

    public override async Task<ListRecordedLateShipmentsResponse> ListRecorded(ListRecordedLateShipmentsRequest request, ServerCallContext context)
    {
        var (records, next) = await DecisionRecording.ListAsync<RecordLateShipmentRequest, Contracts.V1.LateShipmentDecision, RecordedLateShipment>(
            ledger, Ledger, request.MerchantId, request.From, request.To, request.PageSize, request.PageToken,
            (e, sent, decision) => new RecordedLateShipment
            {
                MerchantId = e.MerchantId, Case = sent.Case, Pin = sent.Pin, Decision = decision, Rule = decision.Rule,
                EventAt = Mapping.Time(e.EventAt), RecordedAt = Mapping.Time(e.RecordedAt),
            }, context.CancellationToken);
        return new ListRecordedLateShipmentsResponse { Records = { records }, NextPageToken = next };
    }
}
