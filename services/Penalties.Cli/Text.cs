using System.Text;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;

namespace Penalties.Cli;

/// <summary>Readable explanations of decisions for the --format text output.</summary>
internal static class Text
{
    public static string LateShipment(LateShipmentDecision d)
    {
        var sb = Header(d.Rule, $"order {d.OrderId}: {d.Outcome}");
        sb.AppendLine($"buyer receives {MoneyText.Amount(d.BuyerPayout)} CNY{(d.BuyerPoints is { } p ? $" as {p:#,0} Tmall points" : "")}; merchant owes {MoneyText.Amount(d.MerchantTotal)} in total (platform {MoneyText.Amount(d.PlatformLiability)})");
        if (d.Referral is { } r) sb.AppendLine($"referred to {r.RuleSetId} {r.ViolationCode}");
        Steps(sb, "", d.Steps, d.ReasonCodes);
        foreach (var line in d.Lines)
        {
            sb.AppendLine($"line {line.LineId}: {line.Outcome} ({line.Lateness}), payout {MoneyText.Amount(line.BuyerPayout)}");
            Steps(sb, "  ", line.Steps, line.ReasonCodes);
        }
        return sb.ToString().TrimEnd();
    }

    public static string PriceMatch(PriceMatchDecision d)
    {
        var sb = Header(d.Rule, $"order {d.OrderId}: {d.Outcome}, payout {MoneyText.Amount(d.Payout)} CNY");
        foreach (var f in d.FailedConditions) sb.AppendLine($"  ✗ {f.Code}: {f.Detail}");
        Steps(sb, "", d.Steps, d.ReasonCodes);
        return sb.ToString().TrimEnd();
    }

    public static string Standing(MerchantStanding s)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{s.RuleSetId} standing as of {ChinaTime.Format(s.AsOf)}: general {s.Current.General}, serious {s.Current.Serious} in the current period");
        foreach (var d in s.Deductions) sb.AppendLine($"  {d.CaseId} {ChinaTime.Format(d.OccurredAt)}: {d.Explanation}{(d.ItemAction != ItemAction.None ? $", item {d.ItemAction}" : "")} [{d.Rule}]");
        foreach (var i in s.Ignored) sb.AppendLine($"  {i.CaseId}: not counted ({i.Reason})");
        foreach (var x in s.Sanctions)
            sb.AppendLine($"  sanction {string.Join("+", x.Actions)} from {ChinaTime.Format(x.StartsAt)}{(x.EndsAt is { } e ? $" until {ChinaTime.Format(e)}" : "")}{(x.IsActiveAt(s.AsOf) ? " (active)" : "")}: {x.Trigger}");
        return sb.ToString().TrimEnd();
    }

    public static string Preview(PenaltyPreview p)
    {
        var sb = new StringBuilder();
        sb.AppendLine(p.Deduction is { } d ? $"would deduct: {d.Explanation}" : "would deduct nothing (revoked or duplicate case)");
        if (p.AlreadyInHistory) sb.AppendLine("this case id is already in the history: it counts once");
        foreach (var s in p.NewSanctions) sb.AppendLine($"would trigger: {string.Join("+", s.Actions)} ({s.Trigger})");
        sb.Append(Standing(p.StandingAfter));
        return sb.ToString();
    }

    private static StringBuilder Header(RuleReference rule, string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine(title);
        sb.AppendLine($"rule {rule}");
        return sb;
    }

    private static void Steps(StringBuilder sb, string indent, IReadOnlyList<ExplanationStep> steps, IReadOnlyList<string> reasons)
    {
        foreach (var s in steps) sb.AppendLine($"{indent}- {s.Text}");
        if (reasons.Count > 0) sb.AppendLine($"{indent}reasons: {string.Join(", ", reasons)}");
    }
}
