using Penalties.Core.Common;

namespace Penalties.Core.AfterSales;

/// <summary>The item asked about: what it is, how it shipped, what was paid for it and what reviewing it earned.</summary>
public sealed record ReturnedItem
{
    public ItemCategory Category { get; init; }
    /// <summary>Opened or used: some categories are then excluded.</summary>
    public bool Opened { get; init; }
    /// <summary>Shipped free to the buyer (包邮).</summary>
    public bool FreeShipping { get; init; }
    /// <summary>Postage of the leg the merchant sent (to the buyer), CNY.</summary>
    public decimal OutboundPostage { get; init; }
    /// <summary>Postage of the leg the buyer sends back, CNY.</summary>
    public decimal ReturnPostage { get; init; }
    /// <summary>What the buyer paid for the item, CNY: the most a refund can be.</summary>
    public decimal PaidAmount { get; init; }
    /// <summary>Points the buyer earned by reviewing or showing the item (评价/晒单).</summary>
    public long ReviewPoints { get; init; }
    /// <summary>Of <see cref="ReviewPoints"/>, those already spent: they cannot be taken back from the account.</summary>
    public long ReviewPointsSpent { get; init; }
    /// <summary>The value of other benefits reviewing earned (相应优惠), CNY.</summary>
    public decimal ReviewBenefits { get; init; }
}

/// <summary>A buyer's return or exchange request, with the instants the after-sales rules count from.</summary>
public sealed record AfterSalesCase
{
    public required AfterSalesPlatform Platform { get; init; }
    public required string OrderId { get; init; }
    public RequestKind Kind { get; init; }
    public required DateTimeOffset OrderedAt { get; init; }
    /// <summary>The courier's sign-for instant, when known exactly.</summary>
    public DateTimeOffset? SignedForAt { get; init; }
    /// <summary>The sign-for date (China time), when only the date is known.</summary>
    public DateOnly? SignedForDate { get; init; }
    /// <summary>When the transaction succeeded (交易成功), if it has.</summary>
    public DateTimeOffset? TransactionSucceededAt { get; init; }
    /// <summary>When the buyer asked: the business event that picks the rule version.</summary>
    public required DateTimeOffset RequestedAt { get; init; }
    /// <summary>When the buyer asked the platform to step in, if it did.</summary>
    public DateTimeOffset? InterventionRequestedAt { get; init; }
    /// <summary>When the merchant answered the request, if it did.</summary>
    public DateTimeOffset? MerchantAnsweredAt { get; init; }
    public required ReturnedItem Item { get; init; }

    /// <summary>The first instant of the sign-for: the exact time, or 00:00 China time of the sign-for date.</summary>
    public DateTimeOffset? SignForStart => SignedForAt ?? (SignedForDate is { } day ? ChinaTime.StartOfDay(day) : null);

    /// <summary>Every problem with the case, including orderings of instants that cannot happen (a sign-for before the order).</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var v = new ViolationList();
        if ((uint)Platform > (uint)AfterSalesPlatform.Pinduoduo) v.Add("platform", $"unknown platform {(int)Platform}");
        if ((uint)Kind > (uint)RequestKind.Exchange) v.Add("kind", $"unknown request kind {(int)Kind}");
        v.Required("orderId", OrderId);
        if (OrderedAt == default) v.Add("orderedAt", "is required");
        if (RequestedAt == default) v.Add("requestedAt", "is required");
        if (SignedForAt is not null && SignedForDate is not null) v.Add("signedForDate", "give the sign-for time or its date, not both");
        else if (SignedForAt is null && SignedForDate is null) v.Add("signedForAt", "is required (or signedForDate when only the date is known)");
        v.NotBefore("signedForAt", SignedForAt, OrderedAt, "orderedAt");
        if (SignedForDate is { } date && OrderedAt != default && date < ChinaTime.DayOf(OrderedAt)) v.Add("signedForDate", "must not be before the day of orderedAt (China time)");
        v.NotBefore("transactionSucceededAt", TransactionSucceededAt, OrderedAt, "orderedAt");
        v.NotBefore("requestedAt", RequestedAt, OrderedAt, "orderedAt");
        v.NotBefore("requestedAt", RequestedAt, SignForStart, SignedForAt is null ? "signedForDate" : "signedForAt");
        v.NotBefore("interventionRequestedAt", InterventionRequestedAt, RequestedAt, "requestedAt");
        v.NotBefore("merchantAnsweredAt", MerchantAnsweredAt, RequestedAt, "requestedAt");
        if (Item is null) v.Add("item", "is required");
        else
        {
            if ((uint)Item.Category > (uint)ItemCategory.Virtual) v.Add("item.category", $"unknown category {(int)Item.Category}");
            v.Money("item.outboundPostage", Item.OutboundPostage);
            v.Money("item.returnPostage", Item.ReturnPostage);
            v.Money("item.paidAmount", Item.PaidAmount);
            v.Money("item.reviewBenefits", Item.ReviewBenefits);
            Points(v, "item.reviewPoints", Item.ReviewPoints);
            Points(v, "item.reviewPointsSpent", Item.ReviewPointsSpent);
            if (Item.ReviewPointsSpent > Item.ReviewPoints && Item.ReviewPoints >= 0)
                v.Add("item.reviewPointsSpent", $"must not exceed reviewPoints ({Item.ReviewPoints})");
        }
        return v.Items;
    }

    private static void Points(ViolationList v, string field, long points)
    {
        if (points < 0) v.Add(field, $"must not be negative (got {points})");
        else if (points > InputLimits.MaxPoints) v.Add(field, $"must be at most {InputLimits.MaxPoints} (got {points})");
    }
}
