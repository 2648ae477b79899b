using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Penalties.ServiceDefaults;

/// <summary>
/// The services' own telemetry: decisions counted per rule set and outcome, and an activity source
/// for spans around calculations. Request count and latency come from the ASP.NET Core instrumentation.
/// </summary>
public sealed class PenaltiesMetrics : IDisposable
{
    public const string MeterName = "Penalties";
    public static readonly ActivitySource ActivitySource = new("Penalties");

    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _itemErrors;

    public PenaltiesMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _decisions = _meter.CreateCounter<long>("penalties.decisions", unit: "{decision}", description: "Decisions made, by rule set, version and outcome.");
        _itemErrors = _meter.CreateCounter<long>("penalties.errors", unit: "{error}", description: "Requests or stream items refused, by service and status code.");
    }

    public void Decision(string ruleSetId, int version, string outcome) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("rule_set", ruleSetId), new KeyValuePair<string, object?>("version", version),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Error(string service, string code) =>
        _itemErrors.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("code", code));

    public void Dispose() => _meter.Dispose();
}
