using Google.Protobuf;
using Penalties.Contracts;
using Penalties.Core.Common;
using Penalties.Core.LateShipment;
using Penalties.Core.PriceMatch;
using Penalties.Core.Rules;
using C = Penalties.Contracts.V1;

namespace Penalties.Finance;

/// <summary>A recorded decision that its pinned rule version no longer reproduces: what differs, field by field.</summary>
public sealed record Drift(string MerchantId, string Platform, string OrderId, string Rule, IReadOnlyList<string> Differences);

/// <summary>
/// Recomputes recorded decisions with the rule version (and content hash) each was decided under: the numbers must be
/// the same forever. Steps are left out of the comparison (the view a record keeps them in is not the point).
/// </summary>
public sealed class ReplayCheck(RuleCatalog catalog)
{
    private int _checked;

    /// <summary>How many records were checked (the check runs on several threads at once).</summary>
    public int Checked => _checked;

    /// <summary>The drift of one record, or null when it reproduces.</summary>
    public Drift? Check(C.LedgerRecord record)
    {
        Interlocked.Increment(ref _checked);
        return record.RecordCase switch
        {
            C.LedgerRecord.RecordOneofCase.LateShipment => Check(record.LateShipment.MerchantId, record.LateShipment.Case.Platform.ToString().ToLowerInvariant(),
                record.LateShipment.Case.OrderId, record.LateShipment.Decision,
                pin => Mapping.Decision(LateShipmentCalculator.Assess(catalog, Mapping.LateShipmentCase(record.LateShipment.Case), pin, explain: false), explain: false)),
            C.LedgerRecord.RecordOneofCase.PriceMatch => Check(record.PriceMatch.MerchantId, "jd", record.PriceMatch.Case.OrderId, record.PriceMatch.Decision,
                pin => Mapping.Decision(PriceMatchCalculator.Assess(catalog, Mapping.PriceMatchCase(record.PriceMatch.Case), pin, explain: false), explain: false)),
            _ => null,
        };
    }

    private static Drift? Check<T>(string merchant, string platform, string order, T recorded, Func<RulePin, T> recompute) where T : class, IMessage<T>
    {
        var rule = (C.RuleReference)recorded.Descriptor.FindFieldByName("rule").Accessor.GetValue(recorded);
        string ruleText = Obligation.RuleText(rule);
        T again;
        try
        {
            again = recompute(new RulePin(rule.RuleSetId, rule.Version, rule.ContentHash));
        }
        catch (Exception e) when (e is RuleResolutionException or InvalidCaseException)
        {
            return new Drift(merchant, platform, order, ruleText, [$"cannot be recomputed: {e.Message}"]);
        }
        var plain = WithoutSteps(recorded);
        if (plain.Equals(again)) return null; // the common case: equality is far cheaper than the field-by-field diff
        var differences = ProtoDiff.Differences(plain, again, "recorded", "recomputed");
        return differences.Count == 0 ? null : new Drift(merchant, platform, order, ruleText, differences);
    }

    /// <summary>A copy of the decision without its explanation steps, on it and on its lines.</summary>
    private static T WithoutSteps<T>(T decision) where T : class, IMessage<T>
    {
        var copy = decision.Clone();
        Clear(copy);
        return copy;

        static void Clear(IMessage m)
        {
            foreach (var f in m.Descriptor.Fields.InFieldNumberOrder())
            {
                if (f.Name == "steps") ((System.Collections.IList)f.Accessor.GetValue(m)).Clear();
                else if (f.Name == "lines") foreach (IMessage line in (System.Collections.IList)f.Accessor.GetValue(m)) Clear(line);
            }
        }
    }
}
