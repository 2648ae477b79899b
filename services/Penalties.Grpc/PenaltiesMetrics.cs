using System.Diagnostics.Metrics;

namespace Penalties.Grpc;

/// <summary>
/// The services' own telemetry: decisions counted per rule set and outcome, records and their replays per store. Request count and latency come from the ASP.NET Core instrumentation.
/// </summary>
public sealed class PenaltiesMetrics : IDisposable
{
    public const string MeterName = "Penalties";

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _itemErrors;
    private readonly Counter<long> _records;

    public PenaltiesMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("penalties.decisions", unit: "{decision}", description: "Decisions made, by rule set, version and outcome.");
        _itemErrors = _meter.CreateCounter<long>("penalties.errors", unit: "{error}", description: "Requests or stream items refused, by service and status code.");
        _records = _meter.CreateCounter<long>("penalties.records", unit: "{record}",
            description: "Record calls answered, by store (penalty-history, late-shipment, price-match) and result (recorded, or replay of what was recorded).");
    }

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
