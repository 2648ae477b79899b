using Grpc.Core;
using Microsoft.Extensions.Logging;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.AfterSales;
using Penalties.Rules;

namespace Penalties.Grpc.Services;

/// <summary>
/// AfterSales: a thin adapter from the contract to <see cref="AfterSalesCalculator"/>. It records nothing: a return
/// claim is recorded with its claim by the Claims service.
/// </summary>
public sealed class AfterSalesService(RuleCatalogSource rules, PenaltiesMetrics metrics, ILogger<AfterSalesService> logger) : Contracts.V1.AfterSales.AfterSalesBase
{
    private readonly Assessor<Contracts.V1.AfterSalesCase, Core.AfterSales.AfterSalesCase, Core.AfterSales.AfterSalesDecision, Contracts.V1.AfterSalesDecision> _assessor =
        new(rules, metrics, Mapping.AfterSalesCase, (catalog, c, pin, explain) => AfterSalesCalculator.Assess(catalog, c, pin, explain),
            Mapping.Decision, d => (d.Rule, d.Outcome));

    public override Task<AssessAfterSalesResponse> Assess(AssessAfterSalesRequest request, ServerCallContext context) =>
        Task.FromResult(new AssessAfterSalesResponse { Decision = _assessor.Assess(request.Case, request.View, request.Pin) });

    public override Task AssessStream(IAsyncStreamReader<AssessAfterSalesStreamRequest> requestStream, IServerStreamWriter<AssessAfterSalesStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics, logger,
            r => new AssessAfterSalesStreamResponse { CorrelationId = r.CorrelationId, Decision = _assessor.Assess(r.Request?.Case, r.Request?.View ?? default, r.Request?.Pin) },
            (r, error) => new AssessAfterSalesStreamResponse { CorrelationId = r.CorrelationId, Error = error });
}
