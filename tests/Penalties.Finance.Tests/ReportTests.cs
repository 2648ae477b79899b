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
    public void Past_the_listed_rows_the_largest_differences_either_way_are_listed_and_counts_and_points_are_whole()
    {
        static Difference Row(DifferenceClass cls, string order, string currency, decimal owed, decimal paid) =>
            new(cls, "taobao", order, "1", Side.Buyer, "m-1", currency, owed, paid, paid - owed, new DateOnly(2023, 1, 5), "r", []);
        var rows = Enumerable.Range(0, HtmlReport.MaxRows + 100).Select(i => Row(DifferenceClass.OwedNotPaid, $"U-{i}", Obligation.Cny, 10m, 0m)).ToList();
        rows.AddRange(Enumerable.Range(0, 3).Select(i => Row(DifferenceClass.Overpaid, $"OVER-{i}", Obligation.Cny, 10m, 60m)));
        rows.Add(Row(DifferenceClass.Matched, "", Obligation.TmallPoints, 1_234_567m, 1_234_567m) with { Keys = 4 });
        var part = new ReconciliationPart("1/1", Ledgers.From, Ledgers.To, rows);
        var html = new StringWriter();
        HtmlReport.Write(html, part, DateTimeOffset.UnixEpoch);
        string page = html.ToString();
        string table = page[page.IndexOf("id=\"differences\"", StringComparison.Ordinal)..];
        Assert.Equal(HtmlReport.MaxRows, table.Split("<tr><td>", StringSplitOptions.None).Length - 1);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Contains($"<td>OVER-{i}</td>", table, StringComparison.Ordinal));
        Assert.Contains("largest", page[page.IndexOf("<h2>Differences</h2>", StringComparison.Ordinal)..page.IndexOf("id=\"differences\"", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("id=\"total-owed-TMALL_POINTS\">1,234,567<", page, StringComparison.Ordinal);
        Assert.Contains($">{HtmlReport.MaxRows + 100:#,0}</text>", page[page.IndexOf("id=\"chart-classes\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain(">3.00</text>", page, StringComparison.Ordinal);
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
