namespace Penalties.Services.Tests.Integration;

/// <summary>A real redis-server (AOF, fsync always) and an all-in-one host keeping its state in it (rules from the folder), shared by a test class.</summary>
public sealed class RedisHostFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public ServiceHost Host { get; private set; } = null!;

    /// <summary>Starts another all-in-one host on the same Redis (its own connection): a second replica, or the same service restarted.</summary>
    public Task<ServiceHost> StartHostAsync(params string[] extra) =>
        ServiceHost.StartAsync(Penalties.Grpc.PenaltiesServices.All, ["--Penalties:Redis:Configuration", Redis.Configuration, "--Penalties:Rules:Source", "files", .. extra]);

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Host = await StartHostAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
