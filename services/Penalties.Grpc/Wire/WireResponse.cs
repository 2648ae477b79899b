using Google.Protobuf;
using Grpc.Core;

namespace Penalties.Grpc.Wire;

/// <summary>
/// A response a service encodes itself, straight from the core's decision to protobuf bytes, instead of building
/// the generated message and having it serialized. For the calculators' Assess and AssessStream, building a decision
/// message of a few dozen objects and serializing it (C# protobuf computes each nested message's size again at every
/// level above it) was about three quarters of a call's own work. The bytes are those the generated serializer writes
/// for the message <c>Mapping</c> builds (a property test holds the two to it), so callers parse them with the
/// generated types as before. A method answers so when its service marks it with <see cref="OnTheWireAttribute"/>.
/// </summary>
public abstract class WireResponse
{
    /// <summary>Writes the response message's fields.</summary>
    internal abstract void WriteTo(ProtoWriter writer);

    /// <summary>The marshaller of every method answered on the wire (server side: a caller parses the bytes as the generated response).</summary>
    internal static readonly Marshaller<WireResponse> Marshaller = new(Serialize, Deserialize);

    private static void Serialize(WireResponse response, SerializationContext context)
    {
        var writer = ProtoWriter.Rent();
        try
        {
            response.WriteTo(writer);
            var bytes = writer.Written;
            context.SetPayloadLength(bytes.Length);
            var output = context.GetBufferWriter();
            bytes.CopyTo(output.GetSpan(bytes.Length));
            output.Advance(bytes.Length);
            context.Complete();
        }
        finally
        {
            ProtoWriter.Return(writer);
        }
    }

    private static WireResponse Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("a response encoded on the wire is read with the generated message of the method's response type");

    /// <summary>The bytes of the response message (what the marshaller sends): for tests and benchmarks.</summary>
    internal byte[] ToByteArray()
    {
        var writer = new ProtoWriter();
        WriteTo(writer);
        return writer.Written.ToArray();
    }
}

/// <summary>A generated message sent as a method's wire response: the rare answers not worth an encoder of their own (a stream item's error).</summary>
internal sealed class MessageResponse(IMessage message) : WireResponse
{
    internal override void WriteTo(ProtoWriter writer) => writer.Fields(message);
}

/// <summary>
/// Binds the RPC of the service's generated base named <see cref="Rpc"/> to the method it marks, whose responses are
/// <see cref="WireResponse"/>s (<c>Task&lt;WireResponse&gt;</c> for a unary RPC, an <c>IServerStreamWriter&lt;WireResponse&gt;</c>
/// for a streaming one), instead of to the generated method's override.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OnTheWireAttribute(string rpc) : Attribute
{
    public string Rpc { get; } = rpc;
}
