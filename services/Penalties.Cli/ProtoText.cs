using System.Text;
using Google.Protobuf;
using Penalties.Contracts.V1;

namespace Penalties.Cli;

/// <summary>Readable explanations of the contract's decisions for --format text.</summary>
internal static class ProtoText
{
    public static string Decision(IMessage decision) => decision switch
    {
        LateShipmentDecision d => LateShipment(d),
        PriceMatchDecision d => PriceMatch(d),
        AfterSalesDecision d => AfterSales(d),
        _ => decision.ToString() ?? "",
    };

    private static string Money(Money m) => (m.Units + m.Nanos / 1_000_000_000m).ToString("#,0.00##", System.Globalization.CultureInfo.InvariantCulture);

    private static string Rule(RuleReference r) => $"rule {r.RuleSetId}@{r.Version} ({r.ContentHash})";

    public static string LateShipment(LateShipmentDecision d)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"order {d.OrderId}: {d.Outcome}");
        sb.AppendLine(Rule(d.Rule));
        sb.AppendLine($"buyer receives {Money(d.BuyerPayout)} CNY{(d.HasBuyerPoints ? $" as {d.BuyerPoints:#,0} Tmall points" : "")}; merchant owes {Money(d.MerchantTotal)} in total (platform {Money(d.PlatformLiability)})");
        if (d.ReferralRuleSetId.Length > 0) sb.AppendLine($"referred to {d.ReferralRuleSetId} {d.ReferralViolationCode}");
        if (d.Lines.Count == 0) Steps(sb, "", d.Steps, d.ReasonCodes);
        foreach (var line in d.Lines)
        {
            sb.AppendLine($"line {line.LineId}: {line.Outcome} ({line.Lateness}), payout {Money(line.BuyerPayout)}");
            Steps(sb, "  ", line.Steps, line.ReasonCodes);
        }
        return sb.ToString().TrimEnd();
    }

    public static string PriceMatch(PriceMatchDecision d)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"order {d.OrderId}: {d.Outcome}, payout {Money(d.Payout)} CNY");
        sb.AppendLine(Rule(d.Rule));
        foreach (var f in d.FailedConditions) sb.AppendLine($"  ✗ {f.Code}: {f.Detail}");
        Steps(sb, "", d.Steps, d.ReasonCodes);
        return sb.ToString().TrimEnd();
    }

    public static string AfterSales(AfterSalesDecision d)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"order {d.OrderId}: {d.Outcome}");
        sb.AppendLine(Rule(d.Rule));
        if (d.Postage is { } p) sb.AppendLine($"postage: buyer pays {Money(p.BuyerPays)}, merchant pays {Money(p.MerchantPays)} CNY");
        if (d.Refund is { } r) sb.AppendLine($"refund {Money(r.Refund)} CNY of {Money(r.Paid)} paid; {r.PointsTakenBack:#,0} review points taken back");
        Steps(sb, "", d.Steps, d.ReasonCodes);
        return sb.ToString().TrimEnd();
    }

    private static void Steps(StringBuilder sb, string indent, IEnumerable<ExplanationStep> steps, IEnumerable<string> reasons)
    {
        foreach (var s in steps) sb.AppendLine($"{indent}- {s.Text}");
        var r = string.Join(", ", reasons);
        if (r.Length > 0) sb.AppendLine($"{indent}reasons: {r}");
    }
}
