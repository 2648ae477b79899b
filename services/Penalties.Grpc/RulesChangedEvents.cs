using System.Globalization;
using Microsoft.Extensions.Logging;
using Penalties.Dapr;
using Penalties.Rules;

namespace Penalties.Grpc;

/// <summary>
/// Announces a publish that changed the rules on the <see cref="Topics.RulesChanged"/> topic (with a sidecar, in place
/// of the Redis channel). The rules are committed before this runs: a notice that cannot be published is logged, not
/// an error to the publisher; every service's interval re-check still finds the new revision.
/// </summary>
public sealed partial class RulesChangedPublisher(IEventPublisher events, ILogger<RulesChangedPublisher> logger)
{
    public const string EventType = "penalties.rules.changed.v1";

    /// <summary>The event for a revision: its id is the revision's, so a re-announced revision is the same event.</summary>
    public static PenaltiesEvent Event(long revision) => new(
        $"rules-changed-{revision.ToString(CultureInfo.InvariantCulture)}", Topics.RulesChanged, EventType,
        $$"""{"revision":"{{revision.ToString(CultureInfo.InvariantCulture)}}"}""");

    public async Task PublishedAsync(long revision, CancellationToken cancellationToken)
    {
        try
        {
            await events.PublishAsync(Event(revision), cancellationToken);
        }
#pragma warning disable CA1031 // the publish itself succeeded; a lost notice is covered by the interval re-check
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogNotPublished(logger, e, revision);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rules-changed notice for revision {Revision} was not published; services pick the revision up at their next re-check")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, long revision);
}

/// <summary>
/// Reloads this service's rules on a <see cref="Topics.RulesChanged"/> delivery, as the Redis channel's notice does.
/// Idempotent by nature: a reload reads the revision and does nothing when it has not moved. A host computing with
/// the rules folder has nothing to reload.
/// </summary>
public sealed class RulesChangedHandler(RedisRuleSync? sync = null) : ITopicHandler
{
    public string Topic => Topics.RulesChanged;

    public Task<DeliveryResult> HandleAsync(PenaltiesEvent e, CancellationToken cancellationToken)
    {
        sync?.Signal();
        return Task.FromResult(DeliveryResult.Success);
    }
}
