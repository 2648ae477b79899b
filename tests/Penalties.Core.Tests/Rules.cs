using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Core.Tests;

/// <summary>The repository's rules/ folder, loaded once for every test.</summary>
public static class Rules
{
    public static string Directory { get; } = FindRulesDirectory();

    public static RuleCatalog Catalog { get; } = RuleSetLoader.LoadDirectory(Directory).ToCatalog();

    private static string FindRulesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Penalties.sln")) && System.IO.Directory.Exists(Path.Combine(dir.FullName, "rules")))
                return Path.Combine(dir.FullName, "rules");
        }
        throw new InvalidOperationException("rules/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>China-time instant helper: At("2024-03-01 10:00") → 2024-03-01T10:00:00+08:00.</summary>
    public static DateTimeOffset At(string chinaLocal) =>
        DateTimeOffset.Parse(chinaLocal.Replace(' ', 'T') + "+08:00", System.Globalization.CultureInfo.InvariantCulture);
}
