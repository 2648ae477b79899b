using System.Text;

namespace Penalties.Grpc.State;

/// <summary>
/// The compact binary form of stored entries (Redis values): a version byte, then fields in a fixed
/// order. Entries are immutable, so the format only ever gains versions; readers keep reading old ones.
/// </summary>
internal sealed class EntryWriter : IDisposable
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _writer;

    public EntryWriter(byte version)
    {
        _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        _writer.Write(version);
    }

    public EntryWriter String(string value) { _writer.Write(value); return this; }

    public EntryWriter OptionalString(string? value)
    {
        _writer.Write(value is not null);
        if (value is not null) _writer.Write(value);
        return this;
    }

    public EntryWriter Int(int value) { _writer.Write(value); return this; }

    public EntryWriter OptionalInt(int? value)
    {
        _writer.Write(value.HasValue);
        if (value.HasValue) _writer.Write(value.Value);
        return this;
    }

    public EntryWriter Bool(bool value) { _writer.Write(value); return this; }

    public EntryWriter Time(DateTimeOffset value)
    {
        _writer.Write(value.UtcTicks);
        _writer.Write((short)value.Offset.TotalMinutes);
        return this;
    }

    public EntryWriter Bytes(byte[]? value)
    {
        _writer.Write(value?.Length ?? -1);
        if (value is not null) _writer.Write(value);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Flush();
        return _stream.ToArray();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}

/// <summary>Reads what <see cref="EntryWriter"/> wrote.</summary>
internal sealed class EntryReader : IDisposable
{
    private readonly BinaryReader _reader;

    public EntryReader(byte[] data)
    {
        _reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        _reader.ReadByte(); // the version: every entry so far is version 1
    }

    public string String() => _reader.ReadString();

    public string? OptionalString() => _reader.ReadBoolean() ? _reader.ReadString() : null;

    public int Int() => _reader.ReadInt32();

    public int? OptionalInt() => _reader.ReadBoolean() ? _reader.ReadInt32() : null;

    public bool Bool() => _reader.ReadBoolean();

    public DateTimeOffset Time()
    {
        long ticks = _reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(_reader.ReadInt16());
        return new DateTimeOffset(ticks + offset.Ticks, offset);
    }

    public byte[]? Bytes()
    {
        int length = _reader.ReadInt32();
        return length < 0 ? null : _reader.ReadBytes(length);
    }

    public void Dispose() => _reader.Dispose();
}
