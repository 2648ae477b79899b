namespace Penalties.ServiceDefaults;

/// <summary>Limits every host applies to requests; bound from the "Penalties:Limits" configuration section.</summary>
public sealed class RequestLimits
{
    public const string Section = "Penalties:Limits";

    /// <summary>Largest request message accepted (bytes). Default 4 MiB: a case is a few hundred bytes.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent (bytes). Default 16 MiB.</summary>
    public int MaxSendMessageSize { get; set; } = 16 * 1024 * 1024;
}
