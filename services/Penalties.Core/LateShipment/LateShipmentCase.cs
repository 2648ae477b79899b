using Penalties.Core.Common;

namespace Penalties.Core.LateShipment;

/// <summary>How the ship-by deadline of an order is set.</summary>
public enum ShippingChannel
{
    /// <summary>Ordinary item: paid-at plus the rule's ordinary period (Tmall 72 h, Taobao 48 h).</summary>
    Ordinary,
    /// <summary>Juhuasuan group-buy (聚划算): paid-at plus the rule's Juhuasuan period.</summary>
    Juhuasuan,
    /// <summary>Presale (预售): the agreed ship-by time in the listing.</summary>
    Presale,
    /// <summary>Custom-made (定制): the agreed ship-by time.</summary>
    Custom,
    /// <summary>Any other agreed ship-by time.</summary>
    Agreed,
}

/// <summary>One line of an order: its actual transaction amount for the whole quantity, and when the courier recorded it as shipped.</summary>
public sealed record OrderLine
{
    public required string LineId { get; init; }
    /// <summary>The line's actual transaction amount (该商品实际成交金额), CNY, for the whole quantity.</summary>
    public required decimal Amount { get; init; }
    public int Quantity { get; init; } = 1;
    /// <summary>The time recorded in the courier's system; null if not shipped.</summary>
    public DateTimeOffset? ShippedAt { get; init; }
}

/// <summary>A reported (报备) force-majeure period, half-open [From, To): To is the first instant after it, null when open-ended.</summary>
public sealed record ReportedPeriod(DateTimeOffset From, DateTimeOffset? To);

/// <summary>A late-shipment / out-of-stock claim on one order.</summary>
public sealed record LateShipmentCase
{
    public required Platform Platform { get; init; }
    public required string OrderId { get; init; }
    /// <summary>When the buyer paid: the business event that picks the rule version. Null only when the merchant refused before payment.</summary>
    public DateTimeOffset? PaidAt { get; init; }
    /// <summary>When the order was placed; picks the rule version when there is no payment.</summary>
    public DateTimeOffset? PlacedAt { get; init; }
    public ShippingChannel Channel { get; init; } = ShippingChannel.Ordinary;
    /// <summary>The ship-by time agreed in the listing, for presale, custom and other agreed channels.</summary>
    public DateTimeOffset? AgreedShipBy { get; init; }
    public required IReadOnlyList<OrderLine> Lines { get; init; }
    /// <summary>The instant the case is judged at ("now" for an unshipped line). Supplied by the caller: the core has no clock.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }
    public required RefundReason RefundReason { get; init; }
    public bool MerchantAdmittedOutOfStock { get; init; }
    public bool MerchantRefusedToShip { get; init; }
    public bool MerchantDemandedHigherPrice { get; init; }
    /// <summary>The merchant refused to trade or ship before the buyer paid.</summary>
    public bool RefusedBeforePayment { get; init; }
    public bool BuyerAbuse { get; init; }
    public bool PlatformStopShipOrder { get; init; }
    public IReadOnlyList<ReportedPeriod> ForceMajeureReports { get; init; } = [];
    /// <summary>The merchant paid the compensation on its own before the platform judged the complaint valid.</summary>
    public bool MerchantPaidBeforeJudgment { get; init; }

    /// <summary>The instant that picks the rule version: payment time, or order time when never paid.</summary>
    public DateTimeOffset EventTime => PaidAt ?? PlacedAt ?? default;

    /// <summary>
    /// Every problem with the case, including orderings of instants that cannot happen: payment before the order was
    /// placed, a shipment before the payment, an evaluation before the payment (or the order, never paid), a reported
    /// period ending before it starts.
    /// </summary>
    public IReadOnlyList<FieldViolation> Validate()
    {
        var v = new ViolationList();
        if ((uint)Platform > (uint)Platform.Taobao) v.Add("platform", $"unknown platform {(int)Platform}");
        if ((uint)Channel > (uint)ShippingChannel.Agreed) v.Add("channel", $"unknown channel {(int)Channel}");
        if ((uint)RefundReason > (uint)RefundReason.Other) v.Add("refundReason", $"unknown refund reason {(int)RefundReason}");
        v.Required("orderId", OrderId);
        if (PaidAt is null && !RefusedBeforePayment) v.Add("paidAt", "is required unless the merchant refused before payment");
        if (PaidAt is null && PlacedAt is null && RefusedBeforePayment) v.Add("placedAt", "is required when there is no payment time");
        v.NotBefore("paidAt", PaidAt, PlacedAt, "placedAt");
        if (EvaluatedAt == default) v.Add("evaluatedAt", "is required");
        else if (PaidAt is not null) v.NotBefore("evaluatedAt", EvaluatedAt, PaidAt, "paidAt");
        else v.NotBefore("evaluatedAt", EvaluatedAt, PlacedAt, "placedAt");
        if (Channel is ShippingChannel.Presale or ShippingChannel.Custom or ShippingChannel.Agreed && AgreedShipBy is null)
            v.Add("agreedShipBy", $"is required for the {Channel} channel");
        if (Lines is null) v.Add("lines", "is required");
        else if (Lines.Count == 0) v.Add("lines", "must list at least one line");
        else if (v.AtMost("lines", Lines, InputLimits.MaxOrderLines))
        {
            // Most orders have one line: there is nothing to repeat, and no index to build.
            var ids = Lines.Count > 1 ? new Dictionary<string, int>(Lines.Count, StringComparer.Ordinal) : null;
            for (int i = 0; i < Lines.Count; i++)
            {
                var line = Lines[i];
                if (line is null) { v.Add($"lines[{i}]", "is null"); continue; }
                if (string.IsNullOrWhiteSpace(line.LineId)) v.Add($"lines[{i}].lineId", "is required");
                else if (ids is not null && !ids.TryAdd(line.LineId, i)) v.Add($"lines[{i}].lineId", $"duplicates lines[{ids[line.LineId]}].lineId '{line.LineId}'");
                if (ViolationList.MoneyProblem(line.Amount) is { } problem) v.Add($"lines[{i}].amount", problem);
                if (line.Quantity < 1) v.Add($"lines[{i}].quantity", $"must be at least 1 (got {line.Quantity})");
                if (ViolationList.IsBefore(line.ShippedAt, PaidAt)) v.Add($"lines[{i}].shippedAt", "must not be before paidAt");
            }
        }
        if (ForceMajeureReports is not null && v.AtMost("forceMajeureReports", ForceMajeureReports, InputLimits.MaxForceMajeureReports))
        {
            for (int i = 0; i < ForceMajeureReports.Count; i++)
            {
                if (ForceMajeureReports[i] is { } r && ViolationList.IsBefore(r.To, r.From)) v.Add($"forceMajeureReports[{i}].to", "must not be before from");
            }
        }
        return v.Items;
    }
}
