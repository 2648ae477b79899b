namespace Penalties.Grpc.Services;

/// <summary>Bounds of a merchant's recorded history, bound from <see cref="Section"/>.</summary>
public sealed class PenaltyPointsOptions
{
    public const string Section = "Penalties:PenaltyPoints";

    /// <summary>
    /// The most cases one merchant's history may hold. Each answer about a merchant (its standing, a revocation's)
    /// lists its whole history (about 0.2 KB a case), so the bound keeps every such answer within what a default
    /// client reads (4 MiB); a record past it is refused.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 5_000)]
    public int MaxRecordsPerMerchant { get; set; } = 5_000;
}
