using Grpc.Core;
using Microsoft.Extensions.Logging;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Rules;
using Penalties.State;

namespace Penalties.Grpc.Services;

/// <summary>
/// LateShipment: a thin adapter from the contract to <see cref="LateShipmentCalculator"/>, and the ledger of
/// recorded decisions (one entry per order line, keyed by platform, order and line) through <see cref="IDecisionLedger"/>.
/// </summary>
public sealed class LateShipmentService(RuleCatalogSource rules, IDecisionLedger ledger, PenaltiesMetrics metrics, ILogger<LateShipmentService> logger) : LateShipment.LateShipmentBase
{
    private readonly Calculator<Contracts.V1.LateShipmentCase, Core.LateShipment.LateShipmentCase, Core.LateShipment.LateShipmentDecision, Contracts.V1.LateShipmentDecision> _calculator =
        new(rules, ledger, metrics, "late-shipment", Mapping.LateShipmentCase, (catalog, c, pin, explain) => LateShipmentCalculator.Assess(catalog, c, pin, explain),
            Mapping.Decision, d => (d.Rule, d.Outcome));

    public override Task<AssessLateShipmentResponse> Assess(AssessLateShipmentRequest request, ServerCallContext context) =>
        Task.FromResult(new AssessLateShipmentResponse { Decision = _calculator.Assess(request.Case, request.View, request.Pin) });

    public override Task AssessStream(IAsyncStreamReader<AssessLateShipmentStreamRequest> requestStream, IServerStreamWriter<AssessLateShipmentStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics, logger,
            r => new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Decision = _calculator.Assess(r.Request?.Case, r.Request?.View ?? default, r.Request?.Pin) },
            (r, error) => new AssessLateShipmentStreamResponse { CorrelationId = r.CorrelationId, Error = error });

    public override async Task<RecordLateShipmentResponse> Record(RecordLateShipmentRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        var c = _calculator.Read(v, request.Case);
        Mapping.CheckPin(request.Pin, v);
        var eventAt = c?.PaidAt ?? c?.PlacedAt;
        if (c is not null && eventAt is null) v.Add("case.paidAt", "is required to record (or placed_at, when the order was not paid)");
        v.ThrowIfAny();
        var platform = request.Case.Platform.ToString();
        var keys = c!.Lines.Select(l => DecisionRecording.Key(platform, c.OrderId, l.LineId)).ToArray();
        var recorded = await _calculator.RecordAsync(request, Read, c, request.Pin, request.MerchantId, $"late-shipment order '{c.OrderId}'",
            DecisionRecording.Key(platform, c.OrderId), keys, eventAt!.Value, "case.lines", context.CancellationToken);
        return new RecordLateShipmentResponse { Decision = recorded.Decision, Replay = recorded.Replay, RecordedAt = Mapping.Time(recorded.RecordedAt) };
    }

    /// <summary>The request as read: its case through the core and back, and its pin, with every default spelt out.</summary>
    private static RecordLateShipmentRequest Read(RecordLateShipmentRequest r) =>
        new() { MerchantId = r.MerchantId, Case = Mapping.Case(Mapping.LateShipmentCase(r.Case)), Pin = Mapping.Read(r.Pin) };

    public override async Task<ListRecordedLateShipmentsResponse> ListRecorded(ListRecordedLateShipmentsRequest request, ServerCallContext context)
    {
        var (records, next) = await _calculator.ListAsync<RecordLateShipmentRequest, RecordedLateShipment>(
            request.MerchantId, request.From, request.To, request.PageSize, request.PageToken, Recorded, context.CancellationToken);
        return new ListRecordedLateShipmentsResponse { Records = { records }, NextPageToken = next };
    }

    public override async Task<ListRecordedLateShipmentsResponse> ExportRecorded(ExportRecordedRequest request, ServerCallContext context)
    {
        var (records, next) = await _calculator.ExportAsync<RecordLateShipmentRequest, RecordedLateShipment>(request, Recorded, context.CancellationToken);
        return new ListRecordedLateShipmentsResponse { Records = { records }, NextPageToken = next };
    }

    private static RecordedLateShipment Recorded(LedgerEntry e, RecordLateShipmentRequest sent, Contracts.V1.LateShipmentDecision decision) => new()
    {
        MerchantId = e.MerchantId, Case = sent.Case, Pin = sent.Pin, Decision = decision, Rule = decision.Rule,
        EventAt = Mapping.Time(e.EventAt), RecordedAt = Mapping.Time(e.RecordedAt),
    };
}
