using Google.Protobuf.WellKnownTypes;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using C = Penalties.Contracts.V1;
using Core = Penalties.Core;

namespace Penalties.Contracts;

/// <summary>
/// Conversions between the contract and the core. Reading a request collects every field violation
/// (paths in the core's camelCase, relative to the case; <see cref="CallerErrors.FieldPath"/> turns them into
/// proto paths) and adds the core's own validation, so one error lists every problem.
/// </summary>
public static class Mapping
{
    public const string Currency = "CNY";

    // --- Enums: one table each ---

    private static readonly EnumMap<Core.LateShipment.Platform, C.Platform> Platforms = new(Core.LateShipment.Platform.Tmall,
        (Core.LateShipment.Platform.Tmall, C.Platform.Tmall),
        (Core.LateShipment.Platform.Taobao, C.Platform.Taobao));

    // An unspecified channel is the ordinary one.
    private static readonly EnumMap<Core.LateShipment.ShippingChannel, C.ShippingChannel> Channels = new(Core.LateShipment.ShippingChannel.Ordinary,
        (Core.LateShipment.ShippingChannel.Ordinary, C.ShippingChannel.Ordinary),
        (Core.LateShipment.ShippingChannel.Ordinary, C.ShippingChannel.Unspecified),
        (Core.LateShipment.ShippingChannel.Juhuasuan, C.ShippingChannel.Juhuasuan),
        (Core.LateShipment.ShippingChannel.Presale, C.ShippingChannel.Presale),
        (Core.LateShipment.ShippingChannel.Custom, C.ShippingChannel.Custom),
        (Core.LateShipment.ShippingChannel.Agreed, C.ShippingChannel.Agreed));

    private static readonly EnumMap<Core.LateShipment.RefundReason, C.RefundReason> RefundReasons = new(Core.LateShipment.RefundReason.Other,
        (Core.LateShipment.RefundReason.SellerOutOfStock, C.RefundReason.SellerOutOfStock),
        (Core.LateShipment.RefundReason.NotShippedInAgreedTime, C.RefundReason.NotShippedInAgreedTime),
        (Core.LateShipment.RefundReason.OrderedByMistake, C.RefundReason.OrderedByMistake),
        (Core.LateShipment.RefundReason.NoLongerWanted, C.RefundReason.NoLongerWanted),
        (Core.LateShipment.RefundReason.Other, C.RefundReason.Other));

    private static readonly EnumMap<Core.LateShipment.LateShipmentOutcome, C.LateShipmentOutcome> LateShipmentOutcomes = new(default,
        (Core.LateShipment.LateShipmentOutcome.Compensable, C.LateShipmentOutcome.Compensable),
        (Core.LateShipment.LateShipmentOutcome.NotLate, C.LateShipmentOutcome.NotLate),
        (Core.LateShipment.LateShipmentOutcome.NotYetDue, C.LateShipmentOutcome.NotYetDue),
        (Core.LateShipment.LateShipmentOutcome.Exempt, C.LateShipmentOutcome.Exempt),
        (Core.LateShipment.LateShipmentOutcome.NotEnforced, C.LateShipmentOutcome.NotEnforced),
        (Core.LateShipment.LateShipmentOutcome.RefundReasonNotCompensable, C.LateShipmentOutcome.RefundReasonNotCompensable),
        (Core.LateShipment.LateShipmentOutcome.RefusedBeforePayment, C.LateShipmentOutcome.RefusedBeforePayment));

    private static readonly EnumMap<Core.PriceMatch.MerchantType, C.MerchantType> MerchantTypes = new(Core.PriceMatch.MerchantType.ThirdParty,
        (Core.PriceMatch.MerchantType.ThirdParty, C.MerchantType.ThirdParty),
        (Core.PriceMatch.MerchantType.JdSmallShop, C.MerchantType.JdSmallShop),
        (Core.PriceMatch.MerchantType.JdSelfOperated, C.MerchantType.JdSelfOperated));

    private static readonly EnumMap<Core.PriceMatch.PaymentKind, C.PaymentKind> PaymentKinds = new(Core.PriceMatch.PaymentKind.Cash,
        (Core.PriceMatch.PaymentKind.Cash, C.PaymentKind.Cash),
        (Core.PriceMatch.PaymentKind.JdBeans, C.PaymentKind.JdBeans),
        (Core.PriceMatch.PaymentKind.ECard, C.PaymentKind.ECard),
        (Core.PriceMatch.PaymentKind.Balance, C.PaymentKind.Balance),
        (Core.PriceMatch.PaymentKind.Coupon, C.PaymentKind.Coupon),
        (Core.PriceMatch.PaymentKind.PlatformPromotion, C.PaymentKind.PlatformPromotion));

