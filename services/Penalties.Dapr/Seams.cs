using Grpc.Core;

namespace Penalties.Dapr;

/// <summary>
/// Call invokers for the other services by Dapr app id: through the local sidecar (the <c>dapr-app-id</c> header)
/// when one is configured, else straight to the service's configured address. Callers build their generated clients on it.
/// </summary>
public interface IServiceInvoker
{
    CallInvoker ToApp(string appId);
}

/// <summary>An event as published and as delivered: its id is the consumers' idempotency key.</summary>
/// <param name="Id">Unique per event, stable across redeliveries (the CloudEvent id).</param>
/// <param name="Topic">The topic, e.g. <see cref="Topics.ClaimDecided"/>.</param>
/// <param name="Type">The CloudEvent type, e.g. "penalties.claim.decided.v1".</param>
/// <param name="Data">The payload: a contract message in protobuf JSON.</param>
public sealed record PenaltiesEvent(string Id, string Topic, string Type, string Data);

/// <summary>Publishes events: through the sidecar's pub/sub when configured, else to this process's subscribers.</summary>
public interface IEventPublisher
{
    Task PublishAsync(PenaltiesEvent e, CancellationToken cancellationToken);
}

/// <summary>What a subscriber answers for one delivery (Dapr's TopicEventResponse statuses).</summary>
public enum DeliveryResult
{
    Success,
    /// <summary>Deliver again later (a dependency is down): Dapr redelivers, then dead-letters.</summary>
    Retry,
    /// <summary>Never deliver again (malformed): logged, not retried.</summary>
    Drop,
}

/// <summary>A consumer of one topic. Delivery is at least once: a handler is idempotent by <see cref="PenaltiesEvent.Id"/>.</summary>
public interface ITopicHandler
{
    string Topic { get; }

    Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken);
}

/// <summary>The topics and the pub/sub component name, in one place (dapr/ declares the same).</summary>
public static class Topics
{
    public const string PubSub = "penalties-pubsub";
    public const string ClaimDecided = "claim-decided";
    public const string RulesChanged = "rules-changed";
    public const string DeadLetter = "penalties-dead-letter";
}

/// <summary>
/// The claims' two Dapr state components, over the same Redis and key prefix (dapr/components declares the same): Dapr
/// publishes every upsert of a transaction on an outbox-enabled component, so only the save that decides a claim goes there.
/// </summary>
public static class StateStores
{
    /// <summary>Every claim save but the deciding one: no outbox.</summary>
    public const string ClaimsStateStore = "penalties-claims-state";

    /// <summary>The deciding save: its outbox publishes the claim's projection on <see cref="Topics.ClaimDecided"/>.</summary>
    public const string ClaimsOutboxStore = "penalties-claims-outbox";
}

/// <summary>The Dapr app ids: each equals the host's service name.</summary>
public static class AppIds
{
    public const string LateShipment = "penalties-late-shipment";
    public const string PriceMatch = "penalties-price-match";
    public const string PenaltyPoints = "penalties-penalty-points";
    public const string RuleSets = "penalties-rule-sets";
    public const string Claims = "penalties-claims";
    public const string AfterSales = "penalties-after-sales";
}
