using System.Text;
using System.Text.Json;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Penalties.Dapr;

/// <summary>
/// Where the sidecar delivers events to an app that speaks gRPC (app-protocol grpc: the HTTP [Topic] route does not
/// apply). The topic list comes from the registered <see cref="ITopicHandler"/>s, each with the dead-letter topic; a
/// delivery goes to the topic's handlers. A delivery that can never succeed (no id, a topic nobody here handles, data
/// that is not JSON) is DROP and logged: throwing would be INTERNAL, which the sidecar retries forever.
/// Dapr docs: "Dapr gRPC interface" (AppCallback), "Pub/sub API" (TopicEventResponse statuses).
/// </summary>
public sealed partial class AppCallbackService(IEnumerable<ITopicHandler> handlers, IOptions<DaprOptions> options, ILogger<AppCallbackService> logger)
    : AppCallback.AppCallbackBase
{
    private readonly ILookup<string, ITopicHandler> _byTopic = handlers.ToLookup(h => h.Topic, StringComparer.Ordinal);

    public override Task<ListTopicSubscriptionsResponse> ListTopicSubscriptions(Empty request, ServerCallContext context)
    {
        var response = new ListTopicSubscriptionsResponse();
        foreach (var topic in _byTopic.Select(g => g.Key).Order(StringComparer.Ordinal))
        {
            response.Subscriptions.Add(new TopicSubscription
            {
                PubsubName = options.Value.PubSubName,
                Topic = topic,
                DeadLetterTopic = Topics.DeadLetter,
            });
        }
        return Task.FromResult(response);
    }

    public override async Task<TopicEventResponse> OnTopicEvent(TopicEventRequest request, ServerCallContext context)
    {
        if (Malformed(request) is { } why)
        {
            LogDropped(logger, request.Id, request.Topic, why);
            return Answer(DeliveryResult.Drop);
        }
        var e = new PenaltiesEvent(request.Id, request.Topic, request.Type, Encoding.UTF8.GetString(request.Data.Span));
        var result = DeliveryResult.Success;
        foreach (var handler in _byTopic[request.Topic])
        {
            DeliveryResult one;
            try
            {
                one = await handler.HandleAsync(e, context.CancellationToken);
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                one = DeliveryResult.Retry;
            }
#pragma warning disable CA1031 // a failing handler is a delivery to try again (the sidecar then dead-letters it), never INTERNAL
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandlerFailed(logger, ex, e.Id, e.Topic);
                one = DeliveryResult.Retry;
            }
            if (one > result) result = one; // Drop over Retry over Success
        }
        if (result == DeliveryResult.Drop) LogDropped(logger, e.Id, e.Topic, "a handler refused it");
        return Answer(result);
    }

    /// <summary>Why a delivery can never be handled, or null.</summary>
    private string? Malformed(TopicEventRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Id)) return "the CloudEvent has no id";
        if (!_byTopic.Contains(request.Topic)) return $"no handler for topic '{request.Topic}'";
        if (!string.IsNullOrEmpty(request.PubsubName) && request.PubsubName != options.Value.PubSubName)
            return $"pub/sub component '{request.PubsubName}' is not this app's ('{options.Value.PubSubName}')";
        try
        {
            using var _ = JsonDocument.Parse(request.Data.Memory);
            return null;
        }
        catch (JsonException)
        {
            return "the data is not JSON";
        }
    }

    private static TopicEventResponse Answer(DeliveryResult result) => new()
    {
        Status = result switch
        {
            DeliveryResult.Success => TopicEventResponse.Types.TopicEventResponseStatus.Success,
            DeliveryResult.Retry => TopicEventResponse.Types.TopicEventResponseStatus.Retry,
            _ => TopicEventResponse.Types.TopicEventResponseStatus.Drop,
        },
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} on topic {Topic} dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string eventId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling event {EventId} on topic {Topic} failed; the sidecar will deliver it again")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string topic);
}

/// <summary>The app health the sidecar asks for (app health checks with app-protocol grpc): this process answers.</summary>
public sealed class AppCallbackHealthService : AppCallbackHealthCheck.AppCallbackHealthCheckBase
{
    public override Task<HealthCheckResponse> HealthCheck(Empty request, ServerCallContext context) => Task.FromResult(new HealthCheckResponse());
}
