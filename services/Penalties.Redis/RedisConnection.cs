using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Core.Common;
using StackExchange.Redis;

namespace Penalties.Redis;

/// <summary>
/// One multiplexed connection per process. It is created without waiting for Redis (AbortOnConnectFail
/// off), so a host starts, and keeps serving what it has, while Redis is down; the client reconnects by itself.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    public RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger)
    {
        Options = options.Value;
        var config = ConfigurationOptions.Parse(Options.Configuration!);
        config.AbortOnConnectFail = false;
        config.ClientName ??= "penalties";
        // The client holds INFO and CONFIG back as admin commands; the durability check needs them (the server's ACL still rules).
        config.AllowAdmin = true;
        if (config.ConnectTimeout > 5000) config.ConnectTimeout = 5000;
        _unknownVersion = config.DefaultVersion;
        _multiplexer = ConnectionMultiplexer.Connect(config);
        _multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.EndPoint, e.FailureType, e.Exception);
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(logger, e.EndPoint);
            // Once per reconnect (the subscription connection is restored too).
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                CheckVersion(logger);
                _durabilityCheck = CheckDurabilityAsync(logger);
            }
        };
        CheckVersion(logger);
        _durabilityCheck = CheckDurabilityAsync(logger);
    }

    private void CheckVersion(ILogger logger)
    {
        TooOld = VersionProblem();
        if (TooOld is { } problem) LogTooOld(logger, problem);
    }

    /// <summary>
    /// Why the server found when the connection was last made cannot run the write scripts (it reports a version older
    /// than <see cref="RequiredVersion"/>), or null. Read by the health check and by every write before it changes anything.
    /// </summary>
    public string? TooOld { get; internal set; }

    /// <summary>The ErrorInfo reason of a write refused because Redis is too old for its script.</summary>
    public const string StoreVersionReason = "STORE_VERSION";

    /// <summary>
    /// Why the server found when the connection was last made would lose acknowledged records on a restart (it keeps
    /// no append-only file), or null. Read by the health check and, with <see cref="RedisOptions.RequireDurability"/>, by every write.
    /// </summary>
    public string? NotDurable { get; internal set; }

    /// <summary>The ErrorInfo reason of a write refused because Redis would not keep it across a restart.</summary>
    public const string StoreNotDurableReason = "STORE_NOT_DURABLE";

    // The check of the latest connection: a write waits for it, so none slips in between a reconnect and its finding.
    private volatile Task _durabilityCheck = Task.CompletedTask;

    /// <summary>Whether the last finding of <see cref="NotDurable"/> refuses writes (it does unless the setting turns it off).</summary>
    public bool RefusesWrites => NotDurable is not null && Options.RequireDurability;

    /// <summary>
    /// Refuses a write before it changes anything (FAILED_PRECONDITION): while <see cref="TooOld"/> says the server is too
    /// old for the write scripts (<see cref="StoreVersionReason"/>), or <see cref="NotDurable"/> that it keeps no
    /// append-only file and durability is required (<see cref="StoreNotDurableReason"/>; the check of the current
    /// connection is awaited first). The caller is told what to fix; which server it is stays in the log.
    /// </summary>
    public async ValueTask ThrowIfCannotRecordAsync()
    {
        if (TooOld is not null)
            throw new PreconditionException($"the store's Redis is older than {RequiredVersion}, which recording needs; nothing was recorded", StoreVersionReason);
        await _durabilityCheck.ConfigureAwait(false);
        if (RefusesWrites)
            throw new PreconditionException("the store's Redis keeps no append-only file (appendonly no): a restart would lose acknowledged records; nothing was recorded", StoreNotDurableReason);
    }

    private async Task CheckDurabilityAsync(ILogger logger)
    {
        string? problem = null;
        foreach (var server in _multiplexer.GetServers())
        {
            // Writes go to primaries: a replica's settings matter only once it is promoted, and it is checked then.
            if (!server.IsConnected || server.IsReplica) continue;
            try
            {
                var persistence = await server.InfoAsync("persistence").ConfigureAwait(false);
                string? aof = persistence.SelectMany(g => g).FirstOrDefault(kv => kv.Key == "aof_enabled").Value;
                string? fsync = null;
                try
                {
                    var setting = await server.ExecuteAsync("CONFIG", "GET", "appendfsync").ConfigureAwait(false);
                    if (setting.Resp2Type == ResultType.Array && setting.Length == 2) fsync = (string?)setting[1];
                }
                catch (Exception e) when (e is RedisServerException or RedisCommandException)
                {
                    // Managed Redis often refuses CONFIG (and the client may hold it back as an admin command): INFO told the AOF.
                }
                var (found, warning) = DurabilityProblemOf(server.EndPoint, aof, fsync);
                problem ??= found;
                if (warning is not null) LogFsync(logger, warning);
            }
            catch (Exception e) when (e is RedisException or RedisCommandException)
            {
                // INFO disabled, or the connection dropped again (then it is checked on the next reconnect).
                LogDurabilityUnknown(logger, server.EndPoint, e.Message);
            }
        }
        NotDurable = problem;
        if (problem is null) return;
        if (Options.RequireDurability) LogNotDurable(logger, problem);
        else LogNotDurableAllowed(logger, problem);
    }

    /// <summary>
    /// What INFO persistence's aof_enabled and the appendfsync setting (null when not told) of a server mean for records:
    /// a problem that refuses them (no AOF), a warning (an AOF not fsynced on every write), or neither.
    /// </summary>
    internal static (string? Problem, string? Warning) DurabilityProblemOf(System.Net.EndPoint? endPoint, string? aofEnabled, string? appendfsync) =>
        aofEnabled == "0"
            ? ($"Redis at {endPoint} keeps no append-only file (appendonly no): a restart would lose acknowledged records; recording needs appendonly yes (calculations go on)", null)
            : aofEnabled == "1" && appendfsync is not null && !string.Equals(appendfsync, "always", StringComparison.OrdinalIgnoreCase)
                ? (null, $"Redis at {endPoint} fsyncs its append-only file with appendfsync {appendfsync}: a crash can lose the records acknowledged last; appendfsync always keeps them")
                : (null, null);

    /// <summary>The oldest Redis the write scripts run on: they declare themselves with a "#!lua" line (Redis 7.0).</summary>
    public static readonly Version RequiredVersion = new(7, 0);

    // The version the client assumes when the server does not say (INFO and HELLO disabled or renamed): not a finding.
    private readonly Version _unknownVersion;

    private string? VersionProblem()
    {
        foreach (var server in _multiplexer.GetServers())
        {
            if (server.IsConnected && VersionProblemOf(server.EndPoint, server.Version, _unknownVersion) is { } problem) return problem;
        }
        return null;
    }

    /// <summary>The problem with a server of <paramref name="version"/>, unless it is <paramref name="unknown"/>, the version the client assumes when not told.</summary>
    internal static string? VersionProblemOf(System.Net.EndPoint endPoint, Version version, Version unknown) =>
        version < RequiredVersion && version != unknown
            ? $"Redis at {endPoint} is version {version}; recording needs Redis {RequiredVersion} or later (calculations go on)"
            : null;

    public RedisOptions Options { get; }

    public IConnectionMultiplexer Multiplexer => _multiplexer;

    public IDatabase Database => _multiplexer.GetDatabase();

    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>A key (or channel name) under the configured prefix.</summary>
    public string Key(string name) => Options.KeyPrefix + name;

    public void Dispose() => _multiplexer.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType})")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private static partial void LogTooOld(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}; records are refused (Penalties:Redis:RequireDurability)")]
    private static partial void LogNotDurable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}; recording anyway: Penalties:Redis:RequireDurability is off")]
    private static partial void LogNotDurableAllowed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogFsync(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the persistence settings of Redis at {EndPoint} ({Reason}): durability not checked")]
    private static partial void LogDurabilityUnknown(ILogger logger, System.Net.EndPoint? endPoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);
}
