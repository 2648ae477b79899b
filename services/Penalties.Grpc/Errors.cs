using System.Text;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Redis;
using static Penalties.Redis.RedisFailures;
using Status = Google.Rpc.Status;

namespace Penalties.Grpc;

/// <summary>
/// Maps what the core and the stores throw to gRPC statuses: the caller's mistakes are never INTERNAL.
/// INVALID_ARGUMENT carries a google.rpc.BadRequest with every field violation.
/// </summary>
public static class Errors
{
    public const string Domain = "penalties.v1";

    /// <summary>
    /// True for every exception that has its own status: a problem with what the caller sent, or an expected
    /// condition such as an unreachable store. These are not logged as unexpected and never become INTERNAL.
    /// </summary>
    public static bool IsCallerError(Exception e) =>
        e is InvalidCaseException or RuleResolutionException or ConflictException or NotFoundException or AbortedException
            or UnavailableException or UnauthenticatedException or PreconditionException || IsStoreOutage(e)
        || (e is StackExchange.Redis.RedisServerException s && IsScriptRefused(s)); // the server's age, told to the caller (STORE_VERSION)

    public static Status ToStatus(Exception e, string prefix = "")
    {
        switch (e)
        {
            case InvalidCaseException invalid:
            {
                var badRequest = new BadRequest();
                foreach (var v in invalid.Violations)
                    badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = FieldPath(prefix, v.Field), Description = v.Description });
                return new Status
                {
                    Code = (int)Code.InvalidArgument,
                    Message = $"invalid request: {invalid.Violations.Count} field violation(s): " +
                              string.Join("; ", invalid.Violations.Select(v => $"{FieldPath(prefix, v.Field)}: {v.Description}")),
                    Details = { Any.Pack(badRequest) },
                };
            }
            case RuleResolutionException r:
            {
                var code = r.Error switch
                {
                    RuleResolutionError.NoVersionInForce or RuleResolutionError.ContentHashMismatch => Code.FailedPrecondition,
                    RuleResolutionError.UnknownRuleSet or RuleResolutionError.VersionNotFound => Code.NotFound,
                    _ => Code.InvalidArgument,
                };
                var info = new ErrorInfo { Domain = Domain, Reason = ReasonOf(r.Error) };
                info.Metadata.Add("rule_set_id", r.RuleSetId);
                if (r.At is { } at) info.Metadata.Add("at", at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                return new Status { Code = (int)code, Message = r.Message, Details = { Any.Pack(info) } };
            }
            case ConflictException c:
                return new Status { Code = (int)Code.AlreadyExists, Message = c.Message };
            case NotFoundException n:
                return new Status { Code = (int)Code.NotFound, Message = n.Message };
            case AbortedException aborted:
                return new Status { Code = (int)Code.Aborted, Message = aborted.Message };
            case UnavailableException u:
                return new Status { Code = (int)Code.Unavailable, Message = u.Message };
            case var outage when IsStoreOutage(outage):
            {
                bool unknown = OutcomeUnknown(outage);
                var info = new ErrorInfo { Domain = Domain, Reason = "STORE_UNAVAILABLE" };
                info.Metadata.Add("outcome", unknown ? "UNKNOWN" : "NOT_APPLIED");
                string what = outage switch
                {
                    StackExchange.Redis.RedisTimeoutException => "did not answer in time",
                    StackExchange.Redis.RedisServerException => "refused the request",
                    _ => "cannot be reached now",
                };
                return new Status
                {
                    Code = (int)Code.Unavailable,
                    Message = unknown
                        ? $"the store (Redis) {what} ({outage.Message}); the request had reached it, so a write may have been recorded: a retry returns it as a replay"
                        : $"the store (Redis) {what} ({outage.Message}); nothing was changed; retry",
                    Details = { Any.Pack(info) },
                };
            }
            case DataLossException d:
                return new Status { Code = (int)Code.DataLoss, Message = d.Message };
            case StackExchange.Redis.RedisServerException script when IsScriptRefused(script): // a Redis whose version was not known to be too old
                return ToStatus(new PreconditionException(
                    $"the store (Redis) cannot run the service's write script: Redis {Redis.RedisConnection.RequiredVersion} or later is needed; nothing was recorded ({script.Message})",
                    Redis.RedisConnection.StoreVersionReason));
            case StackExchange.Redis.RedisServerException wrongType when IsWrongType(wrongType):
                return new Status { Code = (int)Code.DataLoss, Message = $"stored data is damaged: a Redis key holds another type than the service wrote ({wrongType.Message})" };
            case UnauthenticatedException a:
                return new Status { Code = (int)Code.Unauthenticated, Message = a.Message };
            case PreconditionException p:
            {
                var status = new Status { Code = (int)Code.FailedPrecondition, Message = p.Message };
                if (p.Reason is not null) status.Details.Add(Any.Pack(new ErrorInfo { Domain = Domain, Reason = p.Reason }));
                return status;
            }
            default:
                return new Status { Code = (int)Code.Internal, Message = "internal error" };
        }
    }

    public static RpcException ToRpcException(Exception e) => ToStatus(e).ToRpcException();

    /// <summary>The error of one stream item, with the same code and violations the unary call would give.</summary>
    public static ItemError ToItemError(Exception e, string prefix = "request")
    {
        var status = ToStatus(e, prefix);
        var error = new ItemError { Code = status.Code, Message = status.Message };
        var badRequest = status.GetDetail<BadRequest>();
        if (badRequest is not null)
        {
            foreach (var v in badRequest.FieldViolations)
                error.FieldViolations.Add(new Contracts.V1.FieldViolation { Field = v.Field, Description = v.Description });
        }
        return error;
    }

    /// <summary>
    /// "case.lines[0].shippedAt" → "case.lines[0].shipped_at": paths (relative to the request: the services put the
    /// case's under "case.") in proto field names, under <paramref name="prefix"/> ("request" for a stream item).
    /// </summary>
    public static string FieldPath(string prefix, string corePath)
    {
        var sb = new StringBuilder(prefix.Length + corePath.Length + 8);
        if (prefix.Length > 0) sb.Append(prefix).Append('.');
        foreach (char ch in corePath)
        {
            if (char.IsUpper(ch))
            {
                sb.Append('_').Append(char.ToLowerInvariant(ch));
            }
            else
            {
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }

    private static string ReasonOf(RuleResolutionError e) => e switch
    {
        RuleResolutionError.NoVersionInForce => "NO_VERSION_IN_FORCE",
        RuleResolutionError.UnknownRuleSet => "UNKNOWN_RULE_SET",
        RuleResolutionError.VersionNotFound => "VERSION_NOT_FOUND",
        RuleResolutionError.ContentHashMismatch => "CONTENT_HASH_MISMATCH",
        _ => "WRONG_RULE_SET",
    };
}
