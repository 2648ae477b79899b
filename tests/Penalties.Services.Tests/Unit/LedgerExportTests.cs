using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.State;

namespace Penalties.Services.Tests.Unit;

/// <summary>The all-merchant export index: members that read back whatever the ids hold, cursors, and shards that partition merchants.</summary>
public class LedgerExportTests
{
    [Property]
    public Property A_member_reads_back_its_merchant_and_entry_whatever_characters_they_hold(NonEmptyString merchant, NonEmptyString key) =>
        (LedgerExport.Parse(LedgerExport.Member(merchant.Get, "0638446176000000000|" + key.Get)) == (merchant.Get, "0638446176000000000|" + key.Get)).ToProperty();

    [Theory]
    [InlineData("")]
    [InlineData("no-separator")]
    [InlineData("id\nmerchant\n99")]
    [InlineData("\nmerchant\n8")]
    [InlineData("id\nmerchant\n-1")]
    public void Text_that_is_not_a_member_is_refused(string text) => Assert.Null(LedgerExport.Parse(text));

    [Fact]
    public void A_cursor_reads_back_and_junk_is_refused()
    {
        var cursor = new LedgerExport.Cursor(new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero), 63, LedgerExport.Member("m|1", "0638446176000000000|k"));
        Assert.Equal(cursor, LedgerExport.Cursor.Parse(cursor.ToString()));
        Assert.Null(LedgerExport.Cursor.Parse("1|2"));
        Assert.Null(LedgerExport.Cursor.Parse("638446176000000001|0|x")); // not the start of an hour
        Assert.Null(LedgerExport.Cursor.Parse("638446176000000000|64|x")); // no such bucket
        Assert.Null(LedgerExport.Cursor.Parse("-638446176000000000|0|x"));
    }

    [Property]
    public Property Every_merchant_is_in_exactly_one_shard_of_any_count(NonEmptyString merchant, PositiveInt n)
    {
        int count = 1 + (n.Get - 1) % LedgerExport.Buckets;
        int bucket = LedgerExport.Bucket(merchant.Get);
        return (bucket is >= 0 and < LedgerExport.Buckets
            && Enumerable.Range(0, count).Count(i => LedgerExport.InShard(bucket, i, count)) == 1).ToProperty();
    }

    [Fact]
    public void A_merchants_bucket_is_the_same_in_every_process_and_release()
    {
        // XxHash32 of the UTF-8 id, seed 0, mod 64: a published algorithm, so stored index keys stay where exports look.
        Assert.Equal([6, 4, 42], new[] { "merchant-1", "m-2", "天猫旗舰店" }.Select(LedgerExport.Bucket));
    }

    [Fact]
    public void The_hour_of_an_instant_is_its_UTC_hour()
    {
        var at = new DateTimeOffset(2025, 7, 1, 8, 59, 59, TimeSpan.FromHours(8));
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), LedgerExport.HourOf(at));
        Assert.Equal("2025070100", LedgerExport.HourKey(LedgerExport.HourOf(at)));
    }
}
