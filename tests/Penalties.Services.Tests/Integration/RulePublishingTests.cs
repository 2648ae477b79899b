using Google.Rpc;
using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Grpc;
using static Penalties.Services.Tests.Integration.RulesInRedis;

namespace Penalties.Services.Tests.Integration;

/// <summary>RuleSets.Publish against a real Redis: credential, validation as a whole, immutability, closing, ListVersions, Watch.</summary>
public class RulePublishingTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Publishing_without_the_credential_or_with_a_wrong_one_is_UNAUTHENTICATED_writes_nothing_and_is_logged_without_the_token()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        var log = new CapturedLog();
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(host.App.Services).AddProvider(log);
        var client = new RuleSets.RuleSetsClient(host.Channel);
        var request = new PublishRuleSetsRequest { Documents = { ShippedDocuments() } };

        var none = await Assert.ThrowsAsync<RpcException>(() => client.PublishAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => client.PublishAsync(request, new Metadata { { "authorization", "Bearer not-the-token" } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Empty(await DumpAsync(redis, prefix));
        var refusals = log.Lines.Where(l => l.Contains("Publish attempt from", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.Contains("the admin credential is not valid", refusals[1], StringComparison.Ordinal);
        Assert.All(log.Lines, l => Assert.DoesNotContain("not-the-token", l, StringComparison.Ordinal));
        Assert.All(log.Lines, l => Assert.DoesNotContain(Token, l, StringComparison.Ordinal));

        // Reading needs no credential (and shows that nothing is published).
        Assert.Empty((await client.ListRuleSetsAsync(new ListRuleSetsRequest())).Versions);
    }

    [Fact]
    public async Task With_nothing_published_calculations_are_UNAVAILABLE_saying_so_the_host_stays_ready_and_the_first_publish_serves()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix);
        var late = new LateShipment.LateShipmentClient(host.Channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => late.AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode); // not NOT_FOUND, as if the caller had named an unknown rule set
        Assert.Contains("nothing is published in Redis yet", e.Status.Detail, StringComparison.Ordinal);
        // Up and ready (a readiness probe lets the rules be published through it), and saying why it cannot compute.
        var health = new global::Grpc.Health.V1.Health.HealthClient(host.Channel);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest())).Status);
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.True(status.Degraded);
        Assert.Contains("nothing is published", status.DegradedReason, StringComparison.Ordinal);

        await PublishAsync(host, [.. ShippedDocuments()]);
        await Eventually(async () => await Cases.TmallLatePayoutOf(late) == Cases.TmallLatePayout,
            "the first publish is computed with");
        Assert.False((await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Degraded);
    }

    [Fact]
    public async Task With_nothing_published_and_the_fallback_configured_a_host_computes_from_the_rules_folder()
    {
        await using var host = await StartAsync(redis, NewPrefix(), PenaltiesServices.All, "--Penalties:Rules:FallbackToFiles", "true");
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.Contains("fallback", status.Source, StringComparison.Ordinal);
        Assert.Contains("nothing is published in Redis yet", status.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(Cases.TmallLatePayout, await Cases.TmallLatePayoutOf(new LateShipment.LateShipmentClient(host.Channel)));
    }

    [Fact]
    public async Task Published_rules_removed_from_Redis_by_hand_leave_the_last_rules_read_in_use_and_the_service_degraded()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "00:00:01");
        await PublishAsync(host, [.. ShippedDocuments()]);
        var late = new LateShipment.LateShipmentClient(host.Channel);
        await Eventually(async () => (await late.AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() })).Decision.BuyerPayout is not null, "loaded");
        await using (var c = await redis.ConnectAsync())
        {
            foreach (var key in (await DumpAsync(redis, prefix)).Keys) await c.GetDatabase().KeyDeleteAsync(key);
        }
        var rules = new RuleSets.RuleSetsClient(host.Channel);
        await Eventually(async () => (await rules.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.DegradedReason.Contains("any more", StringComparison.Ordinal),
            "the re-check notices that nothing is published any more");
        Assert.Equal(Cases.TmallLatePayout, await Cases.TmallLatePayoutOf(late));
    }

    [Fact]
    public async Task Publishing_is_refused_when_no_admin_token_is_configured()
    {
        var prefix = NewPrefix();
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.RuleSets,
            RedisArgs(redis, prefix));
        var e = await Assert.ThrowsAsync<RpcException>(() => new RuleSets.RuleSetsClient(host.Channel)
            .PublishAsync(new PublishRuleSetsRequest { Documents = { ShippedDocuments() } }, Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("no admin token", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_token_can_come_from_a_mounted_secret_file_read_at_each_publish()
    {
        var prefix = NewPrefix();
        var secret = Path.Combine(redis.Directory, "admin-token-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(secret, "from-the-secret-of-32-characters\n");
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.RuleSets,
            [.. RedisArgs(redis, prefix), "--Penalties:Admin:TokenFile", secret]);
        var client = new RuleSets.RuleSetsClient(host.Channel);
        var request = new PublishRuleSetsRequest { Documents = { ShippedDocuments() } };

        var wrong = await Assert.ThrowsAsync<RpcException>(() => client.PublishAsync(request, Admin).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal(1, (await client.PublishAsync(request, new Metadata { { "authorization", "Bearer from-the-secret-of-32-characters" } })).Revision);

        await File.WriteAllTextAsync(secret, "rotated-secret-of-32-characters!"); // a rotated secret applies without a restart
        var old = await Assert.ThrowsAsync<RpcException>(() => client.PublishAsync(request, new Metadata { { "authorization", "Bearer from-the-secret-of-32-characters" } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, old.StatusCode);
        Assert.Equal(1, (await client.PublishAsync(request, new Metadata { { "authorization", "Bearer rotated-secret-of-32-characters!" } })).Revision);
    }

    [Fact]
    public async Task An_admin_token_shorter_than_32_characters_stops_the_host_at_start()
    {
        var secret = Path.Combine(redis.Directory, "short-token-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(secret, new string('s', 31));
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ServiceHost.StartAsync(PenaltiesServices.RuleSets, [.. RedisArgs(redis, NewPrefix()), "--Penalties:Admin:TokenFile", secret]));
        Assert.Contains("at least 32 characters", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('s', 31), e.Message, StringComparison.Ordinal);
        await File.WriteAllTextAsync(secret, new string('s', 32));
        await using var host = await ServiceHost.StartAsync(PenaltiesServices.RuleSets, [.. RedisArgs(redis, NewPrefix()), "--Penalties:Admin:TokenFile", secret]);
    }

    [Fact]
    public async Task The_shipped_folder_publishes_once_a_second_time_is_unchanged_and_other_content_for_a_version_is_refused()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        var shipped = ShippedDocuments().ToArray();

        var first = await PublishAsync(host, shipped);
        Assert.Equal(1, first.Revision);
        Assert.Equal(shipped.Select(d => d.Name), first.Versions.Select(v => v.Document));
        Assert.All(first.Versions, v => Assert.Equal(PublishOutcome.Published, v.Outcome));

        var again = await PublishAsync(host, shipped);
        Assert.Equal(1, again.Revision);
        Assert.All(again.Versions, v => Assert.Equal(PublishOutcome.Unchanged, v.Outcome));
        Assert.Equal(first.Versions.Select(v => v.Summary.Rule.ContentHash), again.Versions.Select(v => v.Summary.Rule.ContentHash));

        var before = await DumpAsync(redis, prefix);
        var changed = Edited("tmall.late-shipment/v1.json", "tmall v1 with 35%", o => o["parameters"]!["compensation"]!["late"]!["rate"] = 0.35m);
        var e = await Assert.ThrowsAsync<RpcException>(() => PublishAsync(host, changed));
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains("version 1 of 'tmall.late-shipment' is published with content sha256:", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(redis, prefix));
    }

    [Fact]
    public async Task An_invalid_set_is_INVALID_ARGUMENT_listing_every_problem_and_nothing_changes_in_Redis()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(host, [.. ShippedDocuments()]);
        var before = await DumpAsync(redis, prefix);

        var badRate = Edited("tmall.late-shipment/v1.json", "bad-rate.json", o =>
        {
            o["version"] = 3;
            o["effectiveFrom"] = "2030-01-01";
            o["parameters"]!["compensation"]!["late"]!["rate"] = 1.5m;
            o["title"] = " ";
        });
        // Starts with taobao v1 (which states its own end): an overlap, not a successor.
        var overlap = Edited("taobao.late-shipment/v2.json", "overlap.json", o => { o["version"] = 7; o["effectiveFrom"] = "2012-01-01"; });
        var unknownField = Edited("jd.price-match/v1.json", "unknown-field.json", o => { o["version"] = 2; o["effectiveFrom"] = "2031-01-01"; o["colour"] = "red"; });

        var e = await Assert.ThrowsAsync<RpcException>(() => PublishAsync(host, badRate, overlap, unknownField));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violations = e.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Contains(violations, v => v.Field == "documents[0]" && v.Description.Contains("parameters.compensation.late.rate", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "documents[0]" && v.Description.Contains("title", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Description.Contains("overlaps", StringComparison.Ordinal) && v.Description.Contains("taobao.late-shipment", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "documents[2]" && v.Description.Contains("colour", StringComparison.Ordinal));
        Assert.Equal(before, await DumpAsync(redis, prefix));
    }

    [Fact]
    public async Task A_new_version_closes_the_open_one_where_it_begins_and_resolution_follows_the_event_time()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(host, [.. ShippedDocuments()]);
        var published = await PublishAsync(host, TmallLateV2("2030-01-01"));
        Assert.Equal(2, published.Revision);
        Assert.Equal(PublishOutcome.Published, Assert.Single(published.Versions).Outcome);

        var client = new RuleSets.RuleSetsClient(host.Channel);
        await Eventually(async () => (await client.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Revision == 2, "the publishing host reloads");
        var versions = (await client.ListVersionsAsync(new ListVersionsRequest { RuleSetId = "tmall.late-shipment" })).Versions;
        Assert.Equal([1, 2], versions.Select(v => v.Rule.Version));
        Assert.Equal(Cases.At("2030-01-01 00:00"), versions[0].Effective.To);
        Assert.Null(versions[1].Effective.To);
        Assert.Equal(1, (await client.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = Cases.At("2029-12-31 23:59") })).Summary.Rule.Version);
        Assert.Equal(2, (await client.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = Cases.At("2030-01-01 00:00") })).Summary.Rule.Version);

        // A stated end that disagrees with the successor is refused.
        var wrongEnd = Edited("tmall.late-shipment/v1.json", "v1 ending 2029", o => o["effectiveTo"] = "2029-06-01");
        var e = await Assert.ThrowsAsync<RpcException>(() => PublishAsync(host, wrongEnd));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("a version ends where its successor begins", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_with_text_that_is_not_valid_UTF16_is_INVALID_ARGUMENT_not_INTERNAL_and_nothing_is_published()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(host, [.. ShippedDocuments()]);
        var before = await DumpAsync(redis, prefix);
        var json = TmallLateV2("2099-01-01").Json.Replace("\"title\":\"", "\"title\":\"\\ud800", StringComparison.Ordinal);
        Assert.Contains("\\ud800", json, StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<RpcException>(() => PublishAsync(host, new RuleDocument { Name = "lone surrogate", Json = json }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("title: text that is not valid UTF-16", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(redis, prefix));
    }

    [Fact]
    public async Task A_version_that_would_end_a_published_one_before_now_is_refused_unless_backdating_is_allowed()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(host, [.. ShippedDocuments()]);
        var client = new RuleSets.RuleSetsClient(host.Channel);
        var before = await DumpAsync(redis, prefix);

        // v2 from 2025-01-01 would end v1 there: every 2025–2026 event decided by v1 would now resolve to v2.
        var request = new PublishRuleSetsRequest { Documents = { TmallLateV2("2025-01-01") } };
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.PublishAsync(request, Admin));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("'tmall.late-shipment' v1 would end 2025-01-01 00:00:00.000 +08:00, before now", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("instead of never", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("allow_backdated", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("BACKDATED_PUBLISH", e.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(before, await DumpAsync(redis, prefix));
        Assert.Equal(1, (await client.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = Cases.At("2025-06-01 00:00") })).Summary.Rule.Version);

        // A successor starting in the future needs no permission; the same request with permission goes through.
        var future = await client.PublishAsync(new PublishRuleSetsRequest { Documents = { TmallLateV2("2099-01-01", rate: 0.35m) } }, Admin);
        Assert.Equal(PublishOutcome.Published, Assert.Single(future.Versions).Outcome);
        var v3 = Edited("tmall.late-shipment/v1.json", "tmall.late-shipment/v3.json", o => { o["version"] = 3; o["effectiveFrom"] = "2025-01-01"; });
        e = await Assert.ThrowsAsync<RpcException>(async () => await client.PublishAsync(new PublishRuleSetsRequest { Documents = { v3 } }, Admin));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("instead of 2099-01-01 00:00:00.000 +08:00", e.Status.Detail, StringComparison.Ordinal);

        var allowed = await client.PublishAsync(new PublishRuleSetsRequest { Documents = { v3 }, AllowBackdated = true }, Admin);
        Assert.Equal(PublishOutcome.Published, Assert.Single(allowed.Versions).Outcome);
        await Eventually(async () => (await client.ResolveRuleSetAsync(new ResolveRuleSetRequest { RuleSetId = "tmall.late-shipment", At = Cases.At("2025-06-01 00:00") })).Summary.Rule.Version == 3,
            "the backdated version is in force once allowed");

        // Backdating the first version of a rule set changes no version already published: no permission needed.
        var fresh = Edited("tmall.late-shipment/v1.json", "tmall.test-only/v1.json", o => o["ruleSet"] = "tmall.test-only");
        Assert.Equal(PublishOutcome.Published, Assert.Single((await client.PublishAsync(new PublishRuleSetsRequest { Documents = { fresh } }, Admin)).Versions).Outcome);
    }

    /// <summary>Publishes the shipped rules under <paramref name="prefix"/>; returns the one Redis key whose name contains <paramref name="keyPart"/>.</summary>
    private async Task<string> PublishShippedAsync(string prefix, string keyPart)
    {
        await using (var first = await StartAsync(redis, prefix, PenaltiesServices.RuleSets)) await PublishAsync(first, [.. ShippedDocuments()]);
        return (await DumpAsync(redis, prefix)).Keys.Single(k => k.Contains(keyPart, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rule_body_deleted_by_hand_degrades_the_service_refuses_publishing_and_reloading_goes_on_once_it_is_back()
    {
        var prefix = NewPrefix();
        var body = await PublishShippedAsync(prefix, "{rules}:body:tmall.late-shipment:1:");
        await using var c = await redis.ConnectAsync();
        var db = c.GetDatabase();
        var json = (string)(await db.StringGetAsync(body))!;
        await db.KeyDeleteAsync(body);

        // A host that has not cached the body: it cannot load the published rules, says why, and refuses to publish.
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "00:00:01");
        var client = new RuleSets.RuleSetsClient(host.Channel);
        var status = (await client.ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.True(status.Degraded);
        Assert.Contains("damaged", status.DegradedReason, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await PublishAsync(host, TmallLateV2("2099-01-01")));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("damaged", e.Status.Detail, StringComparison.Ordinal);
        // Nothing to compute with (no fallback): calculations are UNAVAILABLE, saying why.
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => new LateShipment.LateShipmentClient(host.Channel).AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.Contains("damaged", unavailable.Status.Detail, StringComparison.Ordinal);

        // With the fallback configured, a host computes from the rules folder and says why: damaged, not unreachable.
        await using (var fallback = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:FallbackToFiles", "true"))
        {
            var fallbackStatus = (await new RuleSets.RuleSetsClient(fallback.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
            Assert.Contains("fallback", fallbackStatus.Source, StringComparison.Ordinal);
            Assert.Contains("damaged", fallbackStatus.DegradedReason, StringComparison.Ordinal);
            Assert.DoesNotContain("unreachable", fallbackStatus.DegradedReason, StringComparison.Ordinal);
            Assert.Equal(Cases.TmallLatePayout, await Cases.TmallLatePayoutOf(new LateShipment.LateShipmentClient(fallback.Channel)));
        }

        // The reload loop survived: once the body is back, the next re-check loads every version.
        await db.StringSetAsync(body, json);
        await Eventually(async () => !(await client.ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Degraded, "the rules load once the body is back");
        Assert.Equal(1, (await new LateShipment.LateShipmentClient(host.Channel).AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() })).Decision.Rule.Version);
    }

    [Fact]
    public async Task A_published_rule_body_overwritten_by_hand_makes_publishing_FAILED_PRECONDITION_not_the_callers_INVALID_ARGUMENT()
    {
        var prefix = NewPrefix();
        var body = await PublishShippedAsync(prefix, "{rules}:body:tmall.late-shipment:1:");
        await using var c = await redis.ConnectAsync();
        await c.GetDatabase().StringSetAsync(body, "not json");
        var before = await DumpAsync(redis, prefix);
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets); // one that has not cached the body

        var e = await Assert.ThrowsAsync<RpcException>(async () => await PublishAsync(host, TmallLateV2("2099-01-01")));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("damaged", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await DumpAsync(redis, prefix)); // nothing published
    }

    [Fact]
    public async Task A_published_rule_body_changed_by_hand_to_other_content_is_damaged_and_never_computed_with_under_its_old_hash()
    {
        var prefix = NewPrefix();
        var body = await PublishShippedAsync(prefix, "{rules}:body:tmall.late-shipment:1:");
        await using var c = await redis.ConnectAsync();
        var db = c.GetDatabase();
        var json = (string)(await db.StringGetAsync(body))!;
        // Valid rules, one number changed (30% → 40%), under the key that names the published content hash.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["parameters"]!["compensation"]!["late"]!["rate"] = 0.4m;
        await db.StringSetAsync(body, node.ToJsonString());

        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All, "--Penalties:Rules:RecheckInterval", "00:00:01");
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.True(status.Degraded);
        Assert.Contains("no longer matches the content hash", status.DegradedReason, StringComparison.Ordinal);
        // Not 600.00 (40%) under the hash of the 30% version: no answer until the body is what was published.
        var late = new LateShipment.LateShipmentClient(host.Channel);
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => late.AssessAsync(new AssessLateShipmentRequest { Case = Cases.TmallLate() }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await PublishAsync(host, TmallLateV2("2099-01-01")));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("damaged", e.Status.Detail, StringComparison.Ordinal);

        await db.StringSetAsync(body, json);
        await Eventually(async () => !(await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status.Degraded, "the rules load once the body is back");
        Assert.Equal(Cases.TmallLatePayout, await Cases.TmallLatePayoutOf(late));
    }

    [Fact]
    public async Task A_rules_key_of_another_type_is_damaged_like_a_changed_body_FAILED_PRECONDITION_not_DATA_LOSS()
    {
        var prefix = NewPrefix();
        var ids = await PublishShippedAsync(prefix, "{rules}:ids");
        await using var c = await redis.ConnectAsync();
        var db = c.GetDatabase();
        await db.KeyDeleteAsync(ids);
        await db.StringSetAsync(ids, "a string where a set was");

        await using var host = await StartAsync(redis, prefix, PenaltiesServices.All);
        var status = (await new RuleSets.RuleSetsClient(host.Channel).ListRuleSetsAsync(new ListRuleSetsRequest())).Status;
        Assert.Contains("damaged", status.DegradedReason, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await PublishAsync(host, TmallLateV2("2099-01-01")));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("WRONGTYPE", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListVersions_of_an_unknown_rule_set_is_NOT_FOUND_and_without_an_id_INVALID_ARGUMENT()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(host, [.. ShippedDocuments()]);
        var client = new RuleSets.RuleSetsClient(host.Channel);
        await Eventually(async () => (await client.ListRuleSetsAsync(new ListRuleSetsRequest())).Versions.Count > 0, "loaded");
        var notFound = await Assert.ThrowsAsync<RpcException>(() => client.ListVersionsAsync(new ListVersionsRequest { RuleSetId = "nowhere.rule" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.ListVersionsAsync(new ListVersionsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task Watch_sends_the_snapshot_then_each_change_with_the_versions_added()
    {
        var prefix = NewPrefix();
        await using var publisher = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        await PublishAsync(publisher, [.. ShippedDocuments()]);
        await using var watched = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = new RuleSets.RuleSetsClient(watched.Channel).Watch(new WatchRuleSetsRequest(), cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var first = call.ResponseStream.Current;
        Assert.Equal("redis", first.Status.Source);
        Assert.Equal(1, first.Status.Revision);
        Assert.Equal(ShippedDocuments().Count(), first.Versions.Count);
        Assert.Empty(first.Added);

        await PublishAsync(publisher, TmallLateV2("2030-01-01"));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var change = call.ResponseStream.Current;
        Assert.Equal(2, change.Status.Revision);
        var added = Assert.Single(change.Added);
        Assert.Equal(("tmall.late-shipment", 2), (added.Rule.RuleSetId, added.Rule.Version));
        Assert.Equal(Cases.At("2030-01-01 00:00"), change.Versions.Single(v => v.Rule.RuleSetId == "tmall.late-shipment" && v.Rule.Version == 1).Effective.To);
        cts.Cancel();
    }
}

/// <summary>`penalties rules publish DIR --server URL` against a RuleSets service on a real Redis.</summary>
public class CliRulePublishingTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>The CLI with the admin token in its environment (PENALTIES_ADMIN_TOKEN), as a user passes it; no other test sets it.</summary>
    private static async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        Environment.SetEnvironmentVariable("PENALTIES_ADMIN_TOKEN", Token);
        try
        {
            return await CliRunner.RunAsync("", args);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PENALTIES_ADMIN_TOKEN", null);
        }
    }

    [Fact]
    public async Task Publishes_a_folder_then_reports_it_unchanged_refuses_without_the_token_and_lists_every_problem_of_a_bad_folder()
    {
        var prefix = NewPrefix();
        await using var host = await StartAsync(redis, prefix, PenaltiesServices.RuleSets);

        var (code, output, error) = await Cli("rules", "publish", RepoPaths.Rules, "--server", host.Address);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ShippedDocuments().Count(), lines.Count(l => l.StartsWith("published\t", StringComparison.Ordinal)));
        var tmall = Assert.Single(lines, l => l.StartsWith("published\ttmall.late-shipment\tv1\t2012-01-01 00:00:00", StringComparison.Ordinal));
        Assert.Contains("→ open\tsha256:", tmall, StringComparison.Ordinal);
        Assert.Equal("revision 1", lines[^1].Trim());

        (code, output, _) = await Cli("rules", "publish", RepoPaths.Rules, "--server", host.Address);
        Assert.Equal(0, code);
        Assert.DoesNotContain("published\t", output, StringComparison.Ordinal);
        Assert.Contains("unchanged\ttaobao.late-shipment\tv2", output, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("", "rules", "publish", RepoPaths.Rules, "--server", host.Address);
        Assert.Equal(1, code);
        Assert.Contains("Unauthenticated", error, StringComparison.Ordinal);
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, Token + "\n");
            (code, output, error) = await CliRunner.RunAsync("", "rules", "publish", RepoPaths.Rules, "--server", host.Address, "--token-file", tokenFile);
            Assert.True(code == 0, error);
            Assert.Contains("unchanged\ttaobao.late-shipment\tv2", output, StringComparison.Ordinal);
        }
        finally { File.Delete(tokenFile); }

        var later = Directory.CreateTempSubdirectory("penalties-backdated-rules-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(later.FullName, "v2.json"), TmallLateV2("2025-01-01").Json);
            (code, _, error) = await Cli("rules", "publish", later.FullName, "--server", host.Address);
            Assert.Equal(2, code);
            Assert.Contains("would end 2025-01-01", error, StringComparison.Ordinal);
            Assert.Contains("--allow-backdated", error, StringComparison.Ordinal);
            (code, output, error) = await Cli("rules", "publish", later.FullName, "--server", host.Address, "--allow-backdated");
            Assert.True(code == 0, error);
            Assert.Contains("published\ttmall.late-shipment\tv2\t2025-01-01 00:00:00", output, StringComparison.Ordinal);
        }
        finally { later.Delete(recursive: true); }

        var bad = Directory.CreateTempSubdirectory("penalties-bad-rules-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(bad.FullName, "a.json"), Edited("tmall.late-shipment/v1.json", "a", o => { o["version"] = 5; o["effectiveFrom"] = "2040-01-01"; o["parameters"]!["compensation"]!["late"]!["cap"] = -1; }).Json);
            await File.WriteAllTextAsync(Path.Combine(bad.FullName, "b.json"), "{ not json");
            (code, _, error) = await Cli("rules", "publish", bad.FullName, "--server", host.Address);
            Assert.Equal(2, code);
            Assert.Contains("documents[0]: a.json: parameters.compensation.late.cap", error, StringComparison.Ordinal);
            Assert.Contains("documents[1]: b.json", error, StringComparison.Ordinal);
            Assert.Contains("nothing was published", error, StringComparison.Ordinal);
        }
        finally { bad.Delete(recursive: true); }
    }
}

/// <summary>Every line a host logs once added to its logger factory (message and exception).</summary>
internal sealed class CapturedLog : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception) + exception);

    public void Dispose() { }
}
