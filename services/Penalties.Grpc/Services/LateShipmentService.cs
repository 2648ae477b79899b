using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.LateShipment;
using Penalties.ServiceDefaults;

namespace Penalties.Grpc.Services;

/// <summary>LateShipment: a thin adapter from the contract to <see cref="LateShipmentCalculator"/>.</summary>
public sealed class LateShipmentService(RuleCatalogSource rules, PenaltiesMetrics metrics) : LateShipment.LateShipmentBase
{
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
        var c = Mapping.LateShipmentCase(request.Case);
        var decision = LateShipmentCalculator.Assess(rules.Current, c, Mapping.Pin(request.Pin));
        metrics.Decision(decision.Rule.RuleSetId, decision.Rule.Version, decision.Outcome.ToString());
        return new AssessLateShipmentResponse { Decision = Mapping.Decision(decision) };
    }
}
