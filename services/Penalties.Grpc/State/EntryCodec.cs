using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Penalties.Grpc.State;

/// <summary>
/// The compact binary form of stored entries (Redis values): a version byte, then fields in a fixed order, in
/// <see cref="BinaryWriter"/>'s layout (strings as a 7-bit encoded UTF-8 byte count and the bytes; integers little
/// endian; a bool as one byte), which is how every entry so far was written. Entries are immutable, so the format
/// only ever gains versions; readers keep reading old ones.
/// </summary>
/// <remarks>
/// Written into one pooled buffer and copied out once: besides this writer, the only allocation is the entry itself (a
/// <see cref="BinaryWriter"/> over a <see cref="MemoryStream"/> cost four more and a copy per growth).
/// </remarks>
internal sealed class EntryWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public EntryWriter(byte version)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(512);
        _buffer[_length++] = version;
    }

    public EntryWriter String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        Length7Bit(count);
        _length += Encoding.UTF8.GetBytes(value, Room(count));
        return this;
    }

    public EntryWriter OptionalString(string? value) => value is null ? Bool(false) : Bool(true).String(value);

    public EntryWriter Int(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Room(4), value);
        _length += 4;
        return this;
    }

    public EntryWriter OptionalInt(int? value) => value is { } v ? Bool(true).Int(v) : Bool(false);

    public EntryWriter Bool(bool value)
    {
        Room(1)[0] = value ? (byte)1 : (byte)0;
        _length++;
        return this;
    }

    /// <summary>An instant with its offset: UTC ticks (8 bytes), then the offset in minutes (2 bytes).</summary>
    public EntryWriter Time(DateTimeOffset value)
    {
        var room = Room(10);
        BinaryPrimitives.WriteInt64LittleEndian(room, value.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(room[8..], (short)value.Offset.TotalMinutes);
        _length += 10;
        return this;
    }

    /// <summary>A length (4 bytes, -1 for none) and the bytes.</summary>
    public EntryWriter Bytes(byte[]? value)
    {
        Int(value?.Length ?? -1);
        if (value is not null)
        {
            value.CopyTo(Room(value.Length));
            _length += value.Length;
        }
        return this;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Length7Bit(int value)
    {
        uint v = (uint)value;
        var room = Room(5);
        int i = 0;
        for (; v >= 0x80; v >>= 7) room[i++] = (byte)(v | 0x80);
        room[i++] = (byte)v;
        _length += i;
    }

    /// <summary>The free space after what is written, at least <paramref name="size"/> bytes.</summary>
    private Span<byte> Room(int size)
    {
        if (_length + size > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return _buffer.AsSpan(_length);
    }
}

/// <summary>
/// Reads what <see cref="EntryWriter"/> wrote, in place. Anything a writer never writes (another version, an entry that
/// ends early or goes on after its last field, a length or count that does not fit) is <see cref="InvalidDataException"/>:
/// a stored value the service did not write (a damaged entry).
/// </summary>
internal ref struct EntryReader
{
    private ReadOnlySpan<byte> _rest;

    public EntryReader(ReadOnlySpan<byte> data)
    {
        _rest = data;
        byte version = Take(1)[0];
        if (version != 1) throw new InvalidDataException($"the stored entry is of version {version}; this service reads version 1");
    }

    /// <summary>A count of items that follow, each at least one byte long.</summary>
    public int Count()
    {
        int count = Int();
        return (uint)count <= (uint)_rest.Length ? count : throw new InvalidDataException($"the stored entry holds a count of {count} with {_rest.Length} bytes left");
    }

    /// <summary>Checks that nothing follows the last field.</summary>
    public readonly void End()
    {
        if (!_rest.IsEmpty) throw new InvalidDataException($"the stored entry goes on for {_rest.Length} bytes after its last field");
    }

    public string String()
    {
        int count = Length7Bit();
        return Encoding.UTF8.GetString(Take(count));
    }

    public string? OptionalString() => Bool() ? String() : null;

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public int? OptionalInt() => Bool() ? Int() : null;

    public bool Bool() => Take(1)[0] != 0;

    public DateTimeOffset Time()
    {
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        short minutes = BinaryPrimitives.ReadInt16LittleEndian(Take(2));
        try
        {
            var offset = TimeSpan.FromMinutes(minutes);
            return new DateTimeOffset(ticks + offset.Ticks, offset);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the stored entry holds an instant out of range ({ticks} ticks, offset {minutes} min)", e);
        }
    }

    public byte[]? Bytes()
    {
        int length = Int();
        return length == -1 ? null : Take(length).ToArray();
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)_rest.Length)
            throw new InvalidDataException($"the stored entry ends early: {count} more bytes expected, {_rest.Length} left");
        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }

    private int Length7Bit()
    {
        uint value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = Take(1)[0];
            if (shift == 28 && b > 0x0F) break; // a fifth byte holds the top 4 bits only
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return value <= int.MaxValue ? (int)value : throw new InvalidDataException($"the stored entry holds a string length out of range ({value})");
        }
        throw new InvalidDataException("the stored entry holds a malformed string length");
    }
}
