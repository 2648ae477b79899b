using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>AfterSales over real sockets: on its own host (as penalties-after-sales runs it) and through a return claim on the all-in-one host.</summary>
public sealed class AfterSalesServiceTests : IAsyncLifetime
{
    private ServiceHost _host = null!;
    private ServiceHost _all = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(PenaltiesServices.AfterSales);
        _all = await ServiceHost.StartAsync(PenaltiesServices.All);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _all.DisposeAsync();
    }

    private AfterSales.AfterSalesClient Client => new(_host.Channel);

    [Fact]
    public async Task Assess_answers_the_deadlines_postage_rule_reference_and_explanation()
    {
        var d = (await Client.AssessAsync(new AssessAfterSalesRequest { Case = TmallReturn() })).Decision;
        Assert.Equal(AfterSalesOutcome.InTime, d.Outcome);
        Assert.Equal(("tmall.after-sales", 1), (d.Rule.RuleSetId, d.Rule.Version));
        Assert.StartsWith("sha256:", d.Rule.ContentHash, StringComparison.Ordinal);
        Assert.Equal(At("2024-03-10 15:30"), d.WindowEndsAt);
        Assert.Equal(12.00m, Value(d.Postage.BuyerPays));
        Assert.Equal("CNY", d.Postage.BuyerPays.CurrencyCode);
        Assert.Contains(d.Steps, s => s.Kind == "PostageLeg" && s.Text == "return leg (buyer → merchant) paid by the buyer, free-shipping item: 12.00");
    }

    [Fact]
    public async Task A_Pinduoduo_merchant_answering_after_48_hours_has_the_request_agreed_at_the_deadline()
    {
        var c = TmallReturn();
        c.Platform = AfterSalesPlatform.Pinduoduo;
        c.MerchantAnsweredAt = At("2024-03-12 15:31");
        var d = (await Client.AssessAsync(new AssessAfterSalesRequest { Case = c })).Decision;
        Assert.Equal(At("2024-03-12 15:30"), d.MerchantAnswerBy);
        Assert.Equal(At("2024-03-12 15:30"), d.AutoAgreedAt);
        Assert.Equal(AfterSalesOutcome.NoWindow, d.Outcome);
    }

    [Fact]
    public async Task Bad_input_is_INVALID_ARGUMENT_with_a_BadRequest_in_the_contracts_field_paths()
    {
        var c = TmallReturn();
        c.Platform = AfterSalesPlatform.Unspecified;
        c.SignedForAt = At("2024-02-28 10:00"); // before the order
        c.Item.OutboundPostage = Cny(-8m);
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.AssessAsync(new AssessAfterSalesRequest { Case = c }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var fields = e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(["case.item.outbound_postage", "case.platform", "case.signed_for_at"], fields.Select(v => v.Field).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pin_of_another_platforms_rule_set_is_refused_naming_the_pin()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.AssessAsync(new AssessAfterSalesRequest
        {
            Case = TmallReturn(),
            Pin = new RulePin { RuleSetId = "jd.after-sales", Version = 1 },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "pin.rule_set_id");
    }

    [Fact]
    public async Task AssessStream_answers_every_item_in_order()
    {
        using var call = Client.AssessStream();
        var bad = JdReturn();
        bad.RequestedAt = At("2024-02-01 00:00"); // before the order
        foreach (var (id, c) in new[] { ("1", TmallReturn()), ("2", bad), ("3", JdReturn()) })
            await call.RequestStream.WriteAsync(new AssessAfterSalesStreamRequest { CorrelationId = id, Request = new AssessAfterSalesRequest { Case = c } });
        await call.RequestStream.CompleteAsync();
        var answers = new List<AssessAfterSalesStreamResponse>();
        await foreach (var r in call.ResponseStream.ReadAllAsync()) answers.Add(r);
        Assert.Equal(["1", "2", "3"], answers.Select(a => a.CorrelationId));
        Assert.Equal(AssessAfterSalesStreamResponse.ResultOneofCase.Error, answers[1].ResultCase);
        Assert.Contains(answers[1].Error.FieldViolations, v => v.Field == "request.case.requested_at");
        Assert.Equal(196.50m, Value(answers[2].Decision.Refund.Refund));
    }

    [Fact]
    public async Task The_host_serves_health_for_the_AfterSales_service()
    {
        var health = new global::Grpc.Health.V1.Health.HealthClient(_host.Channel);
        var answer = await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest { Service = AfterSales.Descriptor.FullName });
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
    }

    [Fact]
    public async Task A_return_claim_is_decided_with_the_assessment_kept_in_the_claim()
    {
        var claims = new Claims.ClaimsClient(_all.Channel);
        var request = new FileClaimRequest { ClaimId = "return-1", MerchantId = "m-return", FiledAt = At("2024-03-10 16:00"), AfterSales = JdReturn() };
        var claim = await claims.FileAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal((ClaimKind.Return, ClaimStatus.Decided), (claim.Kind, claim.Status));
        Assert.Equal(196.50m, Value(claim.AfterSales.Decision.Refund.Refund));
        Assert.Null(claim.Penalty);
        Assert.Equal(claim, await claims.GetAsync(new GetClaimRequest { ClaimId = "return-1" }));
        Assert.Equal(claim, await claims.FileAsync(request)); // filed again: the same claim
    }
}
