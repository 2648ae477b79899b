using System.Globalization;
using System.Reflection;
using Google.Protobuf.Reflection;
using k8s.Models;
using Penalties.Dapr;
using Penalties.ServiceDefaults;

namespace Penalties.Deployment.Tests;

/// <summary>
/// The consistency rules between the rendered manifests and the code. Each returns the problems it finds (empty when
/// all holds), so the mutation tests can show that each rule catches what it is for.
/// </summary>
public static class Checks
{
    /// <summary>Dapr app ids are hosts' service names; app port, container port, probes and Service equal the host's port.</summary>
    public static List<string> AppIdsAndPorts(Manifest m, IReadOnlyDictionary<string, HostInfo> hosts)
    {
        var problems = new List<string>();
        foreach (var (d, appId) in m.DaprApps())
        {
            var where = $"{m.Overlay}: Deployment {d.Metadata.Name}";
            if (!hosts.TryGetValue(appId, out var host))
            {
                problems.Add($"{where}: app id {appId} is no host's service name ({string.Join(", ", hosts.Keys)})");
                continue;
            }
            var annotations = d.Spec.Template.Metadata.Annotations;
            if (annotations.Get("dapr.io/app-port") != host.Port.ToString(CultureInfo.InvariantCulture))
                problems.Add($"{where}: dapr.io/app-port {annotations.Get("dapr.io/app-port")} but {host.Project} listens on {host.Port}");
            if (annotations.Get("dapr.io/app-protocol") != "grpc") problems.Add($"{where}: dapr.io/app-protocol is not grpc");
            if (d.Metadata.Name != appId) problems.Add($"{where}: named otherwise than its app id {appId}");
            var c = d.Spec.Template.Spec.Containers[0];
            if (c.Ports?.Any(p => p.ContainerPort == host.Port) != true) problems.Add($"{where}: no containerPort {host.Port}");
            var urls = c.Env?.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
            if (urls != $"http://+:{host.Port}") problems.Add($"{where}: ASPNETCORE_URLS {urls} is not http://+:{host.Port}");
            foreach (var (name, probe) in Probes(c))
                if (probe?.Grpc is { } g && g.Port != host.Port) problems.Add($"{where}: {name} probe on port {g.Port}, not {host.Port}");
            // A restart cures nothing a dependency's outage causes: startup and liveness ask the process alone.
            foreach (var (name, probe) in Probes(c).Where(p => p.Name != "readiness"))
                if (probe?.Grpc?.Service != ServiceDefaultsExtensions.LiveHealthService) problems.Add($"{where}: {name} probe asks \"{probe?.Grpc?.Service}\", not {ServiceDefaultsExtensions.LiveHealthService}");
            foreach (var s in m.All<V1Service>().Where(s => Selects(s.Spec.Selector, d.Spec.Template.Metadata.Labels)))
                if (s.Spec.Ports.Any(p => p.Port != host.Port)) problems.Add($"{m.Overlay}: Service {s.Metadata.Name} port is not {host.Port}");
        }
        return problems;
    }

    /// <summary>prod deploys every separate host; dev the all-in-one.</summary>
    public static List<string> EveryHostDeployed(Manifest m, IReadOnlyDictionary<string, HostInfo> hosts)
    {
        var deployed = m.DaprApps().Select(a => a.AppId).ToHashSet();
        var expected = m.IsDev ? ["penalties"] : hosts.Keys.Where(id => id != "penalties");
        return expected.Where(id => !deployed.Contains(id)).Select(id => $"{m.Overlay}: no Deployment with Dapr app id {id} (host {hosts[id].Project})").ToList();
    }

