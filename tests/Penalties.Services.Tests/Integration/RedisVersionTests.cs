using System.Net;
using Google.Rpc;
using Penalties.Grpc;
using Penalties.Redis;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// Redis older than 7.0 cannot run the write scripts (they start with "#!lua"). No Redis 6 runs here, so these hold
/// the service to Redis 6's documented answers: the version its INFO reports, and the error its EVAL gives for a
/// script whose first line it cannot compile. (On the real Redis 7 of the other tests the "penalties.redis" health
/// service is SERVING, which it would not be if the version check misread a 7.x server.)
/// </summary>
public class RedisVersionTests
{
    private static readonly EndPoint Server = new DnsEndPoint("redis", 6379);

    /// <summary>What StackExchange.Redis assumes for a server whose INFO and HELLO are disabled.</summary>
    private static readonly Version Unknown = new ConfigurationOptions().DefaultVersion;

    /// <summary>An error reply as the client raises it.</summary>
    private static RedisServerException Refusal(string message) => new(RedisErrorKind.UnknownError, CommandFlags.None, message);

    [Theory]
    [InlineData("6.2.14")]
    [InlineData("6.0.16")]
    [InlineData("5.0.7")]
    public void A_Redis_older_than_7_is_reported_by_endpoint_and_version(string version)
    {
        var problem = RedisConnection.VersionProblemOf(Server, Version.Parse(version), Unknown);
        Assert.NotNull(problem);
        Assert.Contains(version, problem);
        Assert.Contains("redis:6379", problem);
        Assert.Contains("Redis 7.0 or later", problem);
    }

    [Theory]
    [InlineData("7.0.0")]
    [InlineData("7.0.15")]
    [InlineData("7.2.4")]
    [InlineData("8.0.1")]
    public void Redis_7_and_later_are_accepted(string version) =>
        Assert.Null(RedisConnection.VersionProblemOf(Server, Version.Parse(version), Unknown));

    [Fact]
    public void The_version_the_client_assumes_when_the_server_does_not_say_is_not_reported() =>
        Assert.Null(RedisConnection.VersionProblemOf(Server, Unknown, Unknown));

    [Fact]
    public void Redis_6_refusing_a_write_script_per_its_documented_EVAL_error_is_FAILED_PRECONDITION_naming_the_version_needed_not_INTERNAL()
    {
        var refused = Refusal("ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'");
        var status = Errors.ToStatus(Penalties.Redis.RedisFailures.OfWrite(refused));
        Assert.Equal((int)Code.FailedPrecondition, status.Code);
        Assert.Contains("Redis 7.0 or later is needed", status.Message);
        Assert.Contains("nothing was recorded", status.Message);
        Assert.True(Errors.IsCallerError(refused)); // not logged with a stack trace per call: the host logs the version once on connecting
    }

    [Fact]
    public void Other_script_errors_stay_what_they_were()
    {
        // Redis 7's answer to a script with a syntax error further down: a bug in the script, not the server's age.
        var bug = Refusal("ERR Error compiling script (new function): user_script:2: unexpected symbol near '<eof>'");
        Assert.Equal((int)Code.Internal, Errors.ToStatus(Penalties.Redis.RedisFailures.OfWrite(bug)).Code);
        Assert.False(Errors.IsCallerError(bug));
        Assert.Equal((int)Code.DataLoss, Errors.ToStatus(Refusal("WRONGTYPE Operation against a key holding the wrong kind of value")).Code);
        Assert.Equal((int)Code.Unavailable, Errors.ToStatus(Refusal("OOM command not allowed when used memory > 'maxmemory'.")).Code);
    }
}
