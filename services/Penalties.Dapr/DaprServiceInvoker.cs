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
/// The apps this host serves itself (<paramref name="servedHere"/>, e.g. every one in the all-in-one host, whose
/// sidecar fronts one app id) are called in process through <paramref name="self"/>.
/// </summary>
public sealed class DaprServiceInvoker(IOptions<DaprOptions> options, IHttpContextAccessor accessor,
    IReadOnlySet<string>? servedHere = null, InProcessServiceInvoker? self = null) : IServiceInvoker
{
    private readonly ConcurrentDictionary<string, CallInvoker> _invokers = new(StringComparer.Ordinal);
    private readonly CallContextPropagation _propagation = new(accessor);

    public CallInvoker ToApp(string appId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        if (self is not null && servedHere?.Contains(appId) == true) return self.ToApp(appId);
        return _invokers.GetOrAdd(appId, id => DaprClient.CreateInvocationInvoker(id, NullIfEmpty(options.Value.GrpcEndpoint)).Intercept(_propagation));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
