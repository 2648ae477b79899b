using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;
using Penalties.Redis;
using StackExchange.Redis;

namespace Penalties.Rules;

/// <summary>
/// Keeps a service's rule snapshot in step with what is published in Redis: loads it at start-up, reloads on
/// every change notice (pub/sub), re-checks the revision on an interval (a notice can be missed while
/// disconnected) and as soon as the connection comes back. A failed read keeps the last good snapshot and
/// marks it degraded. Nothing here runs on the calculation path.
/// </summary>
public sealed partial class RedisRuleSync(
    RuleCatalogSource source, RedisRuleStore store, RedisConnection redis, ILogger<RedisRuleSync> logger)
    : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private volatile bool _subscribed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Multiplexer.ConnectionFailed += OnConnectionFailed;
        redis.Multiplexer.ConnectionRestored += OnConnectionRestored;
        await TrySubscribeAsync();
        if (!await TryReloadAsync() && source.Snapshot is null)
        {
            // Why the published rules could not be used (unreachable, damaged or invalid), as the failed load said.
            var why = source.DegradedReason ?? "Redis could not be read";
            if (source.Options.FallbackToFiles)
            {
                source.Replace(RuleCatalogSource.LoadFiles(source.Options, logger, fallback: true));
                source.SetDegraded($"{why}, at start-up: computing with the rules folder until the published rules can be loaded");
            }
            else
            {
                LogNoRules(logger, why);
            }
        }
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        redis.Multiplexer.ConnectionFailed -= OnConnectionFailed;
        redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _signal.Dispose();
    }

    /// <summary>The snapshot source name of rules read from Redis.</summary>
    public const string RedisSource = "redis";

    /// <summary>Asks for a reload now (a change notice, a restored connection, or a publish by this process).</summary>
    public void Signal()
    {
        try { _signal.Release(); } catch (ObjectDisposedException) { }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        source.SetDegraded($"Redis unreachable ({e.FailureType})");

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => Signal();

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(source.Options.RecheckInterval, token);
                while (_signal.CurrentCount > 0) await _signal.WaitAsync(token); // coalesce a burst of notices
            }
            catch (OperationCanceledException) { return; }
            if (!_subscribed) await TrySubscribeAsync();
            await TryReloadAsync(); // never throws: a failed load is a degraded state
        }
    }

    private async Task TrySubscribeAsync()
    {
        if (!source.Options.RedisChangeChannel)
        {
            _subscribed = true; // nothing to subscribe to: notices come another way (RulesOptions.RedisChangeChannel)
            return;
        }
        try
        {
            await redis.Multiplexer.GetSubscriber().SubscribeAsync(store.Channel, (_, _) => Signal());
            _subscribed = true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _subscribed = false;
        }
    }

    /// <summary>Reads the revision and, if it moved, everything published; swaps the snapshot. False, degraded with the reason, when it could not (never throws).</summary>
    internal async Task<bool> TryReloadAsync()
    {
        try
        {
            long revision = await store.RevisionAsync();
            var current = source.Snapshot;
            if (current is not null && current.Source == RedisSource && current.Revision == revision)
            {
                source.SetDegraded(null);
                return true;
            }
            var listing = await store.ReadAsync();
            if (listing.Versions.Count == 0)
            {
                // Nothing to compute with in Redis. An empty catalog would answer every calculation NOT_FOUND as if
                // the caller had named an unknown rule set: keep what there is (the folder, or the last snapshot
                // read from Redis, whose keys were removed by hand), or none (calculations UNAVAILABLE, saying why).
                if (current is null)
                {
                    source.AwaitPublish("nothing is published in Redis yet");
                    return false;
                }
                source.SetDegraded(current.Source == RedisSource
                    ? $"nothing is published in Redis any more (revision {listing.Revision}; were its keys removed?): computing with the last rules read from it"
                    : "nothing is published in Redis yet: computing with the rules folder");
                return true;
            }
            var result = RuleSetLoader.LoadPublished(listing.Versions);
            if (!result.Ok)
            {
                foreach (var e in result.Errors) LogInvalid(logger, e.File, e.Path, e.Reason);
                source.SetDegraded($"the rules published in Redis at revision {listing.Revision} are invalid ({result.Errors.Count} problems)");
                return false;
            }
            source.Replace(new RuleSnapshot(new RuleCatalog(result.Versions), RedisSource, listing.Revision, DateTimeOffset.UtcNow));
            source.SetDegraded(null);
            return true;
        }
        catch (Exception e) when (RedisFailures.IsStoreOutage(e) || e is TimeoutException)
        {
            // The client's text (endpoint, connection state, versions) goes to the log; callers and health see a short reason.
            LogUnreachable(logger, e);
            source.SetDegraded(e is TimeoutException ? "Redis unreachable (no answer in time)" : "Redis unreachable");
            return false;
        }
        catch (Exception e) when (RedisRuleStore.IsDamage(e))
        {
            LogReloadFailed(logger, e);
            source.SetDegraded($"the rules published in Redis are damaged: {e.Message}");
            return false;
        }
#pragma warning disable CA1031 // at start-up and in the loop alike, a failed load keeps the last good snapshot (or the fallback) and says why
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogReloadFailed(logger, e);
            source.SetDegraded($"reloading the published rules failed: {e.Message}");
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis could not be read for the published rules")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading the published rules failed; computing with the last good snapshot")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The published rules cannot be loaded ({Reason}) and no fallback is configured (Penalties:Rules:FallbackToFiles): calculations are UNAVAILABLE until they can")]
    private static partial void LogNoRules(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Published rule data problem: {File}: {Path}: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string file, string path, string reason);
}
