using Penalties.Core.Common;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>LateShipment and PriceMatch recording called directly over the in-memory ledger: record, replay, conflict, list.</summary>
public class DecisionRecordingTests
{
    private static TestServerCallContext Context(string method) => new($"/penalties.v1.Test/{method}");

    [Fact]
    public async Task A_late_shipment_is_recorded_once_replayed_and_listed()
    {
        var service = UnitServices.LateShipment();
        var request = new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate() };
        var first = await service.Record(request, Context("Record"));
        Assert.False(first.Replay);
        Assert.Equal(TmallLatePayout, Value(first.Decision.BuyerPayout));
        Assert.Equal(("tmall.late-shipment", 1), (first.Decision.Rule.RuleSetId, first.Decision.Rule.Version));
        var again = await service.Record(request, Context("Record"));
        Assert.True(again.Replay);
        Assert.Equal(first.Decision, again.Decision);
        Assert.Equal(first.RecordedAt, again.RecordedAt);

        var listed = await service.ListRecorded(new ListRecordedLateShipmentsRequest { MerchantId = "m-1" }, Context("ListRecorded"));
        var record = Assert.Single(listed.Records);
        Assert.Equal((request.Case, first.Decision), (record.Case, record.Decision));
        Assert.Equal(request.Case.PaidAt, record.EventAt);
        Assert.Empty(listed.NextPageToken);
    }

    [Fact]
    public async Task A_late_shipment_recorded_again_with_other_content_is_a_conflict_saying_what_differs()
    {
        var service = UnitServices.LateShipment();
        await service.Record(new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate() }, Context("Record"));
        var e = await Assert.ThrowsAsync<ConflictException>(() => service.Record(new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate(1600m) }, Context("Record")));
        Assert.Contains("case.lines[0].amount 1500.00 CNY recorded, 1600.00 CNY sent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_match_claim_is_recorded_once_and_listed_with_its_item()
    {
        var service = UnitServices.PriceMatch();
        var request = new RecordPriceMatchRequest { MerchantId = "m-1", ItemId = "sku-1", Case = JdPayable() };
        var first = await service.Record(request, Context("Record"));
        Assert.Equal((PriceMatchOutcome.Payable, 42.00m), (first.Decision.Outcome, Value(first.Decision.Payout)));
        Assert.True((await service.Record(request, Context("Record"))).Replay);
        var listed = await service.ListRecorded(new ListRecordedPriceMatchesRequest { MerchantId = "m-1" }, Context("ListRecorded"));
        var record = Assert.Single(listed.Records);
        Assert.Equal(("sku-1", first.Decision), (record.ItemId, record.Decision));
    }
}
