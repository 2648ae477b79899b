using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Grpc.State;
using Penalties.ServiceDefaults;
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
        Task.FromResult(Handle(request));

    public override Task AssessStream(IAsyncStreamReader<AssessLateShipmentStreamRequest> requestStream, IServerStreamWriter<AssessLateShipmentStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context,
            r => new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Decision = Handle(r.Request ?? new AssessLateShipmentRequest()).Decision },
            (r, e) =>
            {
                metrics.Error("LateShipment.AssessStream", ((StatusCode)Errors.ToStatus(e).Code).ToString());
                return new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Error = Errors.ToItemError(e) };
            });

    private AssessLateShipmentResponse Handle(AssessLateShipmentRequest request)
    {
        var c = Mapping.CaseAndView(() => Mapping.LateShipmentCase(request.Case), request.View, out bool explain);
        return new() { Decision = Decide(c, request.Pin, explain) };
    }

    private Contracts.V1.LateShipmentDecision Decide(CoreCase c, RulePin? pin, bool explain = true)
    {
        var decision = LateShipmentCalculator.Assess(rules.Current, c, Mapping.Pin(pin));
        metrics.Decision(decision.Rule.RuleSetId, decision.Rule.Version, decision.Outcome.ToString());
        return Mapping.Decision(decision, explain);
    }

    public override async Task<RecordLateShipmentResponse> Record(RecordLateShipmentRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        var c = DecisionRecording.ReadCase(v, () => Mapping.LateShipmentCase(request.Case));
        var eventAt = c?.PaidAt ?? c?.PlacedAt;
        if (c is not null && eventAt is null) v.Add("case.paidAt", "is required to record (or placed_at, when the order was not paid)");
        v.ThrowIfAny();
        var order = DecisionRecording.Key(request.Case.Platform.ToString(), c!.OrderId);
        var keys = c.Lines.Select(l => DecisionRecording.Key(request.Case.Platform.ToString(), c.OrderId, l.LineId)).ToArray();
        var recorded = await DecisionRecording.RecordAsync(ledger, Ledger, $"late-shipment order '{c.OrderId}'", request.MerchantId, order, keys, eventAt!.Value,
            request, () => Decide(c, request.Pin), context.CancellationToken);
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
