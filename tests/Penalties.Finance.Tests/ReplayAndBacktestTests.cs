using Penalties.Core.Rules.Loading;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance.Tests;

/// <summary>The replay check reproduces recorded decisions under their pinned versions; a backtest measures candidate rules.</summary>
public class ReplayAndBacktestTests
{
    [Fact]
    public void Recorded_decisions_reproduce_under_their_pinned_versions()
    {
        var check = new ReplayCheck(Rules.Catalog);
        Assert.All(Ledgers.Generate(21, 40), r => Assert.Null(check.Check(r)));
        Assert.Equal(40, check.Checked);
    }

    [Fact]
    public void A_recorded_decision_whose_numbers_changed_is_drift_naming_the_field()
    {
        var record = Ledgers.Generate(22, 3).First(r => r.LateShipment.Decision.Outcome == C.LateShipmentOutcome.Compensable);
        record.LateShipment.Decision.Lines[0].BuyerPayout = Contracts.Mapping.Money(1m);
        var drift = new ReplayCheck(Rules.Catalog).Check(record);
        Assert.NotNull(drift);
        Assert.Contains(drift.Differences, d => d.StartsWith("lines[0].buyer_payout 1.00 CNY recorded, ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_decision_pinned_to_content_the_rules_no_longer_hold_cannot_be_recomputed_and_says_why()
    {
        var record = Ledgers.Generate(23, 1)[0];
        record.LateShipment.Decision.Rule.ContentHash = "sha256:" + new string('0', 64);
        var drift = new ReplayCheck(Rules.Catalog).Check(record);
        Assert.StartsWith("cannot be recomputed: ", Assert.Single(drift!.Differences), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_rules_as_candidate_change_nothing_and_a_higher_Tmall_rate_costs_each_merchant_more()
    {
        var ledger = Ledgers.Generate(24, 60);
        var same = new Backtest(Rules.Catalog);
        ledger.ForEach(same.Add);
        Assert.Equal(60, same.Decided);
        Assert.All(same.Impact.Values, v => Assert.Equal(0m, v));
        Assert.All(same.Transitions.Keys, t => Assert.Equal(t.From, t.To));
        Assert.Empty(same.TopChanges(10));

        var dir = Directory.CreateTempSubdirectory("candidate-");
        try
        {
            foreach (var file in Directory.GetFiles(Rules.Directory, "*.json", SearchOption.AllDirectories))
            {
                var target = Path.Combine(dir.FullName, Path.GetRelativePath(Rules.Directory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var text = File.ReadAllText(file);
                File.WriteAllText(target, file.Contains("tmall.late-shipment", StringComparison.Ordinal) ? text.Replace("\"rate\": 0.30,", "\"rate\": 0.50,", StringComparison.Ordinal) : text);
            }
            var candidate = new Backtest(RuleSetLoader.LoadDirectory(dir.FullName).ToCatalog());
            ledger.ForEach(candidate.Add);
            var tmallCompensable = ledger.Where(r => r.LateShipment.Case.Platform == C.Platform.Tmall && r.LateShipment.Decision.Outcome == C.LateShipmentOutcome.Compensable).ToList();
            Assert.NotEmpty(tmallCompensable);
            var top = candidate.TopChanges(1000).ToList();
            // Only Tmall's compensable orders change (an order whose lines are all at the cap stays).
            Assert.NotEmpty(top);
            Assert.Subset(tmallCompensable.Select(r => r.LateShipment.Case.OrderId).ToHashSet(), top.Select(c => c.OrderId).ToHashSet());
            Assert.All(top, c => Assert.True(c.Delta > 0m && c.ToCost <= 500m * 3));
            Assert.Equal(top.Sum(c => c.Delta), candidate.Impact.Values.Sum());
            Assert.True(top.Zip(top.Skip(1)).All(p => Math.Abs(p.First.Delta) >= Math.Abs(p.Second.Delta)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Ledger_records_round_trip_through_JSONL_and_a_bad_line_names_its_line()
    {
        var ledger = Ledgers.Generate(25, 5);
        var text = new StringWriter();
        ledger.ForEach(r => LedgerFiles.WriteJsonl(text, r));
        Assert.Equal(ledger, LedgerFiles.ReadJsonl(new StringReader(text.ToString()), "ledger.jsonl"));
        var e = Assert.Throws<FinanceInputException>(() => LedgerFiles.ReadJsonl(new StringReader(text + "{\"lateShipment\": 5}\n"), "ledger.jsonl").ToList());
        Assert.Equal(("ledger.jsonl", 6L, "record"), (e.File, e.Line, e.Field));
    }

    [Theory]
    [InlineData("late_shipment.case")]
    [InlineData("late_shipment.event_at")]
    [InlineData("late_shipment.decision.rule")]
    [InlineData("price_match.case")]
    [InlineData("price_match.event_at")]
    [InlineData("price_match.decision.rule")]
    public void A_record_without_its_case_event_or_rule_is_refused_naming_the_field(string missing)
    {
        var record = Ledgers.Generate(27, 1)[0];
        if (missing.StartsWith("price_match", StringComparison.Ordinal))
            record = new C.LedgerRecord
            {
                PriceMatch = new C.RecordedPriceMatch
                {
                    MerchantId = "m-1", ItemId = "sku-1", Case = new C.PriceMatchCase { OrderId = "J-1" }, EventAt = record.LateShipment.EventAt,
                    Decision = new C.PriceMatchDecision { Rule = record.LateShipment.Decision.Rule.Clone() },
                },
            };
        var recorded = (Google.Protobuf.IMessage)(record.LateShipment ?? (Google.Protobuf.IMessage)record.PriceMatch);
        var names = missing.Split('.')[1..];
        var holder = names[..^1].Aggregate(recorded, (m, n) => (Google.Protobuf.IMessage)m.Descriptor.FindFieldByName(n).Accessor.GetValue(m));
        holder.Descriptor.FindFieldByName(names[^1]).Accessor.Clear(holder);
        var text = new StringWriter();
        Ledgers.Generate(28, 2).ForEach(r => LedgerFiles.WriteJsonl(text, r));
        LedgerFiles.WriteJsonl(text, record);
        var e = Assert.Throws<FinanceInputException>(() => LedgerFiles.ReadJsonl(new StringReader(text.ToString()), "ledger.jsonl").ToList());
        Assert.Equal(("ledger.jsonl", 3L, "record." + missing, "is required"), (e.File, e.Line, e.Field, e.Reason));
    }

    [Fact]
    public void A_null_field_is_refused_naming_its_line()
    {
        var line = new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default).Format(Ledgers.Generate(29, 1)[0]);
        var nulled = System.Text.RegularExpressions.Regex.Replace(line, "\"orderId\": \"[^\"]*\"", "\"orderId\": null");
        Assert.NotEqual(line, nulled);
        var e = Assert.Throws<FinanceInputException>(() => LedgerFiles.ReadJsonl(new StringReader(line + "\n" + nulled + "\n"), "ledger.jsonl").ToList());
        Assert.Equal(("ledger.jsonl", 2L, "record"), (e.File, e.Line, e.Field));
        Assert.Contains("orderId", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parallel_read_keeps_file_order_and_stops_at_the_first_bad_line_in_file_order()
    {
        var ledger = Ledgers.Generate(26, 3000);
        var lines = ledger.Select(r => new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default).Format(r)).ToList();
        // What protobuf's own parser reads, the System.Text.Json reader reads alike.
        Assert.Equal(lines.Select(l => C.LedgerRecord.Parser.ParseJson(l)), LedgerFiles.ReadJsonl(new StringReader(string.Join("\n", lines)), "l.jsonl"));
        var orders = LedgerFiles.ReadJsonl(new StringReader(string.Join("\n", lines)), "l.jsonl", (r, _) => r.LateShipment.Case.OrderId).ToList();
        Assert.Equal(ledger.Select(r => r.LateShipment.Case.OrderId), orders);

        var bad = lines.ToList();
        bad[2500] = bad[2500].Replace("\"eventAt\": \"", "\"eventAt\": \"x", StringComparison.Ordinal);
        bad[2700] = "{}";
        bad[1200] = bad[1200].Replace("Z\"", "\"", StringComparison.Ordinal); // an instant without its offset
        var e = Assert.Throws<FinanceInputException>(() => LedgerFiles.ReadJsonl(new StringReader(string.Join("\n", bad)), "l.jsonl", (r, _) => r).ToList());
        Assert.Equal((1201L, "record"), (e.Line, e.Field));
        Assert.Contains("offset", e.Reason, StringComparison.Ordinal);
    }
}
