using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Dapr;
using Penalties.Grpc;
using Penalties.Grpc.Claims;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>The Claims coordinator over the in-memory claim store and the calculators called in process.</summary>
public sealed class ClaimCoordinatorTests : IDisposable
{
    private const string Merchant = "m-1";
    private const string PointsRuleSet = "tmall.penalty-points";

    private readonly ClaimCalls _calls = new();
    private readonly RecordingPublisher _published = new();
    private readonly MovableTime _time = new(DateTimeOffset.Parse("2024-03-10T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CrashingStore _store;
    private readonly ClaimCoordinator _coordinator;
    private readonly ClaimRedriver _redriver;

    public ClaimCoordinatorTests()
    {
        _store = new CrashingStore(new InMemoryClaimStore(_published));
        var options = Microsoft.Extensions.Options.Options.Create(new ClaimsOptions());
        _coordinator = new ClaimCoordinator(_store, _calls, options, _time, UnitServices.Metrics, NullLogger<ClaimCoordinator>.Instance);
        _redriver = new ClaimRedriver(_store, _coordinator, options, _time, UnitServices.Metrics, NullLogger<ClaimRedriver>.Instance);
    }

    public void Dispose() => _redriver.Dispose();

    /// <summary>Tmall order placed 2024-03-01 10:00, the merchant refused to trade before payment: a 1-point referral.</summary>
    private static FileClaimRequest RefusedBeforePayment(string claimId = "claim-1")
    {
        var c = TmallLate();
        c.PlacedAt = c.PaidAt;
        c.PaidAt = null;
        c.RefusedBeforePayment = true;
        return new FileClaimRequest { ClaimId = claimId, MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = c };
    }

    private Task<Claim> File(FileClaimRequest request) => _coordinator.FileAsync(request, null, CancellationToken.None);

    private async Task<IReadOnlyList<HistoryEntry>> History() =>
        (await _calls.PenaltyPoints.ListHistory(new ListHistoryRequest { MerchantId = Merchant }, new TestServerCallContext("/penalties.v1.PenaltyPoints/ListHistory"))).Entries;

    private async Task<Standing> Standing() =>
        (await _calls.PenaltyPoints.GetStanding(new GetStandingRequest { MerchantId = Merchant, RuleSetId = PointsRuleSet, AsOf = At("2024-03-10 00:00") },
            new TestServerCallContext("/penalties.v1.PenaltyPoints/GetStanding"))).Standing;

    private static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "connection refused"));

