using System.Collections.Frozen;
using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PenaltyPoints;

public enum PointCategory
{
    /// <summary>一般违规.</summary>
    General,
    /// <summary>严重违规.</summary>
    Serious,
}

/// <summary>Which points a threshold sums.</summary>
public enum ThresholdBasis
{
    General,
    Serious,
    /// <summary>General and serious together.</summary>
    Total,
}

/// <summary>What happens to the item the violation concerns.</summary>
public enum ItemAction
{
    None,
    /// <summary>The item or listing is deleted (删除).</summary>
    DeleteItem,
    /// <summary>The item is delisted (下架).</summary>
    DelistItem,
}

/// <summary>A measure taken against the merchant.</summary>
public enum SanctionAction
{
    /// <summary>清退: the merchant is cleared from the platform.</summary>
    Clearance,
    /// <summary>Every item delisted, no new listings and no re-listing.</summary>
    DelistAllItems,
    /// <summary>Store shielded (屏蔽店铺).</summary>
    ShieldStore,
    /// <summary>Listing restricted (限制发布).</summary>
    RestrictListing,
    /// <summary>Public warning (公告警告).</summary>
    PublicWarning,
    /// <summary>The platform may end the agreement (解除协议).</summary>
    PlatformMayTerminate,
}

/// <summary>How totals are grouped over time before they reset.</summary>
public enum PointsPeriod
{
    /// <summary>Totals and escalation counts reset on 1 January, China time.</summary>
    CalendarYear,
    /// <summary>Never reset.</summary>
    None,
}

/// <summary>From the <see cref="FromOccurrence"/>-th counted deduction of a code on, this many points of this category.</summary>
public sealed record LadderStep(int FromOccurrence, int Points, PointCategory Category);

/// <summary>A sanction: its actions and, when it is temporary, how long it lasts.</summary>
public sealed record Sanction(IReadOnlyList<SanctionAction> Actions, TimeSpan? Duration);

/// <summary>One violation code in the catalog.</summary>
public sealed record ViolationRule(
    string Code,
    string Description,
    IReadOnlyList<LadderStep> Ladder,
    ItemAction ItemAction,
    Sanction? Sanction,
    bool PointsAssessedPerCase);

/// <summary>Accumulated points reaching <see cref="Points"/> in the period trigger the sanction.</summary>
public sealed record Threshold(ThresholdBasis Basis, int Points, Sanction Sanction, string Description);

public sealed record PenaltyPointsParameters(
    PointsPeriod Period,
    FrozenDictionary<string, ViolationRule> Violations,
    IReadOnlyList<Threshold> Thresholds) : RuleParameters
{
    private readonly DerivedCache<PenaltyPointsParameters, ViolationCodeTable> _codes = new();

    /// <summary>The catalog's codes interned to small integers, built once when the catalog is made (derived from <see cref="Violations"/> and <see cref="Thresholds"/>).</summary>
    internal ViolationCodeTable Codes => _codes.Get(this, static p => new ViolationCodeTable(p.Violations, p.Thresholds));

    internal override void Prepare() => _ = Codes;
}

/// <summary>
/// The violation codes of one catalog (and, as an array, its thresholds), numbered 0 to n − 1 (the order of
/// catalog's codes), in an open-addressing table at most a quarter full: a lookup is one hash
/// of the code and, nearly always, one string comparison. A standing counts escalation in an array indexed
/// by these numbers instead of a string-keyed dictionary. Derived data, built once with the parameters.
/// </summary>
internal sealed class ViolationCodeTable
{
    private readonly string?[] _codes;
    private readonly int[] _numbers;
    private readonly int _mask;

    public ViolationCodeTable(FrozenDictionary<string, ViolationRule> source, IReadOnlyList<Threshold> thresholds)
    {
        Thresholds = [.. thresholds];
        Keys = [.. source.Keys];
        Rules = [.. source.Values];
        Ladders = [.. Rules.Select(r => r.Ladder.ToArray())];
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, 4 * Keys.Length));
        _codes = new string?[size];
        _numbers = new int[size];
        _mask = size - 1;
        for (int n = 0; n < Keys.Length; n++)
        {
            int slot = (int)(TextKeys.Hash(Keys[n]) & (uint)_mask);
            while (_codes[slot] is not null) slot = (slot + 1) & _mask;
            _codes[slot] = Keys[n];
            _numbers[slot] = n;
        }
    }

    /// <summary>The thresholds, as an array (in the parameters' order).</summary>
    public Threshold[] Thresholds { get; }

    /// <summary>The codes by number.</summary>
    public string[] Keys { get; }

    /// <summary>The rules by number.</summary>
    public ViolationRule[] Rules { get; }

    /// <summary>The rules' ladders by number, as arrays.</summary>
    public LadderStep[][] Ladders { get; }

    public int Count => Rules.Length;

    /// <summary>The code's number, or −1 when the catalog does not list it (the table always has empty slots).</summary>
    public int Find(string code)
    {
        for (int slot = (int)(TextKeys.Hash(code) & (uint)_mask); ; slot = (slot + 1) & _mask)
        {
            var c = _codes[slot];
            if (c is null) return -1;
            if (string.Equals(c, code, StringComparison.Ordinal)) return _numbers[slot];
        }
    }
}
