using System.Globalization;
using System.Net;
using System.Text;

namespace Penalties.Finance;

/// <summary>
/// The reconciliation report: one self-contained HTML file (styles, charts as inline SVG and the sorting script all
/// inside it; nothing fetched) with the summary, payouts per day, differences by class, top merchants, the replay
/// check, and the differences as a sortable table; and the backtest's own page (<see cref="WriteBacktest"/>).
/// </summary>
public static class HtmlReport
{
    /// <summary>The most difference rows the page lists; the CSV output holds all of them.</summary>
    public const int MaxRows = 5000;

    public static void Write(TextWriter w, ReconciliationPart result, DateTimeOffset generatedAt)
    {
        var (drifts, replayed) = (result.Drifts, result.Replayed);
        var counts = result.Counts();
        var byCurrency = result.TotalsBy(_ => "all");
        Head(w, "Penalties reconciliation", "Reconciliation of recorded decisions against payouts", result.From, result.To, $"shard {result.Shard}", generatedAt);
        w.Write("""
            <h2>Summary</h2>
            <table id="summary"><tr><th>class</th><th class="n">keys</th></tr>

            """);
        foreach (var (cls, n) in counts) w.Write($"<tr><td>{cls}</td><td class=\"n\" id=\"count-{cls}\">{n}</td></tr>\n");
        w.Write("</table>\n<table id=\"totals\"><tr><th>currency</th><th class=\"n\">owed</th><th class=\"n\">paid</th><th class=\"n\">paid − owed</th></tr>\n");
        foreach (var ((_, currency), t) in byCurrency)
            w.Write($"<tr><td>{E(currency)}</td><td class=\"n\" id=\"total-owed-{E(currency)}\">{A(t.Owed, currency)}</td><td class=\"n\" id=\"total-paid-{E(currency)}\">{A(t.Paid, currency)}</td><td class=\"n\" id=\"total-delta-{E(currency)}\">{A(t.Delta, currency)}</td></tr>\n");
        w.Write("</table>\n");

        w.Write("<h2>Paid per day (CNY)</h2>\n");
        Bars(w, "chart-days", result.Differences.Where(d => d.Currency == Obligation.Cny).GroupBy(d => d.Day).OrderBy(g => g.Key)
            .Select(g => (g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Sum(d => d.Paid))).ToList(), M);
        w.Write("<h2>Differences by class</h2>\n");
        Bars(w, "chart-classes", counts.Where(c => c.Key != DifferenceClass.Matched).Select(c => (c.Key.ToString(), (decimal)c.Value)).ToList(), Whole);
        w.Write("<h2>Top merchants by amount owed (CNY)</h2>\n");
        Bars(w, "chart-merchants", result.Differences.Where(d => d.Currency == Obligation.Cny && d.MerchantId.Length > 0).GroupBy(d => d.MerchantId)
            .Select(g => (g.Key, g.Sum(d => d.Owed))).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).Take(10).ToList(), M);

        w.Write($"<h2>Replay check</h2>\n<p id=\"replay\">{replayed} recorded decisions recomputed with their pinned rule versions; <span class=\"{(drifts.Count > 0 ? "bad" : "")}\" id=\"drift-count\">{drifts.Count}</span> drifted.</p>\n");
        if (drifts.Count > 0)
        {
            w.Write("<table id=\"drifts\"><tr><th>merchant</th><th>platform</th><th>order</th><th>rule</th><th>differences</th></tr>\n");
            foreach (var d in drifts.Take(MaxRows))
                w.Write($"<tr><td>{E(d.MerchantId)}</td><td>{E(d.Platform)}</td><td>{E(d.OrderId)}</td><td>{E(d.Rule)}</td><td>{E(string.Join("; ", d.Differences))}</td></tr>\n");
            w.Write("</table>\n");
        }

