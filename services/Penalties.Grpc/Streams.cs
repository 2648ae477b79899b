using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.ServiceDefaults;

namespace Penalties.Grpc;

/// <summary>Bidirectional batch streams: one response per request, in order; a bad item gets an error response and the stream goes on.</summary>
internal static class Streams
{
    /// <summary>Most responses held back before they are sent anyway, so that a long burst is answered as it goes.</summary>
    private const int MaxHeldBack = 32;

    private static readonly WriteOptions HoldBack = new(WriteFlags.BufferHint);
    private static readonly WriteOptions Send = new();

    /// <summary>
    /// Answers each request in order. A response is held back (buffered, not yet flushed to the socket) while the next
    /// request has already arrived, up to <see cref="MaxHeldBack"/> of them, and sent with those before it as soon as
    /// the stream has to wait for input: a caller sending a batch gets its answers in few writes, and a caller waiting
    /// for each answer gets it at once. Whatever is held back when the stream ends goes out with its end.
    /// </summary>
    /// <para>An item refused (a caller's error) is answered with <paramref name="error"/> given its item error, and
    /// counted in the error metric under the stream's method, as the interceptor counts a refused call.</para>
    public static async Task Run<TRequest, TResponse>(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context,
        PenaltiesMetrics metrics, Func<TRequest, TResponse> handle, Func<TRequest, ItemError, TResponse> error)
    {
        var token = context.CancellationToken;
        int heldBack = 0;
        var next = requests.MoveNext(token);
        while (await next)
        {
            var request = requests.Current;
            TResponse response;
            try
            {
                response = handle(request);
            }
            catch (Exception e) when (Errors.IsCallerError(e))
            {
                var item = Errors.ToItemError(e);
                metrics.Error(context.Method, EnumName<StatusCode>.Of((StatusCode)item.Code));
                response = error(request, item);
            }
            next = requests.MoveNext(token);
            bool holdBack = next.IsCompleted && ++heldBack < MaxHeldBack;
            if (!holdBack) heldBack = 0;
            responses.WriteOptions = holdBack ? HoldBack : Send;
            await responses.WriteAsync(response, token);
        }
    }
}