    /// <summary>Every container: probes, resources, a locked-down securityContext; images with a version; a non-root pod.</summary>
    public static List<string> ContainersHardened(Manifest m)
    {
        var problems = new List<string>();
        foreach (var (kind, name, template) in m.PodTemplates())
        {
            var pod = template.Spec;
            var where = $"{m.Overlay}: {kind} {name}";
            if (pod.SecurityContext?.RunAsNonRoot != true) problems.Add($"{where}: pod runAsNonRoot is not true");
            if (pod.SecurityContext?.SeccompProfile?.Type != "RuntimeDefault") problems.Add($"{where}: pod seccompProfile is not RuntimeDefault");
            foreach (var c in pod.Containers)
            {
                var at = $"{where} container {c.Name}";
                if (kind != "Job")
                    foreach (var (probeName, probe) in Probes(c))
                        if (probe is null) problems.Add($"{at}: no {probeName} probe");
                if (c.Resources?.Requests is not { } req || !req.ContainsKey("cpu") || !req.ContainsKey("memory")) problems.Add($"{at}: no cpu and memory requests");
                if (c.Resources?.Limits is not { } lim || !lim.ContainsKey("memory")) problems.Add($"{at}: no memory limit");
                var sc = c.SecurityContext;
                if (sc is null) { problems.Add($"{at}: no securityContext"); continue; }
                if (sc.RunAsNonRoot != true) problems.Add($"{at}: runAsNonRoot is not true");
                if (sc.ReadOnlyRootFilesystem != true) problems.Add($"{at}: readOnlyRootFilesystem is not true");
                if (sc.AllowPrivilegeEscalation != false) problems.Add($"{at}: allowPrivilegeEscalation is not false");
                if (sc.Capabilities?.Drop?.Contains("ALL") != true) problems.Add($"{at}: capabilities do not drop ALL");
                if (sc.Privileged == true) problems.Add($"{at}: privileged");
                var tag = c.Image.Contains(':', StringComparison.Ordinal) ? c.Image[(c.Image.LastIndexOf(':') + 1)..] : "";
                if (tag is "" or "latest") problems.Add($"{at}: image {c.Image} has no fixed tag");
            }
        }
        return problems;
    }

