using System.Reflection;

namespace Penalties.Cli.Tests;

/// <summary>The CLI is a client: it carries the core and the contract, never the server, its web stack or its stores.</summary>
public class DependencyTests
{
    private static readonly string[] ServerAssemblies =
    [
        "Penalties.Grpc", "Penalties.Rules", "Penalties.State", "Penalties.Redis", "Penalties.ServiceDefaults",
        "Microsoft.AspNetCore", "Grpc.AspNetCore", "StackExchange.Redis",
    ];

    [Fact]
    public void The_cli_and_its_penalties_assemblies_reference_no_server_assembly()
    {
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(CommandLine).Assembly]);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var assembly))
        {
            if (!visited.Add(assembly.GetName().Name!)) continue;
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                referenced.Add(name.Name!);
                if (name.Name!.StartsWith("Penalties.", StringComparison.Ordinal)) pending.Enqueue(Assembly.Load(name));
            }
        }

        Assert.Contains("Penalties.Core", referenced);
        Assert.Contains("Penalties.Contracts", referenced);
        var server = referenced.Where(r => ServerAssemblies.Any(s => r == s || r.StartsWith(s + ".", StringComparison.Ordinal)));
        Assert.Empty(server);
    }

    /// <summary>Beyond .NET itself: the core, the contract, finance over the ledger, the gRPC client and the command line's own libraries.</summary>
    private static readonly string[] Allowed =
    [
        "Penalties.Core", "Penalties.Contracts", "Penalties.Finance", "Grpc.Net.Client", "Grpc.Net.Common", "Grpc.Core.Api", "Grpc.StatusProto", "Google.Protobuf", "Google.Api.CommonProtos",
        "System.CommandLine", "CsvHelper", "Spectre.Console",
    ];

    [Fact]
    public void The_cli_references_only_the_core_the_contract_finance_the_grpc_client_and_its_command_line_libraries()
    {
        var others = typeof(CommandLine).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !Allowed.Contains(n) && !n.StartsWith("System.", StringComparison.Ordinal) && !n.StartsWith("Microsoft.", StringComparison.Ordinal) && n is not ("System" or "netstandard" or "mscorlib"));
        Assert.Empty(others);
    }
}