    private static readonly EnumMap<Core.PriceMatch.ComparisonPlatform, C.ComparisonPlatform> ComparisonPlatforms = new(Core.PriceMatch.ComparisonPlatform.Other,
        (Core.PriceMatch.ComparisonPlatform.PinduoduoTenBillionSubsidy, C.ComparisonPlatform.PinduoduoTenBillionSubsidy),
        (Core.PriceMatch.ComparisonPlatform.Pinduoduo, C.ComparisonPlatform.Pinduoduo),
        (Core.PriceMatch.ComparisonPlatform.Tmall, C.ComparisonPlatform.Tmall),
        (Core.PriceMatch.ComparisonPlatform.Taobao, C.ComparisonPlatform.Taobao),
        (Core.PriceMatch.ComparisonPlatform.Other, C.ComparisonPlatform.Other));

    private static readonly EnumMap<Core.PriceMatch.PriceMatchOutcome, C.PriceMatchOutcome> PriceMatchOutcomes = new(default,
        (Core.PriceMatch.PriceMatchOutcome.Payable, C.PriceMatchOutcome.Payable),
        (Core.PriceMatch.PriceMatchOutcome.NoPositiveDifference, C.PriceMatchOutcome.NoPositiveDifference),
        (Core.PriceMatch.PriceMatchOutcome.Refused, C.PriceMatchOutcome.Refused),
        (Core.PriceMatch.PriceMatchOutcome.ManualReview, C.PriceMatchOutcome.ManualReview));

    private static readonly EnumMap<Core.AfterSales.AfterSalesPlatform, C.AfterSalesPlatform> AfterSalesPlatforms = new(Core.AfterSales.AfterSalesPlatform.Tmall,
        (Core.AfterSales.AfterSalesPlatform.Tmall, C.AfterSalesPlatform.Tmall),
        (Core.AfterSales.AfterSalesPlatform.Taobao, C.AfterSalesPlatform.Taobao),
        (Core.AfterSales.AfterSalesPlatform.Jd, C.AfterSalesPlatform.Jd),
        (Core.AfterSales.AfterSalesPlatform.Pinduoduo, C.AfterSalesPlatform.Pinduoduo));

    // An unspecified request is a return.
    private static readonly EnumMap<Core.AfterSales.RequestKind, C.RequestKind> RequestKinds = new(Core.AfterSales.RequestKind.Return,
        (Core.AfterSales.RequestKind.Return, C.RequestKind.Return),
        (Core.AfterSales.RequestKind.Return, C.RequestKind.Unspecified),
        (Core.AfterSales.RequestKind.Exchange, C.RequestKind.Exchange));

    // An unspecified category is an ordinary item.
    private static readonly EnumMap<Core.AfterSales.ItemCategory, C.ItemCategory> ItemCategories = new(Core.AfterSales.ItemCategory.Ordinary,
        (Core.AfterSales.ItemCategory.Ordinary, C.ItemCategory.Ordinary),
        (Core.AfterSales.ItemCategory.Ordinary, C.ItemCategory.Unspecified),
        (Core.AfterSales.ItemCategory.Food, C.ItemCategory.Food),
        (Core.AfterSales.ItemCategory.Medicine, C.ItemCategory.Medicine),
        (Core.AfterSales.ItemCategory.IntimateApparel, C.ItemCategory.IntimateApparel),
        (Core.AfterSales.ItemCategory.Fruit, C.ItemCategory.Fruit),
        (Core.AfterSales.ItemCategory.FreshProduce, C.ItemCategory.FreshProduce),
        (Core.AfterSales.ItemCategory.Virtual, C.ItemCategory.Virtual));

    private static readonly EnumMap<Core.AfterSales.AfterSalesOutcome, C.AfterSalesOutcome> AfterSalesOutcomes = new(default,
        (Core.AfterSales.AfterSalesOutcome.InTime, C.AfterSalesOutcome.InTime),
        (Core.AfterSales.AfterSalesOutcome.TooLate, C.AfterSalesOutcome.TooLate),
        (Core.AfterSales.AfterSalesOutcome.Excluded, C.AfterSalesOutcome.Excluded),
        (Core.AfterSales.AfterSalesOutcome.NoWindow, C.AfterSalesOutcome.NoWindow));

    private static readonly EnumMap<Core.AfterSales.Party, C.Party> Parties = new(default,
        (Core.AfterSales.Party.Buyer, C.Party.Buyer),
        (Core.AfterSales.Party.Merchant, C.Party.Merchant));

    private static readonly EnumMap<Core.PenaltyPoints.PointCategory, C.PointCategory> PointCategories = new(default,
        (Core.PenaltyPoints.PointCategory.General, C.PointCategory.General),
        (Core.PenaltyPoints.PointCategory.Serious, C.PointCategory.Serious));

    // --- Money and time ---

    /// <summary>An amount as whole units (truncated towards zero) and the nanos of the rest; the core bounds amounts, so units fit.</summary>
    public static C.Money Money(decimal value)
    {
        decimal units = decimal.Truncate(value);
        return new C.Money { CurrencyCode = Currency, Units = (long)units, Nanos = (int)((value - units) * 1_000_000_000m) };
    }

