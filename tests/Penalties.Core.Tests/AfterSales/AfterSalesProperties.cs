using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Core.AfterSales;
using Penalties.Core.Common;
using static Penalties.Core.Tests.Rules;

namespace Penalties.Core.Tests.AfterSales;

/// <summary>Invariants of the after-sales calculator for every input, checked with FsCheck.</summary>
public class AfterSalesProperties
{
    private static readonly DateTimeOffset Epoch = At("2023-01-01 00:00");

    private static readonly Gen<decimal> Money = Gen.OneOf(
        Gen.Choose(0, 100_000).Select(f => f / 100m),
        Gen.Choose(0, int.MaxValue).Select(f => f * 3m / 100m),
        Gen.Elements(0m, 0.01m, 0.99m, 1m, 5m));

    private static readonly Gen<long> Points = Gen.OneOf(Gen.Choose(0, 100_000).Select(p => (long)p), Gen.Elements(0L, 1L, 99L, 100L, 101L));

    private static readonly Gen<ReturnedItem> Items =
        from category in Gen.Elements(Enum.GetValues<ItemCategory>())
        from opened in Gen.Elements(true, false)
        from free in Gen.Elements(true, false)
        from outbound in Money
        from back in Money
        from paid in Money
        from earned in Points
        from spentShare in Gen.Choose(0, 100)
        from benefits in Money
        select new ReturnedItem
        {
            Category = category, Opened = opened, FreeShipping = free, OutboundPostage = outbound, ReturnPostage = back, PaidAmount = paid,
            ReviewPoints = earned, ReviewPointsSpent = earned * spentShare / 100, ReviewBenefits = benefits,
        };

    private static readonly Gen<AfterSalesCase> Cases =
        from platform in Gen.Elements(Enum.GetValues<AfterSalesPlatform>())
        from kind in Gen.Elements(Enum.GetValues<RequestKind>())
        from orderedMinutes in Gen.Choose(0, 3 * 365 * 24 * 60)
        from signMinutes in Gen.Choose(0, 20 * 24 * 60)
        from dateOnly in Gen.Elements(true, false)
        from requestMinutes in Gen.Choose(0, 30 * 24 * 60)
        from succeededMinutes in Gen.Choose(-1, 30 * 24 * 60)
        from interventionMinutes in Gen.Choose(-1, 10 * 24 * 60)
        from answerMinutes in Gen.Choose(-1, 5 * 24 * 60)
        from item in Items
        let ordered = Epoch.AddMinutes(orderedMinutes)
        let signed = ordered.AddMinutes(signMinutes)
        let requested = signed.AddMinutes(requestMinutes)
        select new AfterSalesCase
        {
            Platform = platform, Kind = kind, OrderId = "P", OrderedAt = ordered,
            SignedForAt = dateOnly ? null : signed,
            SignedForDate = dateOnly ? ChinaTime.DayOf(signed) : null,
            RequestedAt = requested,
            TransactionSucceededAt = succeededMinutes < 0 ? null : signed.AddMinutes(succeededMinutes),
            InterventionRequestedAt = interventionMinutes < 0 ? null : requested.AddMinutes(interventionMinutes),
            MerchantAnsweredAt = answerMinutes < 0 ? null : requested.AddMinutes(answerMinutes),
            Item = item,
        };

    private static AfterSalesDecision Assess(AfterSalesCase c) => AfterSalesCalculator.Assess(Catalog, c);

    private static bool NotBefore(DateTimeOffset? deadline, DateTimeOffset? start) => deadline is null || (start is not null && deadline >= start);

    [Property(MaxTest = 2000)]
    public Property A_deadline_never_precedes_its_start() =>
        Prop.ForAll(Arb.From(Cases), c =>
        {
            var d = Assess(c);
            return NotBefore(d.WindowStartsAt, c.SignForStart)
                && NotBefore(d.WindowEndsAt, d.WindowStartsAt)
                && NotBefore(d.AfterSalesEndsAt, c.TransactionSucceededAt)
                && NotBefore(d.InterventionFrom, c.RequestedAt)
                && NotBefore(d.MerchantAnswerBy, c.RequestedAt)
                && NotBefore(d.AutoAgreedAt, c.RequestedAt)
                && (d.AutoAgreedAt is null || d.AutoAgreedAt == d.MerchantAnswerBy);
        });

    [Property(MaxTest = 2000)]
    public Property The_refund_never_exceeds_what_was_paid_nor_goes_below_zero() =>
        Prop.ForAll(Arb.From(Items), item =>
        {
            var r = Assess(AfterSalesTableTests.Case(AfterSalesPlatform.Jd, item: item)).Refund!;
            return r.Refund >= 0m && r.Refund <= item.PaidAmount && r.Paid == item.PaidAmount
                && r.Refund == Math.Max(0m, item.PaidAmount - r.PointsDeduction - r.BenefitsDeduction)
                && r.PointsTakenBack + item.ReviewPointsSpent == item.ReviewPoints
                && MoneyText.FitsScale(r.Refund, 2);
        });

    [Property(MaxTest = 2000)]
    public Property Postage_legs_sum_to_the_postage_paid() =>
        Prop.ForAll(Arb.From(Cases), c =>
        {
            var p = Assess(c).Postage;
            if (c.Platform is AfterSalesPlatform.Jd or AfterSalesPlatform.Pinduoduo) return p is null;
            return p is not null && p.BuyerPays >= 0m && p.MerchantPays >= 0m
                && p.BuyerPays + p.MerchantPays == c.Item.OutboundPostage + c.Item.ReturnPostage
                && (c.Item.FreeShipping || p.MerchantPays == 0m);
        });

    [Property(MaxTest = 1000)]
    public Property In_time_means_asked_no_later_than_the_window_end() =>
        Prop.ForAll(Arb.From(Cases), c =>
        {
            var d = Assess(c);
            return d.Outcome switch
            {
                AfterSalesOutcome.InTime => c.RequestedAt <= d.WindowEndsAt,
                AfterSalesOutcome.NoWindow => d.WindowEndsAt is null,
                AfterSalesOutcome.TooLate => c.RequestedAt > d.WindowEndsAt || c.RequestedAt > d.AfterSalesEndsAt,
                _ => d.ReasonCodes.Contains(AfterSalesReasons.ItemExcluded),
            };
        });
}
