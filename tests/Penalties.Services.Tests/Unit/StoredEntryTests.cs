using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.State;
using CoreViolation = Penalties.Core.PenaltyPoints.Violation;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// The stored form of history and ledger entries (protos/penalties/storage/v1/entries.proto): what is written reads
/// back the same, and a stored value the service did not write is DATA_LOSS naming the key and the entry, never another error.
/// </summary>
public sealed class StoredEntryTests
{
    /// <summary>Text as protobuf delivers it (valid UTF-16), of any length: ASCII, Chinese, astral.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get),
            Gen.Elements("c0001", "延迟发货", "😀 case", new string('x', 128), new string('字', 6000)))
        .Where(s => s.Length > 0)
        .Select(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)));

    private static readonly Gen<DateTimeOffset> Instants =
        from minutes in Gen.Choose(0, 20 * 365 * 24 * 60)
        select new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes);

    private static readonly Gen<HistoryRecord> Records =
        from ruleSet in Text
        from caseId in Text
        from code in Text
        from at in Instants
        from revocation in ArbMap.Default.GeneratorFor<bool>()
        from points in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 48).Select(p => (int?)p))
        from reason in Text
        select new HistoryRecord(7, ruleSet, new CoreViolation { CaseId = caseId, Code = code, OccurredAt = at, Revoked = revocation, AssessedPoints = points },
            revocation, revocation ? reason : null,
            revocation ? null : new RecordPenaltyResponse { Deduction = new Deduction { Explanation = reason, Occurrence = 3 } });

    [Property(MaxTest = 300)]
    public Property A_history_entry_reads_back_as_written() =>
        Prop.ForAll(Arb.From(Records), r =>
            Assert.Equal(r, RedisPenaltyHistoryStore.Decode(RedisPenaltyHistoryStore.Encode(r), 7, "penalties:history:{m}:log")));

    [Fact]
    public void A_ledger_entry_reads_back_as_written()
    {
        var at = new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var entry = new LedgerEntry("商家-1", LedgerEntry.IdFor(at, "k1"), ["k1", "k2/线"], at, at.AddSeconds(3), [1, 2, 3], [.. Enumerable.Range(0, 900).Select(i => (byte)i)]);
        var back = RedisDecisionLedger.Decode(RedisDecisionLedger.Encode(entry), "entries", entry.Id);
        Assert.Equal((entry.MerchantId, entry.Id, entry.EventAt, entry.RecordedAt), (back.MerchantId, back.Id, back.EventAt, back.RecordedAt));
        Assert.Equal(entry.Keys, back.Keys);
        Assert.Equal(entry.Request, back.Request);
        Assert.Equal(entry.Response, back.Response);
    }

    /// <summary>Values no writer writes: text pushed by hand, bytes that are no protobuf, an entry cut inside a field, one without its required fields.</summary>
    public static TheoryData<string, byte[]> Damaged()
    {
        var valid = RedisPenaltyHistoryStore.Encode(new HistoryRecord(0, "tmall.penalty-points",
            new CoreViolation { CaseId = "c0001", Code = "X", OccurredAt = DateTimeOffset.UnixEpoch }, false, null));
        return new()
        {
            { "pushed by hand", Encoding.UTF8.GetBytes("pushed by hand") },
            { "no protobuf", [0xFF, 0xFF, 0xFF, 0xFF] },
            { "cut inside a field", valid[..(valid.Length - 2)] },
            { "empty", [] },
            { "an instant out of range", new Penalties.State.Storage.V1.StoredHistoryEntry
                { RuleSetId = "r", Violation = new Violation { CaseId = "c", OccurredAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue } } }.ToByteArray() },
            { "no violation", new Penalties.State.Storage.V1.StoredHistoryEntry { RuleSetId = "r" }.ToByteArray() },
        };
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_history_entry_the_service_did_not_write_is_DATA_LOSS_naming_the_log_and_the_entry(string what, byte[] stored)
    {
        var e = Assert.Throws<DataLossException>(() => RedisPenaltyHistoryStore.Decode(stored, 4, "penalties:history:{m}:log"));
        Assert.Contains("entry 4 of penalties:history:{m}:log is damaged", e.Message, StringComparison.Ordinal);
        Assert.NotNull(what);
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_ledger_entry_the_service_did_not_write_is_DATA_LOSS_naming_the_hash_and_the_entry(string what, byte[] stored)
    {
        var e = Assert.Throws<DataLossException>(() => RedisDecisionLedger.Decode(stored, "penalties:ledger:x:{m}:entries", "0001|k"));
        Assert.Contains("the stored decision 0001|k in penalties:ledger:x:{m}:entries is damaged", e.Message, StringComparison.Ordinal);
        Assert.NotNull(what);
    }
}
