using System.Runtime.CompilerServices;

namespace Penalties.Core.Common;

[InlineArray(16)]
internal struct StepArray16
{
    private ExplanationStep _element0;
}

[InlineArray(8)]
internal struct ReasonArray8
{
    private string _element0;
}

/// <summary>Collects explanation steps on the stack and copies them once into an exact-size array.</summary>
internal struct StepBuffer
{
    private StepArray16 _items;
    private int _count;

    public void Add(in ExplanationStep step)
    {
        if (_count < 16) _items[_count++] = step;
    }

    public readonly ExplanationStep[] ToArray()
    {
        if (_count == 0) return [];
        var result = new ExplanationStep[_count];
        for (int i = 0; i < _count; i++) result[i] = _items[i];
        return result;
    }
}

/// <summary>Collects stable reason codes on the stack and copies them once into an exact-size array.</summary>
internal struct ReasonBuffer
{
    private ReasonArray8 _items;
    private int _count;

    public void Add(string code)
    {
        if (_count < 8) _items[_count++] = code;
    }

    public readonly string[] ToArray()
    {
        if (_count == 0) return [];
        var result = new string[_count];
        for (int i = 0; i < _count; i++) result[i] = _items[i];
        return result;
    }
}
