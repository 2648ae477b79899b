using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using C = Penalties.Contracts.V1;

namespace Penalties.Grpc;

/// <summary>Core cases as contract messages: what a client (the CLI's --server mode) sends.</summary>
public static class ToContract
{
    public static C.LateShipmentCase Case(LateShipmentCase c)
    {
        var result = new C.LateShipmentCase
        {
            Platform = c.Platform == Platform.Tmall ? C.Platform.Tmall : C.Platform.Taobao,
            OrderId = c.OrderId ?? "",
            PaidAt = Mapping.Time(c.PaidAt),
            PlacedAt = Mapping.Time(c.PlacedAt),
            Channel = c.Channel switch
            {
                ShippingChannel.Juhuasuan => C.ShippingChannel.Juhuasuan,
                ShippingChannel.Presale => C.ShippingChannel.Presale,
                ShippingChannel.Custom => C.ShippingChannel.Custom,
                ShippingChannel.Agreed => C.ShippingChannel.Agreed,
                _ => C.ShippingChannel.Ordinary,
            },
            AgreedShipBy = Mapping.Time(c.AgreedShipBy),
            EvaluatedAt = c.EvaluatedAt == default ? null : Mapping.Time(c.EvaluatedAt),
            RefundReason = c.RefundReason switch
            {
                RefundReason.SellerOutOfStock => C.RefundReason.SellerOutOfStock,
                RefundReason.NotShippedInAgreedTime => C.RefundReason.NotShippedInAgreedTime,
                RefundReason.OrderedByMistake => C.RefundReason.OrderedByMistake,
                RefundReason.NoLongerWanted => C.RefundReason.NoLongerWanted,
                _ => C.RefundReason.Other,
            },
            MerchantAdmittedOutOfStock = c.MerchantAdmittedOutOfStock,
            MerchantRefusedToShip = c.MerchantRefusedToShip,
            MerchantDemandedHigherPrice = c.MerchantDemandedHigherPrice,
            RefusedBeforePayment = c.RefusedBeforePayment,
            BuyerAbuse = c.BuyerAbuse,
            PlatformStopShipOrder = c.PlatformStopShipOrder,
            MerchantPaidBeforeJudgment = c.MerchantPaidBeforeJudgment,
        };
        foreach (var l in c.Lines ?? [])
            result.Lines.Add(new C.OrderLine { LineId = l.LineId ?? "", Amount = Mapping.Money(l.Amount), Quantity = l.Quantity, ShippedAt = Mapping.Time(l.ShippedAt) });
        foreach (var r in c.ForceMajeureReports ?? [])
            result.ForceMajeureReports.Add(Mapping.Interval(r.From, r.To));
        return result;
    }

    public static C.PriceMatchCase Case(PriceMatchCase c)
    {
        var result = new C.PriceMatchCase
        {
            OrderId = c.OrderId ?? "",
            MerchantType = c.MerchantType switch
            {
                MerchantType.ThirdParty => C.MerchantType.ThirdParty,
                MerchantType.JdSmallShop => C.MerchantType.JdSmallShop,
                _ => C.MerchantType.JdSelfOperated,
            },
            ItemHasBadge = c.ItemHasBadge,
            ItemIsCustom = c.ItemIsCustom,
            OrderedAt = c.OrderedAt == default ? null : Mapping.Time(c.OrderedAt),
            ClaimedAt = c.ClaimedAt == default ? null : Mapping.Time(c.ClaimedAt),
        };
        foreach (var e in c.Enrollments ?? []) result.Enrollments.Add(Mapping.Interval(e.From, e.To));
        foreach (var kv in c.ItemAttributes ?? new Dictionary<string, string>()) result.ItemAttributes.Add(kv.Key, kv.Value);
        foreach (var p in c.Payments ?? [])
        {
            result.Payments.Add(new C.PaymentPart
            {
                Kind = p.Kind switch
                {
                    PaymentKind.Cash => C.PaymentKind.Cash,
                    PaymentKind.JdBeans => C.PaymentKind.JdBeans,
                    PaymentKind.ECard => C.PaymentKind.ECard,
                    PaymentKind.Balance => C.PaymentKind.Balance,
                    PaymentKind.Coupon => C.PaymentKind.Coupon,
                    _ => C.PaymentKind.PlatformPromotion,
                },
                Amount = p.Kind == PaymentKind.JdBeans && p.Amount == 0m ? null : Mapping.Money(p.Amount),
                Beans = p.Beans,
            });
        }
        if (c.Comparison is { } cmp)
        {
            result.Comparison = new C.ComparisonListing
            {
                Platform = cmp.Platform switch
                {
                    ComparisonPlatform.PinduoduoTenBillionSubsidy => C.ComparisonPlatform.PinduoduoTenBillionSubsidy,
                    ComparisonPlatform.Pinduoduo => C.ComparisonPlatform.Pinduoduo,
                    ComparisonPlatform.Tmall => C.ComparisonPlatform.Tmall,
                    ComparisonPlatform.Taobao => C.ComparisonPlatform.Taobao,
                    _ => C.ComparisonPlatform.Other,
                },
                PaidAmount = Mapping.Money(cmp.PaidAmount),
                MonthlySales = cmp.MonthlySales,
                OnSale = cmp.OnSale,
                Purchasable = cmp.Purchasable,
            };
            foreach (var kv in cmp.Attributes ?? new Dictionary<string, string>()) result.Comparison.Attributes.Add(kv.Key, kv.Value);
        }
        return result;
    }
}
