using Penalties.Cli;

namespace Penalties.Tests.Shared;

/// <summary>The command line run in-process, as a user runs it: its exit code and what it wrote. Compiled into both test projects.</summary>
internal static class CliRunner
{
    /// <summary>Runs <c>penalties ARGS</c> with <paramref name="stdin"/> as its standard input.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, new StringReader(stdin), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
