using Penalties.Core.PenaltyPoints;

namespace Penalties.Grpc.State;

/// <summary>
/// One recorded entry of a merchant's history: a violation, or the revocation of one. Never rewritten.
/// <paramref name="Response"/> is the answer first given to the record (protobuf bytes), returned unchanged on a replay.
/// </summary>
public sealed record HistoryRecord(long Sequence, string RuleSetId, Violation Violation, bool Revocation, string? Reason, byte[]? Response = null);

/// <summary>
/// A merchant's penalty history. <see cref="UpdateAsync{T}"/> decides and appends atomically per merchant:
/// the decision function sees the whole history and what it returns to append is written only if no
/// other write came in between, so two concurrent records can never both be "the 3rd".
/// With <c>answerFromCache</c> a store that caches may answer from what it holds when the decision appends
/// nothing (a replay of an entry it already has: entries never change, so that answer is final) or refuses
/// (a conflict with such an entry); anything else is decided on the history as it is now.
/// </summary>
public interface IPenaltyHistoryStore
{
    Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken);

    Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken,
        bool answerFromCache = false);
}

/// <summary>The embedded default: history in memory, one lock per merchant. Lost on restart (the Redis store is durable).</summary>
public sealed class InMemoryPenaltyHistoryStore : IPenaltyHistoryStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<HistoryRecord>> _merchants = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        if (!_merchants.TryGetValue(merchantId, out var list)) return Task.FromResult<IReadOnlyList<HistoryRecord>>([]);
        lock (list) return Task.FromResult<IReadOnlyList<HistoryRecord>>([.. list]);
    }

    public Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken,
        bool answerFromCache = false)
    {
        var list = _merchants.GetOrAdd(merchantId, _ => []);
        lock (list)
        {
            var (append, result) = decide(list);
            if (append is not null) list.Add(append with { Sequence = list.Count });
            return Task.FromResult(result);
        }
    }
}
