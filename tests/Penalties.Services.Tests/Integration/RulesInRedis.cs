using System.Text.Json.Nodes;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using StackExchange.Redis;

namespace Penalties.Services.Tests.Integration;

/// <summary>Hosts whose rules come from a real Redis, each under its own key prefix, and rule documents to publish.</summary>
internal static class RulesInRedis
{
    public const string Token = "test-admin-token-of-32-characters";

    /// <summary>The host arguments naming a file that holds <see cref="Token"/>: a token is never given on a command line.</summary>
    public static string[] AdminArgs() => ["--Penalties:Admin:TokenFile", TokenFile.Value];

    private static readonly Lazy<string> TokenFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"penalties-admin-token-{Guid.NewGuid():N}");
        File.WriteAllText(path, Token);
        return path;
    });

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    /// <summary>The host arguments for rules and records in <paramref name="redis"/> under <paramref name="prefix"/>.</summary>
    public static string[] RedisArgs(RedisServer redis, string prefix) =>
    [
        "--Penalties:Redis:Configuration", redis.Configuration + ",connectTimeout=1000,connectRetry=1",
        "--Penalties:Redis:KeyPrefix", prefix,
    ];

    public static Task<ServiceHost> StartAsync(RedisServer redis, string prefix, PenaltiesServices services = PenaltiesServices.All, params string[] extra) =>
        ServiceHost.StartAsync(services, [.. RedisArgs(redis, prefix), .. AdminArgs(), .. extra]);

    public static Metadata Admin => new() { { "authorization", "Bearer " + Token } };

    /// <summary>Every shipped rule file as a document, named by its path under rules/.</summary>
    public static IEnumerable<RuleDocument> ShippedDocuments() =>
        Directory.EnumerateFiles(RepoPaths.Rules, "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => new RuleDocument { Name = Path.GetRelativePath(RepoPaths.Rules, f).Replace('\\', '/'), Json = File.ReadAllText(f) });

    /// <summary>A shipped document changed by <paramref name="edit"/> (e.g. a new version with another rate).</summary>
    public static RuleDocument Edited(string relativePath, string name, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, relativePath)), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        edit(node);
        return new RuleDocument { Name = name, Json = node.ToJsonString() };
    }

    /// <summary>tmall.late-shipment v2: in force from <paramref name="from"/> (China date), 40% instead of 30%.</summary>
    public static RuleDocument TmallLateV2(string from = "2025-01-01", decimal rate = 0.40m) =>
        Edited("tmall.late-shipment/v1.json", "tmall.late-shipment/v2.json", o =>
        {
            o["version"] = 2;
            o["effectiveFrom"] = from;
            o["title"] = "Tmall late shipment, test version 2";
            o["parameters"]!["compensation"]!["late"]!["rate"] = rate;
        });

    /// <summary>
    /// Publishes as an operator who means it: the tests' versions start at dates already past (their cases are
    /// of 2024–2025), so they are backdated by design; the refusal of an unintended backdated publish has its own tests.
    /// </summary>
    public static async Task<PublishRuleSetsResponse> PublishAsync(ServiceHost host, params RuleDocument[] documents)
    {
        var client = new RuleSets.RuleSetsClient(host.Channel);
        var request = new PublishRuleSetsRequest { AllowBackdated = true };
        request.Documents.Add(documents);
        return await client.PublishAsync(request, Admin);
    }

    /// <summary>Every key under the prefix with its type and value, to prove that nothing changed.</summary>
    public static async Task<SortedDictionary<string, string>> DumpAsync(RedisServer redis, string prefix)
    {
        await using var c = await redis.ConnectAsync();
        var server = c.GetServer(c.GetEndPoints()[0]);
        var db = c.GetDatabase();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            var type = await db.KeyTypeAsync(key);
            result[key!] = type switch
            {
                RedisType.String => (string)(await db.StringGetAsync(key))!,
                RedisType.SortedSet => string.Join(",", (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}@{e.Score}")),
                RedisType.Set => string.Join(",", (await db.SetMembersAsync(key)).Select(m => (string)m!).Order(StringComparer.Ordinal)),
                _ => type.ToString(),
            };
        }
        return result;
    }

    /// <summary>A Tmall case paid at <paramref name="paidAt"/> (China time), shipped 4 days later: late.</summary>
    public static LateShipmentCase LateCase(string paidAt, decimal amount = 1000.00m)
    {
        var c = Cases.TmallLate(amount);
        var paid = DateTimeOffset.Parse(paidAt + "+08:00", System.Globalization.CultureInfo.InvariantCulture);
        c.PaidAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(paid);
        c.Lines[0].ShippedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(paid.AddDays(4));
        c.EvaluatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(paid.AddDays(5));
        return c;
    }

    public static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (RpcException) { } // not yet: e.g. the rule set is not loaded yet
            await Task.Delay(100);
        }
        Assert.Fail($"not within {seconds} s: {what}");
    }
}