    public static decimal Money(C.Money? money, string field, ViolationList v, bool required = true)
    {
        if (money is null)
        {
            if (required) v.Add(field, "is required");
            return 0m;
        }
        if (money.CurrencyCode is not (Currency or ""))
            v.Add(field, $"currency must be {Currency} (got '{money.CurrencyCode}')");
        if (money.Nanos is <= -1_000_000_000 or >= 1_000_000_000)
            v.Add(field, $"nanos must be within ±999,999,999 (got {money.Nanos})");
        else if ((money.Units > 0 && money.Nanos < 0) || (money.Units < 0 && money.Nanos > 0))
            v.Add(field, "units and nanos must have the same sign");
        return money.Units + money.Nanos / 1_000_000_000m;
    }

    public static Timestamp Time(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    // Business instants far from today are mistakes, and the calculators add deadlines and whole years to
    // them: instants are accepted within [1900-01-01, 9000-01-01) UTC, so that arithmetic never overflows.
    private const long MinSupportedSeconds = -2208988800; // 1900-01-01T00:00:00Z
    private const long MaxSupportedSeconds = 221845392000; // 9000-01-01T00:00:00Z

    public static Timestamp? Time(DateTimeOffset? t) => t is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    public static DateTimeOffset? Time(Timestamp? t, string field, ViolationList v)
    {
        if (t is null) return null;
        if (t.Seconds < -62135596800 || t.Seconds > 253402300799 || t.Nanos is < 0 or > 999_999_999)
        {
            v.Add(field, "is not a valid timestamp");
            return null;
        }
        if (t.Seconds < MinSupportedSeconds || t.Seconds >= MaxSupportedSeconds)
        {
            v.Add(field, "must be within [1900-01-01, 9000-01-01) UTC");
            return null;
        }
        // The core counts in ticks: a finer instant would be cut, and could land on the wrong side of a deadline.
        if (t.Nanos % 100 != 0)
        {
            v.Add(field, $"must be a whole number of 100 ns: nanos a multiple of 100 (got {t.Nanos})");
            return null;
        }
        return t.ToDateTimeOffset();
    }

    public static C.TimeInterval Interval(DateTimeOffset from, DateTimeOffset? to) =>
        new() { From = Time(from), To = Time(to) };

    public static C.RuleReference Rule(RuleReference r) => new() { RuleSetId = r.RuleSetId, Version = r.Version, ContentHash = r.ContentHash };

    /// <summary>The core's pin; null when no field of it is set (a pin checked by <see cref="CheckPin"/>).</summary>
    public static RulePin? Pin(C.RulePin? pin) =>
        pin is null || IsUnset(pin) ? null
            : new RulePin(pin.RuleSetId, pin.Version, string.IsNullOrEmpty(pin.ContentHash) ? null : pin.ContentHash);

    /// <summary>
    /// A pin with any field set names its rule set and version: a pin missing them is the caller's mistake, refused
    /// rather than ignored (with the hash check it asked for) or looked up as a version that cannot exist.
    /// </summary>
    public static void CheckPin(C.RulePin? pin, ViolationList v, string field = "pin")
    {
        if (pin is null || IsUnset(pin)) return;
        v.Required(field + ".ruleSetId", pin.RuleSetId);
        if (pin.Version < 1) v.Add(field + ".version", $"must be at least 1 (got {pin.Version})");
    }

    /// <summary>The pin as read: unset when no field of it is set, its content hash in lower case (hashes match ignoring case).</summary>
    public static C.RulePin? Read(C.RulePin? pin) =>
        Pin(pin) is { } p ? new C.RulePin { RuleSetId = p.RuleSetId, Version = p.Version, ContentHash = p.ContentHash?.ToLowerInvariant() ?? "" } : null;

    private static bool IsUnset(C.RulePin pin) => pin.RuleSetId.Length == 0 && pin.Version == 0 && pin.ContentHash.Length == 0;

    /// <summary>
    /// Maps the request's case with <paramref name="map"/>; its violations (the core's paths are relative to the case)
    /// are added to <paramref name="v"/> under "case.", beside the request's other fields. Null when the case is invalid.
    /// </summary>
    public static T? Case<TCase, T>(ViolationList v, Func<TCase?, T> map, TCase? contractCase) where T : class
    {
        try
        {
            return map(contractCase);
        }
        catch (InvalidCaseException e)
        {
            foreach (var f in e.Violations) v.Add(InCase(f.Field), f.Description);
            return null;
        }
    }

    /// <summary>A violation the core found in the case while deciding, with its paths under "case." as the request names them.</summary>
    public static InvalidCaseException InCase(InvalidCaseException e) =>
        new([.. e.Violations.Select(f => new FieldViolation(InCase(f.Field), f.Description))]);

    private static string InCase(string field) => field.Length == 0 ? "case" : "case." + field;

    /// <summary>Whether the response explains the decision (every view but the basic one); an unknown view is a violation of "view".</summary>
    public static bool Explain(C.DecisionView view, ViolationList v)
    {
        if (view is not (C.DecisionView.Unspecified or C.DecisionView.Full or C.DecisionView.Basic))
            v.Add("view", $"unknown view {(int)view} (DECISION_VIEW_FULL or DECISION_VIEW_BASIC)");
        return view != C.DecisionView.Basic;
    }

    /// <summary>
    /// Throws the mapping's violations and the core's on fields the mapping did not already refuse, if any.
    /// <paramref name="followOn"/> is a field the core refuses only as a consequence of the mapping's refusals.
    /// </summary>
    private static void Throw(ViolationList mapping, IReadOnlyList<FieldViolation> core, string? followOn = null)
    {
        if (!mapping.Any && core.Count == 0) return;
        var all = new List<FieldViolation>(mapping.Items);
        var refused = mapping.Items.Select(v => v.Field).ToHashSet(StringComparer.Ordinal);
        if (mapping.Any && followOn is not null) refused.Add(followOn);
        all.AddRange(core.Where(v => !refused.Contains(v.Field)));
        throw new InvalidCaseException(all);
    }

    /// <summary>
    /// Runs a calculator on the request's case: the violations it finds while deciding are fields of the case, and a
    /// pinned rule set of another family is the pin's.
    /// </summary>
    public static T Decide<T>(Func<T> decide)
    {
        try
        {
            return decide();
        }
        catch (InvalidCaseException e)
        {
            throw InCase(e);
        }
        catch (RuleResolutionException e) when (e.Error == RuleResolutionError.WrongKind)
        {
            CallerErrors.OfField(e, "pin.ruleSetId");
            throw;
        }
    }

    // --- Late shipment ---

    public static Core.LateShipment.LateShipmentCase LateShipmentCase(C.LateShipmentCase? c)
    {
        var v = new ViolationList();
        if (c is null)
        {
            v.Add("", "the case is required");
            v.ThrowIfAny();
        }
        var platform = Platforms.ToCore(c!.Platform, "platform", v);
        var channel = Channels.ToCore(c.Channel, "channel", v);
        var reason = RefundReasons.ToCore(c.RefundReason, "refundReason", v);
        var lines = new Core.LateShipment.OrderLine[c.Lines.Count];
        for (int i = 0; i < lines.Length; i++)
        {
            var l = c.Lines[i];
            lines[i] = new Core.LateShipment.OrderLine
            {
                LineId = l.LineId,
                Amount = Money(l.Amount, $"lines[{i}].amount", v),
                Quantity = l.Quantity == 0 ? 1 : l.Quantity,
                ShippedAt = Time(l.ShippedAt, $"lines[{i}].shippedAt", v),
            };
        }
        var reports = new Core.LateShipment.ReportedPeriod[c.ForceMajeureReports.Count];
        for (int i = 0; i < reports.Length; i++)
        {
            var r = c.ForceMajeureReports[i];
            var from = Time(r.From, $"forceMajeureReports[{i}].from", v);
            if (r.From is null) v.Add($"forceMajeureReports[{i}].from", "is required");
            // An unset end is an open-ended period, as TimeInterval says.
            reports[i] = new Core.LateShipment.ReportedPeriod(from ?? default, Time(r.To, $"forceMajeureReports[{i}].to", v));
        }
        var result = new Core.LateShipment.LateShipmentCase
        {
            Platform = platform,
            OrderId = c.OrderId,
            PaidAt = Time(c.PaidAt, "paidAt", v),
            PlacedAt = Time(c.PlacedAt, "placedAt", v),
            Channel = channel,
            AgreedShipBy = Time(c.AgreedShipBy, "agreedShipBy", v),
            Lines = lines,
            EvaluatedAt = Time(c.EvaluatedAt, "evaluatedAt", v) ?? default,
            RefundReason = reason,
            MerchantAdmittedOutOfStock = c.MerchantAdmittedOutOfStock,
            MerchantRefusedToShip = c.MerchantRefusedToShip,
            MerchantDemandedHigherPrice = c.MerchantDemandedHigherPrice,
            RefusedBeforePayment = c.RefusedBeforePayment,
            BuyerAbuse = c.BuyerAbuse,
            PlatformStopShipOrder = c.PlatformStopShipOrder,
            ForceMajeureReports = reports,
            MerchantPaidBeforeJudgment = c.MerchantPaidBeforeJudgment,
        };
        Throw(v, result.Validate());
        return result;
    }

    /// <summary>The decision as the contract's message; without its explanation steps when <paramref name="explain"/> is false (the basic view).</summary>
    public static C.LateShipmentDecision Decision(Core.LateShipment.LateShipmentDecision d, bool explain = true)
    {
        var m = new C.LateShipmentDecision
        {
            Rule = Rule(d.Rule),
            OrderId = d.OrderId,
            Outcome = LateShipmentOutcomes.ToContract(d.Outcome),
            Instrument = d.Instrument.ToString(),
            BuyerPayout = Money(d.BuyerPayout),
            PlatformLiability = Money(d.PlatformLiability),
            MerchantTotal = Money(d.MerchantTotal),
            ReferralRuleSetId = d.Referral?.RuleSetId ?? "",
            ReferralViolationCode = d.Referral?.ViolationCode ?? "",
            ReasonCodes = { d.ReasonCodes },
            Lines = { d.Lines.Select(l => Line(l, explain)) },
        };
        if (d.BuyerPoints is { } points) m.BuyerPoints = points;
        // An order with lines is explained per line (a one-line order too: its explanation is its line's, sent once);
        // only an order without lines (refused before payment) is explained at the order.
        if (explain && d.Lines.Count == 0) AddSteps(m.Steps, d.Steps);
        return m;
    }

    private static C.LateShipmentLineDecision Line(Core.LateShipment.LateShipmentLineDecision l, bool explain)
    {
        var m = new C.LateShipmentLineDecision
        {
            LineId = l.LineId,
            Outcome = LateShipmentOutcomes.ToContract(l.Outcome),
            Lateness = l.Lateness.ToString(),
            Deadline = Time(l.Deadline),
            OutOfStockAt = Time(l.OutOfStockAt),
            BuyerPayout = Money(l.BuyerPayout),
            PlatformLiability = Money(l.PlatformLiability),
            MerchantTotal = Money(l.MerchantTotal),
            ReasonCodes = { l.ReasonCodes },
        };
        if (l.BuyerPoints is { } points) m.BuyerPoints = points;
        if (explain) AddSteps(m.Steps, l.Steps);
        return m;
    }

    private static void AddSteps(Google.Protobuf.Collections.RepeatedField<C.ExplanationStep> to, IReadOnlyList<ExplanationStep> steps)
    {
        for (int i = 0; i < steps.Count; i++) to.Add(new C.ExplanationStep { Kind = StepKindNames[(int)steps[i].Kind], Text = steps[i].Text });
    }

    private static readonly string[] StepKindNames = System.Enum.GetNames<StepKind>();

    // --- Price match ---

    public static Core.PriceMatch.PriceMatchCase PriceMatchCase(C.PriceMatchCase? c)
    {
        var v = new ViolationList();
        if (c is null)
        {
            v.Add("", "the case is required");
            v.ThrowIfAny();
        }
        var merchant = MerchantTypes.ToCore(c!.MerchantType, "merchantType", v);
        var enrollments = new Core.PriceMatch.EnrollmentPeriod[c.Enrollments.Count];
        for (int i = 0; i < enrollments.Length; i++)
        {
            var from = Time(c.Enrollments[i].From, $"enrollments[{i}].from", v);
            if (c.Enrollments[i].From is null) v.Add($"enrollments[{i}].from", "is required");
            enrollments[i] = new Core.PriceMatch.EnrollmentPeriod(from ?? default, Time(c.Enrollments[i].To, $"enrollments[{i}].to", v));
        }
        var payments = new Core.PriceMatch.PaymentPart[c.Payments.Count];
        for (int i = 0; i < payments.Length; i++)
        {
            var p = c.Payments[i];
            var kind = PaymentKinds.ToCore(p.Kind, $"payments[{i}].kind", v);
            payments[i] = new Core.PriceMatch.PaymentPart
            {
                Kind = kind,
                Amount = kind == Core.PriceMatch.PaymentKind.JdBeans ? Money(p.Amount, $"payments[{i}].amount", v, required: false) : Money(p.Amount, $"payments[{i}].amount", v),
                Beans = p.Beans,
            };
        }
        Core.PriceMatch.ComparisonListing? comparison = null;
        if (c.Comparison is null) v.Add("comparison", "is required");
        else
        {
            var cp = c.Comparison;
            comparison = new Core.PriceMatch.ComparisonListing
            {
                Platform = ComparisonPlatforms.ToCore(cp.Platform, "comparison.platform", v),
                PaidAmount = Money(cp.PaidAmount, "comparison.paidAmount", v),
                MonthlySales = cp.MonthlySales,
                OnSale = cp.OnSale,
                Purchasable = cp.Purchasable,
                Attributes = new Dictionary<string, string>(cp.Attributes, StringComparer.Ordinal),
            };
        }
        var result = new Core.PriceMatch.PriceMatchCase
        {
            OrderId = c.OrderId,
            MerchantType = merchant,
            Enrollments = enrollments,
            ItemHasBadge = c.ItemHasBadge,
            ItemIsCustom = c.ItemIsCustom,
            ItemAttributes = new Dictionary<string, string>(c.ItemAttributes, StringComparer.Ordinal),
            OrderedAt = Time(c.OrderedAt, "orderedAt", v) ?? default,
            ClaimedAt = Time(c.ClaimedAt, "claimedAt", v) ?? default,
            Payments = payments,
            Comparison = comparison!,
        };
        Throw(v, result.Validate());
        return result;
    }

    /// <summary>The decision as the contract's message; without its explanation steps when <paramref name="explain"/> is false (the basic view).</summary>
    public static C.PriceMatchDecision Decision(Core.PriceMatch.PriceMatchDecision d, bool explain = true)
    {
        var m = new C.PriceMatchDecision
        {
            Rule = Rule(d.Rule),
            OrderId = d.OrderId,
            Outcome = PriceMatchOutcomes.ToContract(d.Outcome),
            BuyerPaidAmount = Money(d.BuyerPaidAmount),
            ComparisonPaidAmount = Money(d.ComparisonPaidAmount),
            Difference = Money(d.Difference),
            Payout = Money(d.Payout),
            FailedConditions = { d.FailedConditions.Select(f => new C.FailedCondition { Code = f.Code, Detail = f.Detail }) },
            ReasonCodes = { d.ReasonCodes },
        };
        if (explain) AddSteps(m.Steps, d.Steps);
        return m;
    }

    // --- After sales ---

    public static Core.AfterSales.AfterSalesCase AfterSalesCase(C.AfterSalesCase? c)
    {
        var v = new ViolationList();
        if (c is null)
        {
            v.Add("", "the case is required");
            v.ThrowIfAny();
        }
        var item = c!.Item ?? new C.ReturnedItem();
        var result = new Core.AfterSales.AfterSalesCase
        {
            Platform = AfterSalesPlatforms.ToCore(c.Platform, "platform", v),
            OrderId = c.OrderId,
            Kind = RequestKinds.ToCore(c.Kind, "kind", v),
            OrderedAt = Time(c.OrderedAt, "orderedAt", v) ?? default,
            SignedForAt = Time(c.SignedForAt, "signedForAt", v),
            SignedForDate = Date(c.SignedForDate, "signedForDate", v),
            TransactionSucceededAt = Time(c.TransactionSucceededAt, "transactionSucceededAt", v),
            RequestedAt = Time(c.RequestedAt, "requestedAt", v) ?? default,
            InterventionRequestedAt = Time(c.InterventionRequestedAt, "interventionRequestedAt", v),
            MerchantAnsweredAt = Time(c.MerchantAnsweredAt, "merchantAnsweredAt", v),
            Item = new Core.AfterSales.ReturnedItem
            {
                Category = ItemCategories.ToCore(item.Category, "item.category", v),
                Opened = item.Opened,
                FreeShipping = item.FreeShipping,
                OutboundPostage = Money(item.OutboundPostage, "item.outboundPostage", v, required: false),
                ReturnPostage = Money(item.ReturnPostage, "item.returnPostage", v, required: false),
                PaidAmount = Money(item.PaidAmount, "item.paidAmount", v, required: false),
                ReviewPoints = item.ReviewPoints,
                ReviewPointsSpent = item.ReviewPointsSpent,
                ReviewBenefits = Money(item.ReviewBenefits, "item.reviewBenefits", v, required: false),
            },
        };
        // A sign-for date was given but refused: the core, seeing neither time nor date, would call the time missing too.
        Throw(v, result.Validate(), followOn: c.SignedForAt is null && c.SignedForDate.Length > 0 ? "signedForAt" : null);
        return result;
    }

    /// <summary>A China-time date "yyyy-MM-dd"; empty is none.</summary>
    private static DateOnly? Date(string text, string field, ViolationList v)
    {
        if (text.Length == 0) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            && day.Year is >= 1900 and < 9000)
            return day;
        v.Add(field, $"must be a date yyyy-MM-dd within [1900, 9000) (got '{CallerErrors.Cut(text, CallerErrors.MaxQuotedBytes)}')");
        return null;
    }

