using System.Text;
using Penalties.Contracts.V1;
using Penalties.Core.Common;

namespace Penalties.Cli;

/// <summary>
/// Readable penalty-point standings and previews for --format text, from the contract's message: the in-process
/// answer is mapped to it as the service maps it, so both modes print the same text.
/// </summary>
internal static class Text
{
    public static string Standing(Standing s)
    {
        var asOf = s.AsOf.ToDateTimeOffset();
        var sb = new StringBuilder();
        sb.AppendLine($"{s.RuleSetId} standing as of {ChinaTime.Format(asOf)}: general {s.Current?.General ?? 0}, serious {s.Current?.Serious ?? 0} in the current period");
        foreach (var d in s.Deductions)
            sb.AppendLine($"  {d.CaseId} {ChinaTime.Format(d.OccurredAt.ToDateTimeOffset())}: {d.Explanation}{(d.ItemAction is "" or "None" ? "" : $", item {d.ItemAction}")} [{d.Rule.RuleSetId}@{d.Rule.Version} ({d.Rule.ContentHash})]");
        foreach (var i in s.Ignored) sb.AppendLine($"  {i.CaseId}: not counted ({i.Reason})");
        foreach (var x in s.Sanctions)
            sb.AppendLine($"  sanction {string.Join("+", x.Actions)} from {ChinaTime.Format(x.StartsAt.ToDateTimeOffset())}{(x.EndsAt is { } e ? $" until {ChinaTime.Format(e.ToDateTimeOffset())}" : "")}{(x.Active ? " (active)" : "")}: {x.Trigger}");
        return sb.ToString().TrimEnd();
    }

    public static string Preview(AssessPenaltyResponse p)
    {
        var sb = new StringBuilder();
        sb.AppendLine(p.Deduction is { } d ? $"would deduct: {d.Explanation}" : "would deduct nothing (revoked or duplicate case)");
        if (p.AlreadyInHistory) sb.AppendLine("this case id is already in the history: it counts once");
        foreach (var s in p.NewSanctions) sb.AppendLine($"would trigger: {string.Join("+", s.Actions)} ({s.Trigger})");
        sb.Append(Standing(p.StandingAfter));
        return sb.ToString();
    }

    /// <summary>"OwedNotPaid" → "owed-not-paid": how reconcile names a difference class in its summary and CSV.</summary>
    public static string Kebab(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
