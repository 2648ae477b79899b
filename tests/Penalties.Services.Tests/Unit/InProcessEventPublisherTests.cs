using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Penalties.Dapr;

namespace Penalties.Services.Tests.Unit;

/// <summary>The embedded default's events: handed to this process's subscribers of the topic, again on RETRY, dead-lettered after the last attempt.</summary>
public class InProcessEventPublisherTests
{
    private static readonly PenaltiesEvent Event = new("e-1", Topics.ClaimDecided, "t", "{}");

    private static InProcessEventPublisher Publisher(params ITopicHandler[] handlers)
    {
        var services = new ServiceCollection();
        foreach (var h in handlers) services.AddSingleton(h);
        return new InProcessEventPublisher(services.BuildServiceProvider(), NullLogger<InProcessEventPublisher>.Instance) { FirstBackoff = TimeSpan.FromMilliseconds(1) };
    }

    [Fact]
    public async Task Each_subscriber_of_the_topic_gets_the_event_until_it_takes_it()
    {
        var flaky = new Handler(Topics.ClaimDecided, DeliveryResult.Retry, DeliveryResult.Retry, DeliveryResult.Success);
        var other = new Handler(Topics.RulesChanged, DeliveryResult.Success);
        var publisher = Publisher(flaky, other);

        await publisher.PublishAsync(Event, CancellationToken.None);
        await publisher.DeliveredAsync();

        Assert.Equal(3, flaky.Deliveries);
        Assert.Equal(0, other.Deliveries);
    }

    [Fact]
    public async Task A_dropped_event_is_not_delivered_again_and_a_failing_one_stops_after_the_last_attempt()
    {
        var dropping = new Handler(Topics.ClaimDecided, DeliveryResult.Drop);
        var failing = new Handler(Topics.ClaimDecided) { Throws = true };
        var publisher = Publisher(dropping, failing);

        await publisher.PublishAsync(Event, CancellationToken.None);
        await publisher.DeliveredAsync();

        Assert.Equal(1, dropping.Deliveries);
        Assert.Equal(InProcessEventPublisher.MaxAttempts, failing.Deliveries);
    }

    private sealed class Handler(string topic, params DeliveryResult[] answers) : ITopicHandler
    {
        private int _deliveries;

        public string Topic => topic;
        public bool Throws { get; init; }
        public int Deliveries => _deliveries;

        public Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref _deliveries);
            if (Throws) throw new InvalidOperationException("down");
            return Task.FromResult(answers[Math.Min(n, answers.Length) - 1]);
        }
    }
}
