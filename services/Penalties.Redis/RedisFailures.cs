namespace Penalties.Redis;

/// <summary>What a Redis failure means for a call: an outage, an old server, damaged data, a write whose outcome is unknown.</summary>
public static class RedisFailures
{
    /// <summary>
    /// What an unreachable store looks like to the client: no connection, a timeout, or a Redis that is still
    /// loading its AOF, read-only or refusing writes (UNAVAILABLE). The call can be retried; a write may have been
    /// recorded only when its command had reached Redis (<see cref="OutcomeUnknown"/>), and its retry is then
    /// answered as a replay.
    /// </summary>
    public static bool IsStoreOutage(Exception e) =>
        e is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException
        || (e is StackExchange.Redis.RedisServerException s && (s.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || s.Message.StartsWith("MISCONF", StringComparison.Ordinal) || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || s.Message.StartsWith("READONLY", StringComparison.Ordinal) || s.Message.StartsWith("OOM", StringComparison.Ordinal)));

    /// <summary>
    /// A Redis older than 7.0 refusing a write script: it does not know the "#!lua" line the scripts start with, and
    /// says "Error compiling script (new function): user_script:1: unexpected symbol near '#'" before running anything.
    /// Any other compile error is a bug in a script (INTERNAL, logged), not the server's age.
    /// </summary>
    public static bool IsScriptRefused(StackExchange.Redis.RedisServerException e) =>
        e.Message.Contains("Error compiling script", StringComparison.Ordinal)
        && e.Message.Contains("user_script:1: unexpected symbol near '#'", StringComparison.Ordinal);

    /// <summary>Redis refusing a command on a key of another type than the service wrote there: damaged data.</summary>
    public static bool IsWrongType(Exception e) =>
        e is StackExchange.Redis.RedisServerException s && s.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal);

    private const string WriteMark = "penalties.write";

    /// <summary>Whether a store failure is that of a write command (<see cref="OfWrite"/>).</summary>
    public static bool IsWrite(Exception e) => e.Data.Contains(WriteMark);

    /// <summary>Marks a store failure as that of a write command (a read that fails changed nothing, whatever its status); returns it.</summary>
    public static Exception OfWrite(Exception e)
    {
        e.Data[WriteMark] = true;
        return e;
    }

    /// <summary>
    /// Whether a store failure leaves a write's outcome unknown: a write command (<see cref="OfWrite"/>) was sent to
    /// Redis (or the client cannot say) before the connection dropped or the answer timed out. A read, a command still
    /// waiting to be sent, or one refused by Redis (loading, read-only, out of memory: the write scripts are refused
    /// whole, never stopped halfway), changed nothing.
    /// </summary>
    public static bool OutcomeUnknown(Exception e) => e.Data.Contains(WriteMark) && e switch
    {
        StackExchange.Redis.RedisTimeoutException t => t.Commandstatus is not (StackExchange.Redis.CommandStatus.WaitingToBeSent or StackExchange.Redis.CommandStatus.WaitingInBacklog),
        StackExchange.Redis.RedisConnectionException c => c.CommandStatus is not (StackExchange.Redis.CommandStatus.WaitingToBeSent or StackExchange.Redis.CommandStatus.WaitingInBacklog),
        _ => false,
    };

}
