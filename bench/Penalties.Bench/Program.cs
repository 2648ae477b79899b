using BenchmarkDotNet.Running;

namespace Penalties.Bench;

public static class Program
{
    /// <summary>
    /// Runs the benchmark suite. Reproduce bench/RESULTS.md with
    /// <c>dotnet run -c Release --project bench/Penalties.Bench -- --filter '*'</c> from the repository root.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["--verify"])
        {
            // Only the identical-results check of the RulesEngine baseline, on every late-shipment version.
            var catalog = RepoPaths.LoadCatalog();
            foreach (var id in new[] { Core.LateShipment.LateShipmentCalculator.TmallRuleSet, Core.LateShipment.LateShipmentCalculator.TaobaoRuleSet })
            {
                foreach (var version in catalog.Versions(id))
                {
                    foreach (bool singleRule in new[] { false, true })
                    {
                        var engine = new RulesEngineLateShipment(version, singleRule);
                        RulesEngineLateShipment.VerifyIdentical(version, engine);
                        var outcomes = RulesEngineLateShipment.VerifyRandom(version, engine, 20_000);
                        Console.WriteLine($"{version.Reference} ({(singleRule ? "one rule" : "a rule per outcome")}): RulesEngine and Penalties agree on "
                            + $"{RulesEngineLateShipment.VerificationTable(version).Count()} table inputs and {outcomes.Values.Sum()} random ones "
                            + $"({string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))})");
                    }
                }
            }
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
