namespace Penalties.Grpc.Services;

/// <summary>Bounds of a merchant's recorded history, bound from <see cref="Section"/>.</summary>
public sealed class PenaltyPointsOptions
{
    public const string Section = "Penalties:PenaltyPoints";

    /// <summary>
    /// The most cases one merchant's history may hold; a record past it is refused. A record decides over the
    /// merchant's whole history, read on each record, so the bound is what keeps that work bounded. The answers
    /// do not depend on it: a standing lists its cases a page at a time.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 50_000)]
    public int MaxRecordsPerMerchant { get; set; } = 5_000;
}
