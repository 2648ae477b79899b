namespace Penalties.Finance.Tests;

/// <summary>The payouts file: the documented columns round-trip, and each bad row names its file, line and field.</summary>
public class PayoutsCsvTests
{
    private const string Header = "platform,order_id,line_or_item,amount,currency,paid_at,payout_reference\n";

    [Fact]
    public void Payouts_written_are_read_back_exactly()
    {
        var ledger = Ledgers.Generate(11, 15);
        var payouts = Ledgers.PaidExactly(ledger);
        var text = new StringWriter();
        PayoutsCsv.Write(text, payouts);
        var back = PayoutsCsv.Read(new StringReader(text.ToString()), "payouts.csv").ToList();
        Assert.Equal(payouts.Select(p => p with { Line = 0 }), back.Select(p => p with { Line = 0 }));
        Assert.Equal(Enumerable.Range(2, payouts.Count).Select(i => (long)i), back.Select(p => p.Line));
    }

    [Fact]
    public void A_row_is_numbered_by_its_first_line_past_quoted_line_breaks_and_blank_lines()
    {
        const string rows = "tmall,\"O\n1\",1,1,CNY,2024-03-01T10:00:00Z,P1\n\ntmall,O2,1,1,CNY,2024-03-01T10:00:00Z,P2\ntmall,O3,1,x,CNY,2024-03-01T10:00:00Z,P3\n";
        var back = PayoutsCsv.Read(new StringReader(Header + rows), "payouts.csv").Take(2).ToList();
        Assert.Equal([2L, 5L], back.Select(p => p.Line));
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(Header + rows), "payouts.csv").ToList());
        Assert.Equal((6L, "amount"), (e.Line, e.Field));
    }

    [Theory]
    [InlineData("tmall,O1,1,12.5x,CNY,2024-03-01T10:00:00+08:00,P1\n", 2, "amount")]
    [InlineData("tmall,O1,1,-1,CNY,2024-03-01T10:00:00+08:00,P1\n", 2, "amount")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00,P1\n", 2, "paid_at")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01,P1\n", 2, "paid_at")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1\ntmall,,1,1,CNY,2024-03-01T10:00:00Z,P2\n", 3, "order_id")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,\n", 2, "payout_reference")]
    [InlineData("tmall,O-9,1\n", 2, "amount")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1\ntmall,O-9,1,1,CNY\n", 3, "paid_at")]
    [InlineData("tmall,O1,1,1000000000000.01,CNY,2024-03-01T10:00:00Z,P1\n", 2, "amount")]
    public void A_bad_row_is_refused_naming_its_line_and_field(string rows, long line, string field)
    {
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(Header + rows), "payouts.csv").ToList());
        Assert.Equal(("payouts.csv", line, field), (e.File, e.Line, e.Field));
        Assert.StartsWith($"payouts.csv:{line}: {field}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_and_an_unknown_side_are_refused()
    {
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader("platform,order_id\n"), "p.csv").ToList());
        Assert.Equal((1L, "line_or_item"), (e.Line, e.Field));
        e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(Header.TrimEnd() + ",side\ntmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1,merchant\n"), "p.csv").ToList());
        Assert.Equal((2L, "side"), (e.Line, e.Field));
    }

    [Fact]
    public void A_row_with_an_unclosed_quote_is_refused_naming_its_line()
    {
        const string rows = "tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1\ntmall,\"O-9,1,1,CNY,2024-03-01T10:00:00Z,P2\ntmall,O3,1,1,CNY,2024-03-01T10:00:00Z,P3\n";
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(Header + rows), "payouts.csv").ToList());
        Assert.Equal(("payouts.csv", 3L), (e.File, e.Line));
        Assert.Single(e.Message.Split('\n'));
    }

    [Fact]
    public void Amounts_that_would_overflow_a_sum_are_refused_before_any_is_summed()
    {
        const string rows = "tmall,O1,1,79228162514264337593543950335,CNY,2024-03-01T10:00:00Z,P1\ntmall,O1,1,79228162514264337593543950335,CNY,2024-03-01T10:00:00Z,P2\n";
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(Header + rows), "payouts.csv").ToList());
        Assert.Equal((2L, "amount"), (e.Line, e.Field));
        Assert.Contains("at most", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1,1", "side")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1,5", "side")]
    [InlineData("tmall,O1,1,1,CNY,2024-03-01T10:00:00Z,P1,\"buyer, platform\"", "side")]
    [InlineData("amazon,O1,1,1,CNY,2024-03-01T10:00:00Z,P1,buyer", "platform")]
    [InlineData("tmall,O1,1,1,USD,2024-03-01T10:00:00Z,P1,buyer", "currency")]
    public void Only_the_documented_sides_platforms_and_currencies_are_read(string row, string field)
    {
        string header = Header.TrimEnd() + ",side\n";
        var good = PayoutsCsv.Read(new StringReader(header + "TMALL,O1,1,1,tmall_points,2024-03-01T10:00:00Z,P1,Platform\njd,O2,1,1,CNY,2024-03-01T10:00:00Z,P2,\n"), "p.csv").ToList();
        Assert.Equal([("tmall", Side.Platform, "TMALL_POINTS"), ("jd", Side.Buyer, "CNY")], good.Select(p => (p.Platform, p.Side, p.Currency)));
        var e = Assert.Throws<FinanceInputException>(() => PayoutsCsv.Read(new StringReader(header + row + "\n"), "p.csv").ToList());
        Assert.Equal((2L, field), (e.Line, e.Field));
    }
}
