using k8s;
using k8s.Models;

namespace Penalties.Deployment.Tests;

// The Dapr kinds as typed models, so that a strict parse refuses a field Dapr does not have. Only the fields this
// deployment uses and Dapr documents; a new one is added here first.

public sealed class DaprComponent : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ComponentSpec Spec { get; set; } = new();
    public ComponentAuth? Auth { get; set; }
    public List<string>? Scopes { get; set; }

    public string? Meta(string name) => Spec.Metadata?.FirstOrDefault(m => m.Name == name)?.Value;
}

public sealed class ComponentSpec
{
    public string Type { get; set; } = "";
    public string Version { get; set; } = "";
    public string? InitTimeout { get; set; }
    public bool? IgnoreErrors { get; set; }
    public List<MetadataItem>? Metadata { get; set; }
}

public sealed class MetadataItem
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    public SecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class SecretKeyRef
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}

public sealed class ComponentAuth
{
    public string SecretStore { get; set; } = "";
}

public sealed class DaprConfiguration : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ConfigurationSpec Spec { get; set; } = new();
}

public sealed class ConfigurationSpec
{
    public TracingSpec? Tracing { get; set; }
    public MetricSpec? Metric { get; set; }
    public MtlsSpec? Mtls { get; set; }
    public AccessControlSpec? AccessControl { get; set; }
}

public sealed class TracingSpec
{
    public string SamplingRate { get; set; } = "";
    public OtelSpec? Otel { get; set; }
}

public sealed class OtelSpec
{
    public string EndpointAddress { get; set; } = "";
    public bool IsSecure { get; set; }
    public string Protocol { get; set; } = "";
}

public sealed class MetricSpec
{
    public bool Enabled { get; set; }
}

public sealed class MtlsSpec
{
    public bool Enabled { get; set; }
    public string? WorkloadCertTTL { get; set; }
    public string? AllowedClockSkew { get; set; }
}

public sealed class AccessControlSpec
{
    public string DefaultAction { get; set; } = "";
    public string? TrustDomain { get; set; }
    public List<AppPolicy> Policies { get; set; } = [];
}

public sealed class AppPolicy
{
    public string AppId { get; set; } = "";
    public string DefaultAction { get; set; } = "";
    public string? TrustDomain { get; set; }
    public string? Namespace { get; set; }
    public List<AppOperation> Operations { get; set; } = [];
}

public sealed class AppOperation
{
    public string Name { get; set; } = "";
    public List<string>? HttpVerb { get; set; }
    public string Action { get; set; } = "";
}

public sealed class DaprResiliency : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public List<string>? Scopes { get; set; }
    public ResiliencySpec Spec { get; set; } = new();
}

public sealed class ResiliencySpec
{
    public ResiliencyPolicies Policies { get; set; } = new();
    public ResiliencyTargets Targets { get; set; } = new();
}

public sealed class ResiliencyPolicies
{
    public Dictionary<string, string> Timeouts { get; set; } = [];
    public Dictionary<string, RetryPolicy> Retries { get; set; } = [];
    public Dictionary<string, CircuitBreakerPolicy> CircuitBreakers { get; set; } = [];
}

public sealed class RetryPolicy
{
    public string Policy { get; set; } = "";
    public string? Duration { get; set; }
    public string? InitialInterval { get; set; }
    public string? MaxInterval { get; set; }
    public int MaxRetries { get; set; }
    public RetryMatching? Matching { get; set; }
}

public sealed class RetryMatching
{
    public string? HttpStatusCodes { get; set; }
    public string? GRPCStatusCodes { get; set; }
}

public sealed class CircuitBreakerPolicy
{
    public int MaxRequests { get; set; }
    public string Interval { get; set; } = "";
    public string Timeout { get; set; } = "";
    public string Trip { get; set; } = "";
}

public sealed class ResiliencyTargets
{
    public Dictionary<string, PolicyRefs> Apps { get; set; } = [];
    public Dictionary<string, ComponentPolicyRefs> Components { get; set; } = [];
}

public sealed class PolicyRefs
{
    public string? Timeout { get; set; }
    public string? Retry { get; set; }
    public string? CircuitBreaker { get; set; }
}

public sealed class ComponentPolicyRefs
{
    public PolicyRefs? Outbound { get; set; }
    public PolicyRefs? Inbound { get; set; }
}
