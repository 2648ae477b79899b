using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Penalties.ServiceDefaults;

/// <summary>
/// The services' own telemetry: decisions counted per rule set and outcome, records and their replays per store, and an activity source
/// for spans around calculations. Request count and latency come from the ASP.NET Core instrumentation.
/// </summary>
public sealed class PenaltiesMetrics : IDisposable
{
    public const string MeterName = "Penalties";
    public static readonly ActivitySource ActivitySource = new("Penalties");

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

    /// <summary>
    /// The instruments of a process's cache of merchants' histories (the Redis store): merchants read whole from Redis
    /// (not cached: the first call after start, or after an eviction; counted once read and decoded), merchants evicted for the cache's bounds, and what
    /// the cache holds now, read from <paramref name="held"/> when collected. Loads rising with evictions at a steady
    /// rate mean the bounds are smaller than the merchants in use: every such call reads a whole history again.
    /// </summary>
    public HistoryCacheInstruments HistoryCache(Func<(long Merchants, long Entries)> held)
    {
        _meter.CreateObservableUpDownCounter("penalties.history_cache.merchants", () => held().Merchants, unit: "{merchant}",
            description: "Merchants whose penalty history this process holds in memory.");
        _meter.CreateObservableUpDownCounter("penalties.history_cache.entries", () => held().Entries, unit: "{entry}",
            description: "History entries this process holds in memory.");
        return new HistoryCacheInstruments(
            _meter.CreateCounter<long>("penalties.history_cache.loads", unit: "{merchant}", description: "Merchants' histories read whole from Redis (not held: a merchant's first call after start, including merchants with no history yet, or after an eviction; or the held copy found out of date)."),
            _meter.CreateCounter<long>("penalties.history_cache.evictions", unit: "{merchant}", description: "Merchants evicted from memory for the cache's bounds."));
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>What the history cache counts: see <see cref="PenaltiesMetrics.HistoryCache"/>.</summary>
public sealed class HistoryCacheInstruments(Counter<long> loads, Counter<long> evictions)
{
    public void Loaded() => loads.Add(1);

    public void Evicted(long merchants) => evictions.Add(merchants);
}
