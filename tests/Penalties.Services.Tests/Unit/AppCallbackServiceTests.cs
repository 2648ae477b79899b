using Dapr.AppCallback.Autogen.Grpc.v1;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Penalties.Dapr;
using Status = global::Dapr.AppCallback.Autogen.Grpc.v1.TopicEventResponse.Types.TopicEventResponseStatus;

namespace Penalties.Services.Tests.Unit;

/// <summary>The AppCallback service called directly, with handlers that answer each delivery result or fail.</summary>
public class AppCallbackServiceTests
{
    private sealed class Handler(string topic, Func<PenaltiesEvent, DeliveryResult> answer) : ITopicHandler
    {
        public List<PenaltiesEvent> Seen { get; } = [];

        public string Topic => topic;

        public Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken)
        {
            Seen.Add(e);
            return Task.FromResult(answer(e));
        }
    }

    private static AppCallbackService Service(params ITopicHandler[] handlers) =>
        new(handlers, Options.Create(new DaprOptions()), NullLogger<AppCallbackService>.Instance);

    private static TopicEventRequest Delivery(string topic, string id = "e-1", string data = """{"claimId":"C-1"}""") => new()
    {
        Id = id, Source = AppIds.Claims, Type = "penalties.claim.decided.v1", SpecVersion = "1.0", DataContentType = "application/json",
        Data = ByteString.CopyFromUtf8(data), Topic = topic, PubsubName = Topics.PubSub,
    };

    [Fact]
    public async Task A_delivery_reaches_the_topics_handler_as_the_event_published()
    {
        var handler = new Handler(Topics.ClaimDecided, _ => DeliveryResult.Success);
        var response = await Service(handler).OnTopicEvent(Delivery(Topics.ClaimDecided), new TestServerCallContext("/dapr/OnTopicEvent"));
        Assert.Equal(Status.Success, response.Status);
        Assert.Equal(new PenaltiesEvent("e-1", Topics.ClaimDecided, "penalties.claim.decided.v1", """{"claimId":"C-1"}"""), Assert.Single(handler.Seen));
    }

    [Fact]
    public async Task A_handler_asking_for_RETRY_or_failing_is_RETRY_and_a_refusal_is_DROP()
    {
        var call = new TestServerCallContext("/dapr/OnTopicEvent");
        Assert.Equal(Status.Retry, (await Service(new Handler(Topics.ClaimDecided, _ => DeliveryResult.Retry)).OnTopicEvent(Delivery(Topics.ClaimDecided), call)).Status);
        Assert.Equal(Status.Retry, (await Service(new Handler(Topics.ClaimDecided, _ => throw new InvalidOperationException("store down")))
            .OnTopicEvent(Delivery(Topics.ClaimDecided), call)).Status);
        Assert.Equal(Status.Drop, (await Service(new Handler(Topics.ClaimDecided, _ => DeliveryResult.Drop)).OnTopicEvent(Delivery(Topics.ClaimDecided), call)).Status);
        // Two handlers of one topic: the delivery is done only when both are.
        Assert.Equal(Status.Retry, (await Service(new Handler(Topics.ClaimDecided, _ => DeliveryResult.Success), new Handler(Topics.ClaimDecided, _ => DeliveryResult.Retry))
            .OnTopicEvent(Delivery(Topics.ClaimDecided), call)).Status);
    }

    [Fact]
    public async Task Malformed_deliveries_are_DROP_and_never_reach_a_handler()
    {
        var handler = new Handler(Topics.ClaimDecided, _ => DeliveryResult.Success);
        var service = Service(handler);
        var call = new TestServerCallContext("/dapr/OnTopicEvent");
        var otherPubSub = Delivery(Topics.ClaimDecided);
        otherPubSub.PubsubName = "other-pubsub";
        foreach (var bad in new[] { Delivery(Topics.ClaimDecided, id: ""), Delivery("unknown-topic"), Delivery(Topics.ClaimDecided, data: "{"), otherPubSub })
            Assert.Equal(Status.Drop, (await service.OnTopicEvent(bad, call)).Status);
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public async Task The_topic_list_names_each_handled_topic_once_with_the_dead_letter_topic()
    {
        var service = Service(new Handler(Topics.RulesChanged, _ => DeliveryResult.Success), new Handler(Topics.ClaimDecided, _ => DeliveryResult.Success),
            new Handler(Topics.ClaimDecided, _ => DeliveryResult.Success));
        var list = await service.ListTopicSubscriptions(new Google.Protobuf.WellKnownTypes.Empty(), new TestServerCallContext("/dapr/List"));
        Assert.Equal([Topics.ClaimDecided, Topics.RulesChanged], list.Subscriptions.Select(s => s.Topic));
        Assert.All(list.Subscriptions, s => Assert.Equal((Topics.PubSub, Topics.DeadLetter), (s.PubsubName, s.DeadLetterTopic)));
    }
}
