using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Core.PenaltyPoints;

/// <summary>One established violation (违规成立) in a merchant's history.</summary>
public sealed record Violation
{
    /// <summary>The platform's case id: the same case id counts once, however often it is supplied.</summary>
    public required string CaseId { get; init; }
    /// <summary>The violation code in the rule set's catalog, e.g. MISDESCRIBED_SEVERE.</summary>
    public required string Code { get; init; }
    /// <summary>When the violation occurred: the business event that picks the rule version.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>The deduction was revoked (a successful appeal): it counts in no total and no escalation step.</summary>
    public bool Revoked { get; init; }
    /// <summary>Points assessed by the platform for codes whose points are assessed per case.</summary>
    public int? AssessedPoints { get; init; }
}

/// <summary>
/// A sanction that applies to the merchant, with when it starts and (if temporary) ends. <paramref name="CaseId"/> is
/// the case that set it: the case itself, or the one whose points crossed the threshold.
/// </summary>
public sealed record SanctionDecision(
    string Trigger,
    string CaseId,
    IReadOnlyList<SanctionAction> Actions,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    RuleReference Rule)
{
    public bool IsActiveAt(DateTimeOffset instant) => StartsAt <= instant && (EndsAt is null || instant < EndsAt.Value);
}

/// <summary>The deduction one counted violation gives.</summary>
public sealed record Deduction(
    string CaseId,
    string Code,
    DateTimeOffset OccurredAt,
    RuleReference Rule,
    int Occurrence,
    int Points,
    PointCategory Category,
    ItemAction ItemAction,
    SanctionDecision? Sanction)
{
    /// <summary>The escalation step as an explanation step (derived from the fields above).</summary>
    public ExplanationStep Step => new(StepKind.Deduction, Points, Category == PointCategory.Serious ? 1m : 0m, Occurrence, Subject: Code);

    /// <summary>"4th MISDESCRIBED_SEVERE: serious, 12".</summary>
    public string Explanation => Step.Text;
}

/// <summary>Stable reasons a history entry did not count.</summary>
public static class IgnoredReasons
{
    public const string Revoked = "REVOKED";
    public const string DuplicateCaseId = "DUPLICATE_CASE_ID";
}

public sealed record IgnoredViolation(string CaseId, string Code, DateTimeOffset OccurredAt, string Reason);

/// <summary>Points in one period (a China calendar year, or all time).</summary>
public sealed record PeriodTotals(DateTimeOffset From, DateTimeOffset? To, int General, int Serious)
{
    public int Total => General + Serious;

    public bool Contains(DateTimeOffset instant) => instant >= From && (To is null || instant < To.Value);
}

/// <summary>A merchant's standing: every deduction, the totals per period, and the sanctions triggered.</summary>
public sealed record MerchantStanding(
    string RuleSetId,
    DateTimeOffset AsOf,
    IReadOnlyList<Deduction> Deductions,
    IReadOnlyList<IgnoredViolation> Ignored,
    IReadOnlyList<PeriodTotals> Periods,
    PeriodTotals Current,
    IReadOnlyList<SanctionDecision> Sanctions)
{
    public IEnumerable<SanctionDecision> ActiveSanctions => Sanctions.Where(s => s.IsActiveAt(AsOf));
}

/// <summary>What recording a violation would do, given the merchant's history. Nothing is recorded.</summary>
public sealed record PenaltyPreview(
    Deduction? Deduction,
    bool AlreadyInHistory,
    IReadOnlyList<SanctionDecision> NewSanctions,
    MerchantStanding StandingAfter);
