using System.Globalization;
using Penalties.Core.Common;

namespace Penalties.Contracts;

/// <summary>
/// One enum's mapping between the core and the contract, from one list of pairs. A contract value may appear twice
/// (e.g. UNSPECIFIED read as a default): the first pair naming a core value is the one written.
/// </summary>
public sealed class EnumMap<TCore, TContract>
    where TCore : struct, Enum
    where TContract : struct, Enum
{
    private readonly Dictionary<TCore, TContract> _toContract = [];
    private readonly Dictionary<TContract, TCore> _toCore = [];
    private readonly TCore _whenInvalid;

    /// <param name="whenInvalid">The core value a refused contract value reads as, so the rest of the case is still checked.</param>
    public EnumMap(TCore whenInvalid, params (TCore Core, TContract Contract)[] pairs)
    {
        _whenInvalid = whenInvalid;
        foreach (var (core, contract) in pairs)
        {
            _toContract.TryAdd(core, contract);
            _toCore.Add(contract, core);
        }
    }

    public TContract ToContract(TCore value) => _toContract[value];

    /// <summary>The core value of <paramref name="value"/>; an unmapped one is a violation of <paramref name="field"/> ("is required" for 0).</summary>
    public TCore ToCore(TContract value, string field, ViolationList v)
    {
        if (_toCore.TryGetValue(value, out var core)) return core;
        v.Add(field, Convert.ToInt32(value, CultureInfo.InvariantCulture) == 0 ? "is required" : $"unknown value {value}");
        return _whenInvalid;
    }
}
