using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Penalties.Deployment.Tests;

/// <summary>A host as its Program.cs declares it: service name (the Dapr app id) and port.</summary>
public sealed record HostInfo(string Project, string AppId, int Port);

/// <summary>Paths in the repository, the hosts the code declares, and running the tools the tests use.</summary>
public static partial class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Every host under services/ (a Program.cs calling PenaltiesHost.Create), by app id.</summary>
    public static IReadOnlyDictionary<string, HostInfo> Hosts { get; } = FindHosts();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Penalties.sln"))) return dir.FullName;
        throw new InvalidOperationException("Penalties.sln not found above " + AppContext.BaseDirectory);
    }

    static Dictionary<string, HostInfo> FindHosts()
    {
        var hosts = new Dictionary<string, HostInfo>();
        foreach (var program in Directory.GetFiles(PathOf("services"), "Program.cs", SearchOption.AllDirectories))
        {
            var m = HostDeclaration().Match(File.ReadAllText(program));
            if (!m.Success) continue;
            var project = Path.GetFileName(Path.GetDirectoryName(program)!);
            hosts.Add(m.Groups["id"].Value, new HostInfo(project, m.Groups["id"].Value, int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return hosts;
    }

    [GeneratedRegex("""PenaltiesHost\.Create\(\s*args,\s*"(?<id>[^"]+)",[^;]*?"http://[^":]+:(?<port>\d+)"\s*\)""")]
    private static partial Regex HostDeclaration();

    /// <summary>Runs a program to its end; returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string fileName, IEnumerable<string> args, string? stdin = null, string? workingDirectory = null, int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? Root,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
