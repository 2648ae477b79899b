using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Status = Google.Rpc.Status;

namespace Penalties.Contracts;

/// <summary>
/// The statuses of what the core throws, as the contract promises them: the services answer with these, and the CLI
/// shows in-process errors exactly as a service would. INVALID_ARGUMENT carries a google.rpc.BadRequest.
/// </summary>
public static class CallerErrors
{
    public const string Domain = "penalties.v1";

    // ErrorInfo reasons a client may act on.
    public const string BackdatedPublish = "BACKDATED_PUBLISH";
    public const string HistoryFull = "HISTORY_FULL";
    public const string StoreUnavailable = "STORE_UNAVAILABLE";

    /// <summary>True for every core exception about what the caller sent or an expected condition: never INTERNAL, not logged as unexpected.</summary>
    public static bool IsCallerError(Exception e) =>
        e is InvalidCaseException or RuleResolutionException or ConflictException or NotFoundException or AbortedException
            or UnavailableException or UnauthenticatedException or PreconditionException;

    /// <summary>Most field violations one refusal lists; the message says how many more there are.</summary>
    public const int MaxListedViolations = 100;

    /// <summary>UTF-8 bytes of a status message: percent-encoded in grpc-message and repeated in the details trailer.</summary>
    public const int MaxMessageBytes = 600;

    private const int MaxBadRequestBytes = 3 * 1024;
    private const int MaxFieldBytes = 128;
    private const int MaxDescriptionBytes = 200;

    /// <summary>Longest quoted value (an id, a Redis reply) in a status: enough to recognise it, never a caller's 100 KiB.</summary>
    public const int MaxQuotedBytes = 64;

    /// <summary>
    /// The status of a core exception (null for any other), bounded whatever the input: the message at most
    /// <see cref="MaxMessageBytes"/> and a BadRequest at most <see cref="MaxListedViolations"/> violations in 3 KiB,
    /// so the whole status stays under 8 KiB and every client reads it (past the .NET client's 64 KiB header limit the
    /// caller would see UNAVAILABLE).
    /// </summary>
    public static Status? ToStatus(Exception e, string prefix = "")
    {
        var status = Unbounded(e, prefix);
        if (status is not null) status.Message = Cut(status.Message, MaxMessageBytes);
        return status;
    }

