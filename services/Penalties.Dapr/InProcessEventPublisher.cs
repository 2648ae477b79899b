using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Penalties.Dapr;

/// <summary>
/// Hands events to this process's <see cref="ITopicHandler"/>s when there is no sidecar: at least once, kept simple.
/// Publishing returns at once; each subscriber is called in the background, again with backoff on RETRY or an
/// exception, and after <see cref="MaxAttempts"/> the event is logged as dead-lettered.
/// </summary>
public sealed partial class InProcessEventPublisher(IServiceProvider services, ILogger<InProcessEventPublisher> logger) : IEventPublisher
{
    public const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<Task, byte> _deliveries = new();

    /// <summary>The wait before the second attempt; it doubles after each further one.</summary>
    internal TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public Task PublishAsync(PenaltiesEvent e, CancellationToken cancellationToken)
    {
        // The handlers are resolved per event: a handler may itself depend on the publisher.
        foreach (var handler in services.GetServices<ITopicHandler>().Where(h => h.Topic == e.Topic))
        {
            var delivery = Task.Run(() => DeliverAsync(handler, e), CancellationToken.None);
            _deliveries.TryAdd(delivery, 0);
            _ = delivery.ContinueWith(d => _deliveries.TryRemove(d, out _), TaskScheduler.Default);
        }
        return Task.CompletedTask;
    }

    /// <summary>Completes when every delivery started so far has ended (tests wait on it).</summary>
    internal Task DeliveredAsync() => Task.WhenAll(_deliveries.Keys);

    private async Task DeliverAsync(ITopicHandler handler, PenaltiesEvent e)
    {
        var backoff = FirstBackoff;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                switch (await handler.HandleAsync(e, CancellationToken.None))
                {
                    case DeliveryResult.Success:
                        return;
                    case DeliveryResult.Drop:
                        LogDropped(logger, e.Topic, e.Id, handler.GetType().Name);
                        return;
                }
                LogRetry(logger, null, e.Topic, e.Id, handler.GetType().Name, attempt);
            }
            catch (Exception ex)
            {
                LogRetry(logger, ex, e.Topic, e.Id, handler.GetType().Name, attempt);
            }
            if (attempt < MaxAttempts)
            {
                await Task.Delay(backoff);
                backoff *= 2;
            }
        }
        LogDeadLettered(logger, e.Topic, e.Id, handler.GetType().Name, MaxAttempts);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Topic}/{EventId} dropped by {Handler}")]
    private static partial void LogDropped(ILogger logger, string topic, string eventId, string handler);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Topic}/{EventId} not taken by {Handler} (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception? e, string topic, string eventId, string handler, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Topic}/{EventId} dead-lettered: {Handler} did not take it in {Attempts} attempts")]
    private static partial void LogDeadLettered(ILogger logger, string topic, string eventId, string handler, int attempts);
}
