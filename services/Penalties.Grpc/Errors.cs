using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Redis;
using static Penalties.Redis.RedisFailures;
using Status = Google.Rpc.Status;

namespace Penalties.Grpc;

/// <summary>
/// Maps what the core and the stores throw to gRPC statuses: the caller's mistakes are never INTERNAL. The core's
/// exceptions are mapped by <see cref="CallerErrors"/>; this adds the store's (Redis) failures.
/// </summary>
public static class Errors
{
    /// <summary>
    /// True for every exception that has its own status: a problem with what the caller sent, or an expected
    /// condition such as an unreachable store. These are not logged as unexpected and never become INTERNAL.
    /// </summary>
    public static bool IsCallerError(Exception e) =>
        CallerErrors.IsCallerError(e) || IsStoreOutage(e) || IsSidecarFailure(e)
        || (e is StackExchange.Redis.RedisServerException s && IsScriptRefused(s)); // the server's age, told to the caller (STORE_VERSION)

    /// <summary>The status of <paramref name="e"/>: the core's as <see cref="CallerErrors.ToStatus"/> bounds it, the store's short and fixed but for quoted replies cut to size.</summary>
    public static Status ToStatus(Exception e, string prefix = "") => CallerErrors.ToStatus(e, prefix) ?? Store(e);

    /// <summary>
    /// A call to the Dapr sidecar's state API that failed: the sidecar or its state store is down or slow. The claim store
    /// builds every request itself and catches ETag conflicts, so nothing the caller sent makes one.
    /// </summary>
    public static bool IsSidecarFailure(Exception e) => e is global::Dapr.DaprException;

    private static Status Store(Exception e)
    {
        switch (e)
        {
            case global::Dapr.DaprException dapr:
            {
                // The sidecar's own text goes to the log; the caller learns the code and that a retry resumes the claim.
                var info = new ErrorInfo { Domain = CallerErrors.Domain, Reason = CallerErrors.StoreUnavailable };
                info.Metadata.Add("outcome", "UNKNOWN");
                string code = dapr.InnerException is RpcException rpc ? rpc.StatusCode.ToString() : "no answer";
                return new Status
                {
                    Code = (int)Code.Unavailable,
                    Message = $"the claim state (Dapr state store, through the sidecar) failed ({code}); a save may have been applied: filing the claim again resumes it",
                    Details = { Any.Pack(info) },
                };
            }
            case var outage when IsStoreOutage(outage):
            {
                // The client's diagnostics (endpoint, connection state, version: about 1.3 KB) go to the log, not to the caller.
                bool unknown = OutcomeUnknown(outage);
                var info = new ErrorInfo { Domain = CallerErrors.Domain, Reason = CallerErrors.StoreUnavailable };
                info.Metadata.Add("outcome", unknown ? "UNKNOWN" : "NOT_APPLIED");
                string what = outage switch
                {
                    StackExchange.Redis.RedisTimeoutException => IsWrite(outage) ? "did not answer a write in time" : "did not answer in time",
                    StackExchange.Redis.RedisServerException refused => $"refused the request ({CallerErrors.Cut(refused.Message, CallerErrors.MaxQuotedBytes)})",
                    _ => "cannot be reached now",
                };
                return new Status
                {
                    Code = (int)Code.Unavailable,
                    Message = unknown
                        ? $"the store (Redis) {what}; the request had reached it, so a write may have been recorded: a retry returns it as a replay"
                        : $"the store (Redis) {what}; nothing was changed; retry",
                    Details = { Any.Pack(info) },
                };
            }
            case StackExchange.Redis.RedisServerException script when IsScriptRefused(script): // a Redis whose version was not known to be too old
                return ToStatus(new PreconditionException(
                    $"the store (Redis) cannot run the service's write script: Redis {Redis.RedisConnection.RequiredVersion} or later is needed; nothing was recorded ({CallerErrors.Cut(script.Message, CallerErrors.MaxQuotedBytes)})",
                    Redis.RedisConnection.StoreVersionReason));
            case StackExchange.Redis.RedisServerException wrongType when IsWrongType(wrongType):
                return new Status { Code = (int)Code.DataLoss, Message = $"stored data is damaged: a Redis key holds another type than the service wrote ({CallerErrors.Cut(wrongType.Message, CallerErrors.MaxQuotedBytes)})" };
            default:
                return new Status { Code = (int)Code.Internal, Message = "internal error" };
        }
    }

    public static RpcException ToRpcException(Exception e) => ToStatus(e).ToRpcException();

    /// <summary>The error of one stream item, with the same code and violations the unary call would give.</summary>
    public static ItemError ToItemError(Exception e, string prefix = "request") => CallerErrors.ToItemError(ToStatus(e, prefix));
}
