using System.Globalization;
using C = Penalties.Contracts.V1;
using Google.Protobuf;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.State;

namespace Penalties.Grpc;

/// <summary>The outcome of recording a decision: the decision first recorded, whether this call was a replay, and when it was recorded.</summary>
public sealed record Recorded<TDecision>(TDecision Decision, bool Replay, DateTimeOffset RecordedAt);

/// <summary>
/// Recording a decision in an <see cref="IDecisionLedger"/>, the same way for every calculator: decide only when
/// the keys are new; the same request again returns the original decision as a replay; anything else under a
/// recorded key is ALREADY_EXISTS saying what differs. Plus the paging rules of ListRecorded (and of ListHistory: <see cref="PageSize"/>).
/// </summary>
public static class DecisionRecording
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>
    /// The most one recorded entry (request and decision) may take: a Record past it is refused before anything is
    /// written, so that its answer, and every ListRecorded page holding it, fits what a default client reads (4 MiB).
    /// </summary>
    public const int MaxEntryBytes = 3 * 1024 * 1024;

    /// <summary>The most the entries of a ListRecorded page take, unless one entry alone does (it is at most <see cref="MaxEntryBytes"/>).</summary>
    public const int MaxPageBytes = 3 * 1024 * 1024;

    /// <summary>The page size a List call asked for, 0 meaning <paramref name="unset"/>; outside [0, <see cref="MaxPageSize"/>] it is a violation of "pageSize".</summary>
    public static int PageSize(int requested, ViolationList v, int unset = DefaultPageSize)
    {
        if (requested is < 0 or > MaxPageSize) v.Add("pageSize", $"must be within [0, {MaxPageSize}] (got {requested})");
        return requested == 0 ? unset : requested;
    }

    /// <summary>A business key from its parts; each part escaped, so "a/b"+"c" and "a"+"b/c" stay apart.</summary>
    public static string Key(params string[] parts) => string.Join('/', parts.Select(Uri.EscapeDataString));

    /// <param name="request">The request, valid.</param>
    /// <param name="read">
    /// The request as the mapping reads it (its case through the core and back): recorded, and compared with the one
    /// recorded, so that a retry spelling the same request otherwise (an unset currency, quantity or channel) is a replay.
    /// </param>
    /// <param name="grows">The request's field that makes an entry large (e.g. "case.lines"), named when it is too large to record.</param>
    public static async Task<Recorded<TDecision>> RecordAsync<TRequest, TDecision>(
        IDecisionLedger ledger, string kind, string what, string merchantId, string order, IReadOnlyList<string> keys, DateTimeOffset eventAt,
        TRequest request, Func<TRequest, TRequest> read, string grows, Func<TDecision> decide, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TDecision : IMessage<TDecision>, new()
    {
        request = read(request);
        var write = await ledger.RecordAsync(kind, merchantId, order, keys, () =>
        {
            var decision = decide();
            var (sent, answered) = (request.ToByteArray(), decision.ToByteArray());
            if (sent.Length + answered.Length > MaxEntryBytes)
                throw new InvalidCaseException([new FieldViolation(grows,
                    $"too large to record in one request: the request and its decision take {sent.Length + answered.Length:N0} bytes, at most {MaxEntryBytes:N0}; record it in parts")]);
            return new LedgerEntry(merchantId, LedgerEntry.IdFor(eventAt, keys[0]), keys, eventAt, TimeProvider.System.GetUtcNow(), sent, answered);
        }, cancellationToken);
        if (write.Owner is not null)
            throw new ConflictException($"{what} is recorded for merchant '{write.Owner}'; sent for merchant '{merchantId}'");
        if (write.Written is { } written) return new Recorded<TDecision>(Parse<TDecision>(written.Response), false, written.RecordedAt);

        var entries = write.Recorded.Values.Distinct().ToList();
        var first = entries[0];
        var differences = new List<string>();
        if (entries.Count > 1)
            differences.Add($"its keys are recorded by {entries.Count} separate requests ({string.Join("; ", entries.Select(e => string.Join(", ", e.Keys)))})");
        differences.AddRange(ProtoDiff.Differences(ReadRecorded(Parse<TRequest>(first.Request), read), request));
        if (differences.Count == 0 && !first.Keys.SequenceEqual(keys, StringComparer.Ordinal))
            differences.Add($"recorded keys {string.Join(", ", first.Keys)}; sent {string.Join(", ", keys)}");
        if (differences.Count > 0)
            throw new ConflictException($"{what} is already recorded with other content: {string.Join("; ", differences)}");
        return new Recorded<TDecision>(Parse<TDecision>(first.Response), true, first.RecordedAt);
    }

    /// <summary>A recorded request as <paramref name="read"/> reads it; as recorded when it is no longer valid (recorded under older checks).</summary>
    internal static TRequest ReadRecorded<TRequest>(TRequest recorded, Func<TRequest, TRequest> read)
    {
        try
        {
            return read(recorded);
        }
        catch (InvalidCaseException)
        {
            return recorded;
        }
    }

    /// <summary>
    /// ListRecorded: checks the merchant, range and paging fields (INVALID_ARGUMENT listing every problem), reads
    /// one page and turns each entry, with the request and decision it holds, into <typeparamref name="TRecord"/>.
    /// </summary>
    public static async Task<(List<TRecord> Records, string NextPageToken)> ListAsync<TRequest, TDecision, TRecord>(
        IDecisionLedger ledger, string kind, string merchantId, Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to,
        int pageSize, string pageToken, Func<LedgerEntry, TRequest, TDecision, TRecord> record, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TDecision : IMessage<TDecision>, new()
    {
        var v = new ViolationList();
        v.Required("merchantId", merchantId);
        var since = Mapping.Time(from, "from", v);
        var until = Mapping.Time(to, "to", v);
        if (since is not null && until is not null && since >= until) v.Add("to", "must be after from");
        int size = PageSize(pageSize, v);
        // The page size may change from page to page; the merchant and range may not.
        var binding = PageTokens.Request("ListRecorded", kind, merchantId, PageTokens.Instant(since), PageTokens.Instant(until));
        string? after = null;
        if (pageToken.Length > 0 && PageTokens.Text(pageToken, binding, "ListRecorded", v) is { } text)
        {
            after = EntryId(text);
            if (after is null) v.Add("pageToken", "is not a token returned by ListRecorded");
        }
        v.ThrowIfAny();
        var page = await ledger.ListAsync(kind, merchantId, since, until, after, size, MaxPageBytes, cancellationToken);
        var records = page.Entries.Select(e => record(e, Parse<TRequest>(e.Request), Parse<TDecision>(e.Response))).ToList();
        return (records, page.NextAfter is null ? "" : PageTokens.Of(page.NextAfter, binding));
    }

    /// <summary>The longest period one export covers: a year and a day (a leap year).</summary>
    public static readonly TimeSpan MaxExportPeriod = TimeSpan.FromDays(366);

    /// <summary>
    /// ExportRecorded: checks the range, shard and paging fields (INVALID_ARGUMENT listing every problem), reads one
    /// page of every merchant's entries in the shard and turns each into <typeparamref name="TRecord"/>.
    /// </summary>
    public static async Task<(List<TRecord> Records, string NextPageToken)> ExportAsync<TRequest, TDecision, TRecord>(
        IDecisionLedger ledger, string kind, C.ExportRecordedRequest request, Func<LedgerEntry, TRequest, TDecision, TRecord> record, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TDecision : IMessage<TDecision>, new()
    {
        var v = new ViolationList();
        var since = Mapping.Time(request.From, "from", v);
        var until = Mapping.Time(request.To, "to", v);
        if (request.From is null) v.Add("from", "is required");
        if (request.To is null) v.Add("to", "is required");
        if (since is not null && until is not null && since >= until) v.Add("to", "must be after from");
        else if (since is not null && until is not null && until - since > MaxExportPeriod) v.Add("to", $"must be at most {MaxExportPeriod.TotalDays:0} days after from (export longer periods in parts)");
        int count = request.ShardCount == 0 ? 1 : request.ShardCount;
        if (count is < 1 or > LedgerExport.Buckets) v.Add("shardCount", $"must be within [0, {LedgerExport.Buckets}] (got {request.ShardCount})");
        else if (request.ShardIndex < 0 || request.ShardIndex >= count) v.Add("shardIndex", $"must be within [0, {count - 1}] (got {request.ShardIndex})");
        int size = PageSize(request.PageSize, v);
        // A cursor of one shard or period read in another would skip or repeat records silently.
        var binding = PageTokens.Request("ExportRecorded", kind, PageTokens.Instant(since), PageTokens.Instant(until),
            request.ShardIndex.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));
        LedgerExport.Cursor? after = null;
        if (request.PageToken.Length > 0 && PageTokens.Text(request.PageToken, binding, "ExportRecorded", v) is { } text)
        {
            after = LedgerExport.Cursor.Parse(text);
            if (after is null) v.Add("pageToken", "is not a token returned by ExportRecorded");
        }
        v.ThrowIfAny();
        var page = await ledger.ExportAsync(kind, since!.Value, until!.Value, request.ShardIndex, count, after, size, MaxPageBytes, cancellationToken);
        var records = page.Entries.Select(e => record(e, Parse<TRequest>(e.Request), Parse<TDecision>(e.Response))).ToList();
        return (records, page.NextAfter is null ? "" : PageTokens.Of(page.NextAfter, binding));
    }

    private static string? EntryId(string id) =>
        // An entry id: 19 digits of event ticks, '|', the key.
        id.Length > 20 && id[19] == '|' && id.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0 ? id : null;

    public static T Parse<T>(byte[] data) where T : IMessage<T>, new()
    {
        var message = new T();
        message.MergeFrom(data);
        return message;
    }
}
