using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Penalties.Finance.Tests.Ledgers;

namespace Penalties.Finance.Tests;

/// <summary>Reconciliation: exact payouts match, every kind of injected difference is found once, shards sum to the whole.</summary>
public class ReconcileTests
{
    public enum Injected { Underpaid, Overpaid, PaidNotOwed, OwedNotPaid, SameReferenceAgain, SameAmountAgain, CurrencyMismatch }

    [Property(MaxTest = 40)]
    public Property Payouts_exactly_as_owed_leave_nothing_to_report(PositiveInt seed)
    {
        var ledger = Generate(seed.Get, 30);
        var result = Reconcile(ledger, PaidExactly(ledger));
        int owing = ledger.SelectMany(Obligation.Of).Count(o => o.Amount > 0m);
        // Matched keys come summed per merchant, day and rule: every owing key is counted in exactly one sum.
        return (!result.Mismatches.Any() && result.Differences.Sum(d => d.Keys) == owing && owing > 0
            && result.Counts()[DifferenceClass.Matched] == owing
            && result.Differences.Sum(d => d.Owed) == ledger.SelectMany(Obligation.Of).Sum(o => o.Amount)
            && result.Differences.All(d => d.Delta == 0m && d.Paid == d.Owed && d.OrderId.Length == 0)).ToProperty();
    }

    [Property(MaxTest = 70)]
    public Property Each_injected_difference_is_found_once_and_only_once(PositiveInt seed, Injected kind)
    {
        var ledger = Generate(seed.Get, 20);
        var payouts = PaidExactly(ledger);
        // A key paid in one payout of money, the one the injection touches.
        var single = payouts.GroupBy(p => p.Key).First(g => g.Count() == 1 && g.First().Currency == Obligation.Cny).First();
        int at = payouts.IndexOf(single);
        DifferenceClass expected;
        switch (kind)
        {
            case Injected.Underpaid: payouts[at] = single with { Amount = single.Amount - 0.01m }; expected = DifferenceClass.Underpaid; break;
            case Injected.Overpaid: payouts[at] = single with { Amount = single.Amount + 5m }; expected = DifferenceClass.Overpaid; break;
            case Injected.PaidNotOwed: payouts.Add(single with { OrderId = "NOT-RECORDED", Reference = "X1", PaidAt = From.AddDays(1) }); expected = DifferenceClass.PaidNotOwed; break;
            case Injected.OwedNotPaid: payouts.RemoveAt(at); expected = DifferenceClass.OwedNotPaid; break;
            case Injected.SameReferenceAgain: payouts.Add(single); expected = DifferenceClass.DuplicatePayout; break;
            case Injected.SameAmountAgain: payouts.Add(single with { Reference = "X2", PaidAt = single.PaidAt.AddDays(1) }); expected = DifferenceClass.DuplicatePayout; break;
            default: payouts.Add(single with { Currency = "USD", Reference = "X3" }); expected = DifferenceClass.CurrencyMismatch; break;
        }
        var found = Reconcile(ledger, payouts).Mismatches.ToList();
        return (found.Count == 1 && found[0].Class == expected && found[0].OrderId == (kind == Injected.PaidNotOwed ? "NOT-RECORDED" : single.OrderId))
            .Label($"{kind}: {string.Join(", ", found.Select(f => $"{f.Class} {f.OrderId}"))}");
    }

    [Property(MaxTest = 25)]
    public Property Shards_of_merchants_merged_give_the_whole_reconciliation(PositiveInt seed, PositiveInt shardCount)
    {
        int n = 1 + shardCount.Get % 5;
        var ledger = Generate(seed.Get, 25);
        var payouts = PaidExactly(ledger);
        payouts.RemoveAt(0);
        payouts.Add(payouts[0] with { OrderId = "NOT-RECORDED", Reference = "X1", PaidAt = From.AddDays(1) });
        payouts.Add(payouts[1]);
        payouts = Numbered(payouts);
        var whole = Reconcile(ledger, payouts);
        var parts = Enumerable.Range(0, n).Select(i => ($"part{i}", Reconcile(ledger, payouts, $"{i}/{n}", m => Math.Abs(m.GetHashCode(StringComparison.Ordinal)) % n == i))).ToList();
        var merged = ReconciliationPart.Merge(parts, payouts, "payouts.csv");
        static string Row(Difference d) => $"{d.Class}|{d.Platform}|{d.OrderId}|{d.LineOrItem}|{d.Side}|{d.Owed}|{d.Paid}|{string.Join(",", d.PayoutReferences)}";
        return whole.Differences.Select(Row).Order().SequenceEqual(merged.Differences.Select(Row).Order()).ToProperty();
    }

