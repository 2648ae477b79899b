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
    IReadOnlyList<Threshold> Thresholds) : RuleParameters;
