using Grpc.Core;

namespace Penalties.Grpc;

/// <summary>Bidirectional batch streams: one response per request, in order; a bad item gets an error response and the stream goes on.</summary>
internal static class Streams
{
    public static async Task Run<TRequest, TResponse>(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context,
        Func<TRequest, TResponse> handle, Func<TRequest, Exception, TResponse> error)
    {
        var token = context.CancellationToken;
        while (await requests.MoveNext(token))
        {
            var request = requests.Current;
            TResponse response;
            try
            {
                response = handle(request);
            }
            catch (Exception e) when (Errors.IsCallerError(e))
            {
                response = error(request, e);
            }
            await responses.WriteAsync(response, token);
        }
    }
}
