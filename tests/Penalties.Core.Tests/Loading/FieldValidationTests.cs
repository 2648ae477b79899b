using System.Text.Json.Nodes;
using Penalties.Core.Common;
using Penalties.Core.Rules.Loading;
using static Penalties.Core.Tests.Loading.RuleDocuments;

namespace Penalties.Core.Tests.Loading;

/// <summary>
/// One problem per document: each is reported with the file, the exact field path and the reason, and
/// the document is not loaded.
/// </summary>
public class FieldValidationTests
{
    private const string FileName = "x/v1.json";

    [Fact]
    public void Every_shipped_file_alone_loads_without_errors()
    {
        foreach (var shipped in new[] { TmallLate, TaobaoLateV1, TaobaoLateV2, JdPriceMatch, TmallPointsV2, PddPoints, "tmall.penalty-points/v1.json" })
        {
            var result = LoadChanged(shipped, _ => { });
            Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
            Assert.Single(result.Versions);
            Assert.Equal(FileName, result.Versions[0].SourceFile);
        }
    }

    // --- Unknown fields ---

    [Fact]
    public void An_unknown_top_level_field_is_reported_by_name()
    {
        var result = LoadChanged(TmallLate, d => d.Set("bonus", 1));
        AssertOnlyError(result, FileName, "bonus", "unknown field");
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void An_unknown_nested_field_is_reported_with_its_full_path()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.late.bonus", 0.1m));
        AssertOnlyError(result, FileName, "parameters.compensation.late.bonus", "unknown field");
    }

    [Fact]
    public void An_unknown_parameter_of_a_penalty_points_violation_is_reported_with_its_full_path()
    {
        var result = LoadChanged(TmallPointsV2, d => d.Set("parameters.violations.INVOICE.ladder[0].weight", 2));
        AssertOnlyError(result, FileName, "parameters.violations.INVOICE.ladder[0].weight", "unknown field");
    }

