using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Penalties.Contracts;
using Penalties.ServiceDefaults;

namespace Penalties.Grpc;

/// <summary>Turns the caller's mistakes into their gRPC statuses; anything else is logged and INTERNAL without a stack trace.</summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger, PenaltiesMetrics metrics) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
        // The calculators answer synchronously: no state machine for a call already answered.
        return call.IsCompletedSuccessfully ? call : AwaitAsync(call, context);
    }

    private async Task<TResponse> AwaitAsync<TResponse>(Task<TResponse> call, ServerCallContext context)
    {
        try
        {
            return await call;
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException && !(e is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception e, ServerCallContext context)
    {
        var rpc = Errors.ToRpcException(e);
        metrics.Error(context.Method, rpc.StatusCode.ToString());
        Log(logger, e, context.Method);
        return rpc;
    }

    /// <summary>
    /// Logs what the caller is not told: an unexpected failure, or a store outage with the Redis client's diagnostics.
    /// A refusal of the caller's input is not logged, so no request can make a log line longer than its exception's text.
    /// </summary>
    internal static void Log(ILogger logger, Exception e, string method)
    {
        if (Penalties.Redis.RedisFailures.IsStoreOutage(e)) LogStoreOutage(logger, e, method);
        else if (Errors.IsSidecarFailure(e)) LogSidecarFailure(logger, e, method);
        else if (!Errors.IsCallerError(e)) LogUnexpected(logger, e, method);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Method}")]
    private static partial void LogUnexpected(ILogger logger, Exception e, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store (Redis) failed in {Method}")]
    private static partial void LogStoreOutage(ILogger logger, Exception e, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Dapr sidecar's state API failed in {Method}")]
    private static partial void LogSidecarFailure(ILogger logger, Exception e, string method);
}
