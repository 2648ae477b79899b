using System.Diagnostics;
using System.IO.Compression;
using RepoRules = Penalties.Core.Tests.Rules;

namespace Penalties.Cli.Tests;

/// <summary>The CLI ships as a .NET tool: packed with its bundled rules, installed from the pack folder, it runs as `penalties`.</summary>
public class ToolPackageTests
{
    private static readonly string Root = Path.GetDirectoryName(RepoRules.Directory)!;

    private static async Task<(int Code, string Output)> Dotnet(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Pack_then_tool_install_gives_a_penalties_command_with_the_bundled_rules()
    {
        var work = Directory.CreateTempSubdirectory("penalties-tool-");
        try
        {
            // The test project has just built the CLI in this configuration: pack what was built.
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var pack = Path.Combine(work.FullName, "pack");
            var (packed, packOutput) = await Dotnet("pack", "services/Penalties.Cli", "--no-build", "-c", configuration, "-o", pack, "-v", "q");
            Assert.True(packed == 0, packOutput);
            var package = Assert.Single(Directory.GetFiles(pack, "*.nupkg"));
            using (var zip = ZipFile.OpenRead(package))
            {
                Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/rules/tmall.late-shipment/v1.json", StringComparison.Ordinal));
                Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
            }

            var tools = Path.Combine(work.FullName, "tools");
            var (installed, installOutput) = await Dotnet("tool", "install", "--tool-path", tools, "--add-source", pack, "Penalties.Cli");
            Assert.True(installed == 0, installOutput);
            var run = new ProcessStartInfo(Path.Combine(tools, "penalties")) { RedirectStandardOutput = true };
            run.ArgumentList.Add("--version");
            using var penalties = Process.Start(run)!;
            var version = await penalties.StandardOutput.ReadToEndAsync();
            await penalties.WaitForExitAsync();
            Assert.Equal(0, penalties.ExitCode);
            Assert.Matches(@"^\d+\.\d+\.\d+", version);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