    /// <summary>The decision as the contract's message; without its explanation steps when <paramref name="explain"/> is false (the basic view).</summary>
    public static C.AfterSalesDecision Decision(Core.AfterSales.AfterSalesDecision d, bool explain = true)
    {
        var m = new C.AfterSalesDecision
        {
            Rule = Rule(d.Rule),
            OrderId = d.OrderId,
            Outcome = AfterSalesOutcomes.ToContract(d.Outcome),
            WindowStartsAt = Time(d.WindowStartsAt),
            WindowEndsAt = Time(d.WindowEndsAt),
            AfterSalesEndsAt = Time(d.AfterSalesEndsAt),
            InterventionFrom = Time(d.InterventionFrom),
            MerchantAnswerBy = Time(d.MerchantAnswerBy),
            AutoAgreedAt = Time(d.AutoAgreedAt),
            ReasonCodes = { d.ReasonCodes },
        };
        if (d.Postage is { } p)
        {
            m.Postage = new C.PostageSplit
            {
                OutboundPaidBy = Parties.ToContract(p.OutboundPaidBy), ReturnPaidBy = Parties.ToContract(p.ReturnPaidBy),
                BuyerPays = Money(p.BuyerPays), MerchantPays = Money(p.MerchantPays),
            };
        }
        if (d.Refund is { } r)
        {
            m.Refund = new C.RefundAfterDeductions
            {
                Paid = Money(r.Paid), PointsTakenBack = r.PointsTakenBack, PointsDeduction = Money(r.PointsDeduction),
                BenefitsDeduction = Money(r.BenefitsDeduction), Refund = Money(r.Refund),
            };
        }
        if (explain) AddSteps(m.Steps, d.Steps);
        return m;
    }

