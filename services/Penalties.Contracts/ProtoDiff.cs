using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Penalties.Core.Common;

namespace Penalties.Contracts;

/// <summary>
/// What differs between two messages field by field, in proto field paths: <c>case.lines[0].amount 100.00 CNY
/// recorded, 120.00 CNY sent</c> (a record and a request sent again under its key; or a decision and its replay).
/// </summary>
public static class ProtoDiff
{
    private const int MaxDifferences = 20;

    public static List<string> Differences(IMessage recorded, IMessage sent, string first = "recorded", string second = "sent")
    {
        var d = new List<string>();
        new Walker(first, second, d).Walk(recorded, sent, "");
        return d;
    }

    /// <summary>One comparison: the names of the two sides and the differences found so far.</summary>
    private sealed record Walker(string First, string Second, List<string> D)
    {
        public void Walk(IMessage a, IMessage b, string path)
        {
            foreach (var f in a.Descriptor.Fields.InFieldNumberOrder())
            {
                if (D.Count >= MaxDifferences) return;
                var name = path.Length == 0 ? f.Name : path + "." + f.Name;
                var va = f.Accessor.GetValue(a);
                var vb = f.Accessor.GetValue(b);
                if (f.IsMap)
                {
                    var value = f.MessageType.FindFieldByNumber(2);
                    var ma = (IDictionary)va;
                    var mb = (IDictionary)vb;
                    foreach (var key in ma.Keys.Cast<object>().Concat(mb.Keys.Cast<object>()).Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal))
                        Compare(value, ma.Contains(key) ? ma[key] : null, mb.Contains(key) ? mb[key] : null, $"{name}[{Format(null, key)}]");
                }
                else if (f.IsRepeated)
                {
                    var la = (IList)va;
                    var lb = (IList)vb;
                    if (la.Count != lb.Count) D.Add($"{name}: {la.Count} {First}, {lb.Count} {Second}");
                    for (int i = 0; i < Math.Min(la.Count, lb.Count); i++) Compare(f, la[i], lb[i], $"{name}[{i}]");
                }
                else
                {
                    Compare(f, va, vb, name);
                }
            }
        }

        private void Compare(FieldDescriptor f, object? a, object? b, string name)
        {
            if (Equals(a, b) || D.Count >= MaxDifferences) return;
            if (a is IMessage ma && b is IMessage mb && !IsValue(ma.Descriptor))
            {
                Walk(ma, mb, name);
                return;
            }
            D.Add($"{name} {Format(f, a)} {First}, {Format(f, b)} {Second}");
        }
    }

    /// <summary>Messages shown as one value rather than field by field.</summary>
    private static bool IsValue(MessageDescriptor m) => m.FullName is "penalties.v1.Money" or "google.protobuf.Timestamp";

    private static string Format(FieldDescriptor? f, object? value) => value switch
    {
        null => "unset",
        V1.Money m => (m.Units + m.Nanos / 1_000_000_000m).ToString("0.00########", CultureInfo.InvariantCulture) + " " + m.CurrencyCode,
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
