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