    // --- Penalty points ---

    public static Core.PenaltyPoints.Violation Violation(C.Violation? violation, string field, ViolationList v)
    {
        if (violation is null)
        {
            v.Add(field, "is required");
            return new Core.PenaltyPoints.Violation { CaseId = "", Code = "", OccurredAt = default };
        }
        return new Core.PenaltyPoints.Violation
        {
            CaseId = violation.CaseId,
            Code = violation.Code,
            OccurredAt = Time(violation.OccurredAt, field + ".occurredAt", v) ?? default,
            Revoked = violation.Revoked,
            AssessedPoints = violation.HasAssessedPoints ? violation.AssessedPoints : null,
        };
    }

    public static C.Violation Violation(Core.PenaltyPoints.Violation v)
    {
        var result = new C.Violation { CaseId = v.CaseId, Code = v.Code, OccurredAt = Time(v.OccurredAt), Revoked = v.Revoked };
        if (v.AssessedPoints is { } p) result.AssessedPoints = p;
        return result;
    }

    public static C.Sanction Sanction(Core.PenaltyPoints.SanctionDecision s, DateTimeOffset asOf) => new()
    {
        Trigger = s.Trigger,
        CaseId = s.CaseId,
        Actions = { s.Actions.Select(a => a.ToString()) },
        StartsAt = Time(s.StartsAt),
        EndsAt = Time(s.EndsAt),
        Rule = Rule(s.Rule),
        Active = s.IsActiveAt(asOf),
    };