    [Fact]
    public void The_merchant_side_owes_the_old_Taobao_double_liability_and_totals_are_exact_by_merchant_day_and_platform()
    {
        var ledger = Generate(7, 40);
        var platformSide = ledger.SelectMany(Obligation.Of).Where(o => o.Side == Side.Platform).ToList();
        Assert.NotEmpty(platformSide);
        Assert.All(platformSide, o => Assert.True(o.Platform == "taobao" && o.EventAt < Rules.At("2023-01-01 00:00")));
        var result = Reconcile(ledger, PaidExactly(ledger).Where(p => p.Side == Side.Buyer));
        Assert.Equal(platformSide.Count, result.Mismatches.Count(d => d.Class == DifferenceClass.OwedNotPaid && d.Side == Side.Platform));
        Assert.Equal(platformSide.Sum(o => o.Amount), -result.Mismatches.Sum(d => d.Delta));
        foreach (var by in new Func<Difference, string>[] { d => d.MerchantId, d => d.Day.ToString("O", System.Globalization.CultureInfo.InvariantCulture), d => d.Platform })
        {
            var totals = result.TotalsBy(by);
            Assert.Equal(result.Differences.Sum(d => d.Owed), totals.Values.Sum(t => t.Owed));
            Assert.Equal(result.Differences.Sum(d => d.Paid), totals.Values.Sum(t => t.Paid));
        }
    }

    [Fact]
    public void Outside_the_period_nothing_is_owed_and_an_unmatched_payout_then_is_not_reported()
    {
        var ledger = Generate(3, 10);
        var late = PaidExactly(ledger)[0] with { OrderId = "ELSEWHERE", PaidAt = To.AddDays(3), Reference = "X9" };
        var result = new Reconciler(To, To.AddDays(1));
        foreach (var o in ledger.SelectMany(Obligation.Of)) result.Add(o);
        result.Add(late);
        Assert.Empty(result.Finish().Differences);
    }

    [Fact]
    public void A_part_round_trips_through_its_JSON_with_exact_money_and_merging_refuses_a_missing_shard()
    {
        var ledger = Generate(5, 10);
        var payouts = Numbered(PaidExactly(ledger).Skip(1));
        var part = Reconcile(ledger, payouts, "0/2", _ => true);
        using var stream = new MemoryStream();
        part.Write(stream);
        stream.Position = 0;
        var back = ReconciliationPart.Read(stream, "p.json");
        Assert.Equal(part.Differences.Select(d => (d.Class, d.Owed, d.Paid, d.Day)), back.Differences.Select(d => (d.Class, d.Owed, d.Paid, d.Day)));
        Assert.Equal(payouts.Select(p => p.Line), back.Claimed);
        Assert.Equal(payouts.Count, back.Payouts);
        var e = Assert.Throws<FinanceInputException>(() => ReconciliationPart.Merge([("p.json", back)], payouts, "payouts.csv"));
        Assert.Equal(("p.json", "shard"), (e.File, e.Field));
    }

    [Fact]
    public void A_shard_keeps_the_lines_it_claimed_not_the_payouts_and_merge_refuses_another_payouts_file()
    {
        var ledger = Generate(6, 20);
        var payouts = PaidExactly(ledger);
        payouts.Add(payouts[0] with { OrderId = "NOT-RECORDED", Reference = "STRAY" });
        payouts.Add(payouts[1]);
        payouts = Numbered(payouts);
        var merchants = ledger.Select(r => r.LateShipment.MerchantId).Distinct().Order(StringComparer.Ordinal).ToList();
        var parts = Enumerable.Range(0, 2).Select(i => ($"part{i}", Reconcile(ledger, payouts, $"{i}/2", m => merchants.IndexOf(m) % 2 == i))).ToList();
        foreach (var (_, part) in parts)
        {
            using var json = new MemoryStream();
            part.Write(json);
            Assert.DoesNotContain("STRAY", System.Text.Encoding.UTF8.GetString(json.ToArray()), StringComparison.Ordinal);
            Assert.Equal([payouts[^1].Line], part.Repeated);
        }
        Assert.Equal(payouts.Count - 2, parts.Sum(p => p.Item2.Claimed.Count));
        var merged = ReconciliationPart.Merge(parts, payouts, "payouts.csv");
        Assert.Equal([(DifferenceClass.DuplicatePayout, payouts[1].Reference), (DifferenceClass.PaidNotOwed, "STRAY")], merged.Mismatches.Select(d => (d.Class, d.PayoutReferences[0])));
        var e = Assert.Throws<FinanceInputException>(() => ReconciliationPart.Merge(parts, payouts.SkipLast(1), "other.csv"));
        Assert.Equal(("other.csv", "payouts"), (e.File, e.Field));
    }

    private static List<Payout> Numbered(IEnumerable<Payout> payouts) => [.. payouts.Select((p, i) => p with { Line = i + 2 })];
}
