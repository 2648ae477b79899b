using Google.Protobuf;
using Penalties.Contracts.V1;
using Violation = Penalties.Core.PenaltyPoints.Violation;
using Penalties.Grpc.State;

namespace Penalties.Services.Tests;

/// <summary>The parsed answer kept with a history entry: parsed once, no part of the entry's value, never stale.</summary>
public class HistoryRecordTests
{
    private static readonly Violation Case = new() { CaseId = "c1", Code = "CLOSE_ORDER", OccurredAt = DateTimeOffset.Parse("2024-01-01T00:00:00+08:00") };

    private static byte[] Answer(int points) =>
        new RecordPenaltyResponse { Deduction = new Deduction { Points = points, Explanation = $"{points} points" } }.ToByteArray();

    [Fact]
    public void The_answer_is_parsed_once_and_a_copy_with_other_bytes_parses_them()
    {
        int parses = 0;
        RecordPenaltyResponse Parse(byte[] b)
        {
            parses++;
            return RecordPenaltyResponse.Parser.ParseFrom(b);
        }
        var record = new HistoryRecord(0, "tmall.penalty-points", Case, Revocation: false, Reason: null, Response: Answer(6));

        Assert.Equal(6, record.Parsed.Get(record.Response!, Parse).Deduction.Points);
        Assert.Same(record.Parsed.Get(record.Response!, Parse), record.Parsed.Get(record.Response!, Parse));
        Assert.Equal(1, parses);

        var copy = record with { Response = Answer(12) }; // a copy shares the cache, but not the bytes it was parsed from
        Assert.Equal(12, copy.Parsed.Get(copy.Response!, Parse).Deduction.Points);
        Assert.Equal(2, parses);
    }

    [Fact]
    public void The_kept_answer_is_no_part_of_the_entry_s_value()
    {
        byte[] answer = Answer(6);
        var read = new HistoryRecord(4, "tmall.penalty-points", Case, Revocation: false, Reason: null, Response: answer);
        var other = new HistoryRecord(4, "tmall.penalty-points", Case, Revocation: false, Reason: null, Response: answer);
        read.Parsed.Get(answer, RecordPenaltyResponse.Parser.ParseFrom);

        Assert.Equal(other, read);
        Assert.Equal(other.GetHashCode(), read.GetHashCode());
        Assert.NotEqual(other with { Sequence = 5 }, read);
    }
}