    [Fact]
    public async Task A_claim_refused_before_payment_is_decided_with_a_one_point_deduction_and_announced()
    {
        var claim = await File(RefusedBeforePayment());

        Assert.Equal(ClaimStatus.Decided, claim.Status);
        Assert.Null(claim.Pending);
        Assert.Equal(LateShipmentOutcome.RefusedBeforePayment, claim.LateShipment.Decision.Outcome);
        Assert.Equal(("claim:claim-1", "REFUSE_BEFORE_PAYMENT", 1), (claim.Penalty.Deduction.CaseId, claim.Penalty.Deduction.Code, claim.Penalty.Deduction.Points));
        var deduction = Assert.Single((await Standing()).Deductions);
        Assert.Equal(("claim:claim-1", 1), (deduction.CaseId, deduction.Points));
        var e = Assert.Single(_published.Events);
        Assert.Equal(("claim-1/decided", Topics.ClaimDecided, ClaimCoordinator.DecidedEventType), (e.Id, e.Topic, e.Type));
        Assert.Equal(claim.Events.Single().Id, e.Id);
        Assert.Equal(ClaimStatus.Decided, Google.Protobuf.JsonParser.Default.Parse<Claim>(e.Data).Status);
        Assert.Equal(claim, await _coordinator.GetAsync("claim-1", CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_that_is_no_referral_records_no_penalty()
    {
        var claim = await File(new FileClaimRequest { ClaimId = "late-1", MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = TmallLate() });

        Assert.Equal(ClaimStatus.Decided, claim.Status);
        Assert.Equal(TmallLatePayout, Value(claim.LateShipment.Decision.BuyerPayout));
        Assert.Null(claim.Penalty);
        Assert.False(_calls.Calls.ContainsKey("/penalties.v1.PenaltyPoints/Record"));
    }

    [Fact]
    public async Task A_return_claim_is_assessed_by_AfterSales_and_decided_without_a_referral()
    {
        var claim = await File(new FileClaimRequest { ClaimId = "return-1", MerchantId = Merchant, FiledAt = At("2024-03-10 12:00"), AfterSales = TmallReturn() });

        Assert.Equal((ClaimKind.Return, ClaimStatus.Decided), (claim.Kind, claim.Status));
        Assert.Equal(AfterSalesOutcome.InTime, claim.AfterSales.Decision.Outcome);
        Assert.Equal("", claim.PenaltyCaseId);
        Assert.Equal(1, _calls.Calls["/penalties.v1.AfterSales/Assess"]);
        Assert.Empty(await History());
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task AfterSales_unavailable_leaves_a_return_claim_pending_on_its_app()
    {
        _calls.Fault = m => m == "/penalties.v1.AfterSales/Assess" ? Unavailable() : null;
        var claim = await File(new FileClaimRequest { ClaimId = "return-2", MerchantId = Merchant, FiledAt = At("2024-03-10 12:00"), AfterSales = TmallReturn() });

        Assert.Equal(ClaimStatus.Pending, claim.Status);
        Assert.StartsWith("penalties-after-sales: Unavailable", claim.Pending.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_return_claim_with_bad_input_names_its_fields_under_afterSales()
    {
        var c = TmallReturn();
        c.SignedForAt = At("2024-02-01 00:00");
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => File(new FileClaimRequest { ClaimId = "return-3", MerchantId = Merchant, FiledAt = At("2024-03-10 12:00"), AfterSales = c }));
        Assert.Contains(e.Violations, v => v.Field == "afterSales.signedForAt");
    }

    [Fact]
    public async Task Filed_64_times_concurrently_a_claim_gives_one_deduction_one_event_and_the_same_answer()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => File(RefusedBeforePayment()))));

        Assert.All(claims, c => Assert.Equal(ClaimStatus.Decided, c.Status));
        Assert.Single(claims.Select(c => c.ToString()).Distinct());
        Assert.Single(await History());
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task Filed_again_a_decided_claim_answers_the_same_claim_without_calling_anything()
    {
        var first = await File(RefusedBeforePayment());
        int calls = _calls.Calls.Values.Sum();

        Assert.Equal(first, await File(RefusedBeforePayment()));
        Assert.Equal(calls, _calls.Calls.Values.Sum());
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task PenaltyPoints_unavailable_leaves_the_claim_pending_and_the_redriver_completes_it()
    {
        _calls.Fault = m => m == "/penalties.v1.PenaltyPoints/Record" ? Unavailable() : null;

        var pending = await File(RefusedBeforePayment());
        Assert.Equal(ClaimStatus.Pending, pending.Status);
        Assert.Equal(ClaimStep.RecordPenalty, pending.Pending.Step);
        Assert.Contains("penalties-penalty-points: Unavailable", pending.Pending.Reason, StringComparison.Ordinal);
        Assert.Equal(LateShipmentOutcome.RefusedBeforePayment, pending.LateShipment.Decision.Outcome); // step 1 is kept
        Assert.Empty(_published.Events);

        await _redriver.RedriveDueAsync(CancellationToken.None); // not due yet: nothing happens
        Assert.Equal(ClaimStatus.Pending, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Status);

        _calls.Fault = _ => null;
        _time.Now = pending.Pending.NextAttemptAt.ToDateTimeOffset();
        await _redriver.RedriveDueAsync(CancellationToken.None);

        var done = await _coordinator.GetAsync("claim-1", CancellationToken.None);
        Assert.Equal(ClaimStatus.Decided, done.Status);
        Assert.Equal(1, done.Penalty.Deduction.Points);
        Assert.Single(await History());
        Assert.Single(_published.Events);
        Assert.Equal(1, _calls.Calls["/penalties.v1.LateShipment/Record"]); // the recorded step was not repeated
    }

    [Fact]
    public async Task A_redriver_pass_reads_one_batch_and_the_next_pass_goes_on_after_it()
    {
        _calls.Fault = m => m == "/penalties.v1.PenaltyPoints/Record" ? Unavailable() : null;
        var ids = Enumerable.Range(0, 25).Select(i => $"b{i:00}").ToList();
        foreach (var id in ids)
        {
            var r = RefusedBeforePayment(id);
            r.LateShipment.OrderId = "T-" + id;
            Assert.Equal(ClaimStatus.Pending, (await File(r)).Status);
        }
        var redriver = new ClaimRedriver(_store, _coordinator, Microsoft.Extensions.Options.Options.Create(new ClaimsOptions { RedriveBatch = 10, RedriveParallelism = 4 }),
            _time, UnitServices.Metrics, NullLogger<ClaimRedriver>.Instance);
        _calls.Fault = _ => null;
        _time.Now += TimeSpan.FromMinutes(1); // every claim due

        var passes = new List<string[]>();
        for (int pass = 0; pass < 3; pass++)
        {
            _store.ManyRead.Clear();
            await redriver.RedriveDueAsync(CancellationToken.None);
            passes.Add([.. _store.ManyRead]);
        }

        Assert.Equal([10, 10, 5], passes.Select(p => p.Length));
        Assert.Equal(ids, passes.SelectMany(p => p).Order(StringComparer.Ordinal));
        foreach (var id in ids) Assert.Equal(ClaimStatus.Decided, (await _coordinator.GetAsync(id, CancellationToken.None)).Status);
        Assert.Equal(25, (await History()).Count);
    }

    [Fact]
    public async Task Claims_are_counted_by_kind_and_status_saved_and_the_pending_backlog_is_a_gauge()
    {
        var factory = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider()
            .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var metrics = new PenaltiesMetrics(factory);
        var options = Microsoft.Extensions.Options.Options.Create(new ClaimsOptions());
        var coordinator = new ClaimCoordinator(_store, _calls, options, _time, metrics, NullLogger<ClaimCoordinator>.Instance);
        var redriver = new ClaimRedriver(_store, coordinator, options, _time, metrics, NullLogger<ClaimRedriver>.Instance);
        var counted = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long? pending = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value);
            if (instrument.Name == "penalties.claims") counted.Enqueue($"{t["kind"]} {t["status"]}");
            else if (instrument.Name == "penalties.claims.pending") pending = value;
        });
        listener.Start();

        _calls.Fault = m => m == "/penalties.v1.PenaltyPoints/Record" ? Unavailable() : null;
        await coordinator.FileAsync(RefusedBeforePayment(), null, CancellationToken.None);
        listener.RecordObservableInstruments();
        Assert.Null(pending); // no pass of the re-driver yet: nothing to tell
        await redriver.RedriveDueAsync(CancellationToken.None); // not due yet
        listener.RecordObservableInstruments();
        Assert.Equal(1, pending);

        _calls.Fault = _ => null;
        _time.Now += TimeSpan.FromMinutes(1);
        await redriver.RedriveDueAsync(CancellationToken.None);
        await redriver.RedriveDueAsync(CancellationToken.None);
        listener.RecordObservableInstruments();
        Assert.Equal(0, pending);
        Assert.Equal(["late-shipment pending", "late-shipment decided"], counted);
    }

