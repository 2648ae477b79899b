using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// A real redis-server on a free loopback port with a temporary data directory, started with the
/// persistence settings the README recommends (AOF on, fsync on every write), and stopped and removed
/// afterwards. Tests can stop it, SIGKILL it and start it again from the same directory.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    /// <summary>More redis-server arguments (e.g. cluster mode), after the durable settings.</summary>
    public string[] ExtraArgs { get; init; } = [];

    /// <summary>The durability settings of the README's "Redis" section: an acknowledged write is on disk.</summary>
    public static readonly string[] DurableSettings = ["--appendonly", "yes", "--appendfsync", "always", "--save", ""];

    /// <summary>Redis's own defaults for the AOF (off) instead of <see cref="DurableSettings"/>: what a host must not record on.</summary>
    public static readonly string[] NotDurableSettings = ["--appendonly", "no", "--save", ""];

    /// <summary>False: started with <see cref="NotDurableSettings"/>.</summary>
    public bool Durable { get; init; } = true;

    private Process? _process;

    public int Port { get; private set; }
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "penalties-redis-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool Running => _process is { HasExited: false };

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
        await StartAsync();
    }

    public Task DisposeAsync()
    {
        Kill();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    /// <summary>Starts redis-server (again) on the same port and directory, and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (Running) return;
        var executable = FindExecutable();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", Directory, "--daemonize", "no", "--logfile", Path.Combine(Directory, "redis.log") })
            start.ArgumentList.Add(a);
        foreach (var a in (Durable ? DurableSettings : NotDurableSettings).Concat(ExtraArgs)) start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {ReadLog()}");
            if (await PingAsync()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"redis-server on port {Port} did not answer PING within 20 s: {ReadLog()}");
    }

    /// <summary>Stops the server the hard way (SIGKILL): what it had not written to its AOF is lost.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, and what is sent to it waits unanswered until <see cref="Resume"/> or <see cref="Kill"/>.</summary>
    public void Freeze() => Signal(19);

    /// <summary>Lets a frozen server run again (SIGCONT).</summary>
    public void Resume() => Signal(18);

    private void Signal(int signal)
    {
        if (_process is not { HasExited: false } p || SendSignal(p.Id, signal) != 0)
            throw new InvalidOperationException($"could not send signal {signal} to redis-server");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>A fresh client connection for assertions (INFO, key reads).</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, Port } }, AllowAdmin = true, AbortOnConnectFail = true });

    /// <summary>Total calls per Redis command from INFO commandstats (e.g. "get" → 12).</summary>
    /// <remarks>Pass one connection for a before/after comparison: connecting issues commands of its own.</remarks>
    public async Task<Dictionary<string, long>> CommandStatsAsync(IConnectionMultiplexer connection)
    {
        var server = connection.GetServer(IPAddress.Loopback, Port);
        var result = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in await server.InfoAsync("commandstats"))
        {
            foreach (var kv in group)
            {
                // cmdstat_get: calls=12,usec=...
                var name = kv.Key.StartsWith("cmdstat_", StringComparison.Ordinal) ? kv.Key["cmdstat_".Length..] : kv.Key;
                var calls = kv.Value.Split(',').First(p => p.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
                result[name] = long.Parse(calls, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return result;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            int n = await stream.ReadAsync(buffer, cts.Token);
            return n > 0 && System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException) { return false; }
        catch (IOException) { return false; }
        catch (OperationCanceledException) { return false; }
    }

    private string ReadLog()
    {
        var log = Path.Combine(Directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private static string FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("redis-server not found on PATH: install it (Debian: apt-get install redis-server); .ci/run does");
    }

    /// <summary>A loopback port nothing listens on at the time of the call.</summary>
    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
