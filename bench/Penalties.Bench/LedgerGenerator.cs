using System.Globalization;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Finance;
using C = Penalties.Contracts.V1;

namespace Penalties.Bench;

/// <summary>
/// Writes a ledger export (JSONL of LedgerRecord, decided by the real calculator with the bundled rules) of N late
/// orders of 1,000 merchants over the China day 2024-03-01, and a payouts CSV of N rows paying them: every 10,000th
/// owed line unpaid and a payout owed by nobody in its place, so reconcile finds differences (exit 4) and no drift.
/// </summary>
public static class LedgerGenerator
{
    public static readonly DateTimeOffset Day = new(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));

    public static void Write(int n, string ledgerFile, string payoutsFile)
    {
        var catalog = RepoPaths.LoadCatalog();
        using var ledger = new StreamWriter(ledgerFile);
        using var payouts = new StreamWriter(payoutsFile);
        PayoutsCsv.Write(payouts, Payouts(n, catalog, ledger));
    }

    private static IEnumerable<Payout> Payouts(int n, Core.Rules.RuleCatalog catalog, StreamWriter ledger)
    {
        for (int i = 0; i < n; i++)
        {
            var paid = Day.AddMilliseconds(i * (86_400_000.0 / n));
            var c = new LateShipmentCase
            {
                Platform = i % 3 == 0 ? Platform.Taobao : Platform.Tmall, OrderId = $"O-{i}", PaidAt = paid, EvaluatedAt = paid.AddDays(10),
                RefundReason = RefundReason.NotShippedInAgreedTime,
                Lines = [new OrderLine { LineId = "1", Amount = 10m + (i * 37) % 4990 + i % 100 / 100m, ShippedAt = paid.AddHours(100) }],
            };
            var d = LateShipmentCalculator.Assess(catalog, c, explain: false);
            var record = new C.LedgerRecord
            {
                LateShipment = new C.RecordedLateShipment
                {
                    MerchantId = $"M-{i % 1000}", Case = Mapping.Case(c), Decision = Mapping.Decision(d, explain: false), Rule = Mapping.Rule(d.Rule),
                    EventAt = Mapping.Time(paid), RecordedAt = Mapping.Time(paid.AddDays(11)),
                },
            };
            LedgerFiles.WriteJsonl(ledger, record);
            foreach (var o in Obligation.Of(record).Where(o => o.Amount > 0m))
            {
                string reference = string.Create(CultureInfo.InvariantCulture, $"P-{i}-{(o.Side == Side.Buyer ? 'b' : 'p')}");
                // The injected payout is paid at its own event: an hour later would fall after --to for the day's last
                // orders, and reconcile rightly ignores an unmatched payout outside the period.
                yield return i % 10_000 == 0
                    ? new Payout(o.Platform, "NOBODY-" + o.OrderId, o.LineOrItem, o.Side, o.Amount, o.Currency, o.EventAt, reference, 0)
                    : new Payout(o.Platform, o.OrderId, o.LineOrItem, o.Side, o.Amount, o.Currency, o.EventAt.AddHours(1), reference, 0);
            }
        }
    }
}
