using System.Collections.Concurrent;
using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Dapr;

namespace Penalties.Services.Tests.Integration.Dapr;

/// <summary>
/// Events published with <see cref="DaprEventPublisher"/> through one sidecar double and delivered through another to an
/// app serving <see cref="AppCallbackService"/> with test handlers: CloudEvent id, redelivery on RETRY, dead-letter.
/// (DROP is the AppCallback unit tests' subject: that nothing follows it is not observable without waiting.)
/// </summary>
public class PubSubDeliveryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>Answers each delivery with the next scripted result (the last one repeats) and keeps what it saw.</summary>
    private sealed class ScriptedHandler(string topic, params DeliveryResult[] answers) : ITopicHandler
    {
        public ConcurrentQueue<PenaltiesEvent> Seen { get; } = new();

        public string Topic => topic;

        public Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken)
        {
            Seen.Enqueue(e);
            return Task.FromResult(answers[Math.Min(Seen.Count, answers.Length) - 1]);
        }
    }

    /// <summary>A gRPC app that serves only the AppCallback services with the given handlers, as a host with a sidecar maps them.</summary>
    internal static async Task<WebApplication> StartSubscriberAsync(params ITopicHandler[] handlers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(DaprNetworkDouble.Loopback(0), o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddOptions<DaprOptions>();
        foreach (var h in handlers) builder.Services.AddSingleton(h);
        var app = builder.Build();
        app.MapPenaltiesDapr();
        await app.StartAsync();
        return app;
    }

    internal static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    private async Task RunAsync(ITopicHandler[] handlers, PenaltiesEvent e, Func<DaprNetworkDouble, Task> assert)
    {
        await using var network = new DaprNetworkDouble(redis.Configuration) { MaxDeliveryAttempts = 3 };
        await using var publisherSidecar = await SidecarDouble.StartAsync(network, AppIds.Claims);
        await using var subscriberSidecar = await SidecarDouble.StartAsync(network, AppIds.PenaltyPoints);
        await using var subscriber = await StartSubscriberAsync(handlers);
        subscriberSidecar.AttachApp(AddressOf(subscriber));
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(publisherSidecar.GrpcEndpoint).Build();

        await new DaprEventPublisher(dapr, Options.Create(new DaprOptions())).PublishAsync(e, CancellationToken.None);
        await assert(network);
    }

    private static PenaltiesEvent Decided(string id) => new(id, Topics.ClaimDecided, "penalties.claim.decided.v1", """{"claimId":"C-1"}""");

    [Fact]
    public async Task A_published_event_arrives_with_its_id_type_and_data_and_a_RETRY_is_delivered_again_until_SUCCESS()
    {
        var handler = new ScriptedHandler(Topics.ClaimDecided, DeliveryResult.Retry, DeliveryResult.Success);
        await RunAsync([handler], Decided("claim-decided-C-1"), async network =>
        {
            await DaprNetworkDouble.EventuallyAsync(() => network.Attempts.Any(a => a.Outcome == "SUCCESS"), "delivered");
            Assert.Equal([(1, "RETRY"), (2, "SUCCESS")], network.Attempts.Select(a => (a.Attempt, a.Outcome)));
            Assert.All(handler.Seen, seen => Assert.Equal(Decided("claim-decided-C-1"), seen));
            var published = Assert.Single(network.Published);
            Assert.Equal((AppIds.Claims, DaprEventPublisher.JsonContentType), (published.Source, published.DataContentType));
            Assert.Empty(network.DeadLettered);
        });
    }

    [Fact]
    public async Task An_event_that_keeps_failing_goes_to_the_dead_letter_topic_after_the_configured_attempts()
    {
        var failing = new ScriptedHandler(Topics.ClaimDecided, DeliveryResult.Retry);
        var deadLetters = new ScriptedHandler(Topics.DeadLetter, DeliveryResult.Success);
        await RunAsync([failing, deadLetters], Decided("claim-decided-C-2"), async network =>
        {
            await DaprNetworkDouble.EventuallyAsync(() => !deadLetters.Seen.IsEmpty, "the dead-letter topic's subscriber gets the event");
            Assert.Equal(3, failing.Seen.Count);
            var dead = Assert.Single(deadLetters.Seen);
            Assert.Equal(("claim-decided-C-2", Topics.DeadLetter), (dead.Id, dead.Topic));
        });
    }
}
