using System.Collections.Concurrent;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Dapr;
using Penalties.Grpc;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// The services Claims calls, built directly over in-memory stores and reached by a call invoker that dispatches each
/// unary call to them; <see cref="Fault"/> makes a method fail as an unreachable service would.
/// </summary>
internal sealed class ClaimCalls : IServiceInvoker
{
    public Grpc.Services.LateShipmentService LateShipment { get; } = UnitServices.LateShipment();
    public Grpc.Services.PriceMatchService PriceMatch { get; } = UnitServices.PriceMatch();
    public Grpc.Services.PenaltyPointsService PenaltyPoints { get; } = UnitServices.PenaltyPoints();
    public Grpc.Services.AfterSalesService AfterSales { get; } = UnitServices.AfterSales();

    /// <summary>The error a method (its full name, e.g. "/penalties.v1.PenaltyPoints/Record") fails with; null to answer.</summary>
    public Func<string, RpcException?> Fault { get; set; } = _ => null;

    /// <summary>The calls made, by method full name.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public CallInvoker ToApp(string appId) => new Invoker(this);

    private async Task<object> DispatchAsync(string method, object request)
    {
        Calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (Fault(method) is { } fault) throw fault;
        var context = new TestServerCallContext(method);
        try
        {
            return method switch
            {
                "/penalties.v1.LateShipment/Record" => await LateShipment.Record((RecordLateShipmentRequest)request, context),
                "/penalties.v1.PriceMatch/Record" => await PriceMatch.Record((RecordPriceMatchRequest)request, context),
                "/penalties.v1.PenaltyPoints/Record" => await PenaltyPoints.Record((RecordPenaltyRequest)request, context),
                "/penalties.v1.AfterSales/Assess" => await AfterSales.Assess((AssessAfterSalesRequest)request, context),
                _ => throw new RpcException(new Status(StatusCode.Unimplemented, method)),
            };
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Errors.ToRpcException(e); // as the ErrorInterceptor answers
        }
    }

    private sealed class Invoker(ClaimCalls calls) : CallInvoker
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var response = Task.Run(async () => (TResponse)await calls.DispatchAsync(method.FullName, request));
            return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }
}

/// <summary>Keeps every event published.</summary>
internal sealed class RecordingPublisher : IEventPublisher
{
    public ConcurrentQueue<PenaltiesEvent> Events { get; } = new();

    public Task PublishAsync(PenaltiesEvent e, CancellationToken cancellationToken)
    {
        Events.Enqueue(e);
        return Task.CompletedTask;
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class MovableTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
