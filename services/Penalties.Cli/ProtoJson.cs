using Google.Protobuf;

namespace Penalties.Cli;

/// <summary>The contract's messages in the proto3 JSON mapping (what a gRPC-JSON transcoder would show).</summary>
internal static class ProtoJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string Format(IMessage message) => Formatter.Format(message);
}
