using System.Collections.Frozen;
using Penalties.Core.PenaltyPoints;

namespace Penalties.Core.Tests.PenaltyPoints;

/// <summary>The interned code table every standing looks codes up in: built for any set of valid codes.</summary>
public class ViolationCodeTableTests
{
    private static ViolationCodeTable Table(params string[] codes)
    {
        return new ViolationCodeTable(codes.ToFrozenDictionary(c => c,
            c => new ViolationRule(c, "test", [new LadderStep(1, 1, PointCategory.General)], default, null, false), StringComparer.Ordinal), []);
    }

    [Fact]
    public async Task Codes_that_differ_only_where_a_sampling_hash_does_not_look_get_their_own_numbers()
    {
        // Same length, same first, middle and last characters: they differ only at position 1.
        var table = await Task.Run(() => Table("AXB_CODE", "AYB_CODE", "AZB_CODE")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([0, 1, 2], new[] { "AXB_CODE", "AYB_CODE", "AZB_CODE" }.Select(table.Find).Order());
        Assert.Equal(-1, table.Find("AWB_CODE"));
    }
}
