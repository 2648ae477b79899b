using Google.Protobuf.WellKnownTypes;
using Penalties.Contracts;
using Penalties.Contracts.V1;

namespace Penalties.Services.Tests;

internal static class Cases
{
    public static Timestamp At(string chinaLocal) =>
        Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(chinaLocal.Replace(' ', 'T') + "+08:00", System.Globalization.CultureInfo.InvariantCulture));

    public static Money Cny(decimal value) => Mapping.Money(value);

    public static decimal Value(Money m) => m.Units + m.Nanos / 1_000_000_000m;

    /// <summary>What the shipped rules pay for <see cref="TmallLate"/>: 30% of 1,500.00.</summary>
    public const decimal TmallLatePayout = 450.00m;

    /// <summary>The buyer payout <paramref name="client"/> answers for <see cref="TmallLate"/>.</summary>
    public static async Task<decimal> TmallLatePayoutOf(LateShipment.LateShipmentClient client, CancellationToken cancellationToken = default) =>
        Value((await client.AssessAsync(new AssessLateShipmentRequest { Case = TmallLate() }, cancellationToken: cancellationToken)).Decision.BuyerPayout);

    /// <summary>A claim about a Tmall order (id <paramref name="claimId"/>) the merchant refused to trade before payment: a 1-point referral.</summary>
    public static FileClaimRequest RefusedBeforePaymentClaim(string claimId, string merchant)
    {
        var c = TmallLate();
        c.OrderId = claimId;
        c.PlacedAt = c.PaidAt;
        c.PaidAt = null;
        c.RefusedBeforePayment = true;
        return new FileClaimRequest { ClaimId = claimId, MerchantId = merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = c };
    }

    /// <summary>Tmall, 1,500.00 paid 2024-03-01 10:00, shipped 2024-03-05 09:30: late, 450.00.</summary>
    public static LateShipmentCase TmallLate(decimal amount = 1500.00m) => new()
    {
        Platform = Platform.Tmall,
        OrderId = "T-1",
        PaidAt = At("2024-03-01 10:00"),
        Channel = ShippingChannel.Ordinary,
        Lines = { new OrderLine { LineId = "1", Amount = Cny(amount), Quantity = 1, ShippedAt = At("2024-03-05 09:30") } },
        EvaluatedAt = At("2024-03-06 12:00"),
        RefundReason = RefundReason.NotShippedInAgreedTime,
    };

    public static PriceMatchCase JdPayable() => new()
    {
        OrderId = "JD-1",
        MerchantType = MerchantType.ThirdParty,
        Enrollments = { new TimeInterval { From = At("2024-01-01 00:00") } },
        ItemHasBadge = true,
        ItemAttributes = { { "brand", "Apple" }, { "name", "iPhone 15" }, { "model", "A3092" } },
        OrderedAt = At("2024-06-18 09:15"),
        ClaimedAt = At("2024-06-18 21:40"),
        Payments = { new PaymentPart { Kind = PaymentKind.Cash, Amount = Cny(120.00m) }, new PaymentPart { Kind = PaymentKind.Coupon, Amount = Cny(10m) } },
        Comparison = new ComparisonListing
        {
            Platform = ComparisonPlatform.Tmall,
            PaidAmount = Cny(99.00m),
            MonthlySales = 150,
            OnSale = true,
            Purchasable = true,
            Attributes = { { "brand", "Apple" }, { "name", "iPhone 15" }, { "model", "A3092" } },
        },
    };

    /// <summary>A Tmall free-shipping item signed for 2024-03-03 15:30, returned 2024-03-10 15:30 (exactly 168 h): in time, postage 8.00 / 12.00.</summary>
    public static AfterSalesCase TmallReturn() => new()
    {
        Platform = AfterSalesPlatform.Tmall,
        OrderId = "T-R-1",
        Kind = RequestKind.Return,
        OrderedAt = At("2024-03-01 10:00"),
        SignedForAt = At("2024-03-03 15:30"),
        RequestedAt = At("2024-03-10 15:30"),
        Item = new ReturnedItem { FreeShipping = true, OutboundPostage = Cny(8.00m), ReturnPostage = Cny(12.00m), PaidAmount = Cny(199.00m) },
    };

    /// <summary>A JD return: 199.00 paid, 500 review points of which 250 spent (2.50 at 100 per CNY): refund 196.50.</summary>
    public static AfterSalesCase JdReturn() => new()
    {
        Platform = AfterSalesPlatform.Jd,
        OrderId = "JD-R-1",
        Kind = RequestKind.Return,
        OrderedAt = At("2024-03-01 10:00"),
        SignedForDate = "2024-03-03",
        RequestedAt = At("2024-03-08 09:00"),
        Item = new ReturnedItem { PaidAmount = Cny(199.00m), ReviewPoints = 500, ReviewPointsSpent = 250 },
    };

    public static Violation Violation(string caseId, string code, string at) => new() { CaseId = caseId, Code = code, OccurredAt = At(at) };
}
