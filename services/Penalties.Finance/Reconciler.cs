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

/// <summary>
/// One result of reconciliation: a key's obligation against its payouts, or one payout that does not count. Matched
/// keys are summed instead (<paramref name="Keys"/> of them per platform, side, merchant, currency, day and rule, with
/// no order, line or references): a run matches millions of keys, and what is read of them is their totals.
/// </summary>
/// <param name="Delta">Paid minus owed: negative when underpaid or not paid.</param>
/// <param name="Day">The China-time day of the decision's event, or of the payment when no decision owes it.</param>
/// <param name="Keys">How many keys the row stands for: 1, or the count of a matched sum.</param>
public sealed record Difference(
    DifferenceClass Class, string Platform, string OrderId, string LineOrItem, Side Side, string MerchantId, string Currency,
    decimal Owed, decimal Paid, decimal Delta, DateOnly Day, string Rule, IReadOnlyList<string> PayoutReferences, int Keys = 1);

/// <summary>
/// Matches payouts to what recorded decisions owe, key by key (platform, order, line or item, side), and classifies
/// every difference. Obligations are held in memory, compactly (one small entry per key); payouts stream through.
/// A shard (<paramref name="shard"/> "i/N") keeps only the line numbers of the payouts it claims or sees repeated.
/// </summary>
public sealed class Reconciler(DateTimeOffset from, DateTimeOffset to, string shard = "1/1")
{
    /// <summary>A payout as a key keeps it: the key's own fields are not repeated.</summary>
    private readonly record struct Paid(decimal Amount, string Currency, long PaidAtUtcTicks, string Reference)
    {
        public DateTimeOffset PaidAt => new(PaidAtUtcTicks, TimeSpan.Zero);
    }

    /// <summary>What one key owes and what was paid for it (most keys are paid once: the first payout is kept inline).</summary>
    private sealed class Slot(PayoutKey key, Obligation? o)
    {
        public PayoutKey Key = key;
        public readonly string MerchantId = o?.MerchantId ?? "";
        public readonly string Currency = o?.Currency ?? "";
        public readonly string Rule = o?.Rule ?? "";
        public readonly decimal Owed = o?.Amount ?? 0m;
        public readonly DateOnly Day = ChinaTime.DayOf(o?.EventAt ?? default);
        public Paid First;
        public List<Paid>? More;
        public int Count;

        public void Add(Paid paid)
        {
            if (Count++ == 0) First = paid;
            else (More ??= []).Add(paid);
        }
    }

    /// <summary>
    /// Slots compared by their key. A set of slots rather than a dictionary from key to slot: its entry array, which is
    /// what doubles (old and new alive at once) as the keys come in, holds a reference where a dictionary holds the key
    /// too, and on the million-key run that peak decides the memory floor (bench/RESULTS.md, Reconcile).
    /// </summary>
    private sealed class ByKey : IEqualityComparer<Slot>
    {
        public bool Equals(Slot? x, Slot? y) => x!.Key == y!.Key;

        public int GetHashCode(Slot obj) => obj.Key.GetHashCode();
    }

    private readonly HashSet<Slot> _slots = new(new ByKey());
    private readonly Slot _probe = new(default, null);
    private readonly HashSet<string> _references = new(StringComparer.Ordinal);
    private readonly bool _sharded = shard != "1/1";
    private readonly List<Payout> _unmatched = [];
    private readonly List<Payout> _repeated = [];
    private readonly List<long> _claimedLines = [];
    private readonly List<long> _repeatedLines = [];
    private long _payouts;

    /// <summary>Adds what a recorded decision owes, when its event is in the period (the ledger may hold more).</summary>
    public void Add(Obligation o)
    {
        if (o.EventAt < from || o.EventAt >= to) return;
        if (!_slots.Add(new Slot(o.Key, o)))
            throw new InvalidOperationException($"the ledger holds {o.Platform} order {o.OrderId} line {o.LineOrItem} twice");
    }

    /// <summary>Adds one payout: matched to its key, or kept aside as unmatched (a shard keeps only the line of what it matched).</summary>
    public void Add(Payout p)
    {
        _payouts++;
        if (!_references.Add(p.Reference))
        {
            if (_sharded) _repeatedLines.Add(p.Line);
            else _repeated.Add(p);
            return;
        }
        _probe.Key = p.Key; // a set is searched with an element: this one, keyed, stands for the payout's slot
        // The known currencies are interned literals: a key keeps a reference to one, not its own copy.
        if (_slots.TryGetValue(_probe, out var slot))
        {
            slot.Add(new Paid(p.Amount, string.IsInterned(p.Currency) ?? p.Currency, p.PaidAt.UtcTicks, p.Reference));
            if (_sharded) _claimedLines.Add(p.Line);
        }
        else if (!_sharded && p.PaidAt >= from && p.PaidAt < to) _unmatched.Add(p);
    }

