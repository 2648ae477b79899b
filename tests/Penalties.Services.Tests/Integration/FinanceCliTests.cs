using System.Globalization;
using Penalties.Contracts.V1;
using Penalties.Finance;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>
/// Finance through a real loopback host: claims recorded through LateShipment.Record, `penalties ledger export` to a
/// file, and `penalties reconcile` of that file (and of the service itself) against a payouts file.
/// </summary>
public sealed class FinanceCliTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>, IDisposable
{
    private const string From = "2026-01-05T00:00:00+08:00";
    private const string To = "2026-01-06T00:00:00+08:00";

    private readonly string _dir = Directory.CreateTempSubdirectory("penalties-finance-it-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Three late orders of two merchants on 2026-01-05 (Tmall and Taobao, one with two lines), recorded once per test class run.</summary>
    private async Task RecordClaims()
    {
        var client = new LateShipment.LateShipmentClient(fixture.Host.Channel);
        for (int i = 0; i < 3; i++)
        {
            var c = TmallLate(1000m + i * 100m);
            c.OrderId = $"FIN-{i}";
            c.Platform = i == 1 ? Platform.Taobao : Platform.Tmall;
            c.PaidAt = At($"2026-01-05 {i + 8:D2}:00");
            c.Lines[0].ShippedAt = At("2026-01-09 09:30");
            if (i == 2) c.Lines.Add(new OrderLine { LineId = "2", Amount = Cny(300m), Quantity = 1, ShippedAt = At("2026-01-09 10:00") });
            c.EvaluatedAt = At("2026-01-10 12:00");
            await client.RecordAsync(new RecordLateShipmentRequest { MerchantId = $"fin-m-{i % 2}", Case = c });
        }
    }

    /// <summary>Payouts exactly as the exported ledger owes, each a day after its decision.</summary>
    private string PayAsOwed(string ledger, Func<List<Payout>, List<Payout>>? change = null)
    {
        List<Payout> payouts;
        using (var reader = new StreamReader(ledger))
        {
            payouts = LedgerFiles.ReadJsonl(reader, ledger).SelectMany(Obligation.Of).Where(o => o.Amount > 0m)
                .Select((o, i) => new Payout(o.Platform, o.OrderId, o.LineOrItem, o.Side, o.Amount, o.Currency, o.EventAt.AddHours(2), $"PAY-{i}", 0)).ToList();
        }
        using var writer = new StreamWriter(PathOf("payouts.csv"));
        PayoutsCsv.Write(writer, change?.Invoke(payouts) ?? payouts);
        return PathOf("payouts.csv");
    }

    private static Task<(int Code, string Out, string Err)> Reconcile(string ledger, string payouts, params string[] more) =>
        CliRunner.RunAsync("", ["reconcile", "--ledger", ledger, "--payouts", payouts, "--from", From, "--to", To, "--rules", RepoPaths.Rules, .. more]);

    [Fact]
    public async Task An_exported_ledger_reconciles_against_its_payouts_and_a_missing_or_bad_payout_is_found()
    {
        await RecordClaims();
        string ledger = PathOf("ledger.jsonl");
        var export = await CliRunner.RunAsync("", "ledger", "export", "--server", fixture.Host.Address, "--from", From, "--to", To, "--out", ledger);
        Assert.True(export.Code == 0, export.Err);
        Assert.Equal(3, (await File.ReadAllLinesAsync(ledger)).Length);
        Assert.Contains("3 recorded decisions exported", export.Err, StringComparison.Ordinal);

        var payouts = PayAsOwed(ledger);
        var matched = await Reconcile(ledger, payouts);
        Assert.True(matched.Code == 0, matched.Out + matched.Err);
        Assert.Contains("replay: 3 decisions recomputed, 0 drifted", matched.Out, StringComparison.Ordinal);
        var fromService = await Reconcile(fixture.Host.Address, payouts);         // the same, read from the service
        Assert.True(fromService.Code == 0, fromService.Out + fromService.Err);
        Assert.Equal(matched.Out, fromService.Out);

        Payout? dropped = null;
        payouts = PayAsOwed(ledger, all => { dropped = all[1]; all.RemoveAt(1); return all; });
        var missing = await Reconcile(ledger, payouts, "--out", PathOf("differences.csv"));
        Assert.True(missing.Code == 4, missing.Out + missing.Err);
        var rows = await File.ReadAllLinesAsync(PathOf("differences.csv"));
        Assert.Equal(2, rows.Length);
        Assert.StartsWith($"owed-not-paid,{dropped!.Platform},", rows[1], StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $",{dropped.OrderId},{dropped.LineOrItem},buyer,{dropped.Currency},{dropped.Amount},0,"), rows[1], StringComparison.Ordinal);

        payouts = PayAsOwed(ledger);
        var lines = await File.ReadAllLinesAsync(payouts);
        lines[2] = lines[2].Replace(",PAY-1,", ",,", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(payouts, lines);
        var bad = await Reconcile(ledger, payouts);
        Assert.Equal((2, $"{payouts}:3: payout_reference: is required"), (bad.Code, bad.Err.Trim()));
    }
}
