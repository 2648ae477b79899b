using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Penalties.Deployment.Tests;

/// <summary>An overlay as kubectl kustomize renders it, and its objects parsed strictly.</summary>
public sealed class Manifest
{
    public static readonly string[] Overlays = ["dev", "prod"];

    /// <summary>Every kind the overlays may hold, by apiVersion/kind: anything else is an error, as is a field the type lacks.</summary>
    public static readonly Dictionary<string, Type> Kinds = new()
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Secret"] = typeof(V1Secret),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["batch/v1/Job"] = typeof(V1Job),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
    };

    static readonly ConcurrentDictionary<string, Lazy<string>> Rendered = new();

    public string Overlay { get; }
    public List<object> Objects { get; }

    public Manifest(string overlay, List<object> objects)
    {
        Overlay = overlay;
        Objects = objects;
    }

    /// <summary>kubectl kustomize k8s/overlays/{overlay}, once per test run.</summary>
    public static string Render(string overlay) => Rendered.GetOrAdd(overlay, o => new Lazy<string>(() =>
    {
        var (code, stdout, stderr) = Repo.Run("kubectl", ["kustomize", Repo.PathOf("k8s", "overlays", o)], timeoutSeconds: 120);
        if (code != 0) throw new InvalidOperationException($"kubectl kustomize k8s/overlays/{o} failed ({code}): {stderr}");
        return stdout;
    })).Value;

    /// <summary>Parses rendered YAML strictly: an unknown field or kind throws.</summary>
    public static List<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, Kinds, strict: true);

    public static Manifest Load(string overlay) => new(overlay, Parse(Render(overlay)));

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public bool IsDev => Overlay == "dev";

    /// <summary>Pod templates of the workloads, with the workload's kind and name.</summary>
    public IEnumerable<(string Kind, string Name, V1PodTemplateSpec Template)> PodTemplates()
    {
        foreach (var d in All<V1Deployment>()) yield return ("Deployment", d.Metadata.Name, d.Spec.Template);
        foreach (var s in All<V1StatefulSet>()) yield return ("StatefulSet", s.Metadata.Name, s.Spec.Template);
        foreach (var j in All<V1Job>()) yield return ("Job", j.Metadata.Name, j.Spec.Template);
    }

    /// <summary>The Deployments a Dapr sidecar is injected into, with their app id.</summary>
    public IEnumerable<(V1Deployment Deployment, string AppId)> DaprApps() =>
        All<V1Deployment>()
            .Where(d => d.Spec.Template.Metadata.Annotations.Get("dapr.io/enabled") == "true")
            .Select(d => (d, d.Spec.Template.Metadata.Annotations["dapr.io/app-id"]));
}

static class DictionaryExtensions
{
    /// <summary>The value for a key, or null (annotations and labels are IDictionary, which has no GetValueOrDefault).</summary>
    public static string? Get(this IDictionary<string, string>? d, string key) => d is not null && d.TryGetValue(key, out var v) ? v : null;
}
