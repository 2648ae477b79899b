using System.Diagnostics;

namespace Penalties.Finance.Tests;

/// <summary>The HTML report opened in a real headless Chromium: the rendered totals are the reconciliation's, and the table sorts.</summary>
public class ReportTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_report_rendered_in_Chromium_shows_the_totals_and_sorts_its_differences()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is needed (.ci/run installs it)");
        var ledger = Ledgers.Generate(31, 40);
        var payouts = Ledgers.PaidExactly(ledger);
        payouts[0] = payouts[0] with { Amount = payouts[0].Amount + 7m };
        payouts.RemoveAt(1);
        var result = Ledgers.Reconcile(ledger, payouts);
        var dir = Directory.CreateTempSubdirectory("report-");
        try
        {
            var file = Path.Combine(dir.FullName, "report.html");
            using (var w = new StreamWriter(file)) HtmlReport.Write(w, result with { Replayed = ledger.Count }, DateTimeOffset.UnixEpoch);
            Assert.DoesNotContain("http", File.ReadAllText(file).Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);

            var dom = await RenderAsync(file + "#sort=-delta", dir.FullName);
            var cny = result.TotalsBy(_ => "").Single(t => t.Key.Currency == Obligation.Cny).Value;
            Assert.Contains($"id=\"total-owed-CNY\">{cny.Owed:#,0.00##}<", dom, StringComparison.Ordinal);
            Assert.Contains($"id=\"total-paid-CNY\">{cny.Paid:#,0.00##}<", dom, StringComparison.Ordinal);
            Assert.Contains($"id=\"count-Overpaid\">1<", dom, StringComparison.Ordinal);
            Assert.Contains("data-sortable=\"ready\"", dom, StringComparison.Ordinal);
            Assert.Contains("data-sorted-by=\"-delta\"", dom, StringComparison.Ordinal);
            // Sorted by paid − owed, largest first: the overpaid key leads the table.
            int body = dom.IndexOf("<tbody>", dom.IndexOf("id=\"differences\"", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.StartsWith("<tr><td>Overpaid</td>", dom[(body + "<tbody>".Length)..].TrimStart(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_backtest_report_rendered_in_Chromium_shows_its_own_summary_and_impact()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is needed (.ci/run installs it)");
        var ledger = Ledgers.Generate(32, 30);
        // Recorded costs lowered to 1.00: the same rules as candidate then cost each such claim more.
        var lowered = ledger.Where(r => Obligation.MoneyOf(r.LateShipment.Decision.MerchantTotal) > 1m).ToList();
        Assert.NotEmpty(lowered);
        lowered.ForEach(r => r.LateShipment.Decision.MerchantTotal = Contracts.Mapping.Money(1m));
        var backtest = new Backtest(Rules.Catalog);
        ledger.ForEach(backtest.Add);
        var dir = Directory.CreateTempSubdirectory("backtest-report-");
        try
        {
            var file = Path.Combine(dir.FullName, "backtest.html");
            using (var w = new StreamWriter(file)) HtmlReport.WriteBacktest(w, backtest, "candidate/", Ledgers.From, Ledgers.To, DateTimeOffset.UnixEpoch);
            var dom = await RenderAsync(file, dir.FullName);
            decimal total = backtest.Impact.Values.Sum();
            Assert.True(total > 0m);
            Assert.Contains("<h1>Backtest of candidate rules against recorded claims</h1>", dom, StringComparison.Ordinal);
            Assert.DoesNotContain("Reconciliation", dom, StringComparison.Ordinal);
            Assert.Contains($"id=\"decided\">{ledger.Count}<", dom, StringComparison.Ordinal);
            Assert.Contains($"id=\"changed\">{lowered.Count}<", dom, StringComparison.Ordinal);
            Assert.Contains($"id=\"total-impact\">{total:#,0.00##}<", dom, StringComparison.Ordinal);
            Assert.Contains("<svg id=\"chart-impact\"", dom, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The page's DOM after its scripts ran, from headless Chromium with no network.</summary>
    private static async Task<string> RenderAsync(string file, string profile)
    {
        var start = new ProcessStartInfo(Chromium)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(profile, "profile")}", "--dump-dom", "file://" + file,
            },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var chromium = Process.Start(start)!;
        var dom = chromium.StandardOutput.ReadToEndAsync();
        var errors = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await chromium.WaitForExitAsync(timeout.Token);
        Assert.True(chromium.ExitCode == 0, await errors);
        return await dom;
    }
}
