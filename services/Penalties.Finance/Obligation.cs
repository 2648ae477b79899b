using Penalties.Contracts;
using Penalties.Core.Common;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance;

/// <summary>Who is owed: the buyer (a payout from the merchant, made by finance) or the platform (a liability of the merchant).</summary>
public enum Side
{
    Buyer,
    Platform,
}

/// <summary>What one recorded decision owes on one order line or item, to one side, in one currency.</summary>
/// <param name="Platform">"tmall", "taobao" or "jd": payout files name platforms the same way (case aside).</param>
/// <param name="Currency">"CNY", or "TMALL_POINTS" for a Tmall payout made in points (the amount is then points).</param>
public sealed record Obligation(
    string Platform, string OrderId, string LineOrItem, Side Side, string MerchantId, decimal Amount, string Currency,
    DateTimeOffset EventAt, string Rule, string Outcome)
{
    public const string Cny = "CNY";
    public const string TmallPoints = "TMALL_POINTS";

    /// <summary>The business key a payout names: platform, order, line or item, side.</summary>
    public PayoutKey Key => new(Platform, OrderId, LineOrItem, Side);

    /// <summary>What a recorded decision owes: per line to the buyer (money or points) and, where the rule says so, to the platform.</summary>
    public static IEnumerable<Obligation> Of(C.LedgerRecord record) => record.RecordCase switch
    {
        C.LedgerRecord.RecordOneofCase.LateShipment => Of(record.LateShipment),
        C.LedgerRecord.RecordOneofCase.PriceMatch => Of(record.PriceMatch),
        _ => [],
    };

    public static IEnumerable<Obligation> Of(C.RecordedLateShipment r)
    {
        // Platform, merchant, rule and line names repeat across millions of keys that reconcile holds: one copy each.
        string platform = string.Intern(r.Case.Platform.ToString().ToLowerInvariant());
        string merchant = string.Intern(r.MerchantId);
        string rule = string.Intern(RuleText(r.Decision.Rule));
        bool points = string.Equals(r.Decision.Instrument, nameof(Core.LateShipment.PayoutInstrument.TmallPoints), StringComparison.Ordinal);
        var eventAt = r.EventAt.ToDateTimeOffset();
        foreach (var line in r.Decision.Lines)
        {
            string outcome = line.Outcome.ToString();
            string lineId = string.Intern(line.LineId);
            yield return points
                ? new(platform, r.Case.OrderId, lineId, Side.Buyer, merchant, line.BuyerPoints, TmallPoints, eventAt, rule, outcome)
                : new(platform, r.Case.OrderId, lineId, Side.Buyer, merchant, MoneyOf(line.BuyerPayout), Cny, eventAt, rule, outcome);
            decimal liability = MoneyOf(line.PlatformLiability);
            if (liability != 0m) yield return new(platform, r.Case.OrderId, lineId, Side.Platform, merchant, liability, Cny, eventAt, rule, outcome);
        }
    }

    public static IEnumerable<Obligation> Of(C.RecordedPriceMatch r)
    {
        yield return new("jd", r.Case.OrderId, r.ItemId, Side.Buyer, string.Intern(r.MerchantId), MoneyOf(r.Decision.Payout), Cny,
            r.EventAt.ToDateTimeOffset(), string.Intern(RuleText(r.Decision.Rule)), r.Decision.Outcome.ToString());
    }

    /// <summary>"tmall.late-shipment v1": how reports name a rule version.</summary>
    public static string RuleText(C.RuleReference? rule) => rule is null ? "" : $"{rule.RuleSetId} v{rule.Version}";

    /// <summary>A decision's money (the service wrote it valid: a missing amount is zero).</summary>
    public static decimal MoneyOf(C.Money? money) => Mapping.Money(money, "", new ViolationList(), required: false);
}

/// <summary>The key that matches payouts to obligations. Platforms compare without case.</summary>
public readonly record struct PayoutKey(string Platform, string OrderId, string LineOrItem, Side Side);
