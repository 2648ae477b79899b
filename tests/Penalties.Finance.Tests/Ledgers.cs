using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance.Tests;

/// <summary>Recorded decisions made by the real calculators, as ExportRecorded returns them, and the payouts that pay them exactly.</summary>
internal static class Ledgers
{
    public static readonly DateTimeOffset From = Rules.At("2022-12-01 00:00");
    public static readonly DateTimeOffset To = Rules.At("2023-02-01 00:00");

    /// <summary>
    /// Late-shipment orders of <paramref name="merchants"/> merchants around the end of Taobao's double liability
    /// (so some owe the platform too), on Tmall (points) and Taobao (money), every third one on time, plus JD claims.
    /// </summary>
    public static List<C.LedgerRecord> Generate(int seed, int orders, int merchants = 7)
    {
        var random = new Random(seed);
        var records = new List<C.LedgerRecord>();
        for (int i = 0; i < orders; i++)
        {
            var paid = From.AddMinutes(random.Next(0, 60 * 24 * 60));
            var platform = random.Next(3) == 0 ? Platform.Tmall : Platform.Taobao;
            var lines = Enumerable.Range(1, 1 + random.Next(3)).Select(l => new OrderLine
            {
                LineId = l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Amount = random.Next(100, 300_000) / 100m,
                ShippedAt = paid.AddHours(i % 3 == 0 ? 10 : 100),
            }).ToList();
            var c = new LateShipmentCase
            {
                Platform = platform, OrderId = $"O-{seed}-{i}", PaidAt = paid, Lines = lines, EvaluatedAt = paid.AddDays(10),
                RefundReason = RefundReason.NotShippedInAgreedTime,
            };
            var d = LateShipmentCalculator.Assess(Rules.Catalog, c);
            records.Add(new C.LedgerRecord
            {
                LateShipment = new C.RecordedLateShipment
                {
                    MerchantId = $"m-{random.Next(merchants)}", Case = Mapping.Case(c), Decision = Mapping.Decision(d), Rule = Mapping.Rule(d.Rule),
                    EventAt = Mapping.Time(paid), RecordedAt = Mapping.Time(paid.AddDays(11)),
                },
            });
        }
        return records;
    }

    /// <summary>Payouts exactly as owed: one per owing key, or (every fourth) the same amount paid in two parts.</summary>
    public static List<Payout> PaidExactly(IEnumerable<C.LedgerRecord> ledger)
    {
        var payouts = new List<Payout>();
        int n = 0;
        foreach (var o in ledger.SelectMany(Obligation.Of).Where(o => o.Amount > 0m))
        {
            var at = o.EventAt.AddDays(12);
            if (++n % 4 == 0 && o.Amount >= 0.02m && o.Currency == Obligation.Cny)
            {
                decimal part = decimal.Round(o.Amount / 2, 2);
                payouts.Add(Pay(o, part, at, $"P{n}a"));
                payouts.Add(Pay(o, o.Amount - part, at.AddHours(1), $"P{n}b"));
            }
            else payouts.Add(Pay(o, o.Amount, at, $"P{n}"));
        }
        return payouts;
    }

    public static Payout Pay(Obligation o, decimal amount, DateTimeOffset at, string reference) =>
        new(o.Platform, o.OrderId, o.LineOrItem, o.Side, amount, o.Currency, at, reference, 0);

    public static ReconciliationPart Reconcile(IEnumerable<C.LedgerRecord> ledger, IEnumerable<Payout> payouts, string shard = "1/1", Func<string, bool>? merchantInShard = null)
    {
        var r = new Reconciler(From, To, shard);
        foreach (var o in ledger.SelectMany(Obligation.Of).Where(o => merchantInShard?.Invoke(o.MerchantId) ?? true)) r.Add(o);
        foreach (var p in payouts) r.Add(p);
        return r.Finish();
    }
}
