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
        if (config.ConnectTimeout > 5000) config.ConnectTimeout = 5000;
        _unknownVersion = config.DefaultVersion;
        _multiplexer = ConnectionMultiplexer.Connect(config);
        _multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(logger, e.EndPoint, e.FailureType, e.Exception);
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(logger, e.EndPoint);
            // Once per reconnect (the subscription connection is restored too).
            if (e.ConnectionType == ConnectionType.Interactive) CheckVersion(logger);
        };
        CheckVersion(logger);
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

    /// <summary>Refuses a write (FAILED_PRECONDITION, <see cref="StoreVersionReason"/>) while <see cref="TooOld"/> says why.</summary>
    public void ThrowIfTooOld()
    {
        if (TooOld is { } problem) throw new PreconditionException($"{problem}; nothing was recorded", StoreVersionReason);
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);
}
