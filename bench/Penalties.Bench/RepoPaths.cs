using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Bench;

/// <summary>Finds the repository and loads its bundled rules, the same way in the host and in BenchmarkDotNet's child process.</summary>
public static class RepoPaths
{
    /// <summary>
    /// The folder holding Penalties.sln, found by walking up from <see cref="AppContext.BaseDirectory"/>.
    /// BenchmarkDotNet runs each benchmark in a generated child process whose base directory is
    /// bench/Penalties.Bench/bin/Release/net10.0/&lt;id&gt;/bin/Release/net10.0/, so walking up still reaches it.
    /// </summary>
    public static string RepoRoot { get; } = FindRepoRoot(AppContext.BaseDirectory);

    public static string RulesDirectory => Path.Combine(RepoRoot, "rules");

    public static RuleCatalog LoadCatalog() => RuleSetLoader.LoadDirectory(RulesDirectory).ToCatalog();

    private static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Penalties.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Penalties.sln in {start} or any folder above it");
    }
}
