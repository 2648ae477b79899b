using BenchmarkDotNet.Attributes;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;

namespace Penalties.Bench;

/// <summary>
/// The input validation each Assess call starts with, on the same valid cases. A valid case needs no
/// allocation at all, so anything in the "Allocated" column here is overhead on top of the decision.
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private LateShipmentCase _late = null!;
    private PriceMatchCase _price = null!;

    [GlobalSetup]
    public void Setup()
    {
        _late = Cases.TmallLate();
        _price = Cases.JdPayable();
        if (_late.Validate().Count != 0 || _price.Validate().Count != 0)
            throw new InvalidOperationException("the benchmark cases must be valid");
    }

    [Benchmark(Description = "LateShipmentCase.Validate()")]
    public IReadOnlyList<FieldViolation> LateShipment() => _late.Validate();

    [Benchmark(Description = "PriceMatchCase.Validate()")]
    public IReadOnlyList<FieldViolation> PriceMatch() => _price.Validate();
}
