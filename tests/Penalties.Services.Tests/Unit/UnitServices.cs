using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Penalties.Grpc;
using Penalties.Grpc.Rules;
using Penalties.Grpc.Services;
using Penalties.Grpc.State;
using Penalties.ServiceDefaults;

namespace Penalties.Services.Tests.Unit;

/// <summary>The services built directly, over the shipped rules and the in-memory stores: no host, no sockets.</summary>
internal static class UnitServices
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Penalties:RulesDirectory"] = RepoPaths.Rules })
        .Build();

    public static RuleCatalogSource Rules { get; } = new(Configuration, NullLogger<RuleCatalogSource>.Instance, new RulesOptions());

    public static PenaltiesMetrics Metrics { get; } = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public static LateShipmentService LateShipment(IDecisionLedger? ledger = null) => new(Rules, ledger ?? new InMemoryDecisionLedger(), Metrics);

    public static PriceMatchService PriceMatch(IDecisionLedger? ledger = null) => new(Rules, ledger ?? new InMemoryDecisionLedger(), Metrics);

    public static PenaltyPointsService PenaltyPoints(IPenaltyHistoryStore? store = null) => new(Rules, store ?? new InMemoryPenaltyHistoryStore(), Metrics);

    public static RuleSetsService RuleSets() => new(Rules, new RuleSetPublisher(null, null), new AdminCredential(Configuration));
}
