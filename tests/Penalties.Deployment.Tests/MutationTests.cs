using k8s.Models;
using Penalties.Dapr;

namespace Penalties.Deployment.Tests;

/// <summary>The checks catch what they are for: each mutation, made on an in-memory copy, makes one fail.</summary>
public sealed class MutationTests
{
    [Fact]
    public void A_misspelt_field_fails_the_strict_parse()
    {
        var yaml = Manifest.Render("prod");
        Assert.Contains("readOnlyRootFilesystem", yaml, StringComparison.Ordinal);
        var misspelt = ReplaceFirst(yaml, "readOnlyRootFilesystem", "readOnlyRootFileSystem");
        Assert.ThrowsAny<Exception>(() => Manifest.Parse(misspelt));

        var daprMisspelt = ReplaceFirst(yaml, "secretKeyRef", "secretKeyRefs");
        Assert.ThrowsAny<Exception>(() => Manifest.Parse(daprMisspelt));
    }

    [Fact]
    public void A_missing_required_field_fails_the_schema()
    {
        var m = Manifest.Load("prod");
        m.All<V1Deployment>().First().Spec.Selector = null!;
        Assert.Contains(Schema.Validate(m.Objects), p => p.Contains("selector", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_port_fails_the_cross_check()
    {
        var m = Manifest.Load("prod");
        Assert.Empty(Checks.AppIdsAndPorts(m, Repo.Hosts));
        var (deployment, _) = m.DaprApps().First(a => a.AppId == AppIds.LateShipment);
        deployment.Spec.Template.Metadata.Annotations["dapr.io/app-port"] = "5109";
        Assert.Contains(Checks.AppIdsAndPorts(m, Repo.Hosts), p => p.Contains("dapr.io/app-port 5109", StringComparison.Ordinal));

        var other = Manifest.Load("prod");
        other.DaprApps().First(a => a.AppId == AppIds.PriceMatch).Deployment.Spec.Template.Spec.Containers[0].ReadinessProbe.Grpc.Port = 5101;
        Assert.Contains(Checks.AppIdsAndPorts(other, Repo.Hosts), p => p.Contains("readiness probe on port 5101", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unscoped_component_fails_the_cross_check()
    {
        var m = Manifest.Load("prod");
        Assert.Empty(Checks.DaprComponentsMatchCode(m, Repo.Hosts));
        m.All<DaprComponent>().Single(c => c.Metadata.Name == Topics.PubSub).Scopes = null;
        Assert.Contains(Checks.DaprComponentsMatchCode(m, Repo.Hosts), p => p.Contains("has no scopes", StringComparison.Ordinal));
    }

    [Fact]
    public void What_stops_a_sidecar_in_a_cluster_fails_the_cross_check()
    {
        var m = Manifest.Load("prod");
        var components = m.All<DaprComponent>().ToDictionary(c => c.Metadata.Name);
        components[Topics.PubSub].Auth = new ComponentAuth { SecretStore = "penalties-secrets" };
        var outbox = components[StateStores.ClaimsOutboxStore];
        outbox.Spec.Metadata!.RemoveAll(i => i.Name == "outboxPubsub");
        var scopes = components[Topics.PubSub].Spec.Metadata!.Single(i => i.Name == "publishingScopes");
        scopes.Value = scopes.Value!.Replace("penalties-rule-sets=rules-changed,penalties-dead-letter", "penalties-rule-sets=rules-changed", StringComparison.Ordinal);
        m.DaprApps().First().Deployment.Spec.Template.Metadata.Annotations.Remove("dapr.io/disable-builtin-k8s-secret-store");
        var problems = Checks.DaprComponentsMatchCode(m, Repo.Hosts);
        Assert.Contains(problems, p => p.Contains("names secret store penalties-secrets", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("outboxPubsub must be", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("penalties-rule-sets subscribes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("built-in Kubernetes secret store on", StringComparison.Ordinal));
    }

    [Fact]
    public void A_liveness_probe_on_a_dependency_fails_the_cross_check()
    {
        var m = Manifest.Load("prod");
        m.DaprApps().First().Deployment.Spec.Template.Spec.Containers[0].LivenessProbe.Grpc.Service = null;
        Assert.Contains(Checks.AppIdsAndPorts(m, Repo.Hosts), p => p.Contains("liveness probe asks", StringComparison.Ordinal));
    }

    [Fact]
    public void A_topic_or_store_the_code_names_must_exist()
    {
        var m = Manifest.Load("prod");
        var pubsub = m.All<DaprComponent>().Single(c => c.Metadata.Name == Topics.PubSub);
        pubsub.Spec.Metadata!.Single(i => i.Name == "allowedTopics").Value = Topics.ClaimDecided;
        Assert.Contains(Checks.DaprComponentsMatchCode(m, Repo.Hosts), p => p.Contains(Topics.RulesChanged, StringComparison.Ordinal));
        pubsub.Metadata.Name = "pubsub";
        Assert.Contains(Checks.DaprComponentsMatchCode(m, Repo.Hosts), p => p.Contains("is no Dapr Component", StringComparison.Ordinal));
    }

    [Fact]
    public void Record_granted_to_another_app_or_an_unknown_method_fails_access_control()
    {
        var m = Manifest.Load("prod");
        Assert.Empty(Checks.AccessControl(m));
        var policy = m.All<DaprConfiguration>().Single().Spec.AccessControl!.Policies.Single();
        policy.AppId = AppIds.RuleSets;
        Assert.Contains(Checks.AccessControl(m), p => p.Contains("only penalties-claims may record", StringComparison.Ordinal));
        policy.AppId = AppIds.Claims;
        policy.Operations[0].Name = "/penalties.v1.LateShipment/Asess";
        Assert.Contains(Checks.AccessControl(m), p => p.Contains("no gRPC method", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unhardened_container_a_latest_image_or_a_literal_secret_fails()
    {
        var m = Manifest.Load("prod");
        var c = m.All<V1Deployment>().First().Spec.Template.Spec.Containers[0];
        c.SecurityContext.ReadOnlyRootFilesystem = false;
        c.LivenessProbe = null;
        c.Image = "penalties/penalties-late-shipment:latest";
        var problems = Checks.ContainersHardened(m);
        Assert.Contains(problems, p => p.Contains("readOnlyRootFilesystem", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no liveness probe", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no fixed tag", StringComparison.Ordinal));

        c.Env.Single(e => e.Name == "PENALTIES_REDIS_PASSWORD").ValueFrom = null;
        c.Env.Single(e => e.Name == "PENALTIES_REDIS_PASSWORD").Value = "hunter2";
        Assert.Contains(Checks.NoLiteralSecrets(m), p => p.Contains("PENALTIES_REDIS_PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public void A_selector_that_matches_no_pod_fails()
    {
        var m = Manifest.Load("prod");
        Assert.Empty(Checks.SelectorsMatch(m));
        m.All<V1Service>().First(s => s.Spec.Type != "ExternalName").Spec.Selector["app.kubernetes.io/name"] = "penalties-lateshipment";
        Assert.Contains(Checks.SelectorsMatch(m), p => p.Contains("selects no pods", StringComparison.Ordinal));
    }

    static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }
}
