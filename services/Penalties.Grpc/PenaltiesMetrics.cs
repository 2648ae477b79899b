using System.Diagnostics.Metrics;

namespace Penalties.Grpc;

/// <summary>
/// The services' own telemetry: decisions counted per rule set and outcome, records and their replays per store, claims
/// per status and the pending claims waiting for the re-driver. Request count and latency come from the ASP.NET Core instrumentation.
/// </summary>
public sealed class PenaltiesMetrics : IDisposable
{
    public const string MeterName = "Penalties";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _itemErrors;
    private readonly Counter<long> _records;
    private readonly Counter<long> _claims;
    private long _pendingClaims = -1; // unknown until a re-driver has read the pending set

    public PenaltiesMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("penalties.decisions", unit: "{decision}", description: "Decisions made, by rule set, version and outcome.");
        _itemErrors = _meter.CreateCounter<long>("penalties.errors", unit: "{error}", description: "Requests or stream items refused, by service and status code.");
        _records = _meter.CreateCounter<long>("penalties.records", unit: "{record}",
            description: "Record calls answered, by store (penalty-history, late-shipment, price-match) and result (recorded, or replay of what was recorded).");
        _claims = _meter.CreateCounter<long>("penalties.claims", unit: "{claim}",
            description: "Claims taken a step further and saved, by kind and the status saved (decided, refused, or pending: a step failed and waits for a retry).");
        _meter.CreateObservableGauge("penalties.claims.pending", ObservePending, unit: "{claim}",
            description: "Claims in the pending set as the re-driver last read it (a decided claim may stay listed until its next pass): a backlog that grows means a service a step needs is failing.");
    }

    private IEnumerable<Measurement<long>> ObservePending()
    {
        long pending = Volatile.Read(ref _pendingClaims);
        return pending < 0 ? [] : [new Measurement<long>(pending)];
    }

    /// <summary>A claim saved after a step: its kind and the status saved.</summary>
    public void Claim(string kind, string status) =>
        _claims.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("status", status));

    /// <summary>The size of the pending set, as a pass of the re-driver read it.</summary>
    public void PendingClaims(long count) => Volatile.Write(ref _pendingClaims, count);

    public void Decision(string ruleSetId, int version, string outcome) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("rule_set", ruleSetId), new KeyValuePair<string, object?>("version", version),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Error(string service, string code) =>
        _itemErrors.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("code", code));

    /// <summary>A Record call answered: <paramref name="replay"/> when it returned what was recorded before (a retry).</summary>
    public void Record(string store, bool replay) =>
        _records.Add(1, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("result", replay ? "replay" : "recorded"));

    public void Dispose() => _meter.Dispose();
}
