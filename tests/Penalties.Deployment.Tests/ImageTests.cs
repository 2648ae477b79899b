using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using k8s.Models;
using Xunit.Abstractions;

namespace Penalties.Deployment.Tests;

/// <summary>
/// What the images promise, without a container runtime (no base image can be pulled here): every host, published in
/// Release, starts from its publish folder with configuration from the environment only, a read-only working
/// directory, a writable TMPDIR alone, as a non-root user, and answers gRPC health SERVING under the names its
/// probes ask for.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ImageTests(ITestOutputHelper output) : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("penalties-images-").FullName;

    [Fact]
    public async Task Every_host_serves_health_from_a_read_only_publish_folder_as_a_non_root_user()
    {
        bool root = Environment.UserName == "root" && File.Exists("/usr/bin/setpriv");
        if (!root) output.WriteLine("Not root: the hosts run as the current user (the switch to a non-root user is not tested).");
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        var probes = Manifest.Load("prod").DaprApps().Concat(Manifest.Load("dev").DaprApps())
            .ToDictionary(a => a.AppId, a => a.Deployment.Spec.Template.Spec.Containers[0]);

        PublishAll();
        foreach (var host in Repo.Hosts.Values.OrderBy(h => h.Port))
        {
            var folder = Path.Combine(_root, host.AppId);
            CopyFolder(Repo.PathOf("services", host.Project, "bin", "Release", "net10.0", "publish"), folder);
            Assert.True(Directory.Exists(Path.Combine(folder, "rules")), "the rules folder is published beside the host");
            MakeReadOnly(folder);

            var tmp = Directory.CreateDirectory(Path.Combine(_root, host.AppId + "-tmp")).FullName;
            File.SetUnixFileMode(tmp, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
            int port = FreePort();
            var asked = probes.TryGetValue(host.AppId, out var c) ? new[] { c.StartupProbe, c.LivenessProbe, c.ReadinessProbe }.Select(p => p.Grpc.Service ?? "") : [];
            var names = asked.Prepend("").Distinct().ToList();
            using var process = Start(host, folder, tmp, port, root, out var log);
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
                var health = new Health.HealthClient(channel);
                foreach (var name in names)
                    Assert.True(await Serving(health, name, process), $"{host.AppId}: health \"{name}\" not SERVING\n{log}");
                if (root) Assert.Contains("Uid:\t65534", await File.ReadAllTextAsync($"/proc/{process.Id}/status"), StringComparison.Ordinal);
                output.WriteLine($"{host.AppId}: SERVING {string.Join(", ", names.Select(n => $"\"{n}\""))} on {port}");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            Assert.DoesNotContain("\"LogLevel\":\"Error\"", log.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// dotnet publish -c Release of every host in one MSBuild run, so the libraries they share build once (a publish
    /// per host would check the whole graph five times).
    /// </summary>
    void PublishAll()
    {
        var traversal = Path.Combine(_root, "publish-hosts.proj");
        var projects = string.Join("", Repo.Hosts.Values.Select(h => $"<Host Include=\"{Repo.PathOf("services", h.Project, h.Project + ".csproj")}\" />"));
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>{projects}</ItemGroup>
              <Target Name="Build">
                <MSBuild Projects="@(Host)" Targets="Publish" Properties="Configuration=Release;UseAppHost=false" BuildInParallel="true" />
              </Target>
            </Project>
            """);
        var (code, stdout, stderr) = Repo.Run("dotnet", ["msbuild", traversal, "-nologo", "-v:q", "-m"], timeoutSeconds: 500);
        Assert.True(code == 0, $"publishing the hosts: {stdout}{stderr}");
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(f, Path.Combine(to, Path.GetRelativePath(from, f)));
    }

    static Process Start(HostInfo host, string folder, string tmp, int port, bool switchUser, out StringBuilder log)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
        var psi = new ProcessStartInfo(switchUser ? "/usr/bin/setpriv" : dotnet)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (switchUser) foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", dotnet }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(host.Project + ".dll");
        // The environment a container would have: nothing of this machine's but PATH.
        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        psi.Environment["HOME"] = "/nonexistent";
        psi.Environment["TMPDIR"] = tmp;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(psi)!;
        var sink = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (sink) sink.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (sink) sink.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = sink;
        return process;
    }

    static async Task<bool> Serving(Health.HealthClient health, string name, Process process)
    {
        // Start-up on a busy machine: ask until it answers, the process ends, or a minute passes.
        for (var until = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < until && !process.HasExited; await Task.Delay(250))
        {
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest { Service = name }, deadline: DateTime.UtcNow.AddSeconds(5));
                return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded)
            {
            }
        }
        return false;
    }

    static void MakeReadOnly(string folder)
    {
        foreach (var f in Directory.GetFiles(folder, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, (UnixFileMode)0b100_100_100);
        foreach (var d in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).Prepend(folder)) File.SetUnixFileMode(d, (UnixFileMode)0b101_101_101);
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var d in Directory.GetDirectories(_root, "*", SearchOption.AllDirectories).Prepend(_root)) File.SetUnixFileMode(d, (UnixFileMode)0b111_000_000);
        Directory.Delete(_root, recursive: true);
    }
}
