using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Penalties.Core.Common;

namespace Penalties.Grpc;

/// <summary>
/// What differs between a recorded request and one sent again under the same key, field by field, in proto
/// field paths: <c>case.lines[0].amount 100.00 CNY recorded, 120.00 CNY sent</c>.
/// </summary>
public static class ProtoDiff
{
    private const int MaxDifferences = 20;

    public static List<string> Differences(IMessage recorded, IMessage sent)
    {
        var d = new List<string>();
        Walk(recorded, sent, "", d);
        return d;
    }

    private static void Walk(IMessage a, IMessage b, string path, List<string> d)
    {
        foreach (var f in a.Descriptor.Fields.InFieldNumberOrder())
        {
            if (d.Count >= MaxDifferences) return;
            var name = path.Length == 0 ? f.Name : path + "." + f.Name;
            var va = f.Accessor.GetValue(a);
            var vb = f.Accessor.GetValue(b);
            if (f.IsMap)
            {
                var value = f.MessageType.FindFieldByNumber(2);
                var ma = (IDictionary)va;
                var mb = (IDictionary)vb;
                foreach (var key in ma.Keys.Cast<object>().Concat(mb.Keys.Cast<object>()).Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal))
                    Compare(value, ma.Contains(key) ? ma[key] : null, mb.Contains(key) ? mb[key] : null, $"{name}[{Format(null, key)}]", d);
            }
            else if (f.IsRepeated)
            {
                var la = (IList)va;
                var lb = (IList)vb;
                if (la.Count != lb.Count) d.Add($"{name}: {la.Count} recorded, {lb.Count} sent");
                for (int i = 0; i < Math.Min(la.Count, lb.Count); i++) Compare(f, la[i], lb[i], $"{name}[{i}]", d);
            }
            else
            {
                Compare(f, va, vb, name, d);
            }
        }
    }

    private static void Compare(FieldDescriptor f, object? a, object? b, string name, List<string> d)
    {
        if (Equals(a, b) || d.Count >= MaxDifferences) return;
        if (a is IMessage ma && b is IMessage mb && !IsValue(ma.Descriptor))
        {
            Walk(ma, mb, name, d);
            return;
        }
        d.Add($"{name} {Format(f, a)} recorded, {Format(f, b)} sent");
    }

    /// <summary>Messages shown as one value rather than field by field.</summary>
    private static bool IsValue(MessageDescriptor m) => m.FullName is "penalties.v1.Money" or "google.protobuf.Timestamp";

    private static string Format(FieldDescriptor? f, object? value) => value switch
    {
        null => "unset",
        Contracts.V1.Money m => (m.Units + m.Nanos / 1_000_000_000m).ToString("0.00########", CultureInfo.InvariantCulture) + " " + m.CurrencyCode,
        Timestamp t => ChinaTime.Format(t.ToDateTimeOffset()),
        string s => $"'{s}'",
        bool x => x ? "true" : "false",
        ByteString bytes => $"({bytes.Length} bytes)",
        IMessage m => m.ToString() ?? "",
        System.Enum e when f?.FieldType == FieldType.Enum => f.EnumType.FindValueByNumber(Convert.ToInt32(e, CultureInfo.InvariantCulture))?.Name ?? e.ToString(),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
