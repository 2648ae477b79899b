using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance;

/// <summary>One recorded claim decided again under candidate rules: the outcome and the merchant's cost before and after.</summary>
public sealed record BacktestChange(string MerchantId, string Platform, string OrderId, string FromRule, string ToRule,
    string FromOutcome, string ToOutcome, decimal FromCost, decimal ToCost)
{
    public decimal Delta => ToCost - FromCost;
}

/// <summary>
/// Re-decides recorded claims under a candidate rule catalog (the version in force at each event, as the service would):
/// per-merchant CNY impact, the outcome transition table and the claims that change most. The cost is what the merchant
/// pays: the buyer payout plus any liability to the platform (CNY, also when the buyer is paid in points).
/// </summary>
public sealed class Backtest(RuleCatalog candidate)
{
    private readonly List<BacktestChange> _changes = [];
    private readonly Dictionary<(string From, string To), int> _transitions = [];
    private readonly Dictionary<string, decimal> _impact = new(StringComparer.Ordinal);

    public int Decided { get; private set; }

    /// <summary>How many claims change cost or outcome.</summary>
    public int Changed => _changes.Count;

    /// <summary>Claims the candidate rules cannot decide (no version in force, or the case no longer valid), with why.</summary>
    public List<(string OrderId, string Reason)> Undecided { get; } = [];

    public void Add(C.LedgerRecord record)
    {
        BacktestChange change;
        try
        {
            change = record.RecordCase switch
            {
                C.LedgerRecord.RecordOneofCase.LateShipment => LateShipment(record.LateShipment),
                C.LedgerRecord.RecordOneofCase.PriceMatch => PriceMatch(record.PriceMatch),
                _ => throw new InvalidCaseException([new FieldViolation("record", "is empty")]),
            };
        }
        catch (Exception e) when (e is RuleResolutionException or InvalidCaseException)
        {
            Undecided.Add((OrderOf(record), e.Message));
            return;
        }
        Decided++;
        var key = (change.FromOutcome, change.ToOutcome);
        _transitions[key] = _transitions.GetValueOrDefault(key) + 1;
        _impact[change.MerchantId] = _impact.GetValueOrDefault(change.MerchantId) + change.Delta;
        if (change.Delta != 0m || change.FromOutcome != change.ToOutcome) _changes.Add(change);
    }

    private BacktestChange LateShipment(C.RecordedLateShipment r)
    {
        var d = Mapping.Decision(LateShipmentCalculator.Assess(candidate, Mapping.LateShipmentCase(r.Case), explain: false), explain: false);
        return new(r.MerchantId, r.Case.Platform.ToString().ToLowerInvariant(), r.Case.OrderId, Obligation.RuleText(r.Decision.Rule), Obligation.RuleText(d.Rule),
            r.Decision.Outcome.ToString(), d.Outcome.ToString(), Obligation.MoneyOf(r.Decision.MerchantTotal), Obligation.MoneyOf(d.MerchantTotal));
    }

    private BacktestChange PriceMatch(C.RecordedPriceMatch r)
    {
        var d = Mapping.Decision(PriceMatchCalculator.Assess(candidate, Mapping.PriceMatchCase(r.Case), explain: false), explain: false);
        return new(r.MerchantId, "jd", r.Case.OrderId, Obligation.RuleText(r.Decision.Rule), Obligation.RuleText(d.Rule),
            r.Decision.Outcome.ToString(), d.Outcome.ToString(), Obligation.MoneyOf(r.Decision.Payout), Obligation.MoneyOf(d.Payout));
    }

    private static string OrderOf(C.LedgerRecord r) => r.LateShipment?.Case?.OrderId ?? r.PriceMatch?.Case?.OrderId ?? "";

    /// <summary>How many claims went from each outcome to each outcome (unchanged ones included).</summary>
    public IReadOnlyDictionary<(string From, string To), int> Transitions => _transitions;

    /// <summary>Per merchant: the candidate's cost minus the recorded cost, CNY.</summary>
    public IReadOnlyDictionary<string, decimal> Impact => _impact;

    /// <summary>The <paramref name="n"/> claims whose cost changes most (then outcome changes), largest first.</summary>
    public IEnumerable<BacktestChange> TopChanges(int n) =>
        _changes.OrderByDescending(c => Math.Abs(c.Delta)).ThenBy(c => c.MerchantId, StringComparer.Ordinal).ThenBy(c => c.OrderId, StringComparer.Ordinal).Take(n);
}