    [Fact]
    public async Task The_redriver_leaves_a_new_claim_to_its_filer_until_the_filers_deadline_has_passed()
    {
        _store.CrashOn = c => c.Claim.Status == ClaimStatus.Decided; // the filer stops before settling
        var filedAt = _time.Now;
        await Assert.ThrowsAsync<IOException>(() => _coordinator.FileAsync(RefusedBeforePayment(), filedAt.UtcDateTime.AddSeconds(20), CancellationToken.None));
        _store.CrashOn = _ => false;
        var created = await _coordinator.GetAsync("claim-1", CancellationToken.None);
        Assert.Equal(filedAt + TimeSpan.FromSeconds(20) + new ClaimsOptions().RetryBase, created.Pending.NextAttemptAt.ToDateTimeOffset());

        _time.Now = filedAt + TimeSpan.FromSeconds(15); // the filer could still be running
        await _redriver.RedriveDueAsync(CancellationToken.None);
        Assert.Equal(ClaimStatus.Pending, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Status);

        _time.Now = created.Pending.NextAttemptAt.ToDateTimeOffset();
        await _redriver.RedriveDueAsync(CancellationToken.None);
        Assert.Equal(ClaimStatus.Decided, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Status);

        // A deadline far off waits at most RetryMax; none, RetryBase.
        var far = RefusedBeforePayment("claim-2");
        far.LateShipment.OrderId = "T-far";
        _calls.Fault = m => m == "/penalties.v1.LateShipment/Record" ? new RpcException(new Status(StatusCode.Unavailable, "down")) : null;
        _store.CrashOn = c => c.Claim.Pending?.Reason != "filed"; // keep the claim as created
        await Assert.ThrowsAsync<IOException>(() => _coordinator.FileAsync(far, _time.Now.UtcDateTime.AddHours(1), CancellationToken.None));
        Assert.Equal(_time.Now + new ClaimsOptions().RetryMax, (await _coordinator.GetAsync("claim-2", CancellationToken.None)).Pending.NextAttemptAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Retries_of_a_pending_claim_back_off_exponentially()
    {
        _calls.Fault = m => m == "/penalties.v1.LateShipment/Record" ? new RpcException(new Status(StatusCode.DeadlineExceeded, "late")) : null;
        var filedAt = _time.Now;
        var first = (await File(RefusedBeforePayment())).Pending;
        Assert.Equal(new ClaimsOptions().RetryBase, first.NextAttemptAt.ToDateTimeOffset() - filedAt);
        _time.Now = first.NextAttemptAt.ToDateTimeOffset();
        await _redriver.RedriveDueAsync(CancellationToken.None);
        var second = (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Pending;

        Assert.Equal((ClaimStep.RecordDecision, 1, 2), (first.Step, first.Attempts, second.Attempts));
        var retryBase = new ClaimsOptions().RetryBase;
        Assert.Equal(2 * retryBase, second.NextAttemptAt.ToDateTimeOffset() - _time.Now);
    }

    [Fact]
    public async Task The_same_claim_id_with_other_content_is_ALREADY_EXISTS_naming_what_differs()
    {
        await File(RefusedBeforePayment());
        var other = RefusedBeforePayment();
        other.LateShipment.OrderId = "T-2";

        var e = await Assert.ThrowsAsync<ConflictException>(() => File(other));
        Assert.Contains("claim 'claim-1' is already filed with other content", e.Message, StringComparison.Ordinal);
        Assert.Contains("late_shipment.order_id 'T-1' recorded, 'T-2' sent", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A late-shipment claim spelt with every default left unset: no currency, quantity 0, an unspecified channel, an empty pin.</summary>
    private static FileClaimRequest Unspelt(decimal units = 1500)
    {
        var c = TmallLate();
        c.Lines[0].Amount = new Money { Units = (long)units };
        c.Lines[0].Quantity = 0;
        c.Channel = ShippingChannel.Unspecified;
        return new FileClaimRequest { ClaimId = "late-1", MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = c, Pin = new RulePin() };
    }

    [Fact]
    public async Task A_claim_filed_again_with_an_equivalent_encoding_answers_the_first_claim()
    {
        var first = await File(Unspelt());
        Assert.Equal(ClaimStatus.Decided, first.Status);

        Assert.Equal(first, await File(new FileClaimRequest { ClaimId = "late-1", MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = TmallLate() }));
        Assert.Equal(first, await File(Unspelt()));
        Assert.Equal(1, _calls.Calls["/penalties.v1.LateShipment/Record"]);

        var e = await Assert.ThrowsAsync<ConflictException>(() => File(Unspelt(1600)));
        Assert.EndsWith("already filed with other content: late_shipment.lines[0].amount 1500.00 CNY recorded, 1600.00 CNY sent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_stored_as_sent_before_requests_were_read_is_answered_to_an_equivalent_filing()
    {
        var sent = Unspelt();
        var claim = new Claim { ClaimId = "late-1", MerchantId = Merchant, FiledAt = sent.FiledAt, Kind = ClaimKind.LateShipment, Status = ClaimStatus.Refused, Refusal = new ClaimRefusal { Code = 5 } };
        await _store.CreateAsync(new StoredClaim { Request = sent, Claim = claim }, CancellationToken.None);

        var e = await Assert.ThrowsAsync<RpcException>(() => File(new FileClaimRequest { ClaimId = "late-1", MerchantId = Merchant, FiledAt = sent.FiledAt, LateShipment = TmallLate() }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode); // the claim as stored, not ALREADY_EXISTS
        await Assert.ThrowsAsync<ConflictException>(() => File(Unspelt(1600)));
    }

    [Fact]
    public async Task A_crash_between_steps_is_resumed_by_the_redriver_with_one_decision_and_one_deduction()
    {
        _store.CrashOn = c => c.Claim.Status == ClaimStatus.Decided; // the process dies before the final save
        await Assert.ThrowsAsync<IOException>(() => File(RefusedBeforePayment()));
        Assert.Equal(ClaimStatus.Pending, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Status);
        Assert.Empty(_published.Events); // the failed save published nothing

        _store.CrashOn = _ => false;
        _time.Now += TimeSpan.FromMinutes(1);
        await _redriver.RedriveDueAsync(CancellationToken.None);

        var done = await _coordinator.GetAsync("claim-1", CancellationToken.None);
        Assert.Equal(ClaimStatus.Decided, done.Status);
        Assert.True(done.LateShipment.Replay); // the calculator answered its first record again
        Assert.True(done.Penalty.Replay);
        Assert.Single(await History());
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task A_settling_save_that_loses_to_another_publishes_nothing()
    {
        var store = new InMemoryClaimStore(_published);
        var claim = new StoredClaim { Request = RefusedBeforePayment(), Claim = new Claim { ClaimId = "c", MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), Status = ClaimStatus.Pending } };
        Assert.Equal(claim, await store.CreateAsync(claim, CancellationToken.None));
        var decided = claim.Clone();
        decided.Claim.Status = ClaimStatus.Decided;
        var refused = claim.Clone();
        refused.Claim.Status = ClaimStatus.Refused;
        Assert.True(await store.SettleAsync(refused, null, CancellationToken.None));

        Assert.False(await store.SettleAsync(decided, new PenaltiesEvent("c/decided", Topics.ClaimDecided, "t", "{}"), CancellationToken.None));
        Assert.Equal(refused, await store.CreateAsync(decided, CancellationToken.None)); // created again: the claim found is answered, unchanged
        await store.SaveProgressAsync(claim, CancellationToken.None); // a late progress save does not bring it back
        Assert.Equal(refused, await store.GetAsync("c", CancellationToken.None));
        Assert.Empty(_published.Events);
        Assert.Empty(await store.PendingAsync(CancellationToken.None));
    }

    /// <summary>A calculator host that has not loaded a rule version yet answers as for a version that does not exist.</summary>
    private static RpcException NotLoadedYet(string ruleSetId, int version) =>
        Errors.ToRpcException(new Penalties.Core.Rules.RuleResolutionException(Penalties.Core.Rules.RuleResolutionError.VersionNotFound, ruleSetId, $"{ruleSetId} has no version {version}"));

    [Fact]
    public async Task A_rule_version_not_loaded_yet_leaves_the_claim_pending_until_the_rules_answer()
    {
        var request = RefusedBeforePayment();
        request.Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 1 };
        _calls.Fault = m => m == "/penalties.v1.LateShipment/Record" ? NotLoadedYet("tmall.late-shipment", 1) : null;

        var pending = await File(request);
        Assert.Equal((ClaimStatus.Pending, ClaimStep.RecordDecision), (pending.Status, pending.Pending.Step));
        Assert.StartsWith("penalties-late-shipment: NotFound", pending.Pending.Reason, StringComparison.Ordinal);
        Assert.Null(pending.Refusal);

        _calls.Fault = _ => null; // the host has loaded the version
        _time.Now = pending.Pending.NextAttemptAt.ToDateTimeOffset();
        await _redriver.RedriveDueAsync(CancellationToken.None);

        var done = await _coordinator.GetAsync("claim-1", CancellationToken.None);
        Assert.Equal(ClaimStatus.Decided, done.Status);
        Assert.Equal(1, done.LateShipment.Decision.Rule.Version);
        Assert.Single(_published.Events);
    }

    [Fact]
    public async Task A_rule_version_still_missing_after_the_grace_is_refused_for_good_and_answered_again_on_every_filing()
    {
        var request = RefusedBeforePayment();
        request.Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 99 };
        var filedAt = _time.Now;

        var pending = await File(request);
        Assert.Equal((ClaimStatus.Pending, ClaimStep.RecordDecision), (pending.Status, pending.Pending.Step));
        _time.Now = pending.Pending.NextAttemptAt.ToDateTimeOffset();
        await _redriver.RedriveDueAsync(CancellationToken.None);
        Assert.Equal(2, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Pending.Attempts); // still within the grace

        _time.Now = filedAt + new ClaimsOptions().RulesGrace;
        var e = await Assert.ThrowsAsync<RpcException>(() => File(request));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("VERSION_NOT_FOUND", e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        var again = await Assert.ThrowsAsync<RpcException>(() => File(request));
        Assert.Equal((e.StatusCode, e.Status.Detail), (again.StatusCode, again.Status.Detail));
        var claim = await _coordinator.GetAsync("claim-1", CancellationToken.None);
        Assert.Equal((ClaimStatus.Refused, ClaimStep.RecordDecision), (claim.Status, claim.Refusal.Step));
        Assert.Empty(_published.Events);
    }

    [Fact]
    public async Task A_refusal_that_no_rules_change_can_clear_is_final_at_once()
    {
        var request = RefusedBeforePayment();
        request.Pin = new RulePin { RuleSetId = "tmall.late-shipment", Version = 1, ContentHash = new string('0', 64) };

        var e = await Assert.ThrowsAsync<RpcException>(() => File(request));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("CONTENT_HASH_MISMATCH", e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal(ClaimStatus.Refused, (await _coordinator.GetAsync("claim-1", CancellationToken.None)).Status);

        // A NOT_FOUND of anything but the rules is final too.
        _calls.Fault = m => m == "/penalties.v1.LateShipment/Record" ? new RpcException(new Status(StatusCode.NotFound, "no such order")) : null;
        var other = RefusedBeforePayment("claim-2");
        other.LateShipment.OrderId = "T-other";
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => File(other))).StatusCode);
        Assert.Equal(ClaimStatus.Refused, (await _coordinator.GetAsync("claim-2", CancellationToken.None)).Status);
    }

    /// <summary>Taobao, paid 2024-03-01 10:00 on a Juhuasuan group-buy: the Taobao rule states no Juhuasuan deadline.</summary>
    private static FileClaimRequest TaobaoJuhuasuan(string claimId)
    {
        var c = TmallLate();
        c.Platform = Platform.Taobao;
        c.Channel = ShippingChannel.Juhuasuan;
        return new FileClaimRequest { ClaimId = claimId, MerchantId = Merchant, FiledAt = At("2024-03-06 12:00"), LateShipment = c };
    }

    [Fact]
    public async Task A_pin_of_another_rule_set_is_refused_before_anything_is_stored_and_the_id_stays_free()
    {
        var request = new FileClaimRequest { ClaimId = "c-4", MerchantId = Merchant, FiledAt = At("2024-03-10 12:00"), AfterSales = TmallReturn(), Pin = new RulePin { RuleSetId = "jd.after-sales", Version = 1 } };

        var e = await Assert.ThrowsAnyAsync<Exception>(() => File(request));
        var status = Errors.ToStatus(e);
        Assert.Equal((int)StatusCode.InvalidArgument, status.Code);
        Assert.Equal("pin.rule_set_id", Assert.Single(status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        Assert.Equal("WRONG_RULE_SET", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Empty(_calls.Calls);
        Assert.Null(await _store.GetAsync("c-4", CancellationToken.None));

        request.Pin.RuleSetId = "tmall.after-sales";
        Assert.Equal(ClaimStatus.Decided, (await File(request)).Status);
    }

    [Fact]
    public async Task A_pin_of_another_rule_set_is_listed_with_the_requests_other_violations()
    {
        var request = new FileClaimRequest { ClaimId = "c-5", FiledAt = At("2024-03-10 12:00"), AfterSales = TmallReturn(), Pin = new RulePin { RuleSetId = "jd.after-sales", Version = 1 } };

        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => File(request));
        Assert.Equal(["merchantId", "pin.ruleSetId"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_case_refused_by_its_rules_keeps_the_violations_under_the_claim_requests_fields()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => File(TaobaoJuhuasuan("c-6")));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal("late_shipment.channel", violation.Field);
        Assert.Contains("no Juhuasuan deadline", violation.Description, StringComparison.Ordinal);
        Assert.Contains("late_shipment.channel: ", e.Status.Detail, StringComparison.Ordinal);
        var refusal = (await _coordinator.GetAsync("c-6", CancellationToken.None)).Refusal;
        Assert.Equal(("late_shipment.channel", violation.Description), (refusal.FieldViolations.Single().Field, refusal.FieldViolations.Single().Description));
        var again = await Assert.ThrowsAsync<RpcException>(() => File(TaobaoJuhuasuan("c-6")));
        Assert.Equal(e.GetRpcStatus(), again.GetRpcStatus());
    }

    [Fact]
    public async Task A_refusal_keeps_the_error_info_of_the_refusing_status()
    {
        var c = TmallReturn();
        c.OrderedAt = At("2011-03-01 10:00");
        c.SignedForAt = At("2011-03-03 15:30");
        c.RequestedAt = At("2011-03-10 15:30");
        var request = new FileClaimRequest { ClaimId = "c-7", MerchantId = Merchant, FiledAt = At("2011-03-10 12:00"), AfterSales = c };
        var pending = await File(request); // a version covering 2011 could be published meanwhile
        Assert.Equal((ClaimStatus.Pending, ClaimStep.RecordDecision), (pending.Status, pending.Pending.Step));
        _time.Now += new ClaimsOptions().RulesGrace;

        var e = await Assert.ThrowsAsync<RpcException>(() => File(request));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        var info = e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!;
        Assert.Equal(("NO_VERSION_IN_FORCE", "tmall.after-sales"), (info.Reason, info.Metadata["rule_set_id"]));
        var refusal = (await _coordinator.GetAsync("c-7", CancellationToken.None)).Refusal;
        Assert.Equal(("NO_VERSION_IN_FORCE", info.Domain, "tmall.after-sales"), (refusal.Reason, refusal.Domain, refusal.Metadata["rule_set_id"]));
        var again = await Assert.ThrowsAsync<RpcException>(() => File(request));
        Assert.Equal(e.GetRpcStatus(), again.GetRpcStatus());
    }

    [Fact]
    public async Task Invalid_input_lists_every_violation_under_the_request_fields()
    {
        var request = RefusedBeforePayment("");
        request.MerchantId = "";
        request.LateShipment.OrderId = "";

        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => File(request));
        Assert.Equal(["claimId", "merchantId", "lateShipment.orderId"], e.Violations.Select(v => v.Field));
        var none = await Assert.ThrowsAsync<InvalidCaseException>(() => File(new FileClaimRequest { ClaimId = "x", MerchantId = Merchant, FiledAt = At("2024-03-06 12:00") }));
        Assert.Equal("case", Assert.Single(none.Violations).Field);
        Assert.Empty(_calls.Calls);
    }

    [Fact]
    public async Task List_pages_a_merchants_claims_by_day_and_filters_by_status()
    {
        for (int i = 0; i < 5; i++)
        {
            var r = RefusedBeforePayment($"c{i}");
            r.LateShipment.OrderId = $"T-{i}";
            r.FiledAt = At($"2024-03-0{i + 1} 12:00");
            await File(r);
        }
        var request = new ListClaimsRequest { MerchantId = Merchant, From = At("2024-03-02 00:00"), To = At("2024-03-05 00:00"), PageSize = 2 };
        var first = await _coordinator.ListAsync(request, CancellationToken.None);
        request.PageToken = first.NextPageToken;
        var second = await _coordinator.ListAsync(request, CancellationToken.None);

        Assert.Equal(["c1", "c2"], first.Claims.Select(c => c.ClaimId));
        Assert.Equal(["c3"], second.Claims.Select(c => c.ClaimId));
        Assert.Empty(second.NextPageToken);
        Assert.Empty((await _coordinator.ListAsync(new ListClaimsRequest { MerchantId = Merchant, From = request.From, To = request.To, Status = ClaimStatus.Pending }, CancellationToken.None)).Claims);
        var bad = await Assert.ThrowsAsync<InvalidCaseException>(() => _coordinator.ListAsync(new ListClaimsRequest { MerchantId = Merchant, PageToken = "!" }, CancellationToken.None));
        Assert.Equal(["from", "to", "pageToken"], bad.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task List_answers_by_filing_time_and_a_page_stays_put_when_earlier_claims_are_filed_meanwhile()
    {
        // Filed out of order: the day index holds them as saved, List answers them by filing time, then claim id.
        string[] times = ["2024-03-02 15:00", "2024-03-02 09:00", "2024-03-03 08:00", "2024-03-02 09:00", "2024-03-02 12:00"];
        for (int i = 0; i < times.Length; i++)
        {
            var r = RefusedBeforePayment($"k{i}");
            r.LateShipment.OrderId = $"K-{i}";
            r.FiledAt = At(times[i]);
            await File(r);
        }
        var request = new ListClaimsRequest { MerchantId = Merchant, From = At("2024-03-02 00:00"), To = At("2024-03-04 00:00"), PageSize = 2 };
        var first = await _coordinator.ListAsync(request, CancellationToken.None);
        Assert.Equal(["k1", "k3"], first.Claims.Select(c => c.ClaimId));

        // A claim filed (and timed) before the page's end does not move the next page.
        var late = RefusedBeforePayment("k5");
        late.LateShipment.OrderId = "K-5";
        late.FiledAt = At("2024-03-02 08:00");
        await File(late);
        request.PageToken = first.NextPageToken;
        var second = await _coordinator.ListAsync(request, CancellationToken.None);
        Assert.Equal(["k4", "k0"], second.Claims.Select(c => c.ClaimId));
        request.PageToken = second.NextPageToken;
        var third = await _coordinator.ListAsync(request, CancellationToken.None);
        Assert.Equal(["k2"], third.Claims.Select(c => c.ClaimId));
        Assert.Empty(third.NextPageToken);
        request.PageToken = "";
        Assert.Equal(["k5", "k1"], (await _coordinator.ListAsync(request, CancellationToken.None)).Claims.Select(c => c.ClaimId));

        // A token of one period is refused for another.
        var other = new ListClaimsRequest { MerchantId = Merchant, From = At("2024-03-03 00:00"), To = At("2024-03-04 00:00"), PageToken = first.NextPageToken };
        var bad = await Assert.ThrowsAsync<InvalidCaseException>(() => _coordinator.ListAsync(other, CancellationToken.None));
        Assert.Equal("pageToken", Assert.Single(bad.Violations).Field);
    }

    /// <summary>An in-memory store whose save fails (as a process dying before it) when <see cref="CrashOn"/> says so.</summary>
    private sealed class CrashingStore(IClaimStore inner) : IClaimStore
    {
        public Func<StoredClaim, bool> CrashOn { get; set; } = _ => false;

        public Task<StoredClaim?> GetAsync(string claimId, CancellationToken cancellationToken) => inner.GetAsync(claimId, cancellationToken);

        /// <summary>Every claim id read with <see cref="GetManyAsync"/>, as asked.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> ManyRead { get; } = new();

        public Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
        {
            foreach (var id in claimIds) ManyRead.Enqueue(id);
            return inner.GetManyAsync(claimIds, cancellationToken);
        }

        public Task<StoredClaim> CreateAsync(StoredClaim claim, CancellationToken cancellationToken) =>
            CrashOn(claim) ? throw new IOException("crashed before the save") : inner.CreateAsync(claim, cancellationToken);

        public Task SaveProgressAsync(StoredClaim claim, CancellationToken cancellationToken) =>
            CrashOn(claim) ? throw new IOException("crashed before the save") : inner.SaveProgressAsync(claim, cancellationToken);

        public Task<bool> SettleAsync(StoredClaim claim, PenaltiesEvent? outbox, CancellationToken cancellationToken) =>
            CrashOn(claim) ? throw new IOException("crashed before the save") : inner.SettleAsync(claim, outbox, cancellationToken);

        public Task<IReadOnlyList<FiledClaim>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken) => inner.FiledOnAsync(merchantId, day, cancellationToken);

        public Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken) => inner.DropPendingAsync(claimIds, cancellationToken);

        public Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken) => inner.PendingAsync(cancellationToken);
    }
}
