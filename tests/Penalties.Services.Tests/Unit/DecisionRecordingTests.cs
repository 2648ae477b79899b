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

    /// <summary><see cref="TmallLate"/> spelt with every default left unset: no currency, quantity 0, an unspecified channel, an empty pin.</summary>
    private static RecordLateShipmentRequest Unspelt(decimal units = 1500)
    {
        var c = TmallLate();
        c.Lines[0].Amount = new Money { Units = (long)units };
        c.Lines[0].Quantity = 0;
        c.Channel = ShippingChannel.Unspecified;
        return new RecordLateShipmentRequest { MerchantId = "m-1", Case = c, Pin = new RulePin() };
    }

    [Fact]
    public async Task A_late_shipment_retried_with_an_equivalent_encoding_is_a_replay()
    {
        var service = UnitServices.LateShipment();
        var first = await service.Record(Unspelt(), Context("Record"));
        var again = await service.Record(new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate() }, Context("Record"));
        Assert.True(again.Replay);
        Assert.Equal((first.Decision, first.RecordedAt), (again.Decision, again.RecordedAt));
        Assert.True((await service.Record(Unspelt(), Context("Record"))).Replay);
        // What is recorded is the case as read: the defaults spelt out.
        Assert.Equal(TmallLate(), Assert.Single((await service.ListRecorded(new ListRecordedLateShipmentsRequest { MerchantId = "m-1" }, Context("ListRecorded"))).Records).Case);

        var e = await Assert.ThrowsAsync<ConflictException>(() => service.Record(Unspelt(1600), Context("Record")));
        Assert.EndsWith("is already recorded with other content: case.lines[0].amount 1500.00 CNY recorded, 1600.00 CNY sent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_shipment_recorded_as_sent_before_requests_were_read_is_replayed_by_an_equivalent_retry()
    {
        var ledger = new Penalties.State.InMemoryDecisionLedger();
        var sent = Unspelt();
        var decision = (await UnitServices.LateShipment().Assess(new AssessLateShipmentRequest { Case = sent.Case }, Context("Assess"))).Decision;
        var keys = new[] { DecisionRecording.Key("Tmall", "T-1", "1") };
        var paid = sent.Case.PaidAt.ToDateTimeOffset();
        await ledger.RecordAsync("late-shipment", "m-1", DecisionRecording.Key("Tmall", "T-1"), keys,
            () => new Penalties.State.LedgerEntry("m-1", Penalties.State.LedgerEntry.IdFor(paid, keys[0]), keys, paid, paid.AddDays(6),
                Google.Protobuf.MessageExtensions.ToByteArray(sent), Google.Protobuf.MessageExtensions.ToByteArray(decision)), CancellationToken.None);

        var service = UnitServices.LateShipment(ledger);
        Assert.True((await service.Record(new RecordLateShipmentRequest { MerchantId = "m-1", Case = TmallLate() }, Context("Record"))).Replay);
        Assert.True((await service.Record(sent, Context("Record"))).Replay);
        await Assert.ThrowsAsync<ConflictException>(() => service.Record(Unspelt(1600), Context("Record")));
    }

    [Fact]
    public async Task A_price_match_claim_retried_with_an_equivalent_encoding_is_a_replay()
    {
        var service = UnitServices.PriceMatch();
        var c = JdPayable();
        c.Payments[0].Amount.CurrencyCode = "";
        var first = await service.Record(new RecordPriceMatchRequest { MerchantId = "m-1", ItemId = "sku-1", Case = c }, Context("Record"));
        var again = await service.Record(new RecordPriceMatchRequest { MerchantId = "m-1", ItemId = "sku-1", Case = JdPayable() }, Context("Record"));
        Assert.True(again.Replay);
        Assert.Equal(first.Decision, again.Decision);
        var other = JdPayable();
        other.Payments[0].Amount = Cny(121m);
        var e = await Assert.ThrowsAsync<ConflictException>(() => service.Record(new RecordPriceMatchRequest { MerchantId = "m-1", ItemId = "sku-1", Case = other }, Context("Record")));
        Assert.Contains("case.payments[0].amount 120.00 CNY recorded, 121.00 CNY sent", e.Message, StringComparison.Ordinal);
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
