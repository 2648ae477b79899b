using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Penalties.Services.Tests.Integration;

/// <summary>A real redis-server with Redis's default persistence (no AOF): a record acknowledged there is lost on a restart.</summary>
public sealed class NotDurableRedisFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new() { Durable = false };

    public Task InitializeAsync() => Redis.InitializeAsync();

    public Task DisposeAsync() => Redis.DisposeAsync();
}

/// <summary>
/// A host refuses to record on a Redis that keeps no append-only file (STORE_NOT_DURABLE, nothing written) and says so
/// on its Redis health service, while its calculations go on; Penalties:Redis:RequireDurability=false records there anyway.
/// </summary>
public sealed class RedisDurabilityTests(NotDurableRedisFixture fixture) : IClassFixture<NotDurableRedisFixture>
{
    private Task<ServiceHost> StartHostAsync(params string[] extra) =>
        ServiceHost.StartAsync(Penalties.Grpc.PenaltiesServices.All, ["--Penalties:Redis:Configuration", fixture.Redis.Configuration, "--Penalties:Rules:Source", "files", .. extra]);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static RecordLateShipmentRequest Late(string merchant)
    {
        var request = new RecordLateShipmentRequest { MerchantId = merchant, Case = TmallLate() };
        request.Case.OrderId = "T-" + merchant;
        return request;
    }

    private static RecordPenaltyRequest Penalty(string merchant) => new()
    {
        MerchantId = merchant, RuleSetId = "tmall.penalty-points", Violation = Violation("c1", "MISDESCRIBED_SEVERE", "2024-01-01 00:00"),
    };

    private static async Task<ServingStatus> HealthOf(ServiceHost host, string service) =>
        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = service })).Status;

    private async Task<bool> AnyKeyOf(string merchant)
    {
        await using var admin = await fixture.Redis.ConnectAsync();
        return admin.GetServers().Single().Keys(pattern: $"*{merchant}*").Any();
    }

    [Fact]
    public async Task Records_and_revocations_are_FAILED_PRECONDITION_STORE_NOT_DURABLE_nothing_is_written_and_health_says_so()
    {
        // A case to revoke, recorded by a host that is allowed to.
        var recorded = NewId("nd-");
        await using (var allowed = await StartHostAsync("--Penalties:Redis:RequireDurability", "false"))
            await new PenaltyPoints.PenaltyPointsClient(allowed.Channel).RecordAsync(Penalty(recorded));
        await using var host = await StartHostAsync();
        var merchant = NewId("nd-");
        var points = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var late = new LateShipment.LateShipmentClient(host.Channel);
        var revoke = new RevokePenaltyRequest { MerchantId = recorded, CaseId = "c1", Reason = "appeal upheld" };
        long before;
        await using (var admin = await fixture.Redis.ConnectAsync()) before = await admin.GetServers().Single().DatabaseSizeAsync();
        foreach (var call in new Func<Task>[]
                 {
                     () => late.RecordAsync(Late(merchant)).ResponseAsync, () => points.RecordAsync(Penalty(merchant)).ResponseAsync,
                     () => points.RevokeAsync(revoke).ResponseAsync,
                 })
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains("appendonly", e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", e.Status.Detail, StringComparison.Ordinal); // the endpoint goes to the log only
            Assert.Equal("STORE_NOT_DURABLE", e.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        }
        Assert.False(await AnyKeyOf(merchant));
        await using (var admin = await fixture.Redis.ConnectAsync()) Assert.Equal(before, await admin.GetServers().Single().DatabaseSizeAsync());
        Assert.Single((await points.GetStandingAsync(new GetStandingRequest { MerchantId = recorded, RuleSetId = "tmall.penalty-points", AsOf = At("2024-01-02 00:00") })).Standing.Deductions); // still counted: not revoked
        Assert.Equal(ServingStatus.NotServing, await HealthOf(host, "penalties.redis"));
        // The calculations go on: the host stays ready.
        Assert.Equal(ServingStatus.Serving, await HealthOf(host, "penalties.v1.LateShipment"));
        Assert.NotNull((await late.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() })).Decision);
    }

    [Fact]
    public async Task With_RequireDurability_off_the_same_Redis_records()
    {
        await using var host = await StartHostAsync("--Penalties:Redis:RequireDurability", "false");
        var merchant = NewId("nd-");
        Assert.False((await new LateShipment.LateShipmentClient(host.Channel).RecordAsync(Late(merchant))).Replay);
        Assert.False((await new PenaltyPoints.PenaltyPointsClient(host.Channel).RecordAsync(Penalty(merchant))).Replay);
        Assert.True(await AnyKeyOf(merchant));
        Assert.Equal(ServingStatus.Serving, await HealthOf(host, "penalties.redis"));
    }

    [Fact]
    public async Task A_Redis_found_durable_on_reconnecting_is_recorded_on()
    {
        var redis = new RedisServer { Durable = false };
        await redis.InitializeAsync();
        try
        {
        await using var host = await ServiceHost.StartAsync(Penalties.Grpc.PenaltiesServices.All, "--Penalties:Redis:Configuration", redis.Configuration, "--Penalties:Rules:Source", "files");
        var late = new LateShipment.LateShipmentClient(host.Channel);
        var merchant = NewId("nd-");
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => late.RecordAsync(Late(merchant)).ResponseAsync)).StatusCode);

        // The AOF turned on and the host's connections dropped: it checks again as it reconnects.
        await using (var admin = await redis.ConnectAsync())
        {
            var server = admin.GetServers().Single();
            await server.ConfigSetAsync("appendonly", "yes");
            await server.ConfigSetAsync("appendfsync", "always");
            await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                Assert.False((await late.RecordAsync(Late(merchant))).Replay);
                break;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        Assert.Equal(ServingStatus.Serving, await HealthOf(host, "penalties.redis"));
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }
}

/// <summary>What a server's persistence settings mean for records, as INFO persistence and CONFIG GET report them.</summary>
public class RedisDurabilitySettingsTests
{
    private static readonly System.Net.EndPoint Server = new System.Net.DnsEndPoint("redis", 6379);

    [Fact]
    public void No_append_only_file_refuses_records_naming_the_server()
    {
        var (problem, _) = Penalties.Redis.RedisConnection.DurabilityProblemOf(Server, "0", "everysec");
        Assert.Contains("redis:6379", problem, StringComparison.Ordinal);
        Assert.Contains("appendonly", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("everysec")]
    [InlineData("no")]
    public void An_append_only_file_not_fsynced_on_every_write_is_a_warning_only(string fsync)
    {
        var (problem, warning) = Penalties.Redis.RedisConnection.DurabilityProblemOf(Server, "1", fsync);
        Assert.Null(problem);
        Assert.Contains($"appendfsync {fsync}", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", "always")]
    [InlineData("1", null)] // CONFIG refused (managed Redis): the AOF is on, which is what INFO can tell
    [InlineData(null, null)] // INFO said nothing of it: not a finding
    public void Otherwise_nothing_is_reported(string? aof, string? fsync) =>
        Assert.Equal((null, null), Penalties.Redis.RedisConnection.DurabilityProblemOf(Server, aof, fsync));
}
