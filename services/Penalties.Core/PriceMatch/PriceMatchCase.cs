using Penalties.Core.Common;

namespace Penalties.Core.PriceMatch;

/// <summary>One part of the buyer's payment. JD beans are given as a bean count, everything else as CNY.</summary>
public sealed record PaymentPart
{
    public required PaymentKind Kind { get; init; }
    /// <summary>CNY amount; not used for <see cref="PaymentKind.JdBeans"/>.</summary>
    public decimal Amount { get; init; }
    /// <summary>Number of JD beans, for <see cref="PaymentKind.JdBeans"/>.</summary>
    public long Beans { get; init; }
}

/// <summary>A period during which the merchant was enrolled in the price-match service (signed with a big promotion).</summary>
public sealed record EnrollmentPeriod(DateTimeOffset From, DateTimeOffset? To);

/// <summary>The listing on the other platform the buyer compares with.</summary>
public sealed record ComparisonListing
{
    public required ComparisonPlatform Platform { get; init; }
    /// <summary>What a buyer actually paid there for the same item, CNY.</summary>
    public required decimal PaidAmount { get; init; }
    public required int MonthlySales { get; init; }
    public bool OnSale { get; init; } = true;
    public bool Purchasable { get; init; } = true;
    /// <summary>Brand, name, model and every variant attribute of the listing (colour, capacity, …).</summary>
    public required IReadOnlyDictionary<string, string> Attributes { get; init; }
}

/// <summary>A buyer's "买贵双倍赔" claim on a JD order.</summary>
public sealed record PriceMatchCase
{
    public required string OrderId { get; init; }
    public required MerchantType MerchantType { get; init; }
    /// <summary>When the merchant was enrolled; orders placed before it left are still owed.</summary>
    public IReadOnlyList<EnrollmentPeriod> Enrollments { get; init; } = [];
    /// <summary>The item carried the price-match badge when ordered.</summary>
    public required bool ItemHasBadge { get; init; }
    /// <summary>Custom-made goods (定制商品).</summary>
    public bool ItemIsCustom { get; init; }
    /// <summary>Brand, name, model and every variant attribute of the JD item.</summary>
    public required IReadOnlyDictionary<string, string> ItemAttributes { get; init; }
    /// <summary>When the order was placed: the business event that picks the rule version.</summary>
    public required DateTimeOffset OrderedAt { get; init; }
    /// <summary>When the buyer made the claim with valid evidence.</summary>
    public required DateTimeOffset ClaimedAt { get; init; }
    public required IReadOnlyList<PaymentPart> Payments { get; init; }
    public required ComparisonListing Comparison { get; init; }

    /// <summary>Every problem with the case, including a claim before the order and an enrollment ending before it starts.</summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var v = new ViolationList();
        v.Required("orderId", OrderId);
        if ((uint)MerchantType > (uint)MerchantType.JdSelfOperated) v.Add("merchantType", $"unknown merchant type {(int)MerchantType}");
        if (OrderedAt == default) v.Add("orderedAt", "is required");
        if (ClaimedAt == default) v.Add("claimedAt", "is required");
        v.NotBefore("claimedAt", ClaimedAt, OrderedAt, "orderedAt");
        Attributes(v, "itemAttributes", ItemAttributes);
        if (Payments is null || Payments.Count == 0) v.Add("payments", "must list at least one payment part");
        else if (v.AtMost("payments", Payments, InputLimits.MaxPaymentParts))
        {
            for (int i = 0; i < Payments.Count; i++)
            {
                var part = Payments[i];
                if (part is null) { v.Add($"payments[{i}]", "is null"); continue; }
                if ((uint)part.Kind > (uint)PaymentKind.PlatformPromotion) v.Add($"payments[{i}].kind", $"unknown payment kind {(int)part.Kind}");
                if (part.Kind == PaymentKind.JdBeans)
                {
                    if (part.Beans < 0) v.Add($"payments[{i}].beans", $"must not be negative (got {part.Beans})");
                    else if (part.Beans > InputLimits.MaxJdBeans) v.Add($"payments[{i}].beans", $"must be at most {InputLimits.MaxJdBeans} (got {part.Beans})");
                    if (part.Amount != 0) v.Add($"payments[{i}].amount", "JD beans are given as a bean count in 'beans', not as an amount");
                }
                else
                {
                    if (ViolationList.MoneyProblem(part.Amount) is { } problem) v.Add($"payments[{i}].amount", problem);
                    if (part.Beans != 0) v.Add($"payments[{i}].beans", $"only JD beans carry a bean count (this part is {part.Kind})");
                }
            }
        }
        if (Enrollments is not null && v.AtMost("enrollments", Enrollments, InputLimits.MaxEnrollments))
        {
            for (int i = 0; i < Enrollments.Count; i++)
            {
                if (Enrollments[i] is { } e && ViolationList.IsBefore(e.To, e.From)) v.Add($"enrollments[{i}].to", "must not be before from");
            }
        }
        if (Comparison is null) v.Add("comparison", "is required");
        else
        {
            if ((uint)Comparison.Platform > (uint)ComparisonPlatform.Other) v.Add("comparison.platform", $"unknown platform {(int)Comparison.Platform}");
            v.Money("comparison.paidAmount", Comparison.PaidAmount);
            if (Comparison.MonthlySales < 0) v.Add("comparison.monthlySales", $"must not be negative (got {Comparison.MonthlySales})");
            Attributes(v, "comparison.attributes", Comparison.Attributes);
        }
        return v.Items;
    }

    private static void Attributes(ViolationList v, string field, IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null) { v.Add(field, "is required"); return; }
        if (!v.AtMost(field, attributes, InputLimits.MaxAttributes)) return;
        // In ordinal order, as the calculator lists them: the map's order on the wire is unspecified.
        foreach (var name in PriceMatchCalculator.InOrdinalOrder(attributes))
        {
            var value = attributes[name];
            if (name.Length > InputLimits.MaxAttributeLength || value?.Length > InputLimits.MaxAttributeLength)
                v.Add(field, $"'{name[..Math.Min(name.Length, 32)]}': name and value must be at most {InputLimits.MaxAttributeLength} characters");
        }
    }
}