        // Largest first either way, so a cut list keeps the overpayments as well as the shortfalls; the key breaks ties.
        var rows = result.Mismatches.OrderByDescending(d => Math.Abs(d.Delta)).ThenBy(d => d.Platform, StringComparer.Ordinal)
            .ThenBy(d => d.OrderId, StringComparer.Ordinal).ThenBy(d => d.LineOrItem, StringComparer.Ordinal).ThenBy(d => d.Side).ThenBy(d => d.Class)
            .ThenBy(d => string.Join(" ", d.PayoutReferences), StringComparer.Ordinal).ToList();
        string listed = rows.Count > MaxRows ? $"; the {MaxRows} largest by |paid − owed| are listed (the CSV output has all)" : ", listed largest |paid − owed| first";
        w.Write($"<h2>Differences</h2>\n<p>{rows.Count} keys differ{listed}. Click a heading to sort.</p>\n");
        w.Write("<table id=\"differences\"><thead><tr><th data-key=\"class\">class</th><th data-key=\"platform\">platform</th><th data-key=\"merchant\">merchant</th><th data-key=\"order\">order</th><th data-key=\"line\">line or item</th><th data-key=\"side\">side</th><th data-key=\"currency\">currency</th><th class=\"n\" data-key=\"owed\">owed</th><th class=\"n\" data-key=\"paid\">paid</th><th class=\"n\" data-key=\"delta\">paid − owed</th><th data-key=\"day\">day</th><th data-key=\"payouts\">payouts</th></tr></thead><tbody>\n");
        foreach (var d in rows.Take(MaxRows))
        {
            w.Write($"<tr><td>{d.Class}</td><td>{E(d.Platform)}</td><td>{E(d.MerchantId)}</td><td>{E(d.OrderId)}</td><td>{E(d.LineOrItem)}</td><td>{d.Side}</td><td>{E(d.Currency)}</td>");
            w.Write($"<td class=\"n\">{A(d.Owed, d.Currency)}</td><td class=\"n\">{A(d.Paid, d.Currency)}</td><td class=\"n\">{A(d.Delta, d.Currency)}</td><td>{Day(d.Day)}</td><td>{E(string.Join(" ", d.PayoutReferences))}</td></tr>\n");
        }
        w.Write("</tbody></table>\n");
        // Sorting: a click on a heading, or "#sort=<key>" in the address (descending with "-").
        w.Write("""
            <script>
            (function(){
              var t=document.getElementById('differences'),heads=t.tHead.rows[0].cells;
              function sort(i,desc){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=heads[i].className==='n';
                rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent;
                  var r=num?(parseFloat(a.replace(/,/g,''))-parseFloat(c.replace(/,/g,''))):a.localeCompare(c);return desc?-r:r;});
                rows.forEach(function(r){b.appendChild(r);});t.dataset.sortedBy=(desc?'-':'')+heads[i].dataset.key;}
              Array.prototype.forEach.call(heads,function(h,i){h.addEventListener('click',function(){sort(i,t.dataset.sortedBy===h.dataset.key);});});
              var m=/sort=(-?)(\w+)/.exec(location.hash);
              if(m)Array.prototype.forEach.call(heads,function(h,i){if(h.dataset.key===m[2])sort(i,m[1]==='-');});
              t.dataset.sortable='ready';
            })();
            </script>
            </body></html>

            """);
    }

    /// <summary>
    /// The backtest's own page: its summary (claims decided again, changed, total impact), the impact per merchant as a
    /// chart and a table, the outcome transitions, the largest changes and the claims that could not be decided.
    /// </summary>
    public static void WriteBacktest(TextWriter w, Backtest b, string candidate, DateTimeOffset from, DateTimeOffset to, DateTimeOffset generatedAt)
    {
        Head(w, "Penalties backtest", "Backtest of candidate rules against recorded claims", from, to, $"candidate rules {candidate}", generatedAt);
        decimal total = b.Impact.Values.Sum();
        w.Write($"<h2>Summary</h2>\n<table id=\"summary\"><tr><th>claims decided again</th><td class=\"n\" id=\"decided\">{b.Decided}</td></tr>\n");
        w.Write($"<tr><th>claims that change</th><td class=\"n\" id=\"changed\">{b.Changed}</td></tr>\n");
        w.Write($"<tr><th>could not be decided</th><td class=\"n\" id=\"undecided\">{b.Undecided.Count}</td></tr>\n");
        w.Write($"<tr><th>CNY impact, candidate minus recorded</th><td class=\"n\" id=\"total-impact\">{M(total)}</td></tr>\n</table>\n");
        var impact = b.Impact.Where(i => i.Value != 0m).OrderByDescending(i => Math.Abs(i.Value)).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
        w.Write("<h2>Impact per merchant (CNY)</h2>\n");
        Bars(w, "chart-impact", impact.Take(10).Select(i => (i.Key, i.Value)).ToList(), M);
        w.Write("<table id=\"impact\"><tr><th>merchant</th><th class=\"n\">CNY impact</th></tr>\n");
        foreach (var (merchant, delta) in impact.Take(50))
            w.Write($"<tr><td>{E(merchant)}</td><td class=\"n\">{M(delta)}</td></tr>\n");
        w.Write("</table>\n<h2>Outcome transitions</h2>\n<table id=\"transitions\"><tr><th>recorded outcome</th><th>candidate outcome</th><th class=\"n\">claims</th></tr>\n");
        foreach (var ((fromOutcome, toOutcome), n) in b.Transitions.OrderBy(t => t.Key))
            w.Write($"<tr><td>{E(fromOutcome)}</td><td>{E(toOutcome)}</td><td class=\"n\">{n}</td></tr>\n");
        w.Write("</table>\n<h2>Largest changes</h2>\n<table id=\"top-changes\"><tr><th>merchant</th><th>order</th><th>outcome</th><th class=\"n\">cost before</th><th class=\"n\">after</th><th class=\"n\">change</th></tr>\n");
        foreach (var c in b.TopChanges(20))
            w.Write($"<tr><td>{E(c.MerchantId)}</td><td>{E(c.OrderId)}</td><td>{E(c.FromOutcome)} → {E(c.ToOutcome)}</td><td class=\"n\">{M(c.FromCost)}</td><td class=\"n\">{M(c.ToCost)}</td><td class=\"n\">{M(c.Delta)}</td></tr>\n");
        w.Write("</table>\n");
        if (b.Undecided.Count > 0)
        {
            w.Write("<h2>Claims the candidate rules cannot decide</h2>\n<table id=\"undecided-claims\"><tr><th>order</th><th>why</th></tr>\n");
            foreach (var (order, reason) in b.Undecided.Take(MaxRows)) w.Write($"<tr><td>{E(order)}</td><td>{E(reason)}</td></tr>\n");
            w.Write("</table>\n");
        }
        w.Write("</body></html>\n");
    }

    /// <summary>The document's head (inline styles), its heading and the line naming the period.</summary>
    private static void Head(TextWriter w, string title, string heading, DateTimeOffset from, DateTimeOffset to, string scope, DateTimeOffset generatedAt) => w.Write($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}} {{E(Day(from))}} – {{E(Day(to))}}</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
        table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n,th.n{text-align:right}
        th{background:#f3f3f3;cursor:pointer}svg text{font:11px sans-serif}.bad{color:#b00}
        </style></head><body>
        <h1>{{E(heading)}}</h1>
        <p>Period [{{E(from.ToString("O", CultureInfo.InvariantCulture))}}, {{E(to.ToString("O", CultureInfo.InvariantCulture))}}), {{E(scope)}}, generated {{E(generatedAt.ToString("O", CultureInfo.InvariantCulture))}}.</p>

        """);

    /// <summary>A horizontal bar chart as inline SVG, one labelled bar per value, each value written by <paramref name="format"/>.</summary>
    private static void Bars(TextWriter w, string id, IReadOnlyList<(string Label, decimal Value)> bars, Func<decimal, string> format)
    {
        if (bars.Count == 0)
        {
            w.Write($"<p id=\"{id}\">nothing to show</p>\n");
            return;
        }
        decimal max = Math.Max(bars.Max(b => Math.Abs(b.Value)), 1m);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" width=\"720\" height=\"{bars.Count * 20 + 10}\" role=\"img\">");
        for (int i = 0; i < bars.Count; i++)
        {
            double width = (double)(Math.Abs(bars[i].Value) / max) * 420;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{i * 20 + 15}\">{E(bars[i].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"180\" y=\"{i * 20 + 4}\" width=\"{width:0.#}\" height=\"14\" fill=\"#4a7ab5\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{190 + width:0.#}\" y=\"{i * 20 + 15}\">{format(bars[i].Value)}</text>");
        }
        w.Write(svg.Append("</svg>\n").ToString());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string M(decimal amount) => amount.ToString("#,0.00##", CultureInfo.InvariantCulture);

    /// <summary>A count, or whole points: no fen digits.</summary>
    private static string Whole(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>An amount in its currency: points are counted, not money; a fraction of a point still shows, not rounded away.</summary>
    private static string A(decimal amount, string currency) =>
        currency != Obligation.TmallPoints ? M(amount) : amount == decimal.Truncate(amount) ? Whole(amount) : amount.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
}