    private static Status? Unbounded(Exception e, string prefix)
    {
        switch (e)
        {
            case InvalidCaseException invalid:
                return Refusal(invalid.Violations, prefix);
            case RuleResolutionException r:
            {
                var code = r.Error switch
                {
                    RuleResolutionError.NoVersionInForce or RuleResolutionError.ContentHashMismatch => Code.FailedPrecondition,
                    RuleResolutionError.UnknownRuleSet or RuleResolutionError.VersionNotFound => Code.NotFound,
                    _ => Code.InvalidArgument,
                };
                var info = new ErrorInfo { Domain = Domain, Reason = ReasonOf(r.Error) };
                info.Metadata.Add("rule_set_id", Cut(r.RuleSetId, MaxQuotedBytes));
                if (r.At is { } at) info.Metadata.Add("at", at.ToString("O", CultureInfo.InvariantCulture));
                var status = new Status { Code = (int)code, Message = r.Message, Details = { Any.Pack(info) } };
                // A rule set of another family is the caller's choice: name the field that chose it.
                if (code == Code.InvalidArgument)
                {
                    var field = FieldPath(prefix, r.Data[FieldMark] as string ?? "ruleSetId");
                    status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { Violation(field, r.Message) } }));
                }
                return status;
            }
            case ConflictException c:
                return new Status { Code = (int)Code.AlreadyExists, Message = c.Message };
            case NotFoundException n:
                return new Status { Code = (int)Code.NotFound, Message = n.Message };
            case AbortedException aborted:
                return new Status { Code = (int)Code.Aborted, Message = aborted.Message };
            case UnavailableException u:
                return new Status { Code = (int)Code.Unavailable, Message = u.Message };
            case DataLossException d:
                return new Status { Code = (int)Code.DataLoss, Message = d.Message };
            case UnauthenticatedException a:
                return new Status { Code = (int)Code.Unauthenticated, Message = a.Message };
            case PreconditionException p:
            {
                var status = new Status { Code = (int)Code.FailedPrecondition, Message = p.Message };
                if (p.Reason is not null) status.Details.Add(Any.Pack(new ErrorInfo { Domain = Domain, Reason = p.Reason }));
                return status;
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// INVALID_ARGUMENT with a BadRequest of the first violations (at most <see cref="MaxListedViolations"/>, within
    /// <see cref="MaxBadRequestBytes"/>); the message counts them all and names those that fit.
    /// </summary>
    private static Status Refusal(IReadOnlyList<Core.Common.FieldViolation> violations, string prefix)
    {
        var badRequest = new BadRequest();
        int size = 0;
        foreach (var v in violations)
        {
            var violation = Violation(FieldPath(prefix, v.Field), v.Description);
            size += violation.CalculateSize() + 3; // with its tag and length
            if (badRequest.FieldViolations.Count == MaxListedViolations || size > MaxBadRequestBytes) break;
            badRequest.FieldViolations.Add(violation);
        }
        int listed = badRequest.FieldViolations.Count, total = violations.Count;
        var message = new StringBuilder(MaxMessageBytes);
        message.Append(CultureInfo.InvariantCulture, $"invalid request: {total:N0} field violation(s)");
        if (listed < total) message.Append(CultureInfo.InvariantCulture, $" ({listed:N0} in the details)");
        const string more = "; ... and 999,999,999 more";
        int bytes = message.Length, named = 0;
        foreach (var v in badRequest.FieldViolations)
        {
            string item = $"{(named == 0 ? ": " : "; ")}{v.Field}: {v.Description}";
            int itemBytes = Encoding.UTF8.GetByteCount(item);
            if (bytes + itemBytes > MaxMessageBytes - more.Length) break;
            message.Append(item);
            bytes += itemBytes;
            named++;
        }
        if (named < total) message.Append(CultureInfo.InvariantCulture, $"; ... and {total - named:N0} more");
        return new Status { Code = (int)Code.InvalidArgument, Message = message.ToString(), Details = { Any.Pack(badRequest) } };
    }

    private static BadRequest.Types.FieldViolation Violation(string field, string description) =>
        new() { Field = Cut(field, MaxFieldBytes), Description = Cut(description, MaxDescriptionBytes) };

    /// <summary><paramref name="text"/> cut to at most <paramref name="maxBytes"/> UTF-8 bytes, an ellipsis marking the cut.</summary>
    public static string Cut(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        int bytes = 3, i = 0; // the ellipsis is 3 bytes
        while (i < text.Length)
        {
            int width = char.IsSurrogatePair(text, i) ? 2 : 1;
            int n = width == 2 ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (bytes + n > maxBytes) break;
            bytes += n;
            i += width;
        }
        return string.Concat(text.AsSpan(0, i), "…");
    }

    private const string FieldMark = "penalties.field";

    /// <summary>
    /// Marks a rule-resolution failure as caused by the request's <paramref name="field"/> (e.g. "pin.ruleSetId"; the
    /// rule set named by "ruleSetId" otherwise); returns it.
    /// </summary>
    public static Exception OfField(Exception e, string field)
    {
        e.Data[FieldMark] = field;
        return e;
    }

    /// <summary>
    /// The error of one stream item, with the same code and violations the unary call would give; <paramref name="fieldPrefix"/>
    /// ("request.") puts a unary call's field paths under the item's request.
    /// </summary>
    public static ItemError ToItemError(Status status, string fieldPrefix = "")
    {
        var error = new ItemError { Code = status.Code, Message = status.Message };
        foreach (var v in status.GetDetail<BadRequest>()?.FieldViolations ?? [])
            error.FieldViolations.Add(new V1.FieldViolation { Field = fieldPrefix + v.Field, Description = v.Description });
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

    /// <summary>The ErrorInfo reason a rule-resolution refusal is answered with.</summary>
    public static string ReasonOf(RuleResolutionError e) => e switch
    {
        RuleResolutionError.NoVersionInForce => "NO_VERSION_IN_FORCE",
        RuleResolutionError.UnknownRuleSet => "UNKNOWN_RULE_SET",
        RuleResolutionError.VersionNotFound => "VERSION_NOT_FOUND",
        RuleResolutionError.ContentHashMismatch => "CONTENT_HASH_MISMATCH",
        _ => "WRONG_RULE_SET",
    };
}
