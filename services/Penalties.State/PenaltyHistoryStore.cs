using Penalties.Contracts.V1;
using Penalties.Core.PenaltyPoints;

namespace Penalties.State;

/// <summary>
/// One recorded entry of a merchant's history: a violation, or the revocation of one. Never rewritten.
/// <paramref name="Response"/> is the answer first given to the record, returned (marked replay) on a retry.
/// </summary>
public sealed record HistoryRecord(long Sequence, string RuleSetId, Core.PenaltyPoints.Violation Violation, bool Revocation, string? Reason, RecordPenaltyResponse? Response = null);

/// <summary>
/// A merchant's penalty history. <see cref="UpdateAsync{T}"/> decides and appends atomically per merchant:
/// the decision function sees the whole history and what it returns to append is written only if no
/// other write came in between, so two concurrent records can never both be "the 3rd".
/// </summary>
public interface IPenaltyHistoryStore
{
    Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken);

    Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken);
}

/// <summary>The embedded default: history in memory, one lock per merchant. Lost on restart (the Redis store is durable).</summary>
public sealed class InMemoryPenaltyHistoryStore : IPenaltyHistoryStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<HistoryRecord>> _merchants = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        if (!_merchants.TryGetValue(merchantId, out var records)) return Task.FromResult<IReadOnlyList<HistoryRecord>>([]);
        lock (records) return Task.FromResult<IReadOnlyList<HistoryRecord>>([.. records]);
    }

    public Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken)
    {
        var records = _merchants.GetOrAdd(merchantId, _ => []);
        lock (records)
        {
            var (append, result) = decide(records);
            if (append is not null) records.Add(append with { Sequence = records.Count });
            return Task.FromResult(result);
        }
    }
}
