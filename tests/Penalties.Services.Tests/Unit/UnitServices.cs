using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Penalties.Grpc;
using Penalties.Rules;
using Penalties.Grpc.Services;
using Penalties.State;

namespace Penalties.Services.Tests.Unit;

/// <summary>The services built directly, over the shipped rules and the in-memory stores: no host, no sockets.</summary>
internal static class UnitServices
{
    public static RuleCatalogSource Rules { get; } = new(NullLogger<RuleCatalogSource>.Instance, new RulesOptions { Directory = RepoPaths.Rules }, fromRedis: false);

    public static PenaltiesMetrics Metrics { get; } = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public static LateShipmentService LateShipment(IDecisionLedger? ledger = null) => new(Rules, ledger ?? new InMemoryDecisionLedger(), Metrics, NullLogger<LateShipmentService>.Instance);

    public static PriceMatchService PriceMatch(IDecisionLedger? ledger = null) => new(Rules, ledger ?? new InMemoryDecisionLedger(), Metrics, NullLogger<PriceMatchService>.Instance);

    public static PenaltyPointsService PenaltyPoints(IPenaltyHistoryStore? store = null) => new(Rules, store ?? new InMemoryPenaltyHistoryStore(), Metrics, Microsoft.Extensions.Options.Options.Create(new PenaltyPointsOptions()), NullLogger<PenaltyPointsService>.Instance);

    public static AfterSalesService AfterSales() => new(Rules, Metrics, NullLogger<AfterSalesService>.Instance);

    public static RuleSetsService RuleSets() => new(Rules, new RuleSetPublisher(null, null), new AdminCredential(Microsoft.Extensions.Options.Options.Create(new AdminOptions()), NullLogger<AdminCredential>.Instance));
}
