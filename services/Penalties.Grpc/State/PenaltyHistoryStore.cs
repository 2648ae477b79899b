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
/// </summary>
public interface IPenaltyHistoryStore
{
    Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken);

    Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken);

    /// <summary>
    /// The recorded entry (not a revocation) of <paramref name="caseId"/>, or null when it is not recorded (decide
    /// through <see cref="UpdateAsync{T}"/>, which checks again). Entries never change, so what this returns is final.
    /// Without I/O when the merchant's history is held; otherwise the one entry is looked up, not the whole history read.
    /// </summary>
    ValueTask<HistoryRecord?> FindRecordedAsync(string merchantId, string caseId, CancellationToken cancellationToken);
}

/// <summary>
/// One merchant's history as a store holds it: the entries in order, and the recorded cases by id (read without
/// the merchant's lock by <see cref="IPenaltyHistoryStore.FindRecordedAsync"/>). Changed only under the store's lock or gate.
/// </summary>
internal class MerchantHistory
{
    public readonly List<HistoryRecord> Records = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HistoryRecord> _byCase = new(StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="append"/> numbered as the next entry, its rule-set id and violation code shared (<see cref="Shared"/>).
    /// </summary>
    public HistoryRecord Next(HistoryRecord append)
    {
        var code = Shared(append.Violation.Code);
        return append with
        {
            Sequence = Records.Count,
            RuleSetId = Shared(append.RuleSetId),
            Violation = ReferenceEquals(code, append.Violation.Code) ? append.Violation : append.Violation with { Code = code },
        };
    }

    /// <summary>
    /// One instance per distinct rule-set id and violation code among all cached entries, instead of a copy in every
    /// entry: only the published rules' ids and codes are ever recorded, so the set is small. A lock-free map rather
    /// than <see cref="string.Intern"/>, whose lock showed under load.
    /// </summary>
    public static string Shared(string value) => SharedStrings.GetOrAdd(value, value);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SharedStrings = new(StringComparer.Ordinal);

    public void Add(HistoryRecord record)
    {
        Records.Add(record);
        if (!record.Revocation) _byCase.TryAdd(record.Violation.CaseId, record);
    }

    public HistoryRecord? FindRecorded(string caseId) => _byCase.TryGetValue(caseId, out var r) ? r : null;

    public void Clear()
    {
        Records.Clear();
        _byCase.Clear();
    }
}

/// <summary>The embedded default: history in memory, one lock per merchant. Lost on restart (the Redis store is durable).</summary>
public sealed class InMemoryPenaltyHistoryStore : IPenaltyHistoryStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, MerchantHistory> _merchants = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<HistoryRecord>> ReadAsync(string merchantId, CancellationToken cancellationToken)
    {
        if (!_merchants.TryGetValue(merchantId, out var m)) return Task.FromResult<IReadOnlyList<HistoryRecord>>([]);
        lock (m) return Task.FromResult<IReadOnlyList<HistoryRecord>>([.. m.Records]);
    }

    public Task<T> UpdateAsync<T>(string merchantId, Func<IReadOnlyList<HistoryRecord>, (HistoryRecord? Append, T Result)> decide, CancellationToken cancellationToken)
    {
        var m = _merchants.GetOrAdd(merchantId, _ => new MerchantHistory());
        lock (m)
        {
            var (append, result) = decide(m.Records);
            if (append is not null) m.Add(m.Next(append));
            return Task.FromResult(result);
        }
    }

    public ValueTask<HistoryRecord?> FindRecordedAsync(string merchantId, string caseId, CancellationToken cancellationToken) =>
        new(_merchants.TryGetValue(merchantId, out var m) ? m.FindRecorded(caseId) : null);
}
