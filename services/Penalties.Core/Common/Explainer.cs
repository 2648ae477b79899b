namespace Penalties.Core.Common;

/// <summary>
/// Receives the steps and reason codes of a computation. The calculators are generic over it: the hot
/// path uses <see cref="NoExplain"/>, which the JIT removes entirely; reading a decision's explanation
/// re-runs the same pure computation with <see cref="CollectExplain"/>. One code path, so the
/// explanation always matches the numbers.
/// </summary>
internal interface IExplain
{
    /// <summary>False for <see cref="NoExplain"/>: guards steps that would format a string.</summary>
    bool Enabled { get; }

    void Step(in ExplanationStep step);

    void Reason(string code);
}

internal struct NoExplain : IExplain
{
    public readonly bool Enabled => false;

    public readonly void Step(in ExplanationStep step)
    {
    }

    public readonly void Reason(string code)
    {
    }
}

internal struct CollectExplain : IExplain
{
    private StepBuffer _steps;
    private ReasonBuffer _reasons;

    public readonly bool Enabled => true;

    public void Step(in ExplanationStep step) => _steps.Add(step);

    public void Reason(string code) => _reasons.Add(code);

    public readonly ExplanationStep[] Steps => _steps.ToArray();

    public readonly string[] Reasons => _reasons.ToArray();
}

/// <summary>
/// A decision whose reason codes and explanation steps are derived from its facts on first read, by
/// re-running the calculator's pure computation with a collecting explainer.
/// </summary>
public abstract class ExplainedDecision
{
    private string[]? _reasons;
    private ExplanationStep[]? _steps;

    private protected ExplainedDecision()
    {
    }

    public IReadOnlyList<string> ReasonCodes
    {
        get
        {
            if (_reasons is null) Derive();
            return _reasons!;
        }
    }

    public IReadOnlyList<ExplanationStep> Steps
    {
        get
        {
            if (_steps is null) Derive();
            return _steps!;
        }
    }

    /// <summary>Re-runs the computation, telling <paramref name="explain"/> every step and reason.</summary>
    private protected abstract void Explain(ref CollectExplain explain);

    /// <summary>The reason codes, given the ones the computation reported (a decision may replace them).</summary>
    private protected virtual string[] Reasons(string[] reported) => reported;

    private void Derive()
    {
        var collect = new CollectExplain();
        Explain(ref collect);
        _steps = collect.Steps;
        _reasons = Reasons(collect.Reasons);
    }
}
