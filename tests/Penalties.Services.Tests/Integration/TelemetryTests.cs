using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>The services' own metrics: decisions counted per rule set, version and outcome; errors per code.</summary>
public class TelemetryTests
{
    [Fact]
    public async Task Per_request_hosting_logs_and_their_scope_are_off_by_default_and_come_back_when_configured_while_the_services_errors_are_logged()
    {
        static (bool Hosting, bool Errors) Enabled(ServiceHost host)
        {
            var factory = host.App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
            // ASP.NET Core opens a scope and an Activity per request while this category is enabled at any level.
            return (factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Critical),
                Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<ErrorInterceptor>(factory).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Error));
        }

        await using (var host = await ServiceHost.StartAsync(PenaltiesServices.LateShipment))
            Assert.Equal((false, true), Enabled(host));
        await using (var host = await ServiceHost.StartAsync(PenaltiesServices.LateShipment, "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information"))
            Assert.Equal((true, true), Enabled(host));
    }

    [Fact]
    public async Task Decisions_and_errors_are_counted_with_their_rule_set_outcome_and_code()
    {
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.All);
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentBag<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's meters: other tests run hosts in parallel.
            if (instrument.Meter.Name == "Penalties" && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        var client = new LateShipment.LateShipmentClient(host.Channel);
        await client.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() });
        await client.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() });
        var bad = TmallLate();
        bad.OrderId = "";
        await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => client.AssessAsync(new AssessLateShipmentRequest { Case = bad }).ResponseAsync);

        var decisions = seen.Where(m => m.Instrument == "penalties.decisions").ToList();
        Assert.Equal(2, decisions.Count);
        Assert.All(decisions, d =>
        {
            Assert.Equal("tmall.late-shipment", d.Tags["rule_set"]);
            Assert.Equal(1, d.Tags["version"]);
            Assert.Equal("Compensable", d.Tags["outcome"]);
        });
        var error = Assert.Single(seen, m => m.Instrument == "penalties.errors");
        Assert.Equal("InvalidArgument", error.Tags["code"]);

        // Records and their replays, per store: a penalty recorded and sent again twice, a late-shipment claim recorded once.
        var points = new PenaltyPoints.PenaltyPointsClient(host.Channel);
        var record = new RecordPenaltyRequest
        {
            MerchantId = "telemetry", RuleSetId = "tmall.penalty-points",
            Violation = new Violation { CaseId = "c1", Code = "MISDESCRIBED_SEVERE", OccurredAt = At("2024-01-01 00:00") },
        };
        for (int i = 0; i < 3; i++) await points.RecordAsync(record);
        var claim = new RecordLateShipmentRequest { MerchantId = "telemetry", Case = TmallLate() };
        await client.RecordAsync(claim);
        var records = seen.Where(m => m.Instrument == "penalties.records").Select(m => $"{m.Tags["store"]} {m.Tags["result"]}").Order(StringComparer.Ordinal);
        Assert.Equal(["late-shipment recorded", "penalty-history recorded", "penalty-history replay", "penalty-history replay"], records);
    }
}
