using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Rules;
using Penalties.State;
using C = Penalties.Contracts.V1;

namespace Penalties.Grpc.Services;

/// <summary>
/// What every calculator service shares: a case read from the contract and decided on the rules in force, answered as
/// the contract's decision and counted once answered.
/// </summary>
internal class Assessor<TCase, TCoreCase, TCoreDecision, TDecision>(
    RuleCatalogSource rules, PenaltiesMetrics metrics,
    Func<TCase?, TCoreCase> read, Func<RuleCatalog, TCoreCase, RulePin?, bool, TCoreDecision> decide,
    Func<TCoreDecision, bool, TDecision> answer, Func<TDecision, (C.RuleReference Rule, System.Enum Outcome)> facts)
    where TCase : class
    where TCoreCase : class
    where TDecision : IMessage<TDecision>, new()
{
    protected PenaltiesMetrics Metrics => metrics;

    /// <summary>The core's case, its violations added to <paramref name="v"/> under "case."; null when invalid.</summary>
    public TCoreCase? Read(ViolationList v, TCase? contractCase) => Mapping.Case(v, read, contractCase);

    /// <summary>Assess: the decision on a case, in the view asked for.</summary>
    public TDecision Assess(TCase? contractCase, C.DecisionView view, C.RulePin? pin)
    {
        var v = new ViolationList();
        var c = Read(v, contractCase);
        Mapping.CheckPin(pin, v);
        bool explain = Mapping.Explain(view, v);
        v.ThrowIfAny();
        var decision = Decide(c!, pin, explain);
        Count(decision);
        return decision;
    }

    protected TDecision Decide(TCoreCase c, C.RulePin? pin, bool explain) =>
        answer(Mapping.Decide(() => decide(rules.Current, c, Mapping.Pin(pin), explain)), explain);

    /// <summary>Counts a decision that was answered: assessed, or newly recorded (not a replay, not one lost to a concurrent record).</summary>
    protected void Count(TDecision decision)
    {
        var (rule, outcome) = facts(decision);
        metrics.Decision(rule.RuleSetId, rule.Version, outcome.ToString());
    }
}

/// <summary>
/// What the LateShipment and PriceMatch services add to assessing: the decision recorded once in the calculator's
/// ledger (<see cref="DecisionRecording"/>) and listed back.
/// </summary>
internal sealed class Calculator<TCase, TCoreCase, TCoreDecision, TDecision>(
    RuleCatalogSource rules, IDecisionLedger ledger, PenaltiesMetrics metrics, string ledgerName,
    Func<TCase?, TCoreCase> read, Func<RuleCatalog, TCoreCase, RulePin?, bool, TCoreDecision> decide,
    Func<TCoreDecision, bool, TDecision> answer, Func<TDecision, (C.RuleReference Rule, System.Enum Outcome)> facts)
    : Assessor<TCase, TCoreCase, TCoreDecision, TDecision>(rules, metrics, read, decide, answer, facts)
    where TCase : class
    where TCoreCase : class
    where TDecision : IMessage<TDecision>, new()
{
    /// <summary>Record: the decision on <paramref name="c"/> recorded once under <paramref name="keys"/> (a replay answers the first).</summary>
    /// <param name="grows">The request's field that makes an entry large, named when it is too large to record.</param>
    /// <param name="read">The request as the mapping reads it, recorded and compared (<see cref="DecisionRecording.RecordAsync"/>).</param>
    public async Task<Recorded<TDecision>> RecordAsync<TRequest>(TRequest request, Func<TRequest, TRequest> read, TCoreCase c, C.RulePin? pin, string merchantId, string what,
        string order, IReadOnlyList<string> keys, DateTimeOffset eventAt, string grows, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
    {
        var recorded = await DecisionRecording.RecordAsync(ledger, ledgerName, what, merchantId, order, keys, eventAt, request, read, grows,
            () => Decide(c, pin, explain: true), cancellationToken);
        if (!recorded.Replay) Count(recorded.Decision);
        Metrics.Record(ledgerName, recorded.Replay);
        return recorded;
    }

    /// <summary>ListRecorded: one page of the merchant's recorded requests and decisions, each made a <typeparamref name="TRecord"/>.</summary>
    public Task<(List<TRecord> Records, string NextPageToken)> ListAsync<TRequest, TRecord>(string merchantId, Timestamp? from, Timestamp? to,
        int pageSize, string pageToken, Func<LedgerEntry, TRequest, TDecision, TRecord> record, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new() =>
        DecisionRecording.ListAsync(ledger, ledgerName, merchantId, from, to, pageSize, pageToken, record, cancellationToken);

    /// <summary>ExportRecorded: one page of every merchant's recorded requests and decisions in the asked shard.</summary>
    public Task<(List<TRecord> Records, string NextPageToken)> ExportAsync<TRequest, TRecord>(C.ExportRecordedRequest request,
        Func<LedgerEntry, TRequest, TDecision, TRecord> record, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new() =>
        DecisionRecording.ExportAsync(ledger, ledgerName, request, record, cancellationToken);
}
