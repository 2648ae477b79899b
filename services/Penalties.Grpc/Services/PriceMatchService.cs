using Grpc.Core;
using Microsoft.Extensions.Logging;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.PriceMatch;
using Penalties.Rules;
using Penalties.State;

namespace Penalties.Grpc.Services;

/// <summary>
/// PriceMatch: a thin adapter from the contract to <see cref="PriceMatchCalculator"/>, and the ledger of recorded
/// decisions (keyed by order and item) through <see cref="IDecisionLedger"/>.
/// </summary>
public sealed class PriceMatchService(RuleCatalogSource rules, IDecisionLedger ledger, PenaltiesMetrics metrics, ILogger<PriceMatchService> logger) : PriceMatch.PriceMatchBase
{
    private const string Platform = "jd";

    private readonly Calculator<Contracts.V1.PriceMatchCase, Core.PriceMatch.PriceMatchCase, Core.PriceMatch.PriceMatchDecision, Contracts.V1.PriceMatchDecision> _calculator =
        new(rules, ledger, metrics, "price-match", Mapping.PriceMatchCase, (catalog, c, pin, explain) => PriceMatchCalculator.Assess(catalog, c, pin, explain),
            Mapping.Decision, d => (d.Rule, d.Outcome));

    public override Task<AssessPriceMatchResponse> Assess(AssessPriceMatchRequest request, ServerCallContext context) =>
        Task.FromResult(new AssessPriceMatchResponse { Decision = _calculator.Assess(request.Case, request.View, request.Pin) });

    public override Task AssessStream(IAsyncStreamReader<AssessPriceMatchStreamRequest> requestStream, IServerStreamWriter<AssessPriceMatchStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics, logger,
            r => new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Decision = _calculator.Assess(r.Request?.Case, r.Request?.View ?? default, r.Request?.Pin) },
            (r, error) => new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Error = error });

    public override async Task<RecordPriceMatchResponse> Record(RecordPriceMatchRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("itemId", request.ItemId);
        var c = _calculator.Read(v, request.Case);
        Mapping.CheckPin(request.Pin, v);
        v.ThrowIfAny();
        var recorded = await _calculator.RecordAsync(request, Read, c!, request.Pin, request.MerchantId, $"price-match claim on order '{c!.OrderId}' item '{request.ItemId}'",
            DecisionRecording.Key(Platform, c.OrderId), [DecisionRecording.Key(Platform, c.OrderId, request.ItemId)], c.OrderedAt, "case.payments", context.CancellationToken);
        return new RecordPriceMatchResponse { Decision = recorded.Decision, Replay = recorded.Replay, RecordedAt = Mapping.Time(recorded.RecordedAt) };
    }

    /// <summary>The request as read: its case through the core and back, and its pin, with every default spelt out.</summary>
    private static RecordPriceMatchRequest Read(RecordPriceMatchRequest r) =>
        new() { MerchantId = r.MerchantId, ItemId = r.ItemId, Case = Mapping.Case(Mapping.PriceMatchCase(r.Case)), Pin = Mapping.Read(r.Pin) };

    public override async Task<ListRecordedPriceMatchesResponse> ListRecorded(ListRecordedPriceMatchesRequest request, ServerCallContext context)
    {
        var (records, next) = await _calculator.ListAsync<RecordPriceMatchRequest, RecordedPriceMatch>(
            request.MerchantId, request.From, request.To, request.PageSize, request.PageToken, Recorded, context.CancellationToken);
        return new ListRecordedPriceMatchesResponse { Records = { records }, NextPageToken = next };
    }

    public override async Task<ListRecordedPriceMatchesResponse> ExportRecorded(ExportRecordedRequest request, ServerCallContext context)
    {
        var (records, next) = await _calculator.ExportAsync<RecordPriceMatchRequest, RecordedPriceMatch>(request, Recorded, context.CancellationToken);
        return new ListRecordedPriceMatchesResponse { Records = { records }, NextPageToken = next };
    }

    private static RecordedPriceMatch Recorded(LedgerEntry e, RecordPriceMatchRequest sent, Contracts.V1.PriceMatchDecision decision) => new()
    {
        MerchantId = e.MerchantId, ItemId = sent.ItemId, Case = sent.Case, Pin = sent.Pin, Decision = decision, Rule = decision.Rule,
        EventAt = Mapping.Time(e.EventAt), RecordedAt = Mapping.Time(e.RecordedAt),
    };
}
