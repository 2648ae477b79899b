using Google.Protobuf;
using Penalties.Contracts.V1;
using static Penalties.Services.Tests.Cases;

namespace Penalties.Services.Tests.Unit;

/// <summary>PriceMatch called directly: answers that do not depend on how the request's maps were ordered on the wire.</summary>
public class PriceMatchServiceTests
{
    private static TestServerCallContext Context(string method) => new($"/penalties.v1.PriceMatch/{method}");

    /// <summary>A refused claim whose attributes differ in several ways, the maps filled in the order given.</summary>
    private static AssessPriceMatchRequest Claim(bool reversed)
    {
        var c = JdPayable();
        c.ItemAttributes.Clear();
        c.Comparison.Attributes.Clear();
        (string, string)[] ours = [("size", "L"), ("colour", "black"), ("flavour", "none"), ("brand", "Apple"), ("name", "iPhone 15"), ("model", "A3092")];
        (string, string)[] theirs = [("scent", "rose"), ("colour", "white"), ("size", "M"), ("brand", "Apple"), ("name", "iPhone 15"), ("model", "A3092")];
        foreach (var (k, v) in reversed ? ours.Reverse() : ours) c.ItemAttributes.Add(k, v);
        foreach (var (k, v) in reversed ? theirs.Reverse() : theirs) c.Comparison.Attributes.Add(k, v);
        return new AssessPriceMatchRequest { Case = c };
    }

    [Fact]
    public async Task The_same_claim_with_its_maps_in_another_order_gets_a_byte_identical_answer()
    {
        var service = UnitServices.PriceMatch();
        var first = await service.Assess(Claim(reversed: false), Context("Assess"));
        var second = await service.Assess(Claim(reversed: true), Context("Assess"));
        Assert.Equal(PriceMatchOutcome.Refused, first.Decision.Outcome);
        Assert.Equal(4, first.Decision.FailedConditions.Count);
        Assert.Equal(first.ToByteArray(), second.ToByteArray());
    }
}
