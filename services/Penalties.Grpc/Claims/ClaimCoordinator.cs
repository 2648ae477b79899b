using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Contracts;
using Penalties.Contracts.V1;
using Penalties.Core.AfterSales;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using Penalties.Dapr;
using Status = Grpc.Core.Status;

namespace Penalties.Grpc.Claims;

/// <summary>
/// Takes a claim through its steps: (1) decide and record through the calculator's Record, (2) record a penalty-point
/// referral through PenaltyPoints.Record, (3) save the claim settled with its <c>claim-decided</c> event. Steps 1 and 2
/// are idempotent at their services (a business key, a case id derived from the claim id), so a step is resumed by
/// calling it again; step 3 commits only if the claim is not settled yet, so only one of concurrent filers settles it.
/// </summary>
public sealed partial class ClaimCoordinator(IClaimStore store, IServiceInvoker invoker, IOptions<ClaimsOptions> options, TimeProvider time,
    PenaltiesMetrics metrics, ILogger<ClaimCoordinator> logger)
{
    public const int MaxClaimIdLength = 100;
    public const string DecidedEventType = "penalties.claim.decided.v1";

    /// <summary>The case id a claim's referral is recorded under in PenaltyPoints.</summary>
    public static string PenaltyCaseId(string claimId) => "claim:" + claimId;

    /// <summary>File: checks the request, creates the claim or finds it, and takes it as far as it can go.</summary>
    public async Task<Claim> FileAsync(FileClaimRequest request, DateTime? deadline, CancellationToken cancellationToken)
    {
        request = Validate(request);
        // The claim as stored, created (pending) if it is new.
        var current = await store.CreateAsync(new StoredClaim { Request = request, Claim = NewClaim(request, deadline), CreatedAt = Mapping.Time(time.GetUtcNow()) },
            cancellationToken);
        if (ProtoDiff.Differences(DecisionRecording.ReadRecorded(current.Request, Validate), request) is { Count: > 0 } differences)
            throw new ConflictException($"claim '{request.ClaimId}' is already filed with other content: {string.Join("; ", differences)}");
        // Null: another filer settled it meanwhile; its claim is the answer.
        var claim = await AdvanceAsync(current, deadline, cancellationToken)
            ?? (await store.GetAsync(request.ClaimId, cancellationToken))?.Claim
            ?? throw new InvalidOperationException($"claim '{request.ClaimId}' vanished");
        return ThrowIfRefused(claim);
    }

    public async Task<Claim> GetAsync(string claimId, CancellationToken cancellationToken)
    {
        var v = new ViolationList();
        v.Required("claimId", claimId);
        v.ThrowIfAny();
        var found = await store.GetAsync(claimId, cancellationToken) ?? throw new NotFoundException($"claim '{CallerErrors.Cut(claimId, CallerErrors.MaxQuotedBytes)}' was never filed");
        return found.Claim;
    }

    /// <summary>
    /// List: the merchant's claims filed in [from, to), by filing time then claim id, read day by day (China time)
    /// from the day index, filtered by status. The page token is the last claim listed: the next page goes on after
    /// it, so claims filed meanwhile never shift a page.
    /// </summary>
    public async Task<ListClaimsResponse> ListAsync(ListClaimsRequest request, CancellationToken cancellationToken)
    {
        var v = new ViolationList();
        v.Required("merchantId", request.MerchantId);
        var from = Mapping.Time(request.From, "from", v);
        var to = Mapping.Time(request.To, "to", v);
        if (request.From is null) v.Add("from", "is required");
        if (request.To is null) v.Add("to", "is required");
        if (from is not null && to is not null && from >= to) v.Add("to", "must be after from");
        else if (from is not null && to - from > TimeSpan.FromDays(MaxListDays)) v.Add("to", $"must be at most {MaxListDays} days after from");
        if (!System.Enum.IsDefined(request.Status)) v.Add("status", $"unknown status {(int)request.Status}");
        int size = DecisionRecording.PageSize(request.PageSize, v);
        // The token names the last claim listed (its filing time and id), for this merchant, period and status only.
        var binding = PageTokens.Request("ListClaims", request.MerchantId, PageTokens.Instant(from), PageTokens.Instant(to),
            ((int)request.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        FiledClaim? after = null;
        if (request.PageToken.Length > 0 && PageTokens.Text(request.PageToken, binding, "List", v) is { } text)
        {
            after = PageTokens.KeyOf(text) is { } k ? new FiledClaim(new DateTimeOffset(k.Ticks, TimeSpan.Zero), k.Id) : null;
            if (after is null) v.Add("pageToken", "is not a token returned by List");
        }
        v.ThrowIfAny();

        var response = new ListClaimsResponse();
        var last = ChinaTime.DayOf(to!.Value.AddTicks(-1));
        for (var day = ChinaTime.DayOf(after?.FiledAt ?? from!.Value); day <= last; day = day.AddDays(1))
        {
            var filed = (await store.FiledOnAsync(request.MerchantId, day, cancellationToken))
                .Where(f => f.FiledAt >= from && f.FiledAt < to && (after is null || FiledClaim.Order.Compare(f, after.Value) > 0))
                .Order(FiledClaim.Order).ToList();
            for (int position = 0; position < filed.Count;)
            {
                var chunk = filed.GetRange(position, Math.Min(size - response.Claims.Count, filed.Count - position));
                foreach (var stored in await store.GetManyAsync([.. chunk.Select(f => f.ClaimId)], cancellationToken))
                {
                    if (request.Status == ClaimStatus.Unspecified || stored.Claim.Status == request.Status) response.Claims.Add(stored.Claim);
                }
                position += chunk.Count;
                if (response.Claims.Count == size)
                {
                    // The page ends with the chunk's last claim: every claim of the chunk was listed.
                    if (position < filed.Count || day < last) response.NextPageToken = PageTokens.Of(chunk[^1].FiledAt.UtcTicks, chunk[^1].ClaimId, binding);
                    return response;
                }
            }
        }
        return response;
    }

    /// <summary>The longest period one List reads: a page token walks it day by day.</summary>
    public const int MaxListDays = 366;

    /// <summary>The re-driver's part: takes a pending claim due for a retry further; false if it is not due.</summary>
    public async Task<bool> RedriveAsync(string claimId, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(claimId, cancellationToken);
        if (current?.Claim is not { Status: ClaimStatus.Pending } claim)
        {
            await store.DropPendingAsync([claimId], cancellationToken); // decided or refused, but still listed
            return false;
        }
        if (claim.Pending?.NextAttemptAt is { } next && next.ToDateTimeOffset() > time.GetUtcNow()) return false;
        await AdvanceAsync(current, time.GetUtcNow().UtcDateTime + options.Value.RedriveDeadline, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs the unfinished steps of a pending claim and saves where it got to. Null when another filer settled it
    /// meanwhile (the caller reads the claim again); the claim as saved otherwise.
    /// </summary>
    private async Task<Claim?> AdvanceAsync(StoredClaim current, DateTime? deadline, CancellationToken cancellationToken)
    {
        if (current.Claim.Status != ClaimStatus.Pending) return current.Claim;
        var stored = current.Clone();
        // A claim saved before its creation time was kept: its grace for the rules counts from this attempt.
        stored.CreatedAt ??= Mapping.Time(time.GetUtcNow());
        var (request, claim) = (stored.Request, stored.Claim);
        var call = new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
        var step = ClaimStep.RecordDecision;
        PenaltiesEvent? outbox = null;
        try
        {
            if (claim.DecisionCase == Claim.DecisionOneofCase.None) await RecordDecisionAsync(request, claim, call);
            step = ClaimStep.RecordPenalty;
            if (Referral(claim) is { } referral && claim.Penalty is null)
            {
                claim.Penalty = await new PenaltyPoints.PenaltyPointsClient(invoker.ToApp(AppIds.PenaltyPoints)).RecordAsync(new RecordPenaltyRequest
                {
                    MerchantId = request.MerchantId,
                    RuleSetId = referral.RuleSetId,
                    Violation = new Violation { CaseId = claim.PenaltyCaseId, Code = referral.Code, OccurredAt = request.LateShipment.PaidAt ?? request.LateShipment.PlacedAt },
                }, call);
            }
            claim.Status = ClaimStatus.Decided;
            claim.Pending = null;
            claim.CompletedAt = Mapping.Time(time.GetUtcNow());
            var decided = new PublishedEvent { Id = $"{claim.ClaimId}/decided", Topic = Topics.ClaimDecided, Type = DecidedEventType };
            claim.Events.Add(decided);
            outbox = new PenaltiesEvent(decided.Id, decided.Topic, decided.Type, JsonFormatter.Default.Format(claim));
        }
        catch (RpcException e) when (IsRefusal(e.StatusCode) && !AwaitsRules(e, stored))
        {
            claim.Status = ClaimStatus.Refused;
            claim.Pending = null;
            claim.Refusal = RefusalOf(step, e, request);
            claim.CompletedAt = Mapping.Time(time.GetUtcNow());
        }
        catch (RpcException e)
        {
            // Unavailable, past its deadline, failing unexpectedly, or awaiting the rules: the step is tried again later.
            int attempts = (claim.Pending?.Attempts ?? 0) + 1;
            claim.Pending = new PendingStep
            {
                Step = step,
                Reason = $"{(step == ClaimStep.RecordDecision ? AppOf(request) : AppIds.PenaltyPoints)}: {e.StatusCode} ({CallerErrors.Cut(e.Status.Detail, CallerErrors.MaxQuotedBytes)})",
                Attempts = attempts,
                NextAttemptAt = Mapping.Time(time.GetUtcNow() + Backoff(attempts)),
            };
            LogPending(logger, claim.ClaimId, step, e.StatusCode, attempts);
        }
        // Not cancelled with the call: the progress made (a recorded decision) is kept for the next attempt.
        if (claim.Status == ClaimStatus.Pending) await store.SaveProgressAsync(stored, CancellationToken.None);
        else if (!await store.SettleAsync(stored, outbox, CancellationToken.None)) return null;
        metrics.Claim(KindTag(claim.Kind), Mapping.Word(claim.Status));
        return claim;
    }

    private async Task RecordDecisionAsync(FileClaimRequest request, Claim claim, CallOptions call)
    {
        switch (request.CaseCase)
        {
            case FileClaimRequest.CaseOneofCase.LateShipment:
                claim.LateShipment = await new LateShipment.LateShipmentClient(invoker.ToApp(AppIds.LateShipment)).RecordAsync(
                    new RecordLateShipmentRequest { MerchantId = request.MerchantId, Case = request.LateShipment, Pin = request.Pin }, call);
                break;
            case FileClaimRequest.CaseOneofCase.PriceMatch:
                claim.PriceMatch = await new PriceMatch.PriceMatchClient(invoker.ToApp(AppIds.PriceMatch)).RecordAsync(
                    new RecordPriceMatchRequest { MerchantId = request.MerchantId, ItemId = request.ItemId, Case = request.PriceMatch, Pin = request.Pin }, call);
                break;
            default:
                // AfterSales records nothing: its assessment is kept in the claim, which is saved once.
                claim.AfterSales = await new AfterSales.AfterSalesClient(invoker.ToApp(AppIds.AfterSales)).AssessAsync(
                    new AssessAfterSalesRequest { Case = request.AfterSales, Pin = request.Pin }, call);
                break;
        }
    }

    /// <summary>The penalty-point referral a decision carries, as the rule data names it; null for none.</summary>
    private static (string RuleSetId, string Code)? Referral(Claim claim) =>
        claim.LateShipment?.Decision is { ReferralRuleSetId.Length: > 0, ReferralViolationCode.Length: > 0 } d ? (d.ReferralRuleSetId, d.ReferralViolationCode) : null;

    /// <summary>Answers a service gives about the claim itself: the same request again would get them again (see <see cref="AwaitsRules"/>).</summary>
    private static bool IsRefusal(StatusCode code) => code is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists
        or StatusCode.FailedPrecondition or StatusCode.OutOfRange or StatusCode.PermissionDenied or StatusCode.Unauthenticated;

    /// <summary>The refusals about a rule set or version the calculator has not loaded: a host may not have picked it up yet.</summary>
    private static readonly HashSet<string> RulesNotLoaded =
        [.. new[] { RuleResolutionError.UnknownRuleSet, RuleResolutionError.VersionNotFound, RuleResolutionError.NoVersionInForce }.Select(CallerErrors.ReasonOf)];

    /// <summary>
    /// True for a refusal that a rules change can clear, while the claim is within its grace: the re-driver retries it,
    /// so that a claim filed just after a publication is decided once every host has loaded it, and refused after that.
    /// </summary>
    private bool AwaitsRules(RpcException e, StoredClaim stored) =>
        e.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition
        && e.GetRpcStatus()?.GetDetail<ErrorInfo>() is { Domain: CallerErrors.Domain } info && RulesNotLoaded.Contains(info.Reason)
        && time.GetUtcNow() - stored.CreatedAt.ToDateTimeOffset() < options.Value.RulesGrace;

    private TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        double seconds = o.RetryBase.TotalSeconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, o.RetryMax.TotalSeconds));
    }

    private Claim NewClaim(FileClaimRequest request, DateTime? deadline) => new()
    {
        ClaimId = request.ClaimId,
        MerchantId = request.MerchantId,
        FiledAt = request.FiledAt,
        Kind = request.CaseCase switch
        {
            FileClaimRequest.CaseOneofCase.LateShipment => ClaimKind.LateShipment,
            FileClaimRequest.CaseOneofCase.PriceMatch => ClaimKind.PriceMatch,
            _ => ClaimKind.Return,
        },
        Status = ClaimStatus.Pending,
        PenaltyCaseId = request.CaseCase == FileClaimRequest.CaseOneofCase.LateShipment ? PenaltyCaseId(request.ClaimId) : "",
        // The filer itself goes on at once; the re-driver steps in only once it has stopped (a crash, a lost
        // connection): after the call's deadline, within the retry bounds, so that the two do not run the steps at once.
        Pending = new PendingStep { Step = ClaimStep.RecordDecision, Reason = "filed", NextAttemptAt = Mapping.Time(time.GetUtcNow() + FirstRedrive(deadline)) },
    };

    private TimeSpan FirstRedrive(DateTime? deadline)
    {
        var o = options.Value;
        var wait = o.RetryBase + (deadline is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) - time.GetUtcNow() : TimeSpan.Zero);
        return wait < o.RetryBase ? o.RetryBase : wait > o.RetryMax ? o.RetryMax : wait;
    }

    private static string KindTag(ClaimKind kind) => kind switch
    {
        ClaimKind.LateShipment => "late-shipment",
        ClaimKind.PriceMatch => "price-match",
        ClaimKind.Return => "return",
        _ => "unspecified",
    };

    private static string AppOf(FileClaimRequest request) => request.CaseCase switch
    {
        FileClaimRequest.CaseOneofCase.LateShipment => AppIds.LateShipment,
        FileClaimRequest.CaseOneofCase.PriceMatch => AppIds.PriceMatch,
        _ => AppIds.AfterSales,
    };

    /// <summary>
    /// The refusal as kept: the status with its ErrorInfo and field violations, those of the decision step renamed
    /// from the service's "case" to the claim request's field, so that File answers the filer's own paths.
    /// </summary>
    private static ClaimRefusal RefusalOf(ClaimStep step, RpcException e, FileClaimRequest request)
    {
        var status = e.GetRpcStatus();
        var refusal = new ClaimRefusal { Step = step, Code = (int)e.StatusCode, Message = e.Status.Detail };
        var info = status?.GetDetail<ErrorInfo>();
        if (info is not null)
        {
            refusal.Reason = info.Reason;
            refusal.Domain = info.Domain;
            refusal.Metadata.Add(info.Metadata);
        }
        // The refusing status names proto paths: the claim request's case field in its proto name too.
        string caseField = step == ClaimStep.RecordDecision ? CallerErrors.FieldPath("", CaseFieldOf(request)) : "case";
        foreach (var f in status?.GetDetail<BadRequest>()?.FieldViolations ?? [])
        {
            string field = f.Field == "case" || f.Field.StartsWith("case.", StringComparison.Ordinal)
                ? caseField + f.Field[4..] : f.Field;
            refusal.FieldViolations.Add(new Contracts.V1.FieldViolation { Field = field, Description = f.Description });
        }
        // A bare BadRequest's message lists the fields by name: said again with the claim request's.
        if (info is null && refusal.FieldViolations.Count > 0 && caseField != "case"
            && CallerErrors.ToStatus(new InvalidCaseException([.. refusal.FieldViolations.Select(f => new Core.Common.FieldViolation(f.Field, f.Description))])) is { } renamed)
            refusal.Message = renamed.Message;
        return refusal;
    }

    /// <summary>The claim request's field holding the case, as the core names fields ("lateShipment").</summary>
    private static string CaseFieldOf(FileClaimRequest request) => request.CaseCase switch
    {
        FileClaimRequest.CaseOneofCase.LateShipment => "lateShipment",
        FileClaimRequest.CaseOneofCase.PriceMatch => "priceMatch",
        _ => "afterSales",
    };

    /// <summary>A refused claim answers File with the status its service gave, its details included, every time it is filed.</summary>
    private static Claim ThrowIfRefused(Claim claim)
    {
        if (claim is not { Status: ClaimStatus.Refused, Refusal: { } r }) return claim;
        var status = new Google.Rpc.Status { Code = r.Code, Message = r.Message };
        if (r.Reason.Length > 0)
        {
            var info = new ErrorInfo { Reason = r.Reason, Domain = r.Domain };
            info.Metadata.Add(r.Metadata);
            status.Details.Add(Any.Pack(info));
        }
        if (r.FieldViolations.Count > 0)
        {
            var badRequest = new BadRequest();
            foreach (var f in r.FieldViolations) badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = f.Field, Description = f.Description });
            status.Details.Add(Any.Pack(badRequest));
        }
        throw status.ToRpcException();
    }

    /// <summary>
    /// INVALID_ARGUMENT listing every problem, the cases checked as their calculators check them; else the request as
    /// they read it (its case through the core and back, its pin, every default spelt out), so that a claim filed again
    /// in another spelling of the same case (an unset currency, quantity or channel) is the same claim.
    /// </summary>
    private static FileClaimRequest Validate(FileClaimRequest request)
    {
        var v = new ViolationList();
        v.Required("claimId", request.ClaimId);
        if (request.ClaimId.Length > MaxClaimIdLength) v.Add("claimId", $"must be at most {MaxClaimIdLength} characters long (got {request.ClaimId.Length:N0})");
        v.Required("merchantId", request.MerchantId);
        Mapping.Time(request.FiledAt, "filedAt", v);
        if (request.FiledAt is null) v.Add("filedAt", "is required");
        var read = request.Clone();
        var inCase = new ViolationList();
        // The rule set the case needs, as its calculator picks it; null when the case is invalid.
        string? needed = null;
        switch (request.CaseCase)
        {
            case FileClaimRequest.CaseOneofCase.LateShipment:
                if (Mapping.Case(inCase, Mapping.LateShipmentCase, request.LateShipment) is { } late)
                    (needed, read.LateShipment) = (LateShipmentCalculator.RuleSetFor(late.Platform), Mapping.Case(late));
                Move(inCase, v, CaseFieldOf(request));
                break;
            case FileClaimRequest.CaseOneofCase.PriceMatch:
                if (Mapping.Case(inCase, Mapping.PriceMatchCase, request.PriceMatch) is { } price)
                    (needed, read.PriceMatch) = (PriceMatchCalculator.RuleSet, Mapping.Case(price));
                Move(inCase, v, CaseFieldOf(request));
                v.Required("itemId", request.ItemId);
                break;
            case FileClaimRequest.CaseOneofCase.AfterSales:
                if (Mapping.Case(inCase, Mapping.AfterSalesCase, request.AfterSales) is { } afterSales)
                    (needed, read.AfterSales) = (AfterSalesCalculator.RuleSetFor(afterSales.Platform), Mapping.Case(afterSales));
                Move(inCase, v, CaseFieldOf(request));
                break;
            default:
                v.Add("case", "one of lateShipment, priceMatch or afterSales is required");
                break;
        }
        Mapping.CheckPin(request.Pin, v);
        // A pin of another rule set is refused here, as its calculator would, so that the mistake stores no claim.
        if (needed is not null && Mapping.Pin(request.Pin) is { RuleSetId.Length: > 0 } pin && pin.RuleSetId != needed)
        {
            var wrong = RuleCatalog.WrongRuleSet(pin.RuleSetId, needed);
            if (!v.Any) throw CallerErrors.OfField(wrong, "pin.ruleSetId");
            v.Add("pin.ruleSetId", wrong.Message);
        }
        v.ThrowIfAny();
        read.Pin = Mapping.Read(request.Pin);
        return read;
    }

    /// <summary>Violations named under "case." (as the calculators name them) renamed under the request's field.</summary>
    private static void Move(ViolationList from, ViolationList to, string field)
    {
        foreach (var f in from.Items)
            to.Add(f.Field.StartsWith("case", StringComparison.Ordinal) ? field + f.Field[4..] : f.Field, f.Description);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claim {ClaimId} pending at {Step}: {Code} (attempt {Attempts})")]
    private static partial void LogPending(ILogger logger, string claimId, ClaimStep step, StatusCode code, int attempts);
}
