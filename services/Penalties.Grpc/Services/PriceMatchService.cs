using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.PriceMatch;
using Penalties.Rules;
using Penalties.State;
using CoreCase = Penalties.Core.PriceMatch.PriceMatchCase;

namespace Penalties.Grpc.Services;

/// <summary>
/// PriceMatch: a thin adapter from the contract to <see cref="PriceMatchCalculator"/>, and the ledger of recorded
/// decisions (keyed by order and item) through <see cref="IDecisionLedger"/>.
/// </summary>
public sealed class PriceMatchService(RuleCatalogSource rules, IDecisionLedger ledger, PenaltiesMetrics metrics) : PriceMatch.PriceMatchBase
{
    private const string Ledger = "price-match";
    private const string Platform = "jd";

    public override Task<AssessPriceMatchResponse> Assess(AssessPriceMatchRequest request, ServerCallContext context) =>
        Task.FromResult(new AssessPriceMatchResponse { Decision = Handle(request) });

    public override Task AssessStream(IAsyncStreamReader<AssessPriceMatchStreamRequest> requestStream, IServerStreamWriter<AssessPriceMatchStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics,
            r => new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Decision = Handle(r.Request ?? new AssessPriceMatchRequest()) },
            (r, error) => new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Error = error });

    /// <summary>The decision on one request, as the contract's message.</summary>
    private Contracts.V1.PriceMatchDecision Handle(AssessPriceMatchRequest request)
    {
        var v = new ViolationList();
        var c = Mapping.Case(v, Mapping.PriceMatchCase, request.Case);
        bool explain = Mapping.Explain(request.View, v);
        v.ThrowIfAny();
        var decision = Mapping.Decision(Decide(c!, request.Pin), explain);
        Count(decision.Rule.RuleSetId, decision.Rule.Version, decision.Outcome); // once answered
        return decision;
    }

    private Core.PriceMatch.PriceMatchDecision Decide(CoreCase c, RulePin? pin) =>
        Mapping.Decide(() => PriceMatchCalculator.Assess(rules.Current, c, Mapping.Pin(pin)));

    /// <summary>Counts a decision that was answered: assessed, or newly recorded (not a replay, not one lost to a concurrent record).</summary>
    private void Count(string ruleSetId, int version, Contracts.V1.PriceMatchOutcome outcome) =>
        metrics.Decision(ruleSetId, version, outcome.ToString());

    public override async Task<RecordPriceMatchResponse> Record(RecordPriceMatchRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("itemId", request.ItemId);
        var c = Mapping.Case(v, Mapping.PriceMatchCase, request.Case);
        v.ThrowIfAny();
        var order = DecisionRecording.Key(Platform, c!.OrderId);
        var keys = new[] { DecisionRecording.Key(Platform, c.OrderId, request.ItemId) };
        var recorded = await DecisionRecording.RecordAsync(ledger, Ledger, $"price-match claim on order '{c.OrderId}' item '{request.ItemId}'",
            request.MerchantId, order, keys, c.OrderedAt, request, "case.payments", () => Mapping.Decision(Decide(c, request.Pin)), context.CancellationToken);
        if (!recorded.Replay) Count(recorded.Decision.Rule.RuleSetId, recorded.Decision.Rule.Version, recorded.Decision.Outcome);
        metrics.Record(Ledger, recorded.Replay);
        return new RecordPriceMatchResponse { Decision = recorded.Decision, Replay = recorded.Replay, RecordedAt = Mapping.Time(recorded.RecordedAt) };
    }

    public override async Task<ListRecordedPriceMatchesResponse> ListRecorded(ListRecordedPriceMatchesRequest request, ServerCallContext context)
    {
        var (records, next) = await DecisionRecording.ListAsync<RecordPriceMatchRequest, Contracts.V1.PriceMatchDecision, RecordedPriceMatch>(
            ledger, Ledger, request.MerchantId, request.From, request.To, request.PageSize, request.PageToken,
            (e, sent, decision) => new RecordedPriceMatch
            {
                MerchantId = e.MerchantId, ItemId = sent.ItemId, Case = sent.Case, Pin = sent.Pin, Decision = decision, Rule = decision.Rule,
                EventAt = Mapping.Time(e.EventAt), RecordedAt = Mapping.Time(e.RecordedAt),
            }, context.CancellationToken);
        return new ListRecordedPriceMatchesResponse { Records = { records }, NextPageToken = next };
    }
}