    public static C.Deduction Deduction(Core.PenaltyPoints.Deduction d, DateTimeOffset asOf) => new()
    {
        CaseId = d.CaseId,
        Code = d.Code,
        OccurredAt = Time(d.OccurredAt),
        Rule = Rule(d.Rule),
        Occurrence = d.Occurrence,
        Points = d.Points,
        Category = PointCategories.ToContract(d.Category),
        ItemAction = d.ItemAction.ToString(),
        Sanction = d.Sanction is null ? null : Sanction(d.Sanction, asOf),
        Explanation = d.Explanation,
    };

    public static C.PeriodTotals Totals(Core.PenaltyPoints.PeriodTotals t) => new()
    {
        Period = new C.TimeInterval { From = t.From == DateTimeOffset.MinValue ? null : Time(t.From), To = Time(t.To) },
        General = t.General,
        Serious = t.Serious,
    };

    public static C.Standing Standing(Core.PenaltyPoints.MerchantStanding s) => new()
    {
        RuleSetId = s.RuleSetId,
        AsOf = Time(s.AsOf),
        Deductions = { s.Deductions.Select(d => Deduction(d, s.AsOf)) },
        Ignored = { s.Ignored.Select(i => new C.IgnoredViolation { CaseId = i.CaseId, Code = i.Code, Reason = i.Reason }) },
        Periods = { s.Periods.Select(Totals) },
        Current = Totals(s.Current),
        Sanctions = { s.Sanctions.Select(x => Sanction(x, s.AsOf)) },
    };

