using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.PenaltyPoints;

namespace Penalties.Grpc.Services;

/// <summary>
/// Pages of a recorded history's standing: the totals whole on every page, the lists (deductions, ignored entries,
/// sanctions) for a page of its cases taken oldest first, by occurred_at and then case id. The token names the last
/// case listed, so cases recorded meanwhile never shift a page (a recorded case id is one case), and is bound to the
/// standing's merchant, rule set and instant.
/// </summary>
public static class StandingPages
{
    /// <summary>Cases a page lists at most, and when the call does not say.</summary>
    public const int MaxPageSize = DecisionRecording.MaxPageSize;

    /// <summary>
    /// The last case a page token names; null for an empty token, a violation of "pageToken" for one not made here or made
    /// for another standing.
    /// </summary>
    public static CaseKey? After(string token, string merchantId, string ruleSetId, DateTimeOffset? asOf, ViolationList v)
    {
        if (token.Length == 0) return null;
        if (PageTokens.Text(token, Binding(merchantId, ruleSetId, asOf), "GetStanding", v) is not { } text) return null;
        if (PageTokens.KeyOf(text) is { } key) return new CaseKey(key.Ticks, key.Id);
        v.Add("pageToken", "is not a page token of a standing");
        return null;
    }

    /// <summary>What a standing's tokens are bound to: a token of one standing read in another would list the wrong cases.</summary>
    private static string Binding(string merchantId, string ruleSetId, DateTimeOffset? asOf) =>
        PageTokens.Request("Standing", merchantId, ruleSetId, PageTokens.Instant(asOf));

    /// <summary>The page of <paramref name="size"/> cases after <paramref name="after"/>, as the contract's standing.</summary>
    public static Contracts.V1.Standing Page(string merchantId, MerchantStanding standing, CaseKey? after, int size = MaxPageSize)
    {
        var (page, next) = Slice(merchantId, standing, after, size);
        var result = Mapping.Standing(page);
        result.NextPageToken = next;
        return result;
    }

    /// <summary>The standing with its lists cut to the page, and the token of the next page (empty when none).</summary>
    public static (MerchantStanding Page, string NextToken) Slice(string merchantId, MerchantStanding standing, CaseKey? after, int size)
    {
        var keys = new List<CaseKey>(standing.Deductions.Count + standing.Ignored.Count);
        foreach (var d in standing.Deductions) keys.Add(new CaseKey(d.OccurredAt.UtcTicks, d.CaseId));
        foreach (var i in standing.Ignored) keys.Add(new CaseKey(i.OccurredAt.UtcTicks, i.CaseId));
        keys.Sort(CaseKey.Compare);
        var cases = new HashSet<string>(StringComparer.Ordinal);
        CaseKey? last = null;
        bool more = false;
        foreach (var key in keys)
        {
            if (after is { } a && CaseKey.Compare(key, a) <= 0) continue;
            if (last is { } l && CaseKey.Compare(key, l) == 0) continue; // another entry of the case just taken
            if (cases.Count == size) { more = true; break; }
            cases.Add(key.CaseId);
            last = key;
        }
        var page = standing with
        {
            Deductions = [.. standing.Deductions.Where(d => cases.Contains(d.CaseId))],
            Ignored = [.. standing.Ignored.Where(i => cases.Contains(i.CaseId))],
            Sanctions = [.. standing.Sanctions.Where(s => cases.Contains(s.CaseId))],
        };
        return (page, more ? PageTokens.Of(last!.Value.Ticks, last.Value.CaseId, Binding(merchantId, standing.RuleSetId, standing.AsOf)) : "");
    }
}

/// <summary>A case's place in a standing: when it occurred, then its id.</summary>
public readonly record struct CaseKey(long Ticks, string CaseId)
{
    public static int Compare(CaseKey x, CaseKey y)
    {
        int c = x.Ticks.CompareTo(y.Ticks);
        return c != 0 ? c : string.CompareOrdinal(x.CaseId, y.CaseId);
    }
}
