using System.Buffers;
using Google.Protobuf;
using Grpc.Core;

namespace Penalties.Grpc.Wire;

/// <summary>A message a service encodes itself with <see cref="ProtoWriter"/> (its fields, in number order).</summary>
internal interface IWireMessage
{
    void WriteTo(ref ProtoWriter writer);
}

/// <summary>
/// A response a service encodes itself, straight from the core's decision to protobuf bytes, instead of building
/// the generated message and having it serialized. For the calculators' Assess and AssessStream, building a decision
/// message of a few dozen objects and serializing it (C# protobuf computes each nested message's size again at every
/// level above it) was most of a call's own work. The bytes are those the generated serializer writes for the message
/// <c>Mapping</c> builds (a property test holds the two to it), so callers parse them with the generated types as
/// before. A method answers so when its service marks it with <see cref="OnTheWireAttribute"/>.
/// <para>
/// The response is encoded when it is made (<see cref="Encode"/>), in the handler, so that a failure to encode it is
/// the call's failure as any other (the error interceptor answers INTERNAL, logs and counts it); the marshaller only
/// copies the bytes into the call's output and gives the pooled buffer back.
/// </para>
/// </summary>
public sealed class WireResponse
{
    private byte[]? _bytes;
    private readonly int _length;

    private WireResponse(byte[] bytes, int length)
    {
        _bytes = bytes;
        _length = length;
    }

    /// <summary>Encodes <paramref name="message"/> now, into a buffer from the shared pool that the marshaller gives back once it has sent it.</summary>
    internal static WireResponse Encode<T>(in T message) where T : IWireMessage
    {
        var writer = new ProtoWriter(InitialCapacity);
        try
        {
            message.WriteTo(ref writer);
            var bytes = writer.Detach(out int length);
            return new WireResponse(bytes, length);
        }
        finally
        {
            writer.Dispose(); // the buffer, if the message failed to encode
        }
    }

    /// <summary>Room for a one-line decision with its explanation (about 800 bytes) without growing.</summary>
    internal const int InitialCapacity = 2048;

    /// <summary>A generated message sent as a wire response: the rare answers not worth an encoder of their own (a stream item's error).</summary>
    internal static WireResponse Of(IMessage message) => Encode(new Generated(message));

    /// <summary>The encoded bytes (until sent): for tests and benchmarks.</summary>
    internal ReadOnlySpan<byte> Bytes => (_bytes ?? throw new InvalidOperationException("the response was sent")).AsSpan(0, _length);

    /// <summary>The marshaller of every method answered on the wire (server side: a caller parses the bytes as the generated response).</summary>
    internal static readonly Marshaller<WireResponse> Marshaller = new(Serialize, Deserialize);

    private static void Serialize(WireResponse response, SerializationContext context)
    {
        var bytes = response.Bytes;
        context.SetPayloadLength(bytes.Length);
        var output = context.GetBufferWriter();
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
        context.Complete();
        var pooled = response._bytes!;
        response._bytes = null; // sent once; a response that is never sent (the call ended first) leaves its buffer to the GC
        ArrayPool<byte>.Shared.Return(pooled);
    }

    private static WireResponse Deserialize(DeserializationContext context) =>
        throw new NotSupportedException("a response encoded on the wire is read with the generated message of the method's response type");

    private readonly struct Generated(IMessage message) : IWireMessage
    {
        public void WriteTo(ref ProtoWriter writer) => writer.Fields(message);
    }
}

/// <summary>
/// Binds the RPC of the service's generated base named <see cref="Rpc"/> to the method it marks, whose responses are
/// <see cref="WireResponse"/>s (<c>Task&lt;WireResponse&gt;</c> for a unary RPC, an <c>IServerStreamWriter&lt;WireResponse&gt;</c>
/// for a bidirectional one), instead of to the generated method's override. A name that is no unary or bidirectional
/// RPC of the service stops the host at start-up.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OnTheWireAttribute(string rpc) : Attribute
{
    public string Rpc { get; } = rpc;
}
