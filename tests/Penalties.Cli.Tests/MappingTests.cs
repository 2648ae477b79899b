using Penalties.Contracts;
using Late = Penalties.Core.LateShipment;
using Price = Penalties.Core.PriceMatch;

namespace Penalties.Cli.Tests;

/// <summary>What the CLI sends in --server mode: every core enum value as the contract value of the same name.</summary>
public class MappingTests
{
    private static readonly DateTimeOffset At = new(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static Late.LateShipmentCase LateCase(Late.Platform platform, Late.ShippingChannel channel, Late.RefundReason reason) => new()
    {
        Platform = platform,
        OrderId = "T-1",
        Channel = channel,
        Lines = [new Late.OrderLine { LineId = "1", Amount = 1m }],
        EvaluatedAt = At,
        RefundReason = reason,
    };

    private static Price.PriceMatchCase PriceCase(Price.MerchantType merchant, Price.PaymentKind kind, Price.ComparisonPlatform platform) => new()
    {
        OrderId = "JD-1",
        MerchantType = merchant,
        ItemHasBadge = true,
        ItemAttributes = new Dictionary<string, string>(),
        OrderedAt = At,
        ClaimedAt = At,
        Payments = [new Price.PaymentPart { Kind = kind, Amount = 1m }],
        Comparison = new Price.ComparisonListing { Platform = platform, PaidAmount = 1m, MonthlySales = 1, Attributes = new Dictionary<string, string>() },
    };

    [Fact]
    public void Every_late_shipment_enum_value_is_sent_as_its_namesake()
    {
        foreach (var platform in Enum.GetValues<Late.Platform>())
            Assert.Equal(platform.ToString(), Mapping.Case(LateCase(platform, default, default)).Platform.ToString());
        foreach (var channel in Enum.GetValues<Late.ShippingChannel>())
            Assert.Equal(channel.ToString(), Mapping.Case(LateCase(default, channel, default)).Channel.ToString());
        foreach (var reason in Enum.GetValues<Late.RefundReason>())
            Assert.Equal(reason.ToString(), Mapping.Case(LateCase(default, default, reason)).RefundReason.ToString());
    }

    [Fact]
    public void Every_price_match_enum_value_is_sent_as_its_namesake()
    {
        foreach (var merchant in Enum.GetValues<Price.MerchantType>())
            Assert.Equal(merchant.ToString(), Mapping.Case(PriceCase(merchant, default, default)).MerchantType.ToString());
        foreach (var kind in Enum.GetValues<Price.PaymentKind>())
            Assert.Equal(kind.ToString(), Mapping.Case(PriceCase(default, kind, default)).Payments[0].Kind.ToString());
        foreach (var platform in Enum.GetValues<Price.ComparisonPlatform>())
            Assert.Equal(platform.ToString(), Mapping.Case(PriceCase(default, default, platform)).Comparison.Platform.ToString());
    }
}
