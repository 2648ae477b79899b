using System.Text;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PenaltyPoints;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;

namespace Penalties.Cli;

/// <summary>Readable penalty-point standings and previews for --format text.</summary>
internal static class Text
{
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
}
