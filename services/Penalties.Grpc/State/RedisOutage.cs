using Grpc.Core;
using StackExchange.Redis;

namespace Penalties.Grpc.State;

/// <summary>A Redis outage, as the stores report it to callers: UNAVAILABLE, so they retry later (never INTERNAL).</summary>
public static class RedisOutage
{
    /// <summary>True for what an outage looks like to the client: no connection, a timeout, or a server still loading its AOF.</summary>
    public static bool Is(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException
        || (e is RedisServerException s && (s.Message.StartsWith("LOADING", StringComparison.Ordinal) || s.Message.StartsWith("MISCONF", StringComparison.Ordinal)
                                            || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || s.Message.StartsWith("READONLY", StringComparison.Ordinal)));

    public static RpcException Unavailable(string message, Exception? inner = null) =>
        new(new Status(StatusCode.Unavailable, "the state store (Redis) is unavailable, retry later: " + message, inner));

    /// <summary>Runs a Redis operation, turning an outage into UNAVAILABLE.</summary>
    public static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (Is(e))
        {
            throw Unavailable(e.Message, e);
        }
    }
}
