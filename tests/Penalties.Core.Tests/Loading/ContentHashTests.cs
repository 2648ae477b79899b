using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Penalties.Core.Rules.Loading;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>
/// The content hash: SHA-256 of the canonical JSON (sorted keys, no whitespace, normalised numbers). The same
/// content in another layout has the same hash; any changed value changes it.
/// </summary>
public class ContentHashTests
{
    private static string HashOfText(string json) => Assert.Single(RuleSetLoader.Load([("x/v1.json", json)]).Versions).ContentHash;

    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(CanonicalJson.Canonicalize(doc.RootElement));
    }

    /// <summary>The same tree with every object's members in reverse order.</summary>
    private static JsonNode? Reversed(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Reverse().Select(m => KeyValuePair.Create(m.Key, Reversed(m.Value)))),
        JsonArray a => new JsonArray(a.Select(Reversed).ToArray()),
        _ => node?.DeepClone(),
    };

    [Fact]
    public void The_hash_is_sha256_prefixed_lower_case_hex()
    {
        foreach (var v in Rules.Catalog.All)
            Assert.Matches("^sha256:[0-9a-f]{64}$", v.ContentHash);
    }

    [Fact]
    public void The_hash_is_the_sha256_of_the_canonical_form()
    {
        var text = ShippedText(TmallLate);
        using var doc = JsonDocument.Parse(text);
        var expected = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(CanonicalJson.Canonicalize(doc.RootElement)));
        Assert.Equal(expected, HashOfText(text));
        Assert.Equal(expected, Rules.Catalog.Pinned(new Core.Rules.RulePin("tmall.late-shipment", 1)).ContentHash);
    }

    [Fact]
    public void The_canonical_form_sorts_keys_drops_whitespace_and_normalises_numbers()
    {
        Assert.Equal("""{"a":0.3,"b":[1.5,"x",true,null],"c":{"d":500,"e":100}}""",
            Canonical("""{ "c": { "e": 1e2, "d": 500.00 }, "b": [ 1.50, "x", true, null ], "a": 0.30 }"""));
    }

    [Fact]
    public void The_canonical_form_keeps_array_order_and_writes_non_ascii_text_unescaped()
    {
        Assert.Equal("""{"a":[2,1],"t":"天猫"}""", Canonical("""{"t":"\u5929\u732B","a":[2,1]}"""));
    }

    [Fact]
    public void The_hash_does_not_change_when_the_document_is_re_indented()
    {
        var text = ShippedText(TmallLate);
        var compact = JsonNode.Parse(text)!.ToJsonString();
        var wide = JsonNode.Parse(text)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 8 });
        Assert.NotEqual(text, compact);
        Assert.Equal(HashOfText(text), HashOfText(compact));
        Assert.Equal(HashOfText(text), HashOfText(wide));
    }

    [Fact]
    public void The_hash_does_not_change_when_keys_are_reordered()
    {
        var text = ShippedText(TaobaoLateV1);
        var reordered = Reversed(JsonNode.Parse(text))!.ToJsonString();
        Assert.StartsWith("{\"provenance\":", reordered, StringComparison.Ordinal);
        Assert.Equal(HashOfText(text), HashOfText(reordered));
    }

    [Fact]
    public void The_hash_does_not_change_when_0_30_is_written_as_0_3()
    {
        var text = ShippedText(TmallLate);
        Assert.Contains("0.30", text, StringComparison.Ordinal);
        var shorter = text.Replace("0.30", "0.3", StringComparison.Ordinal).Replace("500.00", "500", StringComparison.Ordinal);
        Assert.NotEqual(text, shorter);
        Assert.Equal(HashOfText(text), HashOfText(shorter));
    }

    [Fact]
    public void The_hash_does_not_change_with_comments_or_escaped_text()
    {
        var text = ShippedText(TmallLate);
        var commented = "// Tmall art. 72\n" + text;
        var escaped = JsonNode.Parse(text)!.ToJsonString(); // the default encoder writes Chinese text as \uXXXX
        Assert.Contains("\\u", escaped, StringComparison.Ordinal);
        Assert.Equal(HashOfText(text), HashOfText(commented));
        Assert.Equal(HashOfText(text), HashOfText(escaped));
    }

    [Fact]
    public void The_hash_changes_when_any_value_changes()
    {
        var changes = new (string Path, JsonNode Value)[]
        {
            ("title", "Tmall late shipment"),
            ("effectiveFrom", "2012-01-02"),
            ("parameters.compensation.late.rate", 0.31m),
            ("parameters.compensation.outOfStock.cap", 499.99m),
            ("parameters.shipWithin.ordinary", "PT73H"),
            ("parameters.rounding.mode", "HalfEven"),
            ("parameters.compensableRefundReasons", new JsonArray("NotShippedInAgreedTime", "SellerOutOfStock")),
            ("parameters.exemptWhen", new JsonArray()),
            ("provenance[0].note", "another note"),
            ("provenance[1].quote", "another quote"),
        };
        var original = HashOfText(ShippedText(TmallLate));
        var hashes = changes.Select(c => HashOfText(Shipped(TmallLate).Set(c.Path, c.Value.DeepClone()).ToJsonString())).ToList();
        Assert.All(hashes, h => Assert.NotEqual(original, h));
        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Closing_a_version_with_effective_to_keeps_its_hash_so_pins_stay_valid()
    {
        var open = HashOfText(ShippedText(TmallLate));
        Assert.Equal(open, HashOfText(Shipped(TmallLate).Set("effectiveTo", "2030-01-01").ToJsonString()));
        Assert.Equal(open, HashOfText(Shipped(TmallLate).Set("effectiveTo", "2031-06-01T12:00:00").ToJsonString()));
    }

    [Fact]
    public void An_optional_field_added_changes_the_hash()
    {
        var original = HashOfText(ShippedText(TmallLate));
        Assert.NotEqual(original, HashOfText(Shipped(TmallLate).Set("$schema", "rules.schema.json").ToJsonString()));
    }

    [Fact]
    public void Every_shipped_version_has_its_own_hash()
    {
        var hashes = Rules.Catalog.All.Select(v => v.ContentHash).ToList();
        Assert.Equal(11, hashes.Count);
        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
    }
}
