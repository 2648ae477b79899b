using Penalties.Core.Common;

namespace Penalties.Finance;

/// <summary>How a payout key came out of reconciliation.</summary>
public enum DifferenceClass
{
    Matched,
    Underpaid,
    Overpaid,
    /// <summary>A payout with no recorded decision owing it (in the period), or for a decision that owes nothing.</summary>
    PaidNotOwed,
    /// <summary>A recorded decision owes an amount and nothing was paid for it.</summary>
    OwedNotPaid,
    /// <summary>A payout that repeats another: the same reference twice, or the same amount again once the debt was paid.</summary>
    DuplicatePayout,
    /// <summary>A payout in another currency than the decision owes (e.g. CNY for a Tmall points payout).</summary>
    CurrencyMismatch,
}

/// <summary>One result of reconciliation: a key's obligation against its payouts, or one payout that does not count.</summary>
/// <param name="Delta">Paid minus owed: negative when underpaid or not paid.</param>
/// <param name="Day">The China-time day of the decision's event, or of the payment when no decision owes it.</param>
public sealed record Difference(
    DifferenceClass Class, string Platform, string OrderId, string LineOrItem, Side Side, string MerchantId, string Currency,
    decimal Owed, decimal Paid, decimal Delta, DateOnly Day, string Rule, IReadOnlyList<string> PayoutReferences);

/// <summary>
/// Matches payouts to what recorded decisions owe, key by key (platform, order, line or item, side), and classifies
/// every difference. Obligations are held in memory (one entry per key); payouts stream through.
/// </summary>
public sealed class Reconciler(DateTimeOffset from, DateTimeOffset to)
{
    private sealed class Slot(Obligation owed)
    {
        public Obligation Owed = owed;
        public List<Payout>? Payouts;
    }

    private readonly Dictionary<PayoutKey, Slot> _slots = [];
    private readonly HashSet<string> _references = new(StringComparer.Ordinal);
    private readonly List<Payout> _unmatched = [];
    private readonly List<Payout> _repeated = [];

    /// <summary>Adds what a recorded decision owes, when its event is in the period (the ledger may hold more).</summary>
    public void Add(Obligation o)
    {
        if (o.EventAt < from || o.EventAt >= to) return;
        if (!_slots.TryAdd(o.Key, new Slot(o)))
            throw new InvalidOperationException($"the ledger holds {o.Platform} order {o.OrderId} line {o.LineOrItem} twice");
    }

    /// <summary>Adds one payout: matched to its key, or kept aside as unmatched.</summary>
    public void Add(Payout p)
    {
        if (!_references.Add(p.Reference))
        {
            _repeated.Add(p);
            return;
        }
        if (_slots.TryGetValue(p.Key, out var slot)) (slot.Payouts ??= []).Add(p);
        else if (p.PaidAt >= from && p.PaidAt < to) _unmatched.Add(p);
    }

    /// <summary>
    /// Every key classified. A sharded run (a part of the merchants) cannot tell a payout for another shard's merchant from
    /// one owed by nobody: it reports its unmatched payouts for <see cref="ReconciliationPart.Merge"/> instead, and leaves
    /// the repeated references (which every shard sees alike) to it.
    /// </summary>
    public ReconciliationPart Finish(string shard = "1/1")
    {
        var differences = new List<Difference>();
        foreach (var slot in _slots.Values) Classify(slot, differences);
        if (shard != "1/1") return new ReconciliationPart(shard, from, to, differences, _unmatched, _repeated);
        differences.AddRange(_repeated.Select(p => Row(DifferenceClass.DuplicatePayout, p, null)));
        differences.AddRange(_unmatched.Select(p => Row(DifferenceClass.PaidNotOwed, p, null)));
        return new ReconciliationPart(shard, from, to, differences, [], []);
    }

    private static void Classify(Slot slot, List<Difference> into)
    {
        var o = slot.Owed;
        var payouts = slot.Payouts ?? [];
        payouts.Sort((x, y) => x.PaidAt != y.PaidAt ? x.PaidAt.CompareTo(y.PaidAt) : string.CompareOrdinal(x.Reference, y.Reference));
        var counted = new List<Payout>(payouts.Count);
        decimal paid = 0m;
        foreach (var p in payouts)
        {
            if (!string.Equals(p.Currency, o.Currency, StringComparison.Ordinal))
                into.Add(Row(DifferenceClass.CurrencyMismatch, p, o));
            // The same amount again once what is owed was paid: a payment made twice, not one in parts.
            else if (paid >= o.Amount && counted.Any(c => c.Amount == p.Amount))
                into.Add(Row(DifferenceClass.DuplicatePayout, p, o));
            else
            {
                counted.Add(p);
                paid += p.Amount;
            }
        }
        if (o.Amount == 0m && counted.Count == 0) return; // nothing owed, nothing paid: not a difference, not a match to report
        var cls = counted.Count == 0 ? DifferenceClass.OwedNotPaid
            : o.Amount == 0m ? DifferenceClass.PaidNotOwed
            : paid == o.Amount ? DifferenceClass.Matched
            : paid < o.Amount ? DifferenceClass.Underpaid
            : DifferenceClass.Overpaid;
        into.Add(new Difference(cls, o.Platform, o.OrderId, o.LineOrItem, o.Side, o.MerchantId, o.Currency, o.Amount, paid, paid - o.Amount,
            ChinaTime.DayOf(o.EventAt), o.Rule, [.. counted.Select(c => c.Reference)]));
    }

    /// <summary>A row for one payout that does not count against <paramref name="o"/> (or has no obligation).</summary>
    internal static Difference Row(DifferenceClass cls, Payout p, Obligation? o) =>
        new(cls, p.Platform, p.OrderId, p.LineOrItem, p.Side, o?.MerchantId ?? "", p.Currency, 0m, p.Amount, p.Amount,
            ChinaTime.DayOf(o?.EventAt ?? p.PaidAt), o?.Rule ?? "", [p.Reference]);
}