    /// <summary>Services, PDBs and HPAs select existing pods; an HPA beside a sidecar scales on something that works.</summary>
    public static List<string> SelectorsMatch(Manifest m)
    {
        var problems = new List<string>();
        var templates = m.PodTemplates().ToList();
        foreach (var d in m.All<V1Deployment>())
            if (!Selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)) problems.Add($"{m.Overlay}: Deployment {d.Metadata.Name} does not select its own pods");
        foreach (var s in m.All<V1Service>().Where(s => s.Spec.Type != "ExternalName"))
            if (!templates.Any(t => Selects(s.Spec.Selector, t.Template.Metadata.Labels))) problems.Add($"{m.Overlay}: Service {s.Metadata.Name} selects no pods");
        foreach (var p in m.All<V1PodDisruptionBudget>())
            if (!templates.Any(t => Selects(p.Spec.Selector.MatchLabels, t.Template.Metadata.Labels))) problems.Add($"{m.Overlay}: PodDisruptionBudget {p.Metadata.Name} selects no pods");
        foreach (var h in m.All<V2HorizontalPodAutoscaler>())
        {
            var target = m.All<V1Deployment>().FirstOrDefault(d => h.Spec.ScaleTargetRef.Kind == "Deployment" && d.Metadata.Name == h.Spec.ScaleTargetRef.Name);
            if (target is null) { problems.Add($"{m.Overlay}: HorizontalPodAutoscaler {h.Metadata.Name} targets no Deployment"); continue; }
            var containers = target.Spec.Template.Spec.Containers.Select(c => c.Name).ToHashSet();
            foreach (var metric in h.Spec.Metrics)
            {
                var sidecarCpu = target.Spec.Template.Metadata.Annotations?.ContainsKey("dapr.io/sidecar-cpu-request") == true;
                if (metric.Type == "ContainerResource" && !containers.Contains(metric.ContainerResource.Container))
                    problems.Add($"{m.Overlay}: HorizontalPodAutoscaler {h.Metadata.Name} measures container {metric.ContainerResource.Container}, not in the pod");
                if (metric.Type == "Resource" && !sidecarCpu)
                    problems.Add($"{m.Overlay}: HorizontalPodAutoscaler {h.Metadata.Name} scales on pod CPU without sidecar CPU requests");
            }
            if (!m.IsDev && h.Spec.MinReplicas < 2) problems.Add($"{m.Overlay}: HorizontalPodAutoscaler {h.Metadata.Name} allows fewer than 2 replicas");
        }
        if (!m.IsDev)
            foreach (var d in m.All<V1Deployment>())
                if (d.Spec.Replicas < 2) problems.Add($"{m.Overlay}: Deployment {d.Metadata.Name} has fewer than 2 replicas");
        return problems;
    }

    /// <summary>Outside dev no secret value is written in the manifests: Secrets, env values and Dapr metadata.</summary>
    public static List<string> NoLiteralSecrets(Manifest m)
    {
        if (m.IsDev) return [];
        var problems = new List<string>();
        foreach (var s in m.All<V1Secret>())
            if (s.Data?.Count > 0 || s.StringData?.Count > 0) problems.Add($"{m.Overlay}: Secret {s.Metadata.Name} carries a literal value");
        foreach (var (kind, name, template) in m.PodTemplates())
            foreach (var c in template.Spec.Containers)
                foreach (var e in c.Env ?? [])
                {
                    bool secretName = SecretLike(e.Name);
                    bool literalPassword = e.Value?.Contains("password=", StringComparison.OrdinalIgnoreCase) == true && !e.Value.Contains("password=$(", StringComparison.OrdinalIgnoreCase);
                    if ((secretName && e.Value is not null) || literalPassword) problems.Add($"{m.Overlay}: {kind} {name} env {e.Name} has a literal secret");
                }
        foreach (var cm in m.All<V1ConfigMap>())
            foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>())
                if (SecretLike(k) || v.Contains("password=", StringComparison.OrdinalIgnoreCase)) problems.Add($"{m.Overlay}: ConfigMap {cm.Metadata.Name} key {k} holds a secret");
        foreach (var c in m.All<DaprComponent>())
            foreach (var item in c.Spec.Metadata ?? [])
                if (SecretLike(item.Name) && item.Value is not null) problems.Add($"{m.Overlay}: Component {c.Metadata.Name} {item.Name} is a literal, not a secretKeyRef");
        return problems;
    }

    static bool SecretLike(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase) && !name.EndsWith("TokenFile", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Every pub/sub and state store the code names (Penalties.Dapr) is a Component; every topic the code names is allowed
    /// on the pub/sub; every Component is scoped to app ids that exist; publishing and subscription scopes name scoped apps.
    /// </summary>
    public static List<string> DaprComponentsMatchCode(Manifest m, IReadOnlyDictionary<string, HostInfo> hosts)
    {
        var problems = new List<string>();
        var components = m.All<DaprComponent>().ToDictionary(c => c.Metadata.Name);
        var appIds = CodeAppIds().Concat(hosts.Keys).ToHashSet();
        var deployed = m.DaprApps().Select(a => a.AppId).ToHashSet();
        foreach (var (field, name) in CodeConstants(typeof(Topics)).Concat(AllCodeConstants().Where(c => c.Field.EndsWith("Store", StringComparison.Ordinal) || c.Field.EndsWith("StateStore", StringComparison.Ordinal))).Distinct())
        {
            if (field == nameof(Topics.PubSub) || field.EndsWith("Store", StringComparison.Ordinal))
            {
                if (!components.TryGetValue(name, out var c)) problems.Add($"{m.Overlay}: the code's {field} \"{name}\" is no Dapr Component");
                else if (!c.Spec.Type.StartsWith(field == nameof(Topics.PubSub) ? "pubsub." : "state.", StringComparison.Ordinal)) problems.Add($"{m.Overlay}: Component {name} is of type {c.Spec.Type}");
            }
            else if (components.GetValueOrDefault(Topics.PubSub)?.Meta("allowedTopics")?.Split(',').Contains(name) != true)
                problems.Add($"{m.Overlay}: topic {name} ({field}) is not in {Topics.PubSub}'s allowedTopics");
        }
        foreach (var c in components.Values)
        {
            if (c.Scopes is not { Count: > 0 }) { problems.Add($"{m.Overlay}: Component {c.Metadata.Name} has no scopes: every app could load it"); continue; }
            foreach (var s in c.Scopes.Where(s => !appIds.Contains(s))) problems.Add($"{m.Overlay}: Component {c.Metadata.Name} scoped to unknown app {s}");
            // With auth.secretStore set, daprd reads the Secret itself through the Kubernetes API, which the pods have no token for;
            // left empty, the operator resolves secretKeyRef and hands the value over.
            if (!string.IsNullOrEmpty(c.Auth?.SecretStore)) problems.Add($"{m.Overlay}: Component {c.Metadata.Name} names secret store {c.Auth.SecretStore}: leave auth empty");
            var allowed = c.Meta("allowedTopics")?.Split(',').ToHashSet() ?? [];
            foreach (var scopesKey in new[] { "publishingScopes", "subscriptionScopes" })
                foreach (var entry in (c.Meta(scopesKey) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var app = entry.Split('=')[0];
                    var topics = entry.Split('=').ElementAtOrDefault(1)?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
                    if (!c.Scopes.Contains(app)) problems.Add($"{m.Overlay}: Component {c.Metadata.Name} {scopesKey} names {app}, which is not in its scopes");
                    foreach (var t in topics.Where(t => !allowed.Contains(t))) problems.Add($"{m.Overlay}: Component {c.Metadata.Name} {scopesKey} names topic {t}, not allowed");
                }
        }
        // A subscriber's sidecar publishes its dead letters: every app subscribing on the pub/sub may publish to the dead-letter topic.
        if (components.GetValueOrDefault(Topics.PubSub) is { } events && events.Meta("publishingScopes") is { } publishing)
        {
            var publishes = publishing.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('='))
                .ToDictionary(e => e[0], e => e.ElementAtOrDefault(1)?.Split(',').ToHashSet() ?? []);
            foreach (var app in (events.Meta("subscriptionScopes") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('=')[0]))
                if (publishes.TryGetValue(app, out var topics) && !topics.Contains(Topics.DeadLetter))
                    problems.Add($"{m.Overlay}: {app} subscribes on {Topics.PubSub} but may not publish its dead letters to {Topics.DeadLetter}");
        }
        // The pods have no API token: daprd's own Kubernetes secret store, which needs one, must be off.
        foreach (var (d, appId) in m.DaprApps())
            if (d.Spec.Template.Metadata.Annotations.Get("dapr.io/disable-builtin-k8s-secret-store") != "true")
                problems.Add($"{m.Overlay}: Deployment {d.Metadata.Name} leaves daprd's built-in Kubernetes secret store on");
        // The deployed apps that publish or subscribe must be in the pub/sub's scopes, and only the claims app may hold the claims' state.
        if (components.GetValueOrDefault(Topics.PubSub) is { Scopes: { } pubsubScopes })
            foreach (var app in deployed.Where(a => !pubsubScopes.Contains(a))) problems.Add($"{m.Overlay}: app {app} is deployed but not in {Topics.PubSub}'s scopes");
        // The claims' two state components: both only for the claims app; the outbox on the deciding one only, since
        // Dapr publishes every upsert of a transaction on an outbox-enabled component.
        foreach (var (name, outbox) in new[] { (StateStores.ClaimsStateStore, false), (StateStores.ClaimsOutboxStore, true) })
        {
            if (!components.TryGetValue(name, out var state)) { problems.Add($"{m.Overlay}: no Component {name}"); continue; }
            if (state.Scopes?.SequenceEqual([AppIds.Claims]) != true) problems.Add($"{m.Overlay}: {name} is not scoped to {AppIds.Claims} alone");
            var (pubsub, topic) = (state.Meta("outboxPublishPubsub"), state.Meta("outboxPublishTopic"));
            if (outbox ? pubsub != Topics.PubSub || topic != Topics.ClaimDecided : pubsub is not null || topic is not null)
                problems.Add($"{m.Overlay}: {name}'s outbox must be {(outbox ? $"{Topics.PubSub}/{Topics.ClaimDecided}" : "off")}");
            // Dapr publishes to an internal topic named from the namespace, app id and topic first: on a pub/sub with
            // allowed topics that publish is refused, so the outbox needs a pub/sub of its own without them.
            if (outbox && (state.Meta("outboxPubsub") is not { } internalPubsub || !components.TryGetValue(internalPubsub, out var own)
                    || own.Meta("allowedTopics") is not null || own.Scopes?.Contains(AppIds.Claims) != true))
                problems.Add($"{m.Overlay}: {name}'s outboxPubsub must be a pub/sub for {AppIds.Claims} without allowedTopics");
        }
        return problems;
    }

    /// <summary>
    /// Access control denies by default, names real app ids and real gRPC methods (from the protos' descriptors), and
    /// grants the calculators' Record and Revoke to penalties-claims only; every app's dapr.io/config exists.
    /// </summary>
    public static List<string> AccessControl(Manifest m)
    {
        var problems = new List<string>();
        var methods = GrpcMethods();
        var configs = m.All<DaprConfiguration>().ToDictionary(c => c.Metadata.Name);
        foreach (var (d, _) in m.DaprApps())
        {
            var config = d.Spec.Template.Metadata.Annotations.Get("dapr.io/config");
            if (config is null || !configs.ContainsKey(config)) problems.Add($"{m.Overlay}: Deployment {d.Metadata.Name} names Dapr configuration {config}, not declared");
        }
        foreach (var c in configs.Values)
        {
            var acl = c.Spec.AccessControl;
            if (acl?.DefaultAction != "deny") { problems.Add($"{m.Overlay}: Configuration {c.Metadata.Name} access control does not deny by default"); continue; }
            if (c.Spec.Mtls?.Enabled != true) problems.Add($"{m.Overlay}: Configuration {c.Metadata.Name} without mTLS");
            foreach (var p in acl.Policies)
            {
                if (!CodeAppIds().Contains(p.AppId)) problems.Add($"{m.Overlay}: access control names unknown app {p.AppId}");
                if (p.DefaultAction != "deny") problems.Add($"{m.Overlay}: access control for {p.AppId} does not deny by default");
                foreach (var op in p.Operations)
                {
                    if (!methods.Contains(op.Name)) problems.Add($"{m.Overlay}: access control for {p.AppId} names {op.Name}, which is no gRPC method of protos/");
                    var method = op.Name[(op.Name.LastIndexOf('/') + 1)..];
                    if (op.Action == "allow" && method is "Record" or "Revoke" && p.AppId != AppIds.Claims)
                        problems.Add($"{m.Overlay}: {p.AppId} may call {op.Name}: only {AppIds.Claims} may record or revoke");
                }
            }
        }
        return problems;
    }

    /// <summary>Resiliency targets name known apps, declared components and declared policies.</summary>
    public static List<string> Resiliency(Manifest m)
    {
        var problems = new List<string>();
        var components = m.All<DaprComponent>().Select(c => c.Metadata.Name).ToHashSet();
        foreach (var r in m.All<DaprResiliency>())
        {
            var p = r.Spec.Policies;
            void Refs(string target, PolicyRefs? refs)
            {
                if (refs is null) return;
                if (refs.Timeout is { } t && !p.Timeouts.ContainsKey(t)) problems.Add($"{m.Overlay}: {target} names timeout {t}, not declared");
                if (refs.Retry is { } rt && !p.Retries.ContainsKey(rt)) problems.Add($"{m.Overlay}: {target} names retry {rt}, not declared");
                if (refs.CircuitBreaker is { } cb && !p.CircuitBreakers.ContainsKey(cb)) problems.Add($"{m.Overlay}: {target} names circuit breaker {cb}, not declared");
            }
            foreach (var (app, refs) in r.Spec.Targets.Apps)
            {
                if (!CodeAppIds().Contains(app)) problems.Add($"{m.Overlay}: resiliency targets unknown app {app}");
                if (refs.Timeout is null) problems.Add($"{m.Overlay}: resiliency target {app} has no timeout");
                Refs(app, refs);
            }
            foreach (var (component, refs) in r.Spec.Targets.Components)
            {
                if (!components.Contains(component)) problems.Add($"{m.Overlay}: resiliency targets undeclared component {component}");
                Refs(component, refs.Outbound);
                Refs(component, refs.Inbound);
            }
            foreach (var (name, retry) in p.Retries.Where(x => x.Value.Policy != "exponential")) problems.Add($"{m.Overlay}: retry {name} is not exponential");
        }
        return problems;
    }

    /// <summary>Every "/package.Service/Method" of the contracts, from the generated descriptors.</summary>
    public static HashSet<string> GrpcMethods() =>
        typeof(Contracts.V1.LateShipment).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(ServiceDescriptor))
            .SelectMany(p => ((ServiceDescriptor)p!.GetValue(null)!).Methods)
            .Select(md => $"/{md.Service.FullName}/{md.Name}")
            .ToHashSet();

    /// <summary>The app ids the code declares (Penalties.Dapr.AppIds).</summary>
    public static HashSet<string> CodeAppIds() => CodeConstants(typeof(AppIds)).Select(c => c.Value).ToHashSet();

    static IEnumerable<(string Field, string Value)> AllCodeConstants() =>
        typeof(Topics).Assembly.GetTypes().Where(t => t.IsPublic).SelectMany(CodeConstants);

    static IEnumerable<(string Field, string Value)> CodeConstants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    static IEnumerable<(string Name, V1Probe? Probe)> Probes(V1Container c) =>
        [("liveness", c.LivenessProbe), ("readiness", c.ReadinessProbe), ("startup", c.StartupProbe)];

    static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
