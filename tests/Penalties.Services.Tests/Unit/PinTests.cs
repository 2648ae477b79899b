using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Grpc.Claims;
using Penalties.Dapr;
using Microsoft.Extensions.Logging.Abstractions;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// A pin with any field set names its rule set and a version of at least 1, in every call that takes one; a pin
/// without them is refused naming the field, never ignored (with the hash check it asked for) nor NOT_FOUND.
/// </summary>
public class PinTests
{
    private static TestServerCallContext Context(string method) => new($"/penalties.v1.Test/{method}");

    public static TheoryData<string, int, string, string[]> BadPins() => new()
    {
        { "", 1, "sha256:00", ["pin.ruleSetId"] },
        { "tmall.late-shipment", 0, "", ["pin.version"] },
        { "tmall.late-shipment", -1, "", ["pin.version"] },
        { "", 0, "sha256:00", ["pin.ruleSetId", "pin.version"] },
    };

    private static RulePin Pin(string ruleSetId, int version, string hash) => new() { RuleSetId = ruleSetId, Version = version, ContentHash = hash };

    private static void AssertRefused(string[] fields, InvalidCaseException e) => Assert.Equal(fields, e.Violations.Select(v => v.Field));

    [Theory]
    [MemberData(nameof(BadPins))]
    public async Task A_LateShipment_Assess_and_Record_refuse_an_incomplete_pin(string ruleSetId, int version, string hash, string[] fields)
    {
        var service = UnitServices.LateShipment();
        AssertRefused(fields, await Assert.ThrowsAsync<InvalidCaseException>(() =>
            service.Assess(new AssessLateShipmentRequest { Case = TmallLate(), Pin = Pin(ruleSetId, version, hash) }, Context("Assess"))));
        AssertRefused(fields, await Assert.ThrowsAsync<InvalidCaseException>(() =>
            service.Record(new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate(), Pin = Pin(ruleSetId, version, hash) }, Context("Record"))));
    }

    [Theory]
    [MemberData(nameof(BadPins))]
    public async Task A_PriceMatch_Assess_and_Record_refuse_an_incomplete_pin(string ruleSetId, int version, string hash, string[] fields)
    {
        var service = UnitServices.PriceMatch();
        AssertRefused(fields, await Assert.ThrowsAsync<InvalidCaseException>(() =>
            service.Assess(new AssessPriceMatchRequest { Case = JdPayable(), Pin = Pin(ruleSetId, version, hash) }, Context("Assess"))));
        AssertRefused(fields, await Assert.ThrowsAsync<InvalidCaseException>(() =>
            service.Record(new RecordPriceMatchRequest { MerchantId = "m-1", ItemId = "sku-1", Case = JdPayable(), Pin = Pin(ruleSetId, version, hash) }, Context("Record"))));
    }

    [Theory]
    [MemberData(nameof(BadPins))]
    public async Task An_AfterSales_Assess_refuses_an_incomplete_pin(string ruleSetId, int version, string hash, string[] fields) =>
        AssertRefused(fields, await Assert.ThrowsAsync<InvalidCaseException>(() =>
            UnitServices.AfterSales().Assess(new AssessAfterSalesRequest { Case = TmallReturn(), Pin = Pin(ruleSetId, version, hash) }, Context("Assess"))));

    [Fact]
    public async Task A_stream_item_with_an_incomplete_pin_is_refused_naming_the_pin_and_the_stream_goes_on()
    {
        var streams = new TestStreams<AssessLateShipmentStreamRequest, AssessLateShipmentStreamResponse>(
        [
            new() { CorrelationId = "a", Request = new AssessLateShipmentRequest { Case = TmallLate(), Pin = Pin("", 1, "sha256:00") } },
            new() { CorrelationId = "b", Request = new AssessLateShipmentRequest { Case = TmallLate() } },
        ]);
        await UnitServices.LateShipment().AssessStream(streams, streams, Context("AssessStream"));
        Assert.Equal((int)global::Grpc.Core.StatusCode.InvalidArgument, streams.Written[0].Error.Code);
        Assert.Equal(["request.pin.rule_set_id"], streams.Written[0].Error.FieldViolations.Select(v => v.Field));
        Assert.Equal(TmallLatePayout, Value(streams.Written[1].Decision.BuyerPayout));
    }

    [Fact]
    public async Task A_complete_pin_and_an_empty_one_are_used_and_ignored()
    {
        var service = UnitServices.LateShipment();
        var pinned = (await service.Assess(new AssessLateShipmentRequest { Case = TmallLate(), Pin = Pin("tmall.late-shipment", 1, "") }, Context("Assess"))).Decision;
        var empty = (await service.Assess(new AssessLateShipmentRequest { Case = TmallLate(), Pin = new RulePin() }, Context("Assess"))).Decision;
        Assert.Equal(pinned, empty);
    }

    [Fact]
    public async Task A_claim_with_an_incomplete_pin_is_refused_before_it_is_filed()
    {
        var store = new InMemoryClaimStore(new RecordingPublisher());
        var options = Microsoft.Extensions.Options.Options.Create(new ClaimsOptions());
        var coordinator = new ClaimCoordinator(store, new ClaimCalls(), options, TimeProvider.System, UnitServices.Metrics, NullLogger<ClaimCoordinator>.Instance);
        var request = new FileClaimRequest { ClaimId = "c-1", MerchantId = "m-1", FiledAt = At("2024-03-06 12:00"), LateShipment = TmallLate(), Pin = Pin("", 1, "sha256:00") };
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => coordinator.FileAsync(request, null, CancellationToken.None));
        Assert.Equal(["pin.ruleSetId"], e.Violations.Select(v => v.Field));
        Assert.Null(await store.GetAsync("c-1", CancellationToken.None));
    }
}
