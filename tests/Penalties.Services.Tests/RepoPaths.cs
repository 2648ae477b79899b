namespace Penalties.Services.Tests;

/// <summary>The repository's root, found above the test binaries, and its rules folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Rules => Path.Combine(Root, "rules");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Penalties.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Penalties.sln not found");
    }
}
