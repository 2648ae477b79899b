using System.Text;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Penalties.Dapr;

/// <summary>
/// Publishes through the sidecar's pub/sub. The sidecar wraps the data in a CloudEvent; the metadata
/// <c>cloudevent.id</c> and <c>cloudevent.type</c> set its id and type (Dapr docs, "CloudEvents in Dapr Pub/Sub",
/// "Override Dapr-generated CloudEvents values"), so a redelivered or re-published event keeps the id consumers
/// deduplicate by.
/// </summary>
public sealed class DaprEventPublisher(DaprClient dapr, IOptions<DaprOptions> options) : IEventPublisher
{
    public const string JsonContentType = "application/json";

    public Task PublishAsync(PenaltiesEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cloudevent.id"] = e.Id,
            ["cloudevent.type"] = e.Type,
        };
        // The data is JSON already: sent as bytes, not serialized again as a JSON string.
        return dapr.PublishByteEventAsync(options.Value.PubSubName, e.Topic, Encoding.UTF8.GetBytes(e.Data), JsonContentType, metadata, cancellationToken);
    }
}
