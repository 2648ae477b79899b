using System.Buffers;
using System.Text;

namespace Penalties.Grpc.Wire;

/// <summary>
/// Protobuf wire format written into one growing buffer from the shared pool, for the responses the services encode
/// themselves (<see cref="WireResponse"/> takes the buffer over; <see cref="Dispose"/> gives it back otherwise). It writes what Google.Protobuf's generated serializer writes for the same message:
/// fields in number order, proto3 scalars left out when they hold their default, set message fields and every element
/// of a repeated field always written, int32 negatives as ten-byte varints. A nested message's length is written when
/// it ends: one byte is reserved for it, and a message of 128 bytes or more (a decision, a line with its explanation) is
/// moved up by a byte or two to make room, one copy of it, so no size is computed beforehand (the generated code computes
/// a nested message's size again at every level above it, measuring every string again each time).
/// </summary>
internal ref struct ProtoWriter
{
    private const int WireVarint = 0, WireLengthDelimited = 2;

    private byte[]? _buffer;
    private int _position;

    /// <summary>A writer into a buffer from the shared pool, <paramref name="capacity"/> bytes to start with (it grows as needed).</summary>
    public ProtoWriter(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public readonly ReadOnlySpan<byte> Written => Buffer.AsSpan(0, _position);

    /// <summary>Hands over the pooled buffer and the length written: the caller gives it back to the pool.</summary>
    public byte[] Detach(out int length)
    {
        var buffer = Buffer;
        length = _position;
        _buffer = null;
        return buffer;
    }

    /// <summary>Gives the buffer back to the pool, unless it was handed over.</summary>
    public void Dispose()
    {
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    private readonly byte[] Buffer => _buffer ?? throw new InvalidOperationException("the writer's buffer was handed over");

    public void Int32(int field, int value)
    {
        if (value == 0) return;
        Key(field, WireVarint);
        Varint((ulong)(long)value); // a negative int32 is sign-extended: ten bytes, as protobuf writes it
    }

    public void Enum(int field, int value) => Int32(field, value);

    public void Int64(int field, long value)
    {
        if (value == 0) return;
        Key(field, WireVarint);
        Varint((ulong)value);
    }

    /// <summary>An <c>optional</c> int64: written when it has a value, zero included.</summary>
    public void OptionalInt64(int field, long? value)
    {
        if (value is not { } v) return;
        Key(field, WireVarint);
        Varint((ulong)v);
    }

    /// <summary>A singular string field: left out when empty.</summary>
    public void String(int field, string value)
    {
        if (value.Length > 0) Element(field, value);
    }

    /// <summary>One element of a repeated string field: written even when empty.</summary>
    public void Element(int field, string value)
    {
        Key(field, WireLengthDelimited);
        if (value.Length <= 42)
        {
            // At most 3 bytes a UTF-16 unit: 126 bytes, a one-byte length.
            Ensure(1 + 3 * value.Length);
            int n = Encoding.UTF8.GetBytes(value, Buffer.AsSpan(_position + 1));
            Buffer[_position] = (byte)n;
            _position += 1 + n;
            return;
        }
        int length = Encoding.UTF8.GetByteCount(value);
        Varint((uint)length);
        Ensure(length);
        _position += Encoding.UTF8.GetBytes(value, Buffer.AsSpan(_position));
    }

    /// <summary>
    /// A singular string field holding <paramref name="value"/>'s UTF-8 text, written in place (no string made): left out
    /// when the text is empty, as an empty string is.
    /// </summary>
    public void Utf8<T>(int field, in T value) where T : IUtf8SpanFormattable
    {
        int start = BeginMessage(field); // a string is length-delimited like a message: the same reserved length byte
        int written;
        while (!value.TryFormat(Buffer.AsSpan(_position), out written, default, null))
            Grow(Buffer.Length * 2);
        if (written == 0)
        {
            _position = start - 1 - VarintSize((uint)(field << 3 | WireLengthDelimited)); // an empty string is not written
            return;
        }
        _position += written;
        EndMessage(start);
    }

    /// <summary>Starts a message field; the value returned ends it (<see cref="EndMessage"/>) once its fields are written.</summary>
    public int BeginMessage(int field)
    {
        Key(field, WireLengthDelimited);
        Ensure(1);
        return ++_position; // one byte reserved for the length
    }

    /// <summary>Ends the message field begun at <paramref name="start"/>: writes its length before it.</summary>
    public void EndMessage(int start)
    {
        int length = _position - start;
        if (length < 0x80)
        {
            Buffer[start - 1] = (byte)length;
            return;
        }
        int extra = VarintSize((uint)length) - 1;
        Ensure(extra);
        Buffer.AsSpan(start, length).CopyTo(Buffer.AsSpan(start + extra));
        _position += extra;
        int at = start - 1;
        uint value = (uint)length;
        while (value >= 0x80)
        {
            Buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        Buffer[at] = (byte)value;
    }

    /// <summary>The fields of a generated message, written by its own serializer.</summary>
    public void Fields(Google.Protobuf.IMessage message)
    {
        int size = message.CalculateSize();
        Ensure(size);
        Google.Protobuf.MessageExtensions.WriteTo(message, Buffer.AsSpan(_position, size));
        _position += size;
    }

    private void Key(int field, int wireType) => Varint((uint)(field << 3 | wireType));

    private void Varint(ulong value)
    {
        Ensure(10);
        var buffer = Buffer;
        int position = _position;
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
        _position = position;
    }

    private static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    private void Ensure(int bytes)
    {
        var buffer = Buffer;
        if (_position + bytes <= buffer.Length) return;
        Grow(_position + bytes);
    }

    /// <summary>Moves what is written into a pooled buffer of at least <paramref name="bytes"/> (and twice the size), giving the old one back.</summary>
    private void Grow(int bytes)
    {
        var old = Buffer;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(old.Length * 2, bytes));
        old.AsSpan(0, _position).CopyTo(larger);
        _buffer = larger;
        ArrayPool<byte>.Shared.Return(old);
    }
}
