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
            RulesEngineLateShipment.VerifyAll(RepoPaths.LoadCatalog(), 20_000, Console.WriteLine);
            return;
        }
        if (args is ["--gen-ledger", var rows, var ledger, var payouts])
        {
            // Data for the reconcile benchmark (bench/gen-ledger.sh).
            LedgerGenerator.Write(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), ledger, payouts);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