    public static C.AssessPenaltyResponse Preview(Core.PenaltyPoints.PenaltyPreview p) => new()
    {
        Deduction = p.Deduction is null ? null : Deduction(p.Deduction, p.StandingAfter.AsOf),
        AlreadyInHistory = p.AlreadyInHistory,
        NewSanctions = { p.NewSanctions.Select(s => Sanction(s, p.StandingAfter.AsOf)) },
        StandingAfter = Standing(p.StandingAfter),
    };


    // --- Cases as contract messages: what a client (the CLI's --server mode) sends ---

    public static C.LateShipmentCase Case(Core.LateShipment.LateShipmentCase c)
    {
        var result = new C.LateShipmentCase
        {
            Platform = Platforms.ToContract(c.Platform),
            OrderId = c.OrderId ?? "",
            PaidAt = Time(c.PaidAt),
            PlacedAt = Time(c.PlacedAt),
            Channel = Channels.ToContract(c.Channel),
            AgreedShipBy = Time(c.AgreedShipBy),
            EvaluatedAt = c.EvaluatedAt == default ? null : Time(c.EvaluatedAt),
            RefundReason = RefundReasons.ToContract(c.RefundReason),
            MerchantAdmittedOutOfStock = c.MerchantAdmittedOutOfStock,
            MerchantRefusedToShip = c.MerchantRefusedToShip,
            MerchantDemandedHigherPrice = c.MerchantDemandedHigherPrice,
            RefusedBeforePayment = c.RefusedBeforePayment,
            BuyerAbuse = c.BuyerAbuse,
            PlatformStopShipOrder = c.PlatformStopShipOrder,
            MerchantPaidBeforeJudgment = c.MerchantPaidBeforeJudgment,
        };
        foreach (var l in c.Lines ?? [])
            result.Lines.Add(new C.OrderLine { LineId = l.LineId ?? "", Amount = Money(l.Amount), Quantity = l.Quantity, ShippedAt = Time(l.ShippedAt) });
        foreach (var r in c.ForceMajeureReports ?? [])
            result.ForceMajeureReports.Add(Interval(r.From, r.To));
        return result;
    }

