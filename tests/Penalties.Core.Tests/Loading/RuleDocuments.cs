using System.Globalization;
using System.Text.Json.Nodes;
using Penalties.Core.Rules.Loading;

namespace Penalties.Core.Tests.Loading;

/// <summary>
/// Small in-memory rule documents for loader tests: a shipped rule file parsed to a <see cref="JsonNode"/>,
/// changed by a dotted path ("parameters.compensation.late.rate", "provenance[0].note"), and fed to
/// <see cref="RuleSetLoader.Load"/> as (file name, JSON text).
/// </summary>
internal static class RuleDocuments
{
    public const string TmallLate = "tmall.late-shipment/v1.json";
    public const string TaobaoLateV1 = "taobao.late-shipment/v1.json";
    public const string TaobaoLateV2 = "taobao.late-shipment/v2.json";
    public const string JdPriceMatch = "jd.price-match/v1.json";
    public const string TmallPointsV2 = "tmall.penalty-points/v2.json";
    public const string PddPoints = "pdd.penalty-points/v1.json";

    /// <summary>The text of a shipped rule file, e.g. "tmall.late-shipment/v1.json".</summary>
    public static string ShippedText(string relative) => File.ReadAllText(Path.Combine(Rules.Directory, relative));

    /// <summary>A shipped rule file as a mutable JSON tree.</summary>
    public static JsonNode Shipped(string relative) => JsonNode.Parse(ShippedText(relative))!;

    /// <summary>Loads the given documents together, as one catalog's worth of files.</summary>
    public static RuleLoadResult Load(params (string File, JsonNode Document)[] documents) =>
        RuleSetLoader.Load(documents.Select(d => (d.File, d.Document.ToJsonString())));

    /// <summary>Loads one shipped document after <paramref name="change"/>, under the file name <paramref name="file"/>.</summary>
    public static RuleLoadResult LoadChanged(string shipped, Action<JsonNode> change, string file = "x/v1.json")
    {
        var doc = Shipped(shipped);
        change(doc);
        return Load((file, doc));
    }

    /// <summary>Asserts that the result holds exactly one error, with this file, path and reason.</summary>
    public static void AssertOnlyError(RuleLoadResult result, string file, string path, string reason)
    {
        var error = Assert.Single(result.Errors);
        Assert.Equal(file, error.File);
        Assert.Equal(path, error.Path);
        Assert.Equal(reason, error.Reason);
        Assert.False(result.Ok);
    }

    /// <summary>Sets the member or array item at a dotted path, creating nothing on the way.</summary>
    public static JsonNode Set(this JsonNode doc, string path, JsonNode? value)
    {
        var (parent, last) = Walk(doc, path);
        if (last is int index) parent.AsArray()[index] = value;
        else parent.AsObject()[(string)last] = value;
        return doc;
    }

    /// <summary>Removes the member or array item at a dotted path.</summary>
    public static JsonNode Remove(this JsonNode doc, string path)
    {
        var (parent, last) = Walk(doc, path);
        bool removed;
        if (last is int index)
        {
            parent.AsArray().RemoveAt(index);
            removed = true;
        }
        else
        {
            removed = parent.AsObject().Remove((string)last);
        }
        Assert.True(removed, $"nothing to remove at {path}");
        return doc;
    }

    /// <summary>The node at a dotted path.</summary>
    public static JsonNode At(this JsonNode doc, string path)
    {
        var (parent, last) = Walk(doc, path);
        return (last is int index ? parent.AsArray()[index] : parent.AsObject()[(string)last])
            ?? throw new InvalidOperationException($"nothing at {path}");
    }

    private static (JsonNode Parent, object Last) Walk(JsonNode doc, string path)
    {
        var tokens = Tokens(path);
        var current = doc;
        foreach (var token in tokens.Take(tokens.Count - 1))
        {
            current = (token is int index ? current.AsArray()[index] : current.AsObject()[(string)token])
                ?? throw new InvalidOperationException($"nothing at '{token}' of {path}");
        }
        return (current, tokens[^1]);
    }

    private static List<object> Tokens(string path)
    {
        var tokens = new List<object>();
        foreach (var segment in path.Split('.'))
        {
            int bracket = segment.IndexOf('[', StringComparison.Ordinal);
            tokens.Add(bracket < 0 ? segment : segment[..bracket]);
            if (bracket < 0) continue;
            foreach (var index in segment[(bracket + 1)..].TrimEnd(']').Split("]["))
                tokens.Add(int.Parse(index, CultureInfo.InvariantCulture));
        }
        return tokens;
    }
}
