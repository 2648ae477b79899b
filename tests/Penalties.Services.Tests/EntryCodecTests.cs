using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Grpc.State;
using CoreViolation = Penalties.Core.PenaltyPoints.Violation;

namespace Penalties.Services.Tests;

/// <summary>
/// The stored form of history and ledger entries. Every entry already in Redis was written by a
/// <see cref="BinaryWriter"/>, so the codec must write exactly its bytes and read them back; anything else in a
/// stored value is a damaged entry (<see cref="InvalidDataException"/>), never another exception.
/// </summary>
public sealed class EntryCodecTests
{
    /// <summary>Text as protobuf delivers it (valid UTF-16), of any length: ASCII, Chinese, astral, long enough for multi-byte length prefixes.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get),
            Gen.Elements("", "c0001", "延迟发货", "😀 case", new string('x', 127), new string('x', 128), new string('字', 6000)))
        .Select(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)));

    private static readonly Gen<DateTimeOffset> Instants =
        from minutes in Gen.Choose(0, 20 * 365 * 24 * 60)
        from offset in Gen.Elements(0, 480, -300, 840, -720)
        select new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes).ToOffset(TimeSpan.FromMinutes(offset));

    private static readonly Gen<HistoryRecord> Records =
        from ruleSet in Text
        from caseId in Text
        from code in Text
        from at in Instants
        from revoked in ArbMap.Default.GeneratorFor<bool>()
        from points in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(-5, 48).Select(p => (int?)p))
        from revocation in ArbMap.Default.GeneratorFor<bool>()
        from reason in Gen.OneOf(Gen.Constant<string?>(null), Text.Select(t => (string?)t))
        from responseLength in Gen.OneOf(Gen.Constant(-1), Gen.Choose(0, 3000))
        select new HistoryRecord(0, ruleSet, new CoreViolation { CaseId = caseId, Code = code, OccurredAt = at, Revoked = revoked, AssessedPoints = points },
            revocation, reason, responseLength < 0 ? null : [.. Enumerable.Range(0, responseLength).Select(i => (byte)(i * 7))]);

    /// <summary>A history entry as every stored one was written: <see cref="BinaryWriter"/> with UTF-8, field by field.</summary>
    private static byte[] AsBinaryWriterWrites(HistoryRecord r)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)1);
            w.Write(r.RuleSetId);
            w.Write(r.Violation.CaseId);
            w.Write(r.Violation.Code);
            w.Write(r.Violation.OccurredAt.UtcTicks);
            w.Write((short)r.Violation.OccurredAt.Offset.TotalMinutes);
            w.Write(r.Violation.Revoked);
            w.Write(r.Violation.AssessedPoints.HasValue);
            if (r.Violation.AssessedPoints is { } p) w.Write(p);
            w.Write(r.Revocation);
            w.Write(r.Reason is not null);
            if (r.Reason is not null) w.Write(r.Reason);
            w.Write(r.Response?.Length ?? -1);
            if (r.Response is not null) w.Write(r.Response);
        }
        return stream.ToArray();
    }

    [Property(MaxTest = 300)]
    public Property A_history_entry_is_written_as_BinaryWriter_wrote_every_stored_one_and_reads_back_the_same() =>
        Prop.ForAll(Arb.From(Records), r =>
        {
            var bytes = RedisPenaltyHistoryStore.Encode(r);
            Assert.Equal(AsBinaryWriterWrites(r), bytes);
            var back = RedisPenaltyHistoryStore.Decode(bytes, 7);
            Assert.Equal(r with { Sequence = 7, Response = null }, back with { Response = null });
            Assert.Equal(r.Violation.OccurredAt.Offset, back.Violation.OccurredAt.Offset);
            Assert.Equal(r.Response, back.Response);
        });

    [Property(MaxTest = 100)]
    public Property An_entry_cut_short_anywhere_is_a_damaged_entry() =>
        Prop.ForAll(Arb.From(Records), r =>
        {
            var bytes = RedisPenaltyHistoryStore.Encode(r);
            for (int length = 0; length < bytes.Length; length++)
                Assert.Throws<InvalidDataException>(() => RedisPenaltyHistoryStore.Decode(bytes[..length], 0));
        });

    [Fact]
    public void A_string_of_two_megabytes_takes_a_four_byte_length_and_reads_back()
    {
        var r = new HistoryRecord(3, "tmall.penalty-points", new CoreViolation { CaseId = new string('x', 2_100_000), Code = "X", OccurredAt = DateTimeOffset.UnixEpoch }, false, null);
        var bytes = RedisPenaltyHistoryStore.Encode(r);
        Assert.Equal(AsBinaryWriterWrites(r), bytes);
        Assert.Equal(r.Violation.CaseId, RedisPenaltyHistoryStore.Decode(bytes, 3).Violation.CaseId);
    }

    [Fact]
    public void What_a_writer_never_writes_is_a_damaged_entry()
    {
        static void Damaged(byte[] bytes) => Assert.Throws<InvalidDataException>(() => RedisPenaltyHistoryStore.Decode(bytes, 0));
        // A string length of five 7-bit groups whose last one overflows 32 bits, and one of 2^31.
        Damaged([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        Damaged([1, 0x80, 0x80, 0x80, 0x80, 0x08]);
        var valid = RedisPenaltyHistoryStore.Encode(new HistoryRecord(0, "r", new CoreViolation { CaseId = "c", Code = "X", OccurredAt = DateTimeOffset.UnixEpoch }, false, null));
        Assert.Equal("c", RedisPenaltyHistoryStore.Decode(valid, 0).Violation.CaseId);
        // Another version; bytes after the last field.
        Damaged([2, .. valid[1..]]);
        Damaged([.. valid, 0]);
        // An offset of 15 hours (DateTimeOffset allows 14).
        var offset = valid.ToArray();
        BitConverter.TryWriteBytes(offset.AsSpan(1 + 2 + 2 + 2 + 8), (short)(15 * 60));
        Damaged(offset);
        // A length of the stored answer other than -1 (none) below zero.
        var length = valid.ToArray();
        BitConverter.TryWriteBytes(length.AsSpan(length.Length - 4), -2);
        Damaged(length);
    }

    /// <summary>A ledger entry as every stored one was written: <see cref="BinaryWriter"/> with UTF-8, field by field.</summary>
    private static byte[] AsBinaryWriterWrites(LedgerEntry e, int? keyCount = null)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)1);
            w.Write(e.MerchantId);
            w.Write(e.Id);
            w.Write(keyCount ?? e.Keys.Count);
            foreach (var k in e.Keys) w.Write(k);
            foreach (var t in new[] { e.EventAt, e.RecordedAt })
            {
                w.Write(t.UtcTicks);
                w.Write((short)t.Offset.TotalMinutes);
            }
            w.Write(e.Request.Length);
            w.Write(e.Request);
            w.Write(e.Response.Length);
            w.Write(e.Response);
        }
        return stream.ToArray();
    }

    [Fact]
    public void A_ledger_entry_reads_back_as_written()
    {
        var at = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));
        var entry = new LedgerEntry("商家-1", LedgerEntry.IdFor(at, "k1"), ["k1", "k2/线"], at, at.AddSeconds(3), [1, 2, 3], [.. Enumerable.Range(0, 900).Select(i => (byte)i)]);
        Assert.Equal(AsBinaryWriterWrites(entry), entry.Encode());
        var back = LedgerEntry.Decode(entry.Encode());
        Assert.Equal((entry.MerchantId, entry.Id, entry.EventAt, entry.RecordedAt), (back.MerchantId, back.Id, back.EventAt, back.RecordedAt));
        Assert.Equal(entry.Keys, back.Keys);
        Assert.Equal(entry.Request, back.Request);
        Assert.Equal(entry.Response, back.Response);
        // A key count a writer never writes: negative, or more keys than bytes left (not an allocation of that size).
        foreach (int count in new[] { -1, int.MaxValue, 3 })
            Assert.Throws<InvalidDataException>(() => LedgerEntry.Decode(AsBinaryWriterWrites(entry, count)));
    }
}
