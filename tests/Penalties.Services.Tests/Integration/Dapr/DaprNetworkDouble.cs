using System.Collections.Concurrent;
using System.Net;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Penalties.Dapr;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>An event as the double's broker holds it: the CloudEvent daprd would build (id, source, type, specversion, datacontenttype, data, topic, pubsubname).</summary>
public sealed record CloudEventDouble(string Id, string Source, string Type, string DataContentType, ByteString Data, string Topic, string PubSubName)
{
    public string DataText => Data.ToStringUtf8();
}

/// <summary>One delivery attempt of an event to an app, and what the app answered (SUCCESS, RETRY, DROP, or the gRPC error).</summary>
public sealed record DeliveryAttempt(string AppId, string Topic, string EventId, int Attempt, string Outcome);

/// <summary>
/// TEST DOUBLE of what the sidecars of one deployment share (daprd's name resolution, the pub/sub component's broker,
/// the state store component over a REAL Redis, and the resiliency policy's redelivery count). Every
/// <see cref="SidecarDouble"/> belongs to one. It is not daprd: it implements the subset the Penalties code uses, each
/// behaviour following the Dapr documentation page named where it is implemented.
/// </summary>
public sealed class DaprNetworkDouble : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SidecarDouble> _sidecars = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GrpcChannel> _appChannels = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CloudEventDouble> _published = new();
    private readonly ConcurrentQueue<DeliveryAttempt> _attempts = new();
    private readonly ConcurrentQueue<CloudEventDouble> _deadLettered = new();
    private readonly CancellationTokenSource _stopping = new();
    // Connected here, before any call: a burst of first state calls must not each block a thread on connecting.
    private readonly ConnectionMultiplexer _redis;

    public DaprNetworkDouble(string redisConfiguration)
    {
        RedisConfiguration = redisConfiguration;
        _redis = ConnectionMultiplexer.Connect(redisConfiguration);
    }

    public string RedisConfiguration { get; }

    /// <summary>
    /// The state store components (<c>state.redis</c>, all over the same Redis and key prefix), each with its
    /// <c>outboxPublishTopic</c> on <see cref="PubSubName"/> or null for no outbox: by default the claims' two, as dapr/ declares them.
    /// </summary>
    public IReadOnlyDictionary<string, string?> StateStores { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        [global::Penalties.Dapr.StateStores.ClaimsStateStore] = null,
        [global::Penalties.Dapr.StateStores.ClaimsOutboxStore] = Topics.ClaimDecided,
    };

    /// <summary>The pub/sub component's name.</summary>
    public string PubSubName { get; init; } = Topics.PubSub;

    /// <summary>Deliveries of one event to one app before it goes to the subscription's dead-letter topic (the resiliency policy's retries + 1).</summary>
    public int MaxDeliveryAttempts { get; init; } = 3;

    /// <summary>The wait between two delivery attempts.</summary>
    public TimeSpan RedeliveryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Every event the broker accepted, in order (publishes and outbox messages, not dead-letter copies).</summary>
    public IReadOnlyList<CloudEventDouble> Published => [.. _published];

    /// <summary>Every delivery attempt, in order.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts => [.. _attempts];

    /// <summary>Events that went to a dead-letter topic after <see cref="MaxDeliveryAttempts"/>, as published there.</summary>
    public IReadOnlyList<CloudEventDouble> DeadLettered => [.. _deadLettered];

    internal IDatabase Redis => _redis.GetDatabase();

    internal void Join(SidecarDouble sidecar)
    {
        if (!_sidecars.TryAdd(sidecar.AppId, sidecar)) throw new InvalidOperationException($"a sidecar for '{sidecar.AppId}' is already running");
    }

    internal void Leave(SidecarDouble sidecar) => _sidecars.TryRemove(new KeyValuePair<string, SidecarDouble>(sidecar.AppId, sidecar));

    /// <summary>Name resolution: the address of the app a sidecar with this app id fronts.</summary>
    internal string? Resolve(string appId) => _sidecars.TryGetValue(appId, out var s) ? s.AppAddress : null;

    internal GrpcChannel ChannelTo(string address) => _appChannels.GetOrAdd(address, a => GrpcChannel.ForAddress(a));

    /// <summary>
    /// The broker accepts the event and delivers it in the background to every app whose AppCallback subscribes to the
    /// topic (Dapr docs: "Publish and subscribe overview", at-least-once; "Declarative, streaming, and programmatic
    /// subscription types": a programmatic subscription is static, the app's ListTopicSubscriptions read when it comes up).
    /// </summary>
    internal void Publish(CloudEventDouble e)
    {
        _published.Enqueue(e);
        _ = Task.Run(() => DeliverAsync(e));
    }

    private async Task DeliverAsync(CloudEventDouble e)
    {
        foreach (var sidecar in _sidecars.Values)
        {
            if (sidecar.AppAddress is not { } address) continue;
            var client = new AppCallbackCaller(ChannelTo(address));
            if (sidecar.SubscriptionsListedBy != address)
            {
                try
                {
                    sidecar.Subscriptions = (await client.ListTopicSubscriptionsAsync(_stopping.Token)).Subscriptions;
                    sidecar.SubscriptionsListedBy = address;
                }
                catch (RpcException) { } // the app is down: its last known subscriptions stand, and the delivery attempts fail and are retried
                catch (OperationCanceledException) { return; }
            }
            var subscription = sidecar.Subscriptions?.FirstOrDefault(s => s.PubsubName == e.PubSubName && s.Topic == e.Topic);
            if (subscription is not null) _ = Task.Run(() => DeliverToAsync(sidecar.AppId, client, subscription, e));
        }
    }

    /// <summary>
    /// Delivers until SUCCESS or DROP; RETRY or an error is delivered again, up to <see cref="MaxDeliveryAttempts"/>, then
    /// the event goes to the subscription's dead-letter topic (Dapr docs: "Pub/sub API", TopicEventResponse statuses:
    /// DROP is logged and not retried; "Dead letter topics").
    /// </summary>
    private async Task DeliverToAsync(string appId, AppCallbackCaller client, TopicSubscription subscription, CloudEventDouble e)
    {
        var request = new TopicEventRequest
        {
            Id = e.Id, Source = e.Source, Type = e.Type, SpecVersion = "1.0", DataContentType = e.DataContentType,
            Data = e.Data, Topic = e.Topic, PubsubName = e.PubSubName, Path = "",
            Extensions = new Struct { Fields = { ["time"] = Value.ForString(DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) } },
        };
        for (int attempt = 1; attempt <= MaxDeliveryAttempts; attempt++)
        {
            string outcome;
            try
            {
                var response = await client.OnTopicEventAsync(request, _stopping.Token);
                outcome = response.Status.ToString().ToUpperInvariant();
            }
            catch (RpcException ex) { outcome = ex.StatusCode.ToString(); }
            catch (OperationCanceledException) { return; }
            _attempts.Enqueue(new DeliveryAttempt(appId, e.Topic, e.Id, attempt, outcome));
            if (outcome is "SUCCESS" or "DROP") return;
            try { await Task.Delay(RedeliveryDelay, _stopping.Token); } catch (OperationCanceledException) { return; }
        }
        if (string.IsNullOrEmpty(subscription.DeadLetterTopic)) return;
        var dead = e with { Topic = subscription.DeadLetterTopic };
        _deadLettered.Enqueue(dead);
        _ = Task.Run(() => DeliverAsync(dead));
    }

    /// <summary>Waits until <paramref name="condition"/> holds (deliveries are asynchronous); fails the test after 20 s.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within 20 s: {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var c in _appChannels.Values) c.Dispose();
        await _redis.DisposeAsync();
        _stopping.Dispose();
    }

    internal static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
