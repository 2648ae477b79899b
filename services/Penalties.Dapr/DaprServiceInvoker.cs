using System.Collections.Concurrent;
using Dapr.Client;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Penalties.Dapr;

/// <summary>
/// Calls another service through the local sidecar: the SDK's invocation invoker sends every call to the sidecar's
/// gRPC port with the <c>dapr-app-id</c> header, and the sidecar forwards it to that app. One invoker per app id,
/// kept for the process (each holds a channel to the sidecar); deadlines of the call being served propagate.
/// </summary>
public sealed class DaprServiceInvoker(IOptions<DaprOptions> options, IHttpContextAccessor accessor) : IServiceInvoker
{
    private readonly ConcurrentDictionary<string, CallInvoker> _invokers = new(StringComparer.Ordinal);
    private readonly CallContextPropagation _propagation = new(accessor);

    public CallInvoker ToApp(string appId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        return _invokers.GetOrAdd(appId, id => DaprClient.CreateInvocationInvoker(id, NullIfEmpty(options.Value.GrpcEndpoint)).Intercept(_propagation));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
