using Grpc.Core;
using Microsoft.Extensions.Logging;
using Penalties.Contracts;
using Penalties.Contracts.V1;

namespace Penalties.Grpc;

/// <summary>Bidirectional batch streams: one response per request, in order; a bad item gets an error response and the stream goes on.</summary>
internal static class Streams
{
    /// <summary>
    /// Answers each request in order. Any failure deciding one item is that item's answer, through
    /// <paramref name="error"/> (the caller's errors with their code and field violations, anything else INTERNAL and
    /// logged), counted in the error metric under the stream's method as the interceptor counts a refused call.
    /// </summary>
    public static async Task Run<TRequest, TResponse>(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context,
        PenaltiesMetrics metrics, ILogger logger, Func<TRequest, TResponse> handle, Func<TRequest, ItemError, TResponse> error)
    {
        var token = context.CancellationToken;
        await foreach (var request in requests.ReadAllAsync(token))
        {
            TResponse response;
            try
            {
                response = handle(request);
            }
            catch (Exception e) when (!(e is OperationCanceledException && token.IsCancellationRequested))
            {
                var item = Errors.ToItemError(e);
                metrics.Error(context.Method, ((StatusCode)item.Code).ToString());
                ErrorInterceptor.Log(logger, e, context.Method);
                response = error(request, item);
            }
            await responses.WriteAsync(response, token);
        }
    }
}
