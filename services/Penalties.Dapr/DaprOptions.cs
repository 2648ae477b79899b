using Microsoft.Extensions.Configuration;

namespace Penalties.Dapr;

/// <summary>
/// Whether this host works through a Dapr sidecar, and where the sidecar is; bound from <see cref="Section"/>.
/// Redelivery counts and back-off are the sidecar's resiliency policy, not settings here; the subscriptions only
/// name the dead-letter topic (<see cref="Topics.DeadLetter"/>).
/// </summary>
public sealed class DaprOptions
{
    public const string Section = "Penalties:Dapr";

    /// <summary>Calls, events and readiness go through the sidecar. Also on when the injector sets DAPR_GRPC_PORT or DAPR_GRPC_ENDPOINT.</summary>
    public bool Enabled { get; set; }

    /// <summary>The sidecar's gRPC endpoint (e.g. http://127.0.0.1:50001); empty: the SDK's default (DAPR_GRPC_ENDPOINT, DAPR_GRPC_PORT).</summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>The sidecar's HTTP endpoint, asked for its health at start-up; empty: the SDK's default (DAPR_HTTP_ENDPOINT, DAPR_HTTP_PORT).</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>The pub/sub component events are published to and subscribed from.</summary>
    public string PubSubName { get; set; } = Topics.PubSub;

    /// <summary>Whether the configuration asks for a sidecar: the setting, or the variables the Dapr injector sets.</summary>
    public static bool SidecarConfigured(IConfiguration configuration) =>
        configuration.GetSection(Section).GetValue<bool>(nameof(Enabled))
        || !string.IsNullOrWhiteSpace(configuration["DAPR_GRPC_PORT"])
        || !string.IsNullOrWhiteSpace(configuration["DAPR_GRPC_ENDPOINT"]);

    internal bool Valid() =>
        !string.IsNullOrWhiteSpace(PubSubName) && ValidEndpoint(GrpcEndpoint) && ValidEndpoint(HttpEndpoint);

    private static bool ValidEndpoint(string? endpoint) =>
        string.IsNullOrWhiteSpace(endpoint)
        || (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
