using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.PenaltyPoints;
using Penalties.Grpc.Services;
using static Penalties.Services.Tests.Cases;

using CoreViolation = Penalties.Core.PenaltyPoints.Violation;

namespace Penalties.Services.Tests.Unit;

/// <summary>
/// A recorded history's standing a page at a time: the pages add up to the whole standing, the totals are whole on
/// every page, cases recorded meanwhile never shift a page, and Revoke and Preview answer with the first page.
/// </summary>
public sealed class StandingPagesTests
{
    private const string Tmall = "tmall.penalty-points";
    private const string Merchant = "m-1";
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly PenaltyPointsService _service = UnitServices.PenaltyPoints();

    private static TestServerCallContext Context(string method) => new($"/penalties.v1.PenaltyPoints/{method}");

    private Task<RecordPenaltyResponse> Record(string caseId, string code, DateTimeOffset at) =>
        _service.Record(new RecordPenaltyRequest
        {
            MerchantId = Merchant, RuleSetId = Tmall,
            Violation = new Contracts.V1.Violation { CaseId = caseId, Code = code, OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) },
        }, Context("Record"));

    private async Task<Standing> Standing(int pageSize = 0, string token = "") =>
        (await _service.GetStanding(new GetStandingRequest { MerchantId = Merchant, RuleSetId = Tmall, AsOf = At("2024-12-31 00:00"), PageSize = pageSize, PageToken = token }, Context("GetStanding"))).Standing;

    /// <summary>
    /// 30 cases, some at one instant (ordered then by case id), three revoked, the serious ladder crossing the clearance
    /// threshold: seven cases a page.
    /// </summary>
    [Fact]
    public async Task The_pages_of_a_standing_add_up_to_the_whole_with_the_totals_on_every_page()
    {
        for (int i = 0; i < 30; i++)
            await Record($"c{i:D2}", i % 3 == 0 ? "INVOICE" : "MISDESCRIBED_SEVERE", Start.AddDays(i / 2));
        foreach (var id in new[] { "c04", "c05", "c17" })
            await _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = id, Reason = "appeal" }, Context("Revoke"));

        var whole = await Standing();
        Assert.Empty(whole.NextPageToken);
        Assert.Equal(27, whole.Deductions.Count);
        Assert.Contains(whole.Sanctions, s => s.Trigger.Contains("48", StringComparison.Ordinal));
        var pages = new List<Standing>();
        string token = "";
        do
        {
            var page = await Standing(7, token);
            pages.Add(page);
            token = page.NextPageToken;
        } while (token.Length > 0);

        Assert.Equal(5, pages.Count); // 30 cases, 7 a page
        Assert.Equal(whole.Deductions, pages.SelectMany(p => p.Deductions));
        Assert.Equal(whole.Sanctions, pages.SelectMany(p => p.Sanctions));
        Assert.Equal(whole.Ignored.OrderBy(i => i.CaseId + i.Reason, StringComparer.Ordinal), pages.SelectMany(p => p.Ignored).OrderBy(i => i.CaseId + i.Reason, StringComparer.Ordinal));
        Assert.All(pages, p => Assert.Equal((whole.Current, whole.Periods), (p.Current, p.Periods)));
        Assert.All(pages, p => Assert.InRange(p.Deductions.Select(d => d.CaseId).Concat(p.Ignored.Select(i => i.CaseId)).Distinct().Count(), 1, 7));
        Assert.Equal(["c00", "c01", "c02", "c03", "c06"], pages[0].Deductions.Select(d => d.CaseId)); // c04, c05 revoked
        Assert.Equal(["c04", "c05"], pages[0].Ignored.Select(i => i.CaseId));
    }

    [Fact]
    public async Task Cases_recorded_between_two_pages_never_shift_the_next_one()
    {
        for (int i = 0; i < 6; i++) await Record($"c{i}", "INVOICE", Start.AddDays(10 * i));
        var first = await Standing(3);
        Assert.Equal(["c0", "c1", "c2"], first.Deductions.Select(d => d.CaseId));
        await Record("early", "INVOICE", Start.AddDays(5)); // between c0 and c1: before the token
        await Record("late", "INVOICE", Start.AddDays(25)); // between c2 and c3: after it
        var second = await Standing(3, first.NextPageToken);
        Assert.Equal(["late", "c3", "c4"], second.Deductions.Select(d => d.CaseId));
        var third = await Standing(3, second.NextPageToken);
        Assert.Equal(["c5"], third.Deductions.Select(d => d.CaseId));
        Assert.Empty(third.NextPageToken);
    }

    [Fact]
    public async Task A_page_size_or_token_not_made_here_is_refused_naming_it()
    {
        await Record("c1", "INVOICE", Start);
        foreach (var (size, token, field) in new[] { (-1, "", "pageSize"), (1001, "", "pageSize"), (0, "not a token", "pageToken"), (0, Convert.ToBase64String("x:c1"u8), "pageToken") })
        {
            var e = await Assert.ThrowsAsync<InvalidCaseException>(() => Standing(size, token));
            Assert.Equal(field, Assert.Single(e.Violations).Field);
        }
    }

    [Fact]
    public async Task A_token_is_refused_for_another_merchant_rule_set_or_instant_and_goes_on_at_another_page_size()
    {
        for (int i = 0; i < 4; i++) await Record($"c{i}", "INVOICE", Start.AddDays(i));
        var first = await Standing(2);
        var others = new[]
        {
            new GetStandingRequest { MerchantId = "m-2", RuleSetId = Tmall, AsOf = At("2024-12-31 00:00"), PageToken = first.NextPageToken },
            new GetStandingRequest { MerchantId = Merchant, RuleSetId = "other.penalty-points", AsOf = At("2024-12-31 00:00"), PageToken = first.NextPageToken },
            new GetStandingRequest { MerchantId = Merchant, RuleSetId = Tmall, AsOf = At("2024-12-30 00:00"), PageToken = first.NextPageToken },
        };
        foreach (var other in others)
        {
            var e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.GetStanding(other, Context("GetStanding")));
            var violation = Assert.Single(e.Violations);
            Assert.Equal("pageToken", violation.Field);
            Assert.Contains("was issued for another request", violation.Description, StringComparison.Ordinal);
        }
        Assert.Equal(["c2", "c3"], (await Standing(5, first.NextPageToken)).Deductions.Select(d => d.CaseId));
    }

    [Fact]
    public async Task Past_a_thousand_cases_revoke_and_preview_answer_with_the_first_page_and_a_token()
    {
        for (int i = 0; i < StandingPages.MaxPageSize + 5; i++) await Record($"c{i:D4}", "CLOSE_ORDER", Start.AddMinutes(i));
        var revoked = (await _service.Revoke(new RevokePenaltyRequest { MerchantId = Merchant, CaseId = "c0000", Reason = "appeal" }, Context("Revoke"))).Standing;
        Assert.Equal(StandingPages.MaxPageSize - 1, revoked.Deductions.Count);
        Assert.Equal(StandingPages.MaxPageSize + 4, revoked.Current.General);
        var rest = (await _service.GetStanding(new GetStandingRequest { MerchantId = Merchant, RuleSetId = Tmall, AsOf = revoked.AsOf, PageToken = revoked.NextPageToken }, Context("GetStanding"))).Standing;
        Assert.Equal(["c1000", "c1001", "c1002", "c1003", "c1004"], rest.Deductions.Select(d => d.CaseId));
        Assert.Empty(rest.NextPageToken);

        var preview = (await _service.Preview(new PreviewPenaltyRequest
        {
            MerchantId = Merchant, RuleSetId = Tmall,
            Violation = new Contracts.V1.Violation { CaseId = "new", Code = "CLOSE_ORDER", OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Start.AddDays(300)) },
        }, Context("Preview"))).Preview;
        Assert.Equal(StandingPages.MaxPageSize - 1, preview.StandingAfter.Deductions.Count);
        Assert.Equal(StandingPages.MaxPageSize + 5, preview.StandingAfter.Current.General);
        Assert.NotEmpty(preview.StandingAfter.NextPageToken);
    }

    [Fact]
    public async Task A_supplied_history_past_its_bound_is_refused_naming_it()
    {
        var request = new AssessPenaltyRequest { RuleSetId = Tmall, AsOf = At("2024-12-31 00:00") };
        for (int i = 0; i <= InputLimits.MaxSuppliedHistory; i++) request.History.Add(Cases.Violation($"c{i}", "CLOSE_ORDER", "2024-03-01 10:00"));
        var e = await Assert.ThrowsAsync<InvalidCaseException>(() => _service.Assess(request, Context("Assess")));
        Assert.Equal("history", Assert.Single(e.Violations).Field);
        request.History.RemoveAt(0);
        Assert.Equal(InputLimits.MaxSuppliedHistory, (await _service.Assess(request, Context("Assess"))).StandingAfter.Current.General);
    }

    /// <summary>Recorded-like histories: unique case ids, instants often shared, some cases revoked (as a second entry).</summary>
    private static readonly Gen<List<CoreViolation>> Histories =
        from n in Gen.Choose(0, 40)
        from days in Gen.Choose(0, 400).ListOf(n)
        from codes in Gen.Elements("INVOICE", "MISDESCRIBED_SEVERE", "CLOSE_ORDER").ListOf(n)
        from revoked in Gen.Elements(false, false, false, true).ListOf(n)
        select days.Select((d, i) => new CoreViolation { CaseId = $"c{(i * 7919) % 1000:D3}", Code = codes[i], OccurredAt = Start.AddDays(d) })
            .SelectMany((v, i) => revoked[i] ? new[] { v, v with { Revoked = true } } : [v])
            .ToList();

    [Property(MaxTest = 200)]
    public Property Any_page_size_pages_a_standing_into_its_whole() =>
        Prop.ForAll(Histories.ToArbitrary(), Gen.Choose(1, 12).ToArbitrary(), (history, size) =>
        {
            var whole = PenaltyPointsCalculator.Standing(UnitServices.Rules.Current, Tmall, history, Start.AddYears(2));
            var pages = new List<MerchantStanding>();
            CaseKey? after = null;
            string token;
            do
            {
                (var page, token) = StandingPages.Slice(Merchant, whole, after, size);
                pages.Add(page);
                var v = new ViolationList();
                after = StandingPages.After(token, Merchant, Tmall, whole.AsOf, v);
                Assert.False(v.Any);
            } while (token.Length > 0);
            int cases = history.Select(h => h.CaseId).Distinct().Count();
            Assert.Equal(Math.Max(1, (cases + size - 1) / size), pages.Count);
            Assert.Equal(whole.Deductions, pages.SelectMany(p => p.Deductions));
            Assert.Equal(whole.Sanctions, pages.SelectMany(p => p.Sanctions));
            Assert.Equal(whole.Ignored.Count, pages.Sum(p => p.Ignored.Count));
            Assert.All(pages, p => Assert.Equal(whole.Current, p.Current));
        });
}
