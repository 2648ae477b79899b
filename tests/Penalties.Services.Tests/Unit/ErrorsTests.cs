using Penalties.Contracts;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Grpc;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Unit;

/// <summary>The statuses the services answer with: bounded whatever the input, naming what failed and not the internals.</summary>
public class ErrorsTests
{
    /// <summary>The bytes the status takes in the trailers: grpc-message percent-encoded, grpc-status-details-bin in base64.</summary>
    private static int TrailerBytes(Status status)
    {
        int message = Encoding.UTF8.GetBytes(status.Message).Sum(b => b is >= 0x20 and < 0x7f and not (byte)'%' ? 1 : 3);
        return message + (status.CalculateSize() + 2) / 3 * 4;
    }

    [Fact]
    public void A_refusal_of_19000_violations_lists_100_says_how_many_more_and_fits_in_8_KiB()
    {
        var violations = Enumerable.Range(0, 19_000).Select(i => new FieldViolation($"lines[{i}].amount", $"currency must be CNY (got '{new string('X', 300)}')")).ToList();
        var status = Errors.ToStatus(new InvalidCaseException(violations), "case");
        Assert.Equal((int)Code.InvalidArgument, status.Code);
        var listed = status.GetDetail<BadRequest>()!.FieldViolations;
        Assert.InRange(listed.Count, 1, CallerErrors.MaxListedViolations);
        Assert.Equal("case.lines[0].amount", listed[0].Field);
        Assert.EndsWith("…", listed[0].Description, StringComparison.Ordinal); // the 300-character value is cut
        Assert.StartsWith($"invalid request: 19,000 field violation(s) ({listed.Count} in the details): case.lines[0].amount: currency must be CNY", status.Message, StringComparison.Ordinal);
        Assert.Matches(@"; \.\.\. and 1[0-9],[0-9]{3} more$", status.Message);
        Assert.InRange(TrailerBytes(status), 1, 8 * 1024 - 1);
    }