    public static C.AfterSalesCase Case(Core.AfterSales.AfterSalesCase c)
    {
        var i = c.Item ?? new Core.AfterSales.ReturnedItem();
        return new C.AfterSalesCase
        {
            Platform = AfterSalesPlatforms.ToContract(c.Platform),
            OrderId = c.OrderId ?? "",
            Kind = RequestKinds.ToContract(c.Kind),
            OrderedAt = c.OrderedAt == default ? null : Time(c.OrderedAt),
            SignedForAt = Time(c.SignedForAt),
            SignedForDate = c.SignedForDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            TransactionSucceededAt = Time(c.TransactionSucceededAt),
            RequestedAt = c.RequestedAt == default ? null : Time(c.RequestedAt),
            InterventionRequestedAt = Time(c.InterventionRequestedAt),
            MerchantAnsweredAt = Time(c.MerchantAnsweredAt),
            Item = new C.ReturnedItem
            {
                Category = ItemCategories.ToContract(i.Category),
                Opened = i.Opened,
                FreeShipping = i.FreeShipping,
                OutboundPostage = Money(i.OutboundPostage),
                ReturnPostage = Money(i.ReturnPostage),
                PaidAmount = Money(i.PaidAmount),
                ReviewPoints = i.ReviewPoints,
                ReviewPointsSpent = i.ReviewPointsSpent,
                ReviewBenefits = Money(i.ReviewBenefits),
            },
        };
    }

    public static C.PriceMatchCase Case(Core.PriceMatch.PriceMatchCase c)
    {
        var result = new C.PriceMatchCase
        {
            OrderId = c.OrderId ?? "",
            MerchantType = MerchantTypes.ToContract(c.MerchantType),
            ItemHasBadge = c.ItemHasBadge,
            ItemIsCustom = c.ItemIsCustom,
            OrderedAt = c.OrderedAt == default ? null : Time(c.OrderedAt),
            ClaimedAt = c.ClaimedAt == default ? null : Time(c.ClaimedAt),
        };
        foreach (var e in c.Enrollments ?? []) result.Enrollments.Add(Interval(e.From, e.To));
        foreach (var kv in c.ItemAttributes ?? new Dictionary<string, string>()) result.ItemAttributes.Add(kv.Key, kv.Value);
        foreach (var p in c.Payments ?? [])
        {
            result.Payments.Add(new C.PaymentPart
            {
                Kind = PaymentKinds.ToContract(p.Kind),
                Amount = p.Kind == Core.PriceMatch.PaymentKind.JdBeans && p.Amount == 0m ? null : Money(p.Amount),
                Beans = p.Beans,
            });
        }
        if (c.Comparison is { } cmp)
        {
            result.Comparison = new C.ComparisonListing
            {
                Platform = ComparisonPlatforms.ToContract(cmp.Platform),
                PaidAmount = Money(cmp.PaidAmount),
                MonthlySales = cmp.MonthlySales,
                OnSale = cmp.OnSale,
                Purchasable = cmp.Purchasable,
            };
            foreach (var kv in cmp.Attributes ?? new Dictionary<string, string>()) result.Comparison.Attributes.Add(kv.Key, kv.Value);
        }
        return result;
    }

    // --- Claims ---

    /// <summary>A claim status as one word (pending, decided, refused): the CLI's <c>--status</c> and the claims metric's tag.</summary>
    public static string Word(C.ClaimStatus status) => status switch
    {
        C.ClaimStatus.Pending => "pending",
        C.ClaimStatus.Decided => "decided",
        C.ClaimStatus.Refused => "refused",
        _ => "unspecified",
    };

    /// <summary>The claim status named by <see cref="Word"/>; null for any other word.</summary>
    public static C.ClaimStatus? ClaimStatusOf(string word) =>
        System.Enum.GetValues<C.ClaimStatus>().Where(s => s != C.ClaimStatus.Unspecified && Word(s) == word).Select(s => (C.ClaimStatus?)s).FirstOrDefault();
}
