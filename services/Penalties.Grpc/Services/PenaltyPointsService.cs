using Penalties.Contracts;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.PenaltyPoints;
using Penalties.Rules;
using Penalties.State;

using CoreViolation = Penalties.Core.PenaltyPoints.Violation;
using Deduction = Penalties.Core.PenaltyPoints.Deduction;

namespace Penalties.Grpc.Services;

/// <summary>
/// PenaltyPoints: stateless assessment over a supplied history, and the recorded history of each
/// merchant (Record, Revoke, GetStanding, ListHistory) through <see cref="IPenaltyHistoryStore"/>.
/// </summary>
public sealed class PenaltyPointsService(RuleCatalogSource rules, IPenaltyHistoryStore store, PenaltiesMetrics metrics,
    IOptions<PenaltyPointsOptions> options, ILogger<PenaltyPointsService> logger) : PenaltyPoints.PenaltyPointsBase
{
    /// <summary>The longest case id a history keeps: a standing lists every case by its id, so ids and count together bound its size.</summary>
    public const int MaxCaseIdLength = 128;

    /// <summary>The longest revocation reason a history keeps: a page of history lists them.</summary>
    public const int MaxReasonLength = 1_000;

    /// <summary>The store name of penalty records in the <c>penalties.records</c> metric.</summary>
    private const string HistoryStore = "penalty-history";

    public override Task<AssessPenaltyResponse> Assess(AssessPenaltyRequest request, ServerCallContext context) =>
        Task.FromResult(HandleAssess(request));

    public override Task AssessStream(IAsyncStreamReader<AssessPenaltyStreamRequest> requestStream, IServerStreamWriter<AssessPenaltyStreamResponse> responseStream, ServerCallContext context) =>
        Streams.Run(requestStream, responseStream, context, metrics, logger,
            r => new AssessPenaltyStreamResponse { CorrelationId = r.CorrelationId, Response = HandleAssess(r.Request ?? new AssessPenaltyRequest()) },
            (r, error) => new AssessPenaltyStreamResponse { CorrelationId = r.CorrelationId, Error = error });

    private AssessPenaltyResponse HandleAssess(AssessPenaltyRequest request)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        var history = new List<CoreViolation>(request.History.Count);
        if (v.AtMost("history", request.History, InputLimits.MaxSuppliedHistory))
        {
            for (int i = 0; i < request.History.Count; i++) history.Add(Mapping.Violation(request.History[i], $"history[{i}]", v));
        }
        if (request.Violation is null)
        {
            // No violation: the standing of the supplied history.
            var at = Mapping.Time(request.AsOf, "asOf", v);
            if (request.AsOf is null) v.Add("asOf", "is required when no violation is given");
            v.ThrowIfAny();
            return new AssessPenaltyResponse { StandingAfter = Mapping.Standing(PenaltyPointsCalculator.Standing(rules.Current, request.RuleSetId, history, at!.Value)) };
        }
        var violation = Mapping.Violation(request.Violation, "violation", v);
        var asOf = Mapping.Time(request.AsOf, "asOf", v) ?? violation.OccurredAt;
        v.ThrowIfAny();
        var preview = PenaltyPointsCalculator.Preview(rules.Current, request.RuleSetId, history, violation, asOf);
        Count(request.RuleSetId, preview.Deduction);
        return Mapping.Preview(preview);
    }

    public override async Task<PreviewPenaltyResponse> Preview(PreviewPenaltyRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("ruleSetId", request.RuleSetId);
        var violation = Mapping.Violation(request.Violation, "violation", v);
        var asOf = Mapping.Time(request.AsOf, "asOf", v) ?? violation.OccurredAt;
        v.ThrowIfAny();
        var history = Violations(await store.ReadAsync(request.MerchantId, context.CancellationToken), request.RuleSetId);
        var preview = PenaltyPointsCalculator.Preview(rules.Current, request.RuleSetId, history, violation, asOf);
        var (page, next) = StandingPages.Slice(request.MerchantId, preview.StandingAfter, null, StandingPages.MaxPageSize);
        var response = Mapping.Preview(preview with { StandingAfter = page });
        response.StandingAfter.NextPageToken = next;
        return new PreviewPenaltyResponse { Preview = response };
    }

    public override async Task<RecordPenaltyResponse> Record(RecordPenaltyRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("ruleSetId", request.RuleSetId);
        var violation = Mapping.Violation(request.Violation, "violation", v);
        if (violation.Revoked) v.Add("violation.revoked", "must be false when recording; revoke with Revoke");
        if (violation.CaseId.Length > MaxCaseIdLength) v.Add("violation.caseId", $"must be at most {MaxCaseIdLength} characters long (got {violation.CaseId.Length:N0})");
        v.ThrowIfAny();
        int max = options.Value.MaxRecordsPerMerchant;
        var catalog = rules.Current;
        Deduction? decided = null; // of the attempt that was written (a lost race decides again)
        var response = await store.UpdateAsync(request.MerchantId, records =>
        {
            if (Find(records, violation.CaseId) is { } existing)
                return ((HistoryRecord?)null, StoredAnswer(existing, request.MerchantId, request.RuleSetId, violation));
            if (records.Count(r => !r.Revocation) >= max)
                throw new PreconditionException($"merchant '{request.MerchantId}' has {max:N0} cases recorded, the most one history holds; nothing was recorded", CallerErrors.HistoryFull);
            // Judged as of the latest occurrence: a back-dated record moves later cases' escalation steps, and the
            // sanctions they then cross are this record's doing.
            var history = Violations(records, request.RuleSetId);
            var asOf = history.Aggregate(violation.OccurredAt, (latest, h) => h.OccurredAt > latest ? h.OccurredAt : latest);
            var preview = PenaltyPointsCalculator.Preview(catalog, request.RuleSetId, history, violation, asOf);
            var result = new RecordPenaltyResponse
            {
                Replay = false,
                Deduction = preview.Deduction is null ? null : Mapping.Deduction(preview.Deduction, violation.OccurredAt),
                NewSanctions = { preview.NewSanctions.Select(s => Mapping.Sanction(s, violation.OccurredAt)) },
            };
            decided = preview.Deduction;
            return (new HistoryRecord(0, request.RuleSetId, violation, Revocation: false, Reason: null, Response: result), result);
        }, context.CancellationToken);
        if (!response.Replay) Count(request.RuleSetId, decided);
        metrics.Record(HistoryStore, response.Replay);
        return response;
    }

    /// <summary>
    /// What was first answered for a recorded case, exactly, marked replay (even if the rules changed since),
    /// or ALREADY_EXISTS when the request differs from what was recorded.
    /// </summary>
    private static RecordPenaltyResponse StoredAnswer(HistoryRecord existing, string merchantId, string ruleSetId, CoreViolation violation)
    {
        // The same request again (the usual replay) needs no diff; the diff only words a conflict.
        bool same = string.Equals(existing.RuleSetId, ruleSetId, StringComparison.Ordinal) && existing.Violation == violation;
        if (!same && Differences(existing, ruleSetId, violation) is { Count: > 0 } differences)
            throw new ConflictException($"case '{violation.CaseId}' is already recorded for merchant '{merchantId}' with other content: {string.Join("; ", differences)}");
        var answer = existing.Response?.Clone() ?? throw new InvalidOperationException($"recorded case '{existing.Violation.CaseId}' has no stored answer");
        answer.Replay = true;
        return answer;
    }

    public override async Task<RevokePenaltyResponse> Revoke(RevokePenaltyRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("caseId", request.CaseId);
        if (request.Reason.Length > MaxReasonLength) v.Add("reason", $"must be at most {MaxReasonLength:N0} characters long (got {request.Reason.Length:N0})");
        v.ThrowIfAny();
        var catalog = rules.Current;
        return await store.UpdateAsync(request.MerchantId, records =>
        {
            var existing = Find(records, request.CaseId)
                ?? throw new NotFoundException($"case '{request.CaseId}' is not recorded for merchant '{request.MerchantId}'");
            var revocation = records.FirstOrDefault(r => r.Revocation && r.Violation.CaseId == request.CaseId);
            // As for Record: a replay must say what was recorded, so another reason is a conflict, not a silent keep.
            if (revocation is not null && !string.Equals(revocation.Reason ?? "", request.Reason, StringComparison.Ordinal))
            {
                var recorded = request.Clone();
                recorded.Reason = revocation.Reason ?? "";
                throw new ConflictException($"case '{request.CaseId}' is already revoked for merchant '{request.MerchantId}' with other content: {string.Join("; ", ProtoDiff.Differences(recorded, request))}");
            }
            bool already = revocation is not null;
            HistoryRecord? append = already ? null
                : new HistoryRecord(0, existing.RuleSetId, existing.Violation with { Revoked = true }, Revocation: true, Reason: request.Reason);
            var after = append is null ? records : [.. records, append];
            var history = Violations(after, existing.RuleSetId);
            var asOf = history.Max(h => h.OccurredAt);
            var standing = PenaltyPointsCalculator.Standing(catalog, existing.RuleSetId, history, asOf);
            return (append, new RevokePenaltyResponse { Replay = already, Standing = StandingPages.Page(request.MerchantId, standing, null) });
        }, context.CancellationToken);
    }

    public override async Task<GetStandingResponse> GetStanding(GetStandingRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        v.Required("ruleSetId", request.RuleSetId);
        var asOf = Mapping.Time(request.AsOf, "asOf", v);
        if (request.AsOf is null) v.Add("asOf", "is required");
        int size = DecisionRecording.PageSize(request.PageSize, v, unset: StandingPages.MaxPageSize);
        var after = StandingPages.After(request.PageToken, request.MerchantId, request.RuleSetId, asOf, v);
        v.ThrowIfAny();
        var history = Violations(await store.ReadAsync(request.MerchantId, context.CancellationToken), request.RuleSetId);
        var standing = PenaltyPointsCalculator.Standing(rules.Current, request.RuleSetId, history, asOf!.Value);
        return new GetStandingResponse { Standing = StandingPages.Page(request.MerchantId, standing, after, size) };
    }

    public override async Task<ListHistoryResponse> ListHistory(ListHistoryRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        int size = DecisionRecording.PageSize(request.PageSize, v);
        long start = 0;
        // Bound to the merchant, as every other listing's token is: another merchant's position would skip or repeat.
        string bound = PageTokens.Request(nameof(ListHistory), request.MerchantId);
        if (request.PageToken.Length > 0 && PageTokens.Text(request.PageToken, bound, nameof(ListHistory), v) is { } text
            && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out start))
            v.Add("pageToken", "is not a token returned by ListHistory");
        v.ThrowIfAny();
        var records = await store.ReadAsync(request.MerchantId, context.CancellationToken);
        var response = new ListHistoryResponse();
        foreach (var r in records.Where(r => r.Sequence >= start).Take(size))
        {
            response.Entries.Add(new HistoryEntry
            {
                Sequence = r.Sequence,
                RuleSetId = r.RuleSetId,
                Violation = Mapping.Violation(r.Violation),
                Revocation = r.Revocation,
                Reason = r.Reason ?? "",
            });
        }
        long next = start + response.Entries.Count;
        if (response.Entries.Count == size && records.Any(r => r.Sequence >= next))
            response.NextPageToken = PageTokens.Of(next.ToString(CultureInfo.InvariantCulture), bound);
        return response;
    }

    private void Count(string ruleSetId, Deduction? deduction)
    {
        if (deduction is not null) metrics.Decision(ruleSetId, deduction.Rule.Version, deduction.Category.ToString());
    }

    private static HistoryRecord? Find(IReadOnlyList<HistoryRecord> records, string caseId)
    {
        foreach (var r in records)
        {
            if (!r.Revocation && string.Equals(r.Violation.CaseId, caseId, StringComparison.Ordinal)) return r;
        }
        return null;
    }

    /// <summary>The core's view of the history: recorded violations, with revocations as revoked entries of the same case.</summary>
    private static List<CoreViolation> Violations(IReadOnlyList<HistoryRecord> records, string ruleSetId)
    {
        var result = new List<CoreViolation>(records.Count);
        foreach (var r in records)
        {
            if (string.Equals(r.RuleSetId, ruleSetId, StringComparison.Ordinal)) result.Add(r.Violation);
        }
        return result;
    }

    /// <summary>What differs between a recorded case and one sent again, as the ledger says it (proto field paths).</summary>
    private static List<string> Differences(HistoryRecord existing, string ruleSetId, CoreViolation incoming) =>
        ProtoDiff.Differences(
            new RecordPenaltyRequest { RuleSetId = existing.RuleSetId, Violation = Mapping.Violation(existing.Violation) },
            new RecordPenaltyRequest { RuleSetId = ruleSetId, Violation = Mapping.Violation(incoming) });
}
