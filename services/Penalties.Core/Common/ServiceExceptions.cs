namespace Penalties.Core.Common;

/// <summary>A record with this key exists with other content (ALREADY_EXISTS).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>
/// A dependency the call needs (Redis, or the rule versions not loaded yet) cannot be reached now (UNAVAILABLE):
/// nothing was changed, and the same call can be retried.
/// </summary>
public sealed class UnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The caller is not allowed to do this: no or a wrong credential (UNAUTHENTICATED).</summary>
public sealed class UnauthenticatedException(string message) : Exception(message);

/// <summary>
/// The call cannot be carried out in the service's current configuration or state (FAILED_PRECONDITION). A
/// <paramref name="reason"/> (e.g. "BACKDATED_PUBLISH") is sent as a google.rpc.ErrorInfo, for clients to act on.
/// </summary>
public sealed class PreconditionException(string message, string? reason = null) : Exception(message)
{
    public string? Reason { get; } = reason;
}

/// <summary>Something the caller named does not exist (NOT_FOUND).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>
/// Stored data is not what the service wrote (DATA_LOSS): e.g. a key changed by hand to another type. Not the
/// caller's doing, so it is logged as an error; nothing was changed by the call.
/// </summary>
public sealed class DataLossException(string message) : Exception(message);

/// <summary>A write gave way to too many concurrent writes of the same records (ABORTED): nothing was changed; retry.</summary>
public sealed class AbortedException(string message) : Exception(message);
