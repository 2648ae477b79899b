using System.Text.Json;
using System.Text.Json.Serialization;

namespace Penalties.Finance;

/// <summary>Sums of one group (a merchant, a day, a platform) in one currency: owed, paid, and the count of keys of each class.</summary>
public sealed record Totals(decimal Owed, decimal Paid, IReadOnlyDictionary<DifferenceClass, int> Counts)
{
    public decimal Delta => Paid - Owed;
}

/// <summary>
/// The result of a reconciliation, or of one shard of it (<see cref="Shard"/> "i/N"): every classified key, and (in a
/// shard) the payouts no obligation of the shard claimed and the payouts whose reference repeats an earlier one, with
/// the replay check of its records. Parts are written as JSON and summed exactly by <see cref="Merge"/>.
/// </summary>
public sealed record ReconciliationPart(string Shard, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Difference> Differences, IReadOnlyList<Payout> Unmatched, IReadOnlyList<Payout> Repeated)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>How many recorded decisions the replay check recomputed.</summary>
    public int Replayed { get; init; }

    /// <summary>The recorded decisions their pinned rules no longer reproduce.</summary>
    public IReadOnlyList<Drift> Drifts { get; init; } = [];

    /// <summary>The rows that are not <see cref="DifferenceClass.Matched"/>.</summary>
    [JsonIgnore]
    public IEnumerable<Difference> Mismatches => Differences.Where(d => d.Class != DifferenceClass.Matched);

    public IReadOnlyDictionary<DifferenceClass, int> Counts() =>
        Enum.GetValues<DifferenceClass>().ToDictionary(c => c, c => Differences.Where(d => d.Class == c).Sum(d => d.Keys));

    /// <summary>Totals per group and currency; <paramref name="group"/> picks the group (merchant, day, platform).</summary>
    public IReadOnlyDictionary<(string Group, string Currency), Totals> TotalsBy(Func<Difference, string> group) =>
        Differences.GroupBy(d => (group(d), d.Currency)).OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => new Totals(g.Sum(d => d.Owed), g.Sum(d => d.Paid),
                g.GroupBy(d => d.Class).ToDictionary(c => c.Key, c => c.Sum(d => d.Keys))));

    public void Write(Stream stream) => JsonSerializer.Serialize(stream, this, Json);

    public static ReconciliationPart Read(Stream stream, string file) =>
        JsonSerializer.Deserialize<ReconciliationPart>(stream, Json) ?? throw new FinanceInputException(file, 1, "part", "is empty");

    /// <summary>
    /// The parts of one sharded run summed: their rows and replay checks together, and each payout no part matched (it is
    /// unmatched in every part) made <see cref="DifferenceClass.PaidNotOwed"/>. The parts must be the shards 0..N-1 of one N and one period.
    /// </summary>
    public static ReconciliationPart Merge(IReadOnlyList<(string File, ReconciliationPart Part)> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no parts to merge", nameof(parts));
        var first = parts[0].Part;
        var shards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, part) in parts)
        {
            if (part.From != first.From || part.To != first.To) throw new FinanceInputException(file, 1, "from", "covers another period than the first part");
            if (!shards.Add(part.Shard)) throw new FinanceInputException(file, 1, "shard", $"{part.Shard} is given twice");
        }
        int count = parts.Count;
        var expected = Enumerable.Range(0, count).Select(i => $"{i}/{count}").ToHashSet(StringComparer.Ordinal);
        if (!shards.SetEquals(expected))
            throw new FinanceInputException(parts[0].File, 1, "shard", $"the parts are shards {string.Join(", ", shards.Order())}, not 0/{count} to {count - 1}/{count}");
        // Every part saw every payout: one unmatched in all N parts is owed by no merchant of any shard.
        var unmatchedEverywhere = parts.SelectMany(p => p.Part.Unmatched).GroupBy(p => p.Reference, StringComparer.Ordinal)
            .Where(g => g.Count() == count).Select(g => g.First());
        var rows = parts.SelectMany(p => p.Part.Differences).ToList();
        rows.AddRange(first.Repeated.Select(p => Reconciler.Row(DifferenceClass.DuplicatePayout, p)));
        rows.AddRange(unmatchedEverywhere.Select(p => Reconciler.Row(DifferenceClass.PaidNotOwed, p)));
        return new ReconciliationPart("1/1", first.From, first.To, rows, [], [])
        {
            Replayed = parts.Sum(p => p.Part.Replayed), Drifts = [.. parts.SelectMany(p => p.Part.Drifts)],
        };
    }
}