    [Fact]
    public void A_refusal_of_a_few_violations_lists_them_all_in_the_message_and_the_details()
    {
        var status = Errors.ToStatus(new InvalidCaseException([new FieldViolation("orderId", "is required"), new FieldViolation("lines[0].shippedAt", "is not a valid timestamp")]), "case");
        Assert.Equal("invalid request: 2 field violation(s): case.order_id: is required; case.lines[0].shipped_at: is not a valid timestamp", status.Message);
        Assert.Equal(["case.order_id", "case.lines[0].shipped_at"], status.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void An_id_of_100_KiB_is_cut_in_the_message_and_the_metadata()
    {
        var id = new string('码', 100 * 1024);
        var notFound = Errors.ToStatus(new NotFoundException($"case '{id}' is not recorded"));
        Assert.StartsWith("case '码码", notFound.Message, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(notFound.Message), 1, 600);
        var unknown = Errors.ToStatus(new RuleResolutionException(RuleResolutionError.UnknownRuleSet, id, $"no rule set '{id}' is loaded"));
        Assert.Equal((int)Code.NotFound, unknown.Code);
        Assert.InRange(Encoding.UTF8.GetByteCount(unknown.GetDetail<ErrorInfo>()!.Metadata["rule_set_id"]), 1, 64);
        Assert.InRange(TrailerBytes(unknown), 1, 8 * 1024 - 1);
    }

    [Fact]
    public void Cut_never_splits_a_character_and_leaves_short_text_alone()
    {
        Assert.Equal("short", CallerErrors.Cut("short", 64));
        var cut = CallerErrors.Cut(string.Concat(Enumerable.Repeat("a😀", 100)), 64);
        Assert.InRange(Encoding.UTF8.GetByteCount(cut), 60, 64);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)));
    }

    private static readonly string Diagnostics =
        "Timeout awaiting response (outbound=0KiB, inbound=0KiB, 5016ms elapsed, timeout is 5000ms), command=EVALSHA, next: EVALSHA, inst: 0, "
        + "qu: 0, qs: 1, aw: False, bw: Inactive, rs: ReadAsync, ws: Idle, in: 0, last-in: 0, cur-in: 0, sync-ops: 0, async-ops: 3, serverEndpoint: "
        + "redis-0.redis.penalties.svc.cluster.local:6379, conn-sec: 12.3, aoc: 1, mc: 1/1/0, mgr: 10 of 10 available, clientName: penalties-7f9c(SE.Redis-v2.8.16.12844), "
        + string.Concat(Enumerable.Repeat("IOCP: (Busy=0,Free=1000,Min=2,Max=1000), WORKER: (Busy=1,Free=32766,Min=2,Max=32767), ", 12))
        + "v: 2.8.16.12844 (Please take a look at this article for some common client-side issues that can cause timeouts: https://stackexchange.github.io/StackExchange.Redis/Timeouts)";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_Redis_failure_is_UNAVAILABLE_naming_what_failed_without_the_client_diagnostics(bool timeout)
    {
        Exception failure = timeout
            ? Penalties.Redis.RedisFailures.OfWrite(new RedisTimeoutException(CommandFlags.None, Diagnostics, CommandStatus.Sent))
            : new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, Diagnostics, null, CommandStatus.WaitingToBeSent);
        var status = Errors.ToStatus(failure);
        Assert.Equal((int)Code.Unavailable, status.Code);
        Assert.Equal(timeout
            ? "the store (Redis) did not answer a write in time; the request had reached it, so a write may have been recorded: a retry returns it as a replay"
            : "the store (Redis) cannot be reached now; nothing was changed; retry", status.Message);
        Assert.Equal("STORE_UNAVAILABLE", status.GetDetail<ErrorInfo>()!.Reason);
        Assert.DoesNotContain("redis-0", status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_set_of_another_family_is_INVALID_ARGUMENT_naming_the_field_that_chose_it()
    {
        RuleResolutionException WrongKind() => new(RuleResolutionError.WrongKind, "tmall.late-shipment",
            "rule set 'tmall.late-shipment' version 1 is a LateShipment rule set, not a PenaltyPoints one");

        var named = Errors.ToStatus(WrongKind());
        Assert.Equal((int)Code.InvalidArgument, named.Code);
        Assert.Equal("rule_set_id", Assert.Single(named.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Equal("WRONG_RULE_SET", named.GetDetail<ErrorInfo>()!.Reason);

        var pinned = Errors.ToStatus(CallerErrors.OfField(WrongKind(), "pin.ruleSetId"), "request");
        Assert.Equal("request.pin.rule_set_id", Assert.Single(pinned.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public void An_unexpected_failure_is_INTERNAL_and_says_nothing_of_it()
    {
        var status = Errors.ToStatus(new OverflowException("Value was either too large or too small for an Int64."));
        Assert.Equal(((int)Code.Internal, "internal error"), (status.Code, status.Message));
    }

    [Fact]
    public void A_failing_sidecar_state_API_is_UNAVAILABLE_with_its_code_and_not_its_text()
    {
        var failure = new global::Dapr.DaprException("State operation failed: the Dapr endpoint indicated a failure.",
            new global::Grpc.Core.RpcException(new global::Grpc.Core.Status(global::Grpc.Core.StatusCode.Unavailable, "connection refused (127.0.0.1:50001)")));

        var status = Errors.ToStatus(failure);

        Assert.True(Errors.IsCallerError(failure)); // told to the caller, logged as a warning, never INTERNAL
        Assert.Equal((int)Code.Unavailable, status.Code);
        Assert.Contains("(Unavailable)", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", status.Message, StringComparison.Ordinal);
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal((CallerErrors.StoreUnavailable, "UNKNOWN"), (info.Reason, info.Metadata["outcome"]));
    }
}