    /// <summary>
    /// Every key classified. A sharded run (a part of the merchants) cannot tell a payout for another shard's merchant from
    /// one owed by nobody: it reports the lines it claimed for <see cref="ReconciliationPart.Merge"/> instead, and leaves
    /// the repeated references (which every shard sees alike) to it.
    /// </summary>
    public ReconciliationPart Finish()
    {
        var differences = new List<Difference>();
        var matched = new Dictionary<(string, Side, string, string, DateOnly, string), (int Keys, decimal Owed, decimal Paid)>();
        foreach (var slot in _slots)
        {
            if (Classify(slot.Key, slot, differences) is not { } paid) continue;
            var group = (slot.Key.Platform, slot.Key.Side, slot.MerchantId, slot.Currency, slot.Day, slot.Rule);
            var sum = matched.GetValueOrDefault(group);
            matched[group] = (sum.Keys + 1, sum.Owed + slot.Owed, sum.Paid + paid);
        }
        foreach (var ((platform, side, merchant, currency, day, rule), sum) in matched)
            differences.Add(new Difference(DifferenceClass.Matched, platform, "", "", side, merchant, currency, sum.Owed, sum.Paid, sum.Paid - sum.Owed, day, rule, [], sum.Keys));
        if (_sharded) return new ReconciliationPart(shard, from, to, differences) { Claimed = _claimedLines, Repeated = _repeatedLines, Payouts = _payouts };
        differences.AddRange(_repeated.Select(p => Row(DifferenceClass.DuplicatePayout, p)));
        differences.AddRange(_unmatched.Select(p => Row(DifferenceClass.PaidNotOwed, p)));
        return new ReconciliationPart(shard, from, to, differences);
    }

    /// <summary>Adds the rows of one key to <paramref name="into"/>; a matched key adds none and gives what was paid, to be summed.</summary>
    private static decimal? Classify(PayoutKey key, Slot slot, List<Difference> into)
    {
        var payouts = new List<Paid>(slot.Count);
        if (slot.Count > 0) payouts.Add(slot.First);
        if (slot.More is { } more) payouts.AddRange(more);
        payouts.Sort((x, y) => x.PaidAtUtcTicks != y.PaidAtUtcTicks ? x.PaidAtUtcTicks.CompareTo(y.PaidAtUtcTicks) : string.CompareOrdinal(x.Reference, y.Reference));
        var counted = new List<Paid>(payouts.Count);
        decimal paid = 0m;
        foreach (var p in payouts)
        {
            if (!string.Equals(p.Currency, slot.Currency, StringComparison.Ordinal))
                into.Add(Row(DifferenceClass.CurrencyMismatch, key, p, slot));
            // The same amount again once what is owed was paid: a payment made twice, not one in parts.
            else if (paid >= slot.Owed && counted.Any(c => c.Amount == p.Amount))
                into.Add(Row(DifferenceClass.DuplicatePayout, key, p, slot));
            else
            {
                counted.Add(p);
                paid += p.Amount;
            }
        }
        if (slot.Owed == 0m && counted.Count == 0) return null; // nothing owed, nothing paid: not a difference, not a match to report
        var cls = counted.Count == 0 ? DifferenceClass.OwedNotPaid
            : slot.Owed == 0m ? DifferenceClass.PaidNotOwed
            : paid == slot.Owed ? DifferenceClass.Matched
            : paid < slot.Owed ? DifferenceClass.Underpaid
            : DifferenceClass.Overpaid;
        if (cls == DifferenceClass.Matched) return paid;
        into.Add(new Difference(cls, key.Platform, key.OrderId, key.LineOrItem, key.Side, slot.MerchantId, slot.Currency, slot.Owed, paid, paid - slot.Owed,
            slot.Day, slot.Rule, [.. counted.Select(c => c.Reference)]));
        return null;
    }

    private static Difference Row(DifferenceClass cls, PayoutKey key, Paid p, Slot slot) =>
        new(cls, key.Platform, key.OrderId, key.LineOrItem, key.Side, slot.MerchantId, p.Currency, 0m, p.Amount, p.Amount, slot.Day, slot.Rule, [p.Reference]);

    /// <summary>A row for one payout that no obligation claims: its day is the payment's.</summary>
    internal static Difference Row(DifferenceClass cls, Payout p) =>
        new(cls, p.Platform, p.OrderId, p.LineOrItem, p.Side, "", p.Currency, 0m, p.Amount, p.Amount, ChinaTime.DayOf(p.PaidAt), "", [p.Reference]);
}
