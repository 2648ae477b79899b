using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Integration;

/// <summary>The embedded default end to end: the all-in-one host, no sidecar and no Redis, Claims calling the calculators over loopback.</summary>
public class ClaimsFlowTests(AllInOneFixture fixture) : IClassFixture<AllInOneFixture>
{
    private readonly Claims.ClaimsClient _claims = new(fixture.Host.Channel);
    private readonly PenaltyPoints.PenaltyPointsClient _points = new(fixture.Host.Channel);

    [Fact]
    public async Task A_claim_refused_before_payment_gives_a_one_point_deduction_in_the_merchants_standing()
    {
        var claim = await _claims.FileAsync(RefusedBeforePaymentClaim("flow-1", "m-flow-1"), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal(ClaimStatus.Decided, claim.Status);
        Assert.Equal(1, claim.Penalty.Deduction.Points);
        var standing = (await _points.GetStandingAsync(new GetStandingRequest { MerchantId = "m-flow-1", RuleSetId = "tmall.penalty-points", AsOf = At("2024-03-10 00:00") })).Standing;
        var deduction = Assert.Single(standing.Deductions);
        Assert.Equal(("claim:flow-1", "REFUSE_BEFORE_PAYMENT", 1), (deduction.CaseId, deduction.Code, deduction.Points));
        Assert.Equal(claim, await _claims.GetAsync(new GetClaimRequest { ClaimId = "flow-1" }));
    }

    [Fact]
    public async Task Filed_concurrently_a_claim_deducts_once()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _claims.FileAsync(RefusedBeforePaymentClaim("flow-2", "m-flow-2")).ResponseAsync));

        Assert.All(claims, c => Assert.Equal(ClaimStatus.Decided, c.Status));
        Assert.Single((await _points.ListHistoryAsync(new ListHistoryRequest { MerchantId = "m-flow-2" })).Entries);
    }

    [Fact]
    public async Task Errors_have_their_statuses()
    {
        var invalid = await Assert.ThrowsAsync<RpcException>(() => _claims.FileAsync(new FileClaimRequest { ClaimId = "flow-3" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("merchant_id", invalid.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));
        var missing = await Assert.ThrowsAsync<RpcException>(() => _claims.GetAsync(new GetClaimRequest { ClaimId = "never" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        await _claims.FileAsync(RefusedBeforePaymentClaim("flow-4", "m-flow-4"));
        var other = RefusedBeforePaymentClaim("flow-4", "m-flow-4");
        other.MerchantId = "m-other";
        var conflict = await Assert.ThrowsAsync<RpcException>(() => _claims.FileAsync(other).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
        Assert.Contains("merchant_id 'm-flow-4' recorded, 'm-other' sent", conflict.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_name_the_claim_requests_fields_and_a_wrong_pin_leaves_the_id_free()
    {
        var request = new FileClaimRequest { ClaimId = "flow-5", MerchantId = "m-flow-5", FiledAt = At("2024-03-10 12:00"), AfterSales = TmallReturn(), Pin = new RulePin { RuleSetId = "jd.after-sales", Version = 1 } };
        var pin = await Assert.ThrowsAsync<RpcException>(() => _claims.FileAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, pin.StatusCode);
        Assert.Equal("pin.rule_set_id", Assert.Single(pin.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        Assert.Equal("WRONG_RULE_SET", pin.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        request.Pin.RuleSetId = "tmall.after-sales";
        Assert.Equal(ClaimStatus.Decided, (await _claims.FileAsync(request)).Status);

        var late = TmallLate();
        late.Platform = Platform.Taobao;
        late.Channel = ShippingChannel.Juhuasuan;
        var juhuasuan = new FileClaimRequest { ClaimId = "flow-6", MerchantId = "m-flow-5", FiledAt = At("2024-03-06 12:00"), LateShipment = late };
        var refused = await Assert.ThrowsAsync<RpcException>(() => _claims.FileAsync(juhuasuan).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("late_shipment.channel", Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        var claim = await _claims.GetAsync(new GetClaimRequest { ClaimId = "flow-6" });
        Assert.Equal((ClaimStatus.Refused, "late_shipment.channel"), (claim.Status, claim.Refusal.FieldViolations.Single().Field));
    }

    [Fact]
    public async Task The_cli_files_the_example_claim_and_gets_it_back()
    {
        var (code, output, error) = await CliRunner.RunAsync("", "claims", "file", Path.Combine(RepoPaths.Root, "examples", "claim.refused-before-payment.json"), "--server", fixture.Host.Address);
        Assert.True(code == 0, error);
        var claim = Google.Protobuf.JsonParser.Default.Parse<Claim>(output);
        Assert.Equal((ClaimStatus.Decided, 1), (claim.Status, claim.Penalty.Deduction.Points));

        var (getCode, got, _) = await CliRunner.RunAsync("", "claims", "get", "example-claim-1", "--server", fixture.Host.Address);
        Assert.Equal((0, claim), (getCode, Google.Protobuf.JsonParser.Default.Parse<Claim>(got)));
        var (missing, _, missingError) = await CliRunner.RunAsync("", "claims", "get", "never-filed", "--server", fixture.Host.Address);
        Assert.Equal(3, missing);
        Assert.StartsWith("NotFound:", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_lists_a_merchants_claims_of_a_period_by_filing_time()
    {
        foreach (var (id, at) in new[] { ("list-b", "2024-03-06 15:00"), ("list-a", "2024-03-06 09:00"), ("list-c", "2024-03-08 09:00") })
        {
            var request = RefusedBeforePaymentClaim(id, "m-flow-list");
            request.FiledAt = At(at);
            await _claims.FileAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        }
        string[] period = ["--merchant", "m-flow-list", "--from", "2024-03-06T00:00:00+08:00", "--to", "2024-03-08T00:00:00+08:00", "--server", fixture.Host.Address];

        var (code, output, error) = await CliRunner.RunAsync("", ["claims", "list", .. period]);
        Assert.True(code == 0, error);
        var listed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Google.Protobuf.JsonParser.Default.Parse<Claim>(line)).ToList();
        Assert.Equal(["list-a", "list-b"], listed.Select(c => c.ClaimId));
        Assert.All(listed, c => Assert.Equal(ClaimStatus.Decided, c.Status));

        Assert.Equal((0, ""), await Run(["claims", "list", .. period, "--status", "refused"]));
        var (bad, _, badError) = await CliRunner.RunAsync("", ["claims", "list", .. period, "--status", "lost"]);
        Assert.Equal(2, bad);
        Assert.Contains("--status: 'lost' is not pending, decided or refused", badError, StringComparison.Ordinal);

        static async Task<(int, string)> Run(string[] args)
        {
            var (c, o, _) = await CliRunner.RunAsync("", args);
            return (c, o.Trim());
        }
    }
}
