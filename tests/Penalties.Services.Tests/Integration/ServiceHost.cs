using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Grpc;

namespace Penalties.Services.Tests.Integration;

/// <summary>A real host (Kestrel, HTTP/2 on a free loopback port) built by the same composition as the shipped hosts.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, string address)
    {
        App = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public WebApplication App { get; }
    public string Address { get; }
    public GrpcChannel Channel { get; }

    public static async Task<ServiceHost> StartAsync(PenaltiesServices services, params string[] extraArgs)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Penalties:Rules:Directory", RepoPaths.Rules,
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ];
        var app = PenaltiesHost.Create(args, "penalties-test", services, "http://127.0.0.1:0");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServiceHost(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>One all-in-one host shared by a test class.</summary>
public sealed class AllInOneFixture : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceHost.StartAsync(PenaltiesServices.All);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