    [Fact]
    public void A_misspelt_field_is_both_unknown_and_leaves_the_real_one_missing()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("parameters.compensation.late.cap").Set("parameters.compensation.late.capp", 500));
        Assert.Equal(
            ["x/v1.json: parameters.compensation.late.cap: missing required field", "x/v1.json: parameters.compensation.late.capp: unknown field"],
            result.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    // --- Missing required fields ---

    [Fact]
    public void A_missing_version_is_reported()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("version"));
        AssertOnlyError(result, FileName, "version", "missing required field");
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void A_missing_nested_cap_is_reported_with_its_full_path()
    {
        var result = LoadChanged(TmallLate, d => d.Remove("parameters.compensation.late.cap"));
        AssertOnlyError(result, FileName, "parameters.compensation.late.cap", "missing required field");
    }

    [Fact]
    public void A_null_counts_as_missing()
    {
        var result = LoadChanged(TmallLate, d => d.Set("title", null));
        AssertOnlyError(result, FileName, "title", "missing required field");
    }

    [Fact]
    public void An_empty_title_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("title", "  "));
        AssertOnlyError(result, FileName, "title", "must not be empty");
    }

    [Fact]
    public void A_version_below_1_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("version", 0));
        AssertOnlyError(result, FileName, "version", "must be at least 1 (got 0)");
    }

    [Fact]
    public void A_version_written_as_a_string_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("version", "1"));
        AssertOnlyError(result, FileName, "version", "must be an integer (got string '1')");
    }

    [Fact]
    public void A_version_written_with_a_fraction_is_refused()
    {
        var result = RuleSetLoader.Load([(FileName, ShippedText(TmallLate).Replace("\"version\": 1,", "\"version\": 1.0,", StringComparison.Ordinal))]);
        AssertOnlyError(result, FileName, "version", "must be an integer (got number 1.0)");
    }

    [Fact]
    public void A_rule_set_id_that_is_not_lower_case_platform_dot_name_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("ruleSet", "Tmall.LateShipment"));
        AssertOnlyError(result, FileName, "ruleSet", "rule-set id must look like 'platform.rule-name' in lower case (got 'Tmall.LateShipment')");
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_refused()
    {
        var result = RuleSetLoader.Load([(FileName, "[1, 2]")]);
        AssertOnlyError(result, FileName, "$", "must be an object (got an array)");
    }

    // --- Rates, caps and other numbers ---

    [Theory]
    [InlineData("1.3")]
    [InlineData("-0.1")]
    public void A_rate_outside_0_to_1_is_refused(string rate)
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.late.rate", decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)));
        AssertOnlyError(result, FileName, "parameters.compensation.late.rate", $"rate must be within [0, 1] (got {rate})");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void Rates_of_exactly_0_and_1_are_accepted(string rate)
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.outOfStock.rate", decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void A_negative_cap_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.outOfStock.cap", -1m));
        AssertOnlyError(result, FileName, "parameters.compensation.outOfStock.cap", "cap must not be negative (got -1)");
    }

    [Fact]
    public void A_cap_with_3_decimals_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.late.cap", 500.005m));
        AssertOnlyError(result, FileName, "parameters.compensation.late.cap", "cap must be exact to the fen, at most 2 decimals (got 500.005)");
    }

    [Fact]
    public void A_cap_with_trailing_zero_decimals_is_exact_to_the_fen()
    {
        var result = RuleSetLoader.Load([(FileName, ShippedText(TmallLate).Replace("\"cap\": 500.00 }", "\"cap\": 500.000 }", StringComparison.Ordinal))]);
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void A_rate_written_as_a_string_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensation.late.rate", "30%"));
        AssertOnlyError(result, FileName, "parameters.compensation.late.rate", "must be a number (got string '30%')");
    }

    [Fact]
    public void A_rounding_scale_above_4_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.rounding.scale", 5));
        AssertOnlyError(result, FileName, "parameters.rounding.scale", "must be within [0, 4] (got 5)");
    }

    [Fact]
    public void A_points_payout_with_0_points_per_yuan_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.payout.pointsPerYuan", 0));
        AssertOnlyError(result, FileName, "parameters.payout.pointsPerYuan", "must be positive for a points payout");
    }

    [Fact]
    public void More_than_1000_points_per_yuan_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.payout.pointsPerYuan", 1000.5m));
        AssertOnlyError(result, FileName, "parameters.payout.pointsPerYuan", "points per CNY must be within [0, 1000] (got 1000.5)");
    }

    [Fact]
    public void A_money_payout_with_a_points_conversion_is_refused()
    {
        var result = LoadChanged(TaobaoLateV2, d => d.Set("parameters.payout.pointsPerYuan", 100));
        AssertOnlyError(result, FileName, "parameters.payout.instrument", "a money payout takes no pointsPerYuan or pointsRounding");
    }

    [Fact]
    public void A_platform_liability_multiple_above_10_is_refused()
    {
        var result = LoadChanged(TaobaoLateV1, d => d.Set("parameters.platformLiability.multipleOfBuyerPayout", 11));
        AssertOnlyError(result, FileName, "parameters.platformLiability.multipleOfBuyerPayout", "multiple must be within [0, 10] (got 11)");
    }

    [Fact]
    public void A_condition_both_not_enforced_and_exempt_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.exemptWhen", new JsonArray("ForceMajeureReported", "BuyerAbuse")));
        AssertOnlyError(result, FileName, "parameters.exemptWhen", "'BuyerAbuse' is listed in both notEnforcedWhen and exemptWhen");
    }

    [Fact]
    public void A_duplicate_enum_item_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensableRefundReasons", new JsonArray("SellerOutOfStock", "SellerOutOfStock")));
        AssertOnlyError(result, FileName, "parameters.compensableRefundReasons[1]", "duplicate value 'SellerOutOfStock'");
    }

    [Fact]
    public void An_empty_list_of_compensable_refund_reasons_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensableRefundReasons", new JsonArray()));
        AssertOnlyError(result, FileName, "parameters.compensableRefundReasons", "must not be empty");
    }

    [Fact]
    public void A_price_match_claim_window_above_365_days_is_refused()
    {
        var result = LoadChanged(JdPriceMatch, d => d.Set("parameters.claimChinaDaysAfterOrderDay", 400));
        AssertOnlyError(result, FileName, "parameters.claimChinaDaysAfterOrderDay", "must be within [0, 365] (got 400)");
    }

    [Fact]
    public void A_price_match_bean_rate_below_1_is_refused()
    {
        var result = LoadChanged(JdPriceMatch, d => d.Set("parameters.jdBeansPerYuan", 0));
        AssertOnlyError(result, FileName, "parameters.jdBeansPerYuan", "JD beans per CNY must not be less than 1 (got 0)");
    }

    // --- Enums ---

    [Fact]
    public void An_unknown_kind_is_refused_with_the_allowed_values()
    {
        var result = LoadChanged(TmallLate, d => d.Set("kind", "Refund"));
        AssertOnlyError(result, FileName, "kind", "unknown RuleKind value 'Refund' (expected one of: LateShipment, PriceMatch, PenaltyPoints, AfterSales)");
    }

    [Fact]
    public void Enum_values_are_case_sensitive()
    {
        var result = LoadChanged(TmallLate, d => d.Set("kind", "lateShipment"));
        Assert.Equal("kind", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void An_unknown_platform_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.platform", "JD"));
        AssertOnlyError(result, FileName, "parameters.platform", "unknown Platform value 'JD' (expected one of: Tmall, Taobao)");
    }

    [Fact]
    public void An_unknown_rounding_mode_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.rounding.mode", "HalfDown"));
        AssertOnlyError(result, FileName, "parameters.rounding.mode", "unknown RoundingMode value 'HalfDown' (expected one of: HalfUp, HalfEven, Down, Up)");
    }

    [Fact]
    public void An_unknown_refund_reason_is_refused_at_its_index()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.compensableRefundReasons[1]", "ChangedMind"));
        AssertOnlyError(result, FileName, "parameters.compensableRefundReasons[1]",
            "unknown RefundReason value 'ChangedMind' (expected one of: SellerOutOfStock, NotShippedInAgreedTime, OrderedByMistake, NoLongerWanted, Other)");
    }

    [Fact]
    public void An_enum_item_that_is_not_a_string_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.notEnforcedWhen[0]", 0));
        AssertOnlyError(result, FileName, "parameters.notEnforcedWhen[0]", "must be a string naming a LateShipmentCondition (got number 0)");
    }

    [Fact]
    public void A_platform_that_contradicts_the_rule_set_id_is_refused_naming_the_field()
    {
        var result = LoadChanged("tmall.after-sales/v1.json", d => d.Set("parameters.platform", "Jd"));
        AssertOnlyError(result, FileName, "parameters.platform",
            "is Jd, but rule set 'tmall.after-sales' is for the platform its id names ('tmall'): a Jd rule set's id starts with 'jd.'");
        Assert.Empty(result.Versions);
        var late = LoadChanged(TmallLate, d => d.Set("parameters.platform", "Taobao"));
        AssertOnlyError(late, FileName, "parameters.platform",
            "is Taobao, but rule set 'tmall.late-shipment' is for the platform its id names ('tmall'): a Taobao rule set's id starts with 'taobao.'");
    }

    [Fact]
    public void A_Pinduoduo_rule_set_is_named_pdd()
    {
        Assert.True(LoadChanged("pdd.after-sales/v1.json", _ => { }).Ok);
        var result = LoadChanged("jd.after-sales/v1.json", d => d.Set("parameters.platform", "Pinduoduo"));
        AssertOnlyError(result, FileName, "parameters.platform",
            "is Pinduoduo, but rule set 'jd.after-sales' is for the platform its id names ('jd'): a Pinduoduo rule set's id starts with 'pdd.'");
    }

    // --- Durations ---

    [Fact]
    public void A_duration_that_is_not_iso_8601_is_refused()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.shipWithin.ordinary", "72h"));
        AssertOnlyError(result, FileName, "parameters.shipWithin.ordinary", "must be an ISO 8601 duration such as PT72H or P7D (got '72h')");
    }

    [Theory]
    [InlineData("PT0S")]
    [InlineData("-PT72H")]
    public void A_duration_that_is_not_positive_is_refused(string duration)
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.outOfStockAfterLate", duration));
        AssertOnlyError(result, FileName, "parameters.outOfStockAfterLate", $"duration must be positive (got '{duration}')");
    }

    [Fact]
    public void A_duration_too_long_for_a_time_span_is_reported_not_thrown()
    {
        var result = LoadChanged(TmallLate, d => d.Set("parameters.shipWithin.juhuasuan", "P10675200D"));
        AssertOnlyError(result, FileName, "parameters.shipWithin.juhuasuan", "must be an ISO 8601 duration such as PT72H or P7D (got 'P10675200D')");
    }

    [Fact]
    public void Durations_are_read_as_iso_8601()
    {
        var result = LoadChanged(TmallLate, _ => { });
        var p = result.Versions[0].ParametersAs<Core.LateShipment.LateShipmentParameters>();
        Assert.Equal(TimeSpan.FromHours(72), p.OrdinaryShipWithin);
        Assert.Equal(TimeSpan.FromDays(7), p.JuhuasuanShipWithin);
    }

    // --- China-time dates and effective intervals ---

    [Theory]
    [InlineData("2012/01/01")]
    [InlineData("2012-02-30")]
    [InlineData("2012-01-01T24:00:00")]
    [InlineData("2012-01-01 00:00:00")]
    [InlineData("2012-01-01T00:00:00Z")]
    [InlineData("01/01/2012")]
    public void A_date_that_is_not_a_china_time_date_or_date_time_is_refused(string date)
    {
        var result = LoadChanged(TmallLate, d => d.Set("effectiveFrom", date));
        AssertOnlyError(result, FileName, "effectiveFrom", $"must be a China-time date (yyyy-MM-dd) or date-time (yyyy-MM-ddTHH:mm:ss) (got '{date}')");
    }

    [Theory]
    [InlineData("2012-01-01T00:00:00+09:00", "09:00:00")]
    [InlineData("2012-01-01T00:00:00+00:00", "00:00:00")]
    public void An_offset_other_than_plus_8_is_refused(string date, string offset)
    {
        var result = LoadChanged(TmallLate, d => d.Set("effectiveFrom", date));
        AssertOnlyError(result, FileName, "effectiveFrom", $"must be China time (+08:00) (got offset {offset})");
    }

    [Fact]
    public void A_date_before_the_representable_range_is_reported_not_thrown()
    {
        var result = LoadChanged(TmallLate, d => d.Set("effectiveFrom", "0001-01-01"));
        AssertOnlyError(result, FileName, "effectiveFrom", "is out of the representable range (got '0001-01-01')");
    }

    [Theory]
    [InlineData("2012-01-01")]
    [InlineData("2012-01-01T00:00:00")]
    [InlineData("2012-01-01T00:00:00+08:00")]
    [InlineData("2012-01-01T00:00:00.000")]
    public void A_date_a_local_date_time_and_a_plus_8_date_time_name_the_same_instant(string date)
    {
        var result = LoadChanged(TmallLate, d => d.Set("effectiveFrom", date));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(new DateTimeOffset(2011, 12, 31, 16, 0, 0, TimeSpan.Zero), result.Versions[0].EffectiveFrom);
        Assert.Equal(ChinaTime.Offset, result.Versions[0].EffectiveFrom.Offset);
    }

    [Theory]
    [InlineData("2012-01-01")]
    [InlineData("2011-06-01")]
    public void An_effective_to_not_after_effective_from_is_refused(string to)
    {
        var result = LoadChanged(TaobaoLateV1, d => d.Set("effectiveTo", to));
        AssertOnlyError(result, FileName, "effectiveTo", "must be after effectiveFrom");
    }

    [Fact]
    public void An_effective_to_one_second_after_effective_from_is_accepted()
    {
        var result = LoadChanged(TaobaoLateV1, d => d.Set("effectiveTo", "2012-01-01T00:00:01"));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void A_bad_effective_to_is_reported_under_effective_to()
    {
        var result = LoadChanged(TaobaoLateV1, d => d.Set("effectiveTo", "2023-13-01"));
        AssertOnlyError(result, FileName, "effectiveTo", "must be a China-time date (yyyy-MM-dd) or date-time (yyyy-MM-ddTHH:mm:ss) (got '2023-13-01')");
    }

    // --- Invalid JSON ---

    [Fact]
    public void Invalid_json_is_reported_with_the_file_and_the_line()
    {
        var json = "{\n  \"ruleSet\": \"tmall.late-shipment\",\n  \"version\": 1\n  \"kind\": \"LateShipment\"\n}";
        var result = RuleSetLoader.Load([("bad/v1.json", json)]);
        var error = Assert.Single(result.Errors);
        Assert.Equal("bad/v1.json", error.File);
        Assert.Equal("line 4", error.Path);
        Assert.StartsWith("not valid JSON: ", error.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void Trailing_commas_are_invalid_json()
    {
        var result = RuleSetLoader.Load([("bad/v1.json", "{\n  \"version\": 1,\n}")]);
        var error = Assert.Single(result.Errors);
        Assert.Equal("bad/v1.json", error.File);
        Assert.Equal("line 3", error.Path);
    }

    [Fact]
    public void A_field_given_twice_is_refused_not_silently_read_once()
    {
        var text = ShippedText(TmallLate).Replace("\"version\": 1,", "\"version\": 1,\n  \"version\": 2,", StringComparison.Ordinal);
        var result = RuleSetLoader.Load([(FileName, text)]);
        AssertOnlyError(result, FileName, "version", "field given more than once");
        Assert.Empty(result.Versions);
    }

    [Fact]
    public void A_nested_field_given_twice_is_refused_at_its_path()
    {
        var text = ShippedText(TmallLate).Replace("\"rate\": 0.30, \"cap\": 500.00 },", "\"rate\": 0.30, \"cap\": 500.00, \"rate\": 0.03 },", StringComparison.Ordinal);
        Assert.NotEqual(ShippedText(TmallLate), text);
        var result = RuleSetLoader.Load([(FileName, text)]);
        AssertOnlyError(result, FileName, "parameters.compensation.late.rate", "field given more than once");
    }

    [Theory]
    [InlineData("\"title\": \"", "\"title\": \"\\ud800", "title")]                             // a lone surrogate in a value
    [InlineData("\"version\": 1,", "\"version\": 1, \"x\\udc00\": 1,", "(root)")]          // in a member name
    public void Text_that_is_not_valid_UTF16_is_a_field_error_not_an_exception(string find, string replace, string path)
    {
        var text = ShippedText(TmallLate).Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(ShippedText(TmallLate), text);
        var result = RuleSetLoader.Load([(FileName, text)]);
        AssertOnlyError(result, FileName, path, "text that is not valid UTF-16 (an escaped lone surrogate such as \\ud800)");
    }

    [Fact]
    public void Comments_are_allowed_and_ignored()
    {
        var text = ShippedText(TmallLate).Replace("\"version\": 1,", "\"version\": 1, // first version", StringComparison.Ordinal);
        var result = RuleSetLoader.Load([(FileName, text)]);
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Errors));
    }
}
