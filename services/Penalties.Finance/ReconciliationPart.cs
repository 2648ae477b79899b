using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Penalties.Finance;

/// <summary>Sums of one group (a merchant, a day, a platform) in one currency: owed, paid, and the count of keys of each class.</summary>
public sealed record Totals(decimal Owed, decimal Paid, IReadOnlyDictionary<DifferenceClass, int> Counts)
{
    public decimal Delta => Paid - Owed;
}

/// <summary>
/// The result of a reconciliation, or of one shard of it (<see cref="Shard"/> "i/N"): every classified key, the replay
/// check of its records, and (in a shard) the payouts file's lines its obligations claimed and the lines whose reference
/// repeats an earlier one. Parts are written as JSON and summed exactly by <see cref="Merge"/>, which reads the payouts
/// file again for the payouts no part claimed: a part holds line numbers, not payouts, so it stays small.
/// </summary>
public sealed record ReconciliationPart(string Shard, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Difference> Differences)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>How many recorded decisions the replay check recomputed.</summary>
    public int Replayed { get; init; }

    /// <summary>The recorded decisions their pinned rules no longer reproduce.</summary>
    public IReadOnlyList<Drift> Drifts { get; init; } = [];

    /// <summary>In a shard: the lines of the payouts file that an obligation of the shard claimed, in file order.</summary>
    public IReadOnlyList<long> Claimed { get; init; } = [];

    /// <summary>In a shard: the lines of the payouts whose reference repeats an earlier one (every shard finds the same).</summary>
    public IReadOnlyList<long> Repeated { get; init; } = [];

    /// <summary>In a shard: how many payouts it read, so that merge can tell it is given the same file.</summary>
    public long Payouts { get; init; }

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
    /// The parts of one sharded run summed: their rows and replay checks together, and the payouts file read once more
    /// (<paramref name="payouts"/>, named <paramref name="payoutsFile"/>): a repeated line is a
    /// <see cref="DifferenceClass.DuplicatePayout"/>, and a line of the period that no part claimed is
    /// <see cref="DifferenceClass.PaidNotOwed"/>. The parts must be the shards 0..N-1 of one N, one period and one payouts file.
    /// </summary>
    public static ReconciliationPart Merge(IReadOnlyList<(string File, ReconciliationPart Part)> parts, IEnumerable<Payout> payouts, string payoutsFile)
    {
        if (parts.Count == 0) throw new ArgumentException("no parts to merge", nameof(parts));
        var first = parts[0].Part;
        var shards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, part) in parts)
        {
            if (part.From != first.From || part.To != first.To) throw new FinanceInputException(file, 1, "from", "covers another period than the first part");
            if (!shards.Add(part.Shard)) throw new FinanceInputException(file, 1, "shard", $"{part.Shard} is given twice");
            if (part.Payouts != first.Payouts || !part.Repeated.SequenceEqual(first.Repeated))
                throw new FinanceInputException(file, 1, "payouts", "were read from another payouts file than the first part's");
        }
        int count = parts.Count;
        var expected = Enumerable.Range(0, count).Select(i => $"{i}/{count}").ToHashSet(StringComparer.Ordinal);
        if (!shards.SetEquals(expected))
            throw new FinanceInputException(parts[0].File, 1, "shard", $"the parts are shards {string.Join(", ", shards.Order())}, not 0/{count} to {count - 1}/{count}");
        // One bit per line of the payouts file: what every shard claimed, with no payout held in memory.
        long last = parts.SelectMany(p => p.Part.Claimed).DefaultIfEmpty(0).Max();
        if (last >= int.MaxValue) throw new FinanceInputException(parts[0].File, 1, "claimed", $"line {last} is past any payouts file this reads");
        var claimed = new BitArray((int)last + 1);
        foreach (var (file, part) in parts)
        {
            foreach (long line in part.Claimed)
            {
                if (line < 1) throw new FinanceInputException(file, 1, "claimed", $"{line} is not a line of a file");
                if (claimed[(int)line]) throw new FinanceInputException(file, 1, "claimed", $"payouts line {line} is claimed by another part too");
                claimed[(int)line] = true;
            }
        }
        var repeated = first.Repeated.ToHashSet();
        var rows = parts.SelectMany(p => p.Part.Differences).ToList();
        var duplicates = new List<Difference>();
        var unclaimed = new List<Difference>();
        long read = 0;
        foreach (var p in payouts)
        {
            read++;
            if (repeated.Contains(p.Line)) duplicates.Add(Reconciler.Row(DifferenceClass.DuplicatePayout, p));
            else if ((p.Line >= claimed.Length || !claimed[(int)p.Line]) && p.PaidAt >= first.From && p.PaidAt < first.To)
                unclaimed.Add(Reconciler.Row(DifferenceClass.PaidNotOwed, p));
        }
        if (read != first.Payouts)
            throw new FinanceInputException(payoutsFile, 1, "payouts", $"the file holds {read} payouts, the parts were run on {first.Payouts}: not the same file");
        rows.AddRange(duplicates);
        rows.AddRange(unclaimed);
        return new ReconciliationPart("1/1", first.From, first.To, rows)
        {
            Replayed = parts.Sum(p => p.Part.Replayed), Drifts = [.. parts.SelectMany(p => p.Part.Drifts)],
        };
    }
}
