using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;

namespace Penalties.Bench;

/// <summary>The inputs every benchmark runs on. Built once; the calculators never mutate them.</summary>
public static class Cases
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, China);

    /// <summary>
    /// Tmall, one ordinary line of 1,500.00 CNY, paid 2024-03-01 10:00, deadline +72 h = 2024-03-04 10:00,
    /// shipped 2024-03-05 09:30: late (not yet out of stock). 30% × 1,500.00 = 450.00, under the 500 cap.
    /// </summary>
    public static LateShipmentCase TmallLate(decimal amount = 1500.00m, DateTimeOffset? shippedAt = null) => new()
    {
        Platform = Platform.Tmall,
        OrderId = "T-20240301-0001",
        PaidAt = At(2024, 3, 1, 10),
        Channel = ShippingChannel.Ordinary,
        Lines = [new OrderLine { LineId = "1", Amount = amount, Quantity = 1, ShippedAt = shippedAt ?? At(2024, 3, 5, 9, 30) }],
        EvaluatedAt = At(2024, 3, 6, 12),
        RefundReason = RefundReason.NotShippedInAgreedTime,
    };

    /// <summary>
    /// JD third-party merchant enrolled since 2024-01-01, badge shown, claimed the same China day. Paid
    /// 5,899.00 cash + 10,000 JD beans (100.00) + a 300.00 coupon (not counted) = 5,999.00; the Pinduoduo
    /// 10-billion-subsidy buyer paid 5,849.00; 5 identical attributes. 2 × 150.00 = 300.00 payable.
    /// </summary>
    public static PriceMatchCase JdPayable()
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["brand"] = "Apple",
            ["name"] = "iPhone 15",
            ["model"] = "A3092",
            ["colour"] = "black",
            ["storage"] = "256GB",
        };
        return new PriceMatchCase
        {
            OrderId = "JD-88001",
            MerchantType = MerchantType.ThirdParty,
            Enrollments = [new EnrollmentPeriod(At(2024, 1, 1, 0), null)],
            ItemHasBadge = true,
            ItemAttributes = attributes,
            OrderedAt = At(2024, 6, 18, 9, 15),
            ClaimedAt = At(2024, 6, 18, 21, 40),
            Payments =
            [
                new PaymentPart { Kind = PaymentKind.Cash, Amount = 5899.00m },
                new PaymentPart { Kind = PaymentKind.JdBeans, Beans = 10_000 },
                new PaymentPart { Kind = PaymentKind.Coupon, Amount = 300.00m },
            ],
            Comparison = new ComparisonListing
            {
                Platform = ComparisonPlatform.PinduoduoTenBillionSubsidy,
                PaidAmount = 5849.00m,
                MonthlySales = 2300,
                Attributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal),
            },
        };
    }

    /// <summary>As of which instant the penalty-point standing is asked.</summary>
    public static readonly DateTimeOffset PenaltyAsOf = At(2024, 12, 31, 12);

    /// <summary>
    /// 100 Tmall history entries over 2023 and 2024 (two yearly periods, all under version 2): mixed codes,
    /// MISDESCRIBED_SEVERE often enough in each year to climb its ladder into serious points (and past the
    /// 48-point clearance threshold in 2024), 4 revoked entries and 1 duplicate case id. Supplied out of
    /// time order, so the canonical sort does real work.
    /// </summary>
    public static IReadOnlyList<Violation> TmallHistory100()
    {
        string[] codes =
        [
            "INVOICE", "FREE_SHIPPING_TITLE", "INFO_LEAK", "CLOSE_ORDER", "REFUSE_BEFORE_PAYMENT",
            "BROKEN_PROMISE", "OFFICIAL_ACTIVITY", "MISDESCRIBED_AFFECTS_USE", "MISDESCRIBED_MINOR", "MISDESCRIBED_SPOT_CHECK",
        ];
        var history = new List<Violation>(100);
        for (int i = 0; i < 99; i++)
        {
            // 2023 for the first 40, 2024 for the rest; spread over the year, in a scrambled order.
            int year = i < 40 ? 2023 : 2024;
            int k = (i * 37) % 99;
            var occurredAt = At(year, 1 + k % 12, 1 + k % 28, k % 24, k % 60);
            string code = i % 5 == 0 ? "MISDESCRIBED_SEVERE" : codes[i % codes.Length];
            history.Add(new Violation
            {
                CaseId = $"C-{i:D3}",
                Code = code,
                OccurredAt = occurredAt,
                Revoked = i is 7 or 33 or 58 or 81,
            });
        }
        // The same case supplied twice: it counts once.
        history.Add(history[42] with { });
        return history;
    }

    /// <summary>The history in time order (then by case id), the order a recorded history is stored in.</summary>
    public static IReadOnlyList<Violation> InCanonicalOrder(IReadOnlyList<Violation> history) =>
        history.OrderBy(v => v.OccurredAt.UtcTicks).ThenBy(v => v.CaseId, StringComparer.Ordinal).ThenBy(v => v.Code, StringComparer.Ordinal).ToList();
}
