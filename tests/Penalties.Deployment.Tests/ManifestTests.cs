using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;

namespace Penalties.Deployment.Tests;

/// <summary>Each overlay renders, parses strictly, validates against the Kubernetes schemas and agrees with the code.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new(Manifest.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_renders_and_every_object_parses_strictly(string overlay)
    {
        var objects = Manifest.Parse(Manifest.Render(overlay));
        Assert.Contains(objects, o => o is k8s.Models.V1Deployment);
        Assert.Contains(objects, o => o is DaprComponent);
        Assert.Contains(objects, o => o is DaprConfiguration);
        Assert.Contains(objects, o => o is DaprResiliency);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_Kubernetes_object_validates_against_its_schema(string overlay)
    {
        var problems = Schema.Validate(Manifest.Load(overlay).Objects);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Manifests_agree_with_the_code(string overlay)
    {
        var m = Manifest.Load(overlay);
        var problems = Checks.AppIdsAndPorts(m, Repo.Hosts)
            .Concat(Checks.EveryHostDeployed(m, Repo.Hosts))
            .Concat(Checks.ContainersHardened(m))
            .Concat(Checks.SelectorsMatch(m))
            .Concat(Checks.NoLiteralSecrets(m))
            .Concat(Checks.DaprComponentsMatchCode(m, Repo.Hosts))
            .Concat(Checks.AccessControl(m))
            .Concat(Checks.Resiliency(m))
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_hosts_are_found_in_the_code()
    {
        // The cross-checks are only as good as this list: it must hold every host Program.cs.
        Assert.Equal(5101, Repo.Hosts["penalties-late-shipment"].Port);
        Assert.Equal(5100, Repo.Hosts["penalties"].Port);
        Assert.True(Repo.Hosts.Count >= 5, string.Join(", ", Repo.Hosts.Keys));
    }

    [Fact]
    public void Every_host_image_is_named_by_its_app_id_and_exposes_its_port()
    {
        foreach (var host in Repo.Hosts.Values)
        {
            var csproj = File.ReadAllText(Repo.PathOf("services", host.Project, host.Project + ".csproj"));
            Assert.Contains($"<ContainerRepository>{host.AppId}</ContainerRepository>", csproj, StringComparison.Ordinal);
            Assert.Contains($"<PenaltiesPort>{host.Port}</PenaltiesPort>", csproj, StringComparison.Ordinal);
            Assert.Contains("<Import Project=\"../Container.props\" />", csproj, StringComparison.Ordinal);
        }
        var props = File.ReadAllText(Repo.PathOf("services", "Container.props"));
        Assert.Contains("<ContainerFamily>noble-chiseled</ContainerFamily>", props, StringComparison.Ordinal);
    }

    [Fact]
    public void The_multi_app_run_file_names_the_hosts_with_their_ports()
    {
        var run = new YamlDotNet.Serialization.DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, object>>(File.ReadAllText(Repo.PathOf("dapr", "dapr.yaml")));
        var apps = ((List<object>)run["apps"]).Cast<Dictionary<object, object>>().ToList();
        var separate = Repo.Hosts.Values.Where(h => h.AppId != "penalties").ToList();
        Assert.Equal(separate.Select(h => h.AppId).Order(), apps.Select(a => (string)a["appID"]).Order());
        foreach (var app in apps)
        {
            var host = Repo.Hosts[(string)app["appID"]];
            Assert.Equal(host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)app["appPort"]);
            Assert.Equal("../services/" + host.Project, (string)app["appDirPath"]);
        }
        // The components it loads are the cluster's, by name.
        var local = Manifest.Parse(string.Join("\n---\n", Directory.GetFiles(Repo.PathOf("dapr", "local"), "*.yaml").Order().Select(File.ReadAllText)));
        var cluster = Manifest.Load("prod").All<DaprComponent>().Select(c => c.Metadata.Name).ToHashSet();
        Assert.All(local.OfType<DaprComponent>(), c => Assert.Contains(c.Metadata.Name, cluster));
    }

    [Fact]
    public void Access_control_knows_every_method_of_the_contracts()
    {
        var methods = Checks.GrpcMethods();
        Assert.Contains("/penalties.v1.PenaltyPoints/Revoke", methods);
        Assert.Contains("/penalties.v1.LateShipment/Record", methods);
        Assert.DoesNotContain("/penalties.v1.LateShipment/Revoke", methods);
    }
}

/// <summary>Schema validation through node and the kubernetes-models package (installed on first use).</summary>
public static class Schema
{
    static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Repo.PathOf("tests", "Penalties.Deployment.Tests", "schema");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")))
        {
            var (code, _, err) = Repo.Run("npm", ["ci", "--no-audit", "--no-fund"], workingDirectory: folder, timeoutSeconds: 300);
            if (code != 0) throw new InvalidOperationException("npm ci in " + folder + " failed: " + err);
        }
        return folder;
    });

    public static List<string> Validate(IEnumerable<object> objects)
    {
        var kubernetes = objects.Where(o => o is not DaprComponent and not DaprConfiguration and not DaprResiliency).ToList();
        // KubernetesJson writes the API's JSON (camelCase, no nulls): what the API server would receive.
        var json = "[" + string.Join(",", kubernetes.Select(o => KubernetesJson.Serialize(o))) + "]";
        var (code, stdout, stderr) = Repo.Run("node", ["validate.mjs"], stdin: json, workingDirectory: Folder.Value, timeoutSeconds: 120);
        if (code != 0) throw new InvalidOperationException("node validate.mjs failed: " + stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
