using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.PriceMatch;
using Penalties.ServiceDefaults;

namespace Penalties.Grpc.Services;

/// <summary>PriceMatch: a thin adapter from the contract to <see cref="PriceMatchCalculator"/>.</summary>
public sealed class PriceMatchService(RuleCatalogSource rules, PenaltiesMetrics metrics) : PriceMatch.PriceMatchBase
{
    public override Task<AssessPriceMatchResponse> Assess(AssessPriceMatchRequest request, ServerCallContext context) =>
        Task.FromResult(Handle(request));

    public override Task AssessStream(IAsyncStreamReader<AssessPriceMatchStreamRequest> requestStream, IServerStreamWriter<AssessPriceMatchStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context,
            r => new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Decision = Handle(r.Request ?? new AssessPriceMatchRequest()).Decision },
            (r, e) =>
            {
                metrics.Error("PriceMatch.AssessStream", ((StatusCode)Errors.ToStatus(e).Code).ToString());
                return new AssessPriceMatchStreamResponse { CorrelationId = r.CorrelationId, Error = Errors.ToItemError(e) };
            });

    private AssessPriceMatchResponse Handle(AssessPriceMatchRequest request)
    {
        var c = Mapping.PriceMatchCase(request.Case);
        var decision = PriceMatchCalculator.Assess(rules.Current, c, Mapping.Pin(request.Pin));
        metrics.Decision(decision.Rule.RuleSetId, decision.Rule.Version, decision.Outcome.ToString());
        return new AssessPriceMatchResponse { Decision = Mapping.Decision(decision) };
    }
}
