using Grpc.Core;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Grpc;

namespace Penalties.Services.Tests.Integration;

/// <summary>Settings are bound per section and validated when the host starts: a bad one stops it, naming the setting.</summary>
public sealed class HostOptionsTests
{
    [Theory]
    [InlineData("--Penalties:Limits:MaxReceiveMessageSize", "0", "Penalties:Limits")]
    [InlineData("--Penalties:Rules:Source", "database", "Penalties:Rules:Source")]
    [InlineData("--Penalties:Rules:Source", "redis", "Penalties:Rules:Source")] // without Penalties:Redis:Configuration
    [InlineData("--Penalties:Rules:RecheckInterval", "-00:00:01", "Penalties:Rules:RecheckInterval")]
    [InlineData("--Penalties:Redis:Configuration", "127.0.0.1:1,nosuchkeyword=1", "Penalties:Redis:Configuration")]
    [InlineData("--Penalties:Admin:Token", "too-short", "at least 32 characters")]
    [InlineData("--Penalties:Claims:RedriveBatch", "0", "RedriveBatch")]
    [InlineData("--Penalties:Claims:Store", "sql", "Penalties:Claims:Store")]
    [InlineData("--Penalties:Claims:RulesGrace", "-00:00:01", "Penalties:Claims:RulesGrace")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_it(string key, string value, string named)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartAsync(PenaltiesServices.All, key, value));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", e.Message, StringComparison.Ordinal); // never the token
    }

    [Theory]
    [InlineData("--Penalties:Dapr:GrpcEndpoint", "localhost:50001")] // no scheme
    [InlineData("--Penalties:Dapr:HttpEndpoint", "ftp://127.0.0.1:3500")]
    [InlineData("--Penalties:Dapr:PubSubName", " ")]
    public async Task A_bad_Dapr_setting_stops_a_host_with_a_sidecar_at_start(string key, string value)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceHost.StartAsync(PenaltiesServices.LateShipment,
            "--Penalties:Dapr:Enabled", "true", key, value));
        Assert.Contains("Penalties:Dapr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_limit_is_the_configured_one()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.LateShipment, "--Penalties:Limits:MaxReceiveMessageSize", "1000");
        var request = new AssessLateShipmentRequest { Case = Cases.TmallLate() };
        request.Case.OrderId = new string('x', 2_000);
        var e = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(host.Channel).AssessAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }
}
