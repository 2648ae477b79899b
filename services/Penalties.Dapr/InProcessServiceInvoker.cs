using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace Penalties.Dapr;

/// <summary>
/// Reaches the services straight at their addresses, without a sidecar: <c>Penalties:Services:&lt;appId&gt;</c> names an
/// app's URL; an app without one is this host itself (the all-in-one host serves every app id).
/// </summary>
public sealed class InProcessServiceInvoker(IConfiguration configuration, IServer? server = null) : IServiceInvoker, IDisposable
{
    /// <summary>The configuration section holding one URL per app id.</summary>
    public const string Section = "Penalties:Services";

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public CallInvoker ToApp(string appId) => _channels.GetOrAdd(appId, id => GrpcChannel.ForAddress(AddressOf(id))).CreateCallInvoker();

    private string AddressOf(string appId)
    {
        if (configuration[$"{Section}:{appId}"] is { Length: > 0 } configured) return configured;
        // Read when the first call is made: the listening address (a port chosen at start included) is known by then.
        var own = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"no address for app '{appId}': set {Section}:{appId}");
        var uri = new UriBuilder(own.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
        return uri.Uri.ToString().TrimEnd('/');
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
        _channels.Clear();
    }
}
