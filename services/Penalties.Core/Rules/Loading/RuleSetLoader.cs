using System.Text.Json;
using System.Text.RegularExpressions;
using Penalties.Core.Common;

namespace Penalties.Core.Rules.Loading;

/// <summary>The outcome of loading rule data: the versions that parsed, and every problem found.</summary>
public sealed record RuleLoadResult(IReadOnlyList<RuleSetVersion> Versions, IReadOnlyList<RuleLoadError> Errors)
{
    public bool Ok => Errors.Count == 0;

    /// <summary>The catalog, or a <see cref="RuleLoadException"/> listing every problem.</summary>
    public RuleCatalog ToCatalog() => Ok ? new RuleCatalog(Versions) : throw new RuleLoadException(Errors);
}

/// <summary>
/// Loads rule-set versions from JSON documents (one version per file; schema in rules/README.md) and
/// validates them all at once: fields, ranges, enums, unknown fields, provenance, duplicate versions,
/// and overlapping or gapped effective intervals within a rule set.
/// </summary>
public static partial class RuleSetLoader
{
    /// <summary>Loads every *.json file below <paramref name="directory"/>; errors name files relative to it.</summary>
    public static RuleLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            return new RuleLoadResult([], [new RuleLoadError(directory, "$", "rules directory does not exist")]);
        var files = ReadDocuments(directory);
        if (files.Count == 0)
            return new RuleLoadResult([], [new RuleLoadError(directory, "$", "no rule files (*.json) found")]);
        return Load(files);
    }

    /// <summary>Every *.json file below <paramref name="directory"/> as (path relative to it with '/', text), in ordinal order of the paths.</summary>
    public static List<(string File, string Json)> ReadDocuments(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllText(f)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)];

    /// <summary>Loads a set of (file name, JSON text) documents as one catalog's worth of versions.</summary>
    public static RuleLoadResult Load(IEnumerable<(string File, string Json)> documents)
    {
        var errors = new List<RuleLoadError>();
        var versions = ParseAll(documents, errors);
        ValidateAcrossVersions(versions, errors);
        return new RuleLoadResult(versions, errors);
    }

    /// <summary>Parses every document; the problems of all of them are added to <paramref name="errors"/>.</summary>
    private static List<RuleSetVersion> ParseAll(IEnumerable<(string File, string Json)> documents, List<RuleLoadError> errors)
    {
        var versions = new List<RuleSetVersion>();
        foreach (var (file, json) in documents)
        {
            var v = Parse(file, json, errors);
            if (v is not null) versions.Add(v);
        }
        return versions;
    }

    /// <summary>
    /// Parses one document; its problems are added to <paramref name="errors"/>. <paramref name="published"/>: a body
    /// read back from the published store, which skips the checks added since it may have been published.
    /// </summary>
    public static RuleSetVersion? Parse(string file, string json, List<RuleLoadError> errors, bool published = false)
    {
        var ctx = new LoadContext(file, errors);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            ctx.Error($"line {(e.LineNumber ?? 0) + 1}", $"not valid JSON: {e.Message}");
            return null;
        }
        using (doc)
        {
            int before = errors.Count;
            if (CheckMembersAndText(ctx, doc.RootElement, "")) return null;
            var root = ObjectReader.For(ctx, doc.RootElement, "");
            if (root is null) return null;
            root.String("$schema", required: false);
            var id = root.String("ruleSet");
            if (id is not null && !RuleSetIdPattern().IsMatch(id))
            {
                root.Error("ruleSet", $"rule-set id must look like 'platform.rule-name' in lower case (got '{id}')");
                id = null;
            }
            var version = root.Int("version", min: 1);
            var kind = root.Enum<RuleKind>("kind");
            var title = root.String("title");
            var from = root.ChinaInstant("effectiveFrom");
            var to = root.ChinaInstant("effectiveTo", required: false);
            if (from is not null && to is not null && to <= from) root.Error("effectiveTo", "must be after effectiveFrom");

            RuleParameters? parameters = null;
            var p = root.Object("parameters");
            if (p is not null && kind is not null)
            {
                parameters = kind switch
                {
                    RuleKind.LateShipment => LateShipmentParametersReader.Read(p),
                    RuleKind.PriceMatch => PriceMatchParametersReader.Read(p),
                    RuleKind.PenaltyPoints => PenaltyPointsParametersReader.Read(p),
                    RuleKind.AfterSales => AfterSalesParametersReader.Read(p),
                    _ => null,
                };
                if (id is not null && !published) CheckPlatform(p, id, parameters);
                p.End();
            }
            var provenance = ReadProvenance(root, doc.RootElement);
            root.End();

            if (errors.Count > before || id is null || version is null || kind is null || title is null || from is null || parameters is null || provenance is null)
                return null;
            return new RuleSetVersion(id, version.Value, kind.Value, title, from.Value, to, parameters, provenance,
                CanonicalJson.ContentHash(doc.RootElement), file)
            {
                ParametersJson = doc.RootElement.GetProperty("parameters").GetRawText(),
            };
        }
    }

    /// <summary>
    /// A case goes to the rule set its platform names, so a platform parameter other than the id's would refuse every
    /// case of its period as the caller's mistake: the operator's is refused here instead.
    /// </summary>
    private static void CheckPlatform(ObjectReader p, string id, RuleParameters? parameters)
    {
        var (platform, idOfPlatform) = parameters switch
        {
            LateShipment.LateShipmentParameters l => (l.Platform.ToString(), LateShipment.LateShipmentCalculator.RuleSetFor(l.Platform)),
            AfterSales.AfterSalesParameters a => (a.Platform.ToString(), AfterSales.AfterSalesCalculator.RuleSetFor(a.Platform)),
            _ => (null, null),
        };
        if (platform is null || idOfPlatform is null) return;
        string named = id[..id.IndexOf('.', StringComparison.Ordinal)], expected = idOfPlatform[..idOfPlatform.IndexOf('.', StringComparison.Ordinal)];
        if (named != expected)
            p.Error("platform", $"is {platform}, but rule set '{id}' is for the platform its id names ('{named}'): a {platform} rule set's id starts with '{expected}.'");
    }

    private static List<Provenance>? ReadProvenance(ObjectReader root, JsonElement document)
    {
        var items = root.Array("provenance");
        if (items is null) return null;
        var result = new List<Provenance>();
        foreach (var (item, path) in items)
        {
            var r = ObjectReader.For(root.Context, item, path);
            if (r is null) continue;
            var fields = r.StringArray("fields") ?? [];
            for (int i = 0; i < fields.Count; i++)
            {
                if (!PathExists(document, fields[i]))
                    r.Error($"fields[{i}]", $"names no field of this document: '{fields[i]}'");
            }
            var source = r.String("source", required: false);
            if (source is not null && !SeedFilePattern().IsMatch(source))
                r.Error("source", $"must name a source file in shared/seeds such as '001_00c6e1d50e99d581.txt' (got '{source}')");
            var clause = r.String("clause", required: false);
            var quote = r.String("quote", required: false);
            var assumption = r.Bool("assumption", required: false) ?? false;
            var note = r.String("note", required: false);
            if (source is null && !assumption) r.Error("source", "missing: a provenance entry names its source file, or is marked as an assumption");
            if (source is not null && clause is null) r.Error("clause", "missing: say which clause of the source this comes from");
            if (assumption && string.IsNullOrWhiteSpace(note)) r.Error("note", "missing: an assumption says what was assumed and why");
            r.End();
            result.Add(new Provenance(fields, source, clause, quote, assumption, note));
        }

        // Every parameter, and the effective dates, must be covered by some provenance entry.
        var covered = result.SelectMany(p => p.Fields).ToList();
        // effectiveTo needs none of its own: it is set to the successor's effectiveFrom, which has provenance.
        var required = new List<string> { "effectiveFrom" };
        if (document.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            required.AddRange(parameters.EnumerateObject().Select(m => "parameters." + m.Name));
        foreach (var field in required)
        {
            bool isCovered = covered.Any(c => c == field || c.StartsWith(field + ".", StringComparison.Ordinal) || c.StartsWith(field + "[", StringComparison.Ordinal)
                || field.StartsWith(c + ".", StringComparison.Ordinal) || c == "parameters" && field.StartsWith("parameters.", StringComparison.Ordinal));
            if (!isCovered) root.Context.Error(field, "no provenance entry covers this field");
        }
        return result;
    }

    /// <summary>
    /// Reports every member name given twice in one object (JSON text allows it, but only one of the values would be
    /// read while the content hash covers both), and text that cannot be read: an escaped lone surrogate such as
    /// "\ud800" is valid JSON syntax, but System.Text.Json refuses to read it as a string. True when any text is
    /// unreadable (the document cannot be read further).
    /// </summary>
    private static bool CheckMembersAndText(LoadContext ctx, JsonElement element, string path)
    {
        bool unreadable = false;
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in element.EnumerateObject())
            {
                string name;
                try
                {
                    name = member.Name;
                }
                catch (InvalidOperationException)
                {
                    ctx.Error(path.Length == 0 ? "(root)" : path, UnreadableText);
                    unreadable = true;
                    continue;
                }
                var child = path.Length == 0 ? name : path + "." + name;
                if (!seen.Add(name)) ctx.Error(child, "field given more than once");
                unreadable |= CheckMembersAndText(ctx, member.Value, child);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray()) unreadable |= CheckMembersAndText(ctx, item, $"{path}[{i++}]");
        }
        else if (element.ValueKind == JsonValueKind.String)
        {
            try
            {
                _ = element.GetString();
            }
            catch (InvalidOperationException)
            {
                ctx.Error(path, UnreadableText);
                unreadable = true;
            }
        }
        return unreadable;
    }

    private const string UnreadableText = "text that is not valid UTF-16 (an escaped lone surrogate such as \\ud800)";

    /// <summary>True when a dotted path such as "parameters.ladder[0].points" names a member of the document.</summary>
    internal static bool PathExists(JsonElement document, string path)
    {
        var current = document;
        foreach (var segment in path.Split('.'))
        {
            var name = segment;
            int bracket = segment.IndexOf('[', StringComparison.Ordinal);
            string? indexes = null;
            if (bracket >= 0)
            {
                name = segment[..bracket];
                indexes = segment[bracket..];
            }
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current)) return false;
            while (!string.IsNullOrEmpty(indexes))
            {
                int close = indexes.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || !int.TryParse(indexes[1..close], out int index)) return false;
                if (current.ValueKind != JsonValueKind.Array || index < 0 || index >= current.GetArrayLength()) return false;
                current = current[index];
                indexes = indexes[(close + 1)..];
            }
        }
        return true;
    }

    private static void ValidateAcrossVersions(List<RuleSetVersion> versions, List<RuleLoadError> errors)
    {
        foreach (var group in versions.GroupBy(v => v.RuleSetId, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Select(v => v.Kind).Distinct().Count() > 1)
            {
                foreach (var v in list.Where(v => v.Kind != list[0].Kind))
                    errors.Add(new RuleLoadError(v.SourceFile, "kind", $"rule set '{v.RuleSetId}' is {list[0].Kind} in {list[0].SourceFile}, not {v.Kind}"));
            }
            var seen = new Dictionary<int, RuleSetVersion>();
            foreach (var v in list.OrderBy(v => v.SourceFile, StringComparer.Ordinal))
            {
                if (seen.TryGetValue(v.Version, out var first))
                    errors.Add(new RuleLoadError(v.SourceFile, "version", $"duplicate version {v.Version} of rule set '{v.RuleSetId}' (also in {first.SourceFile})"));
                else
                    seen[v.Version] = v;
            }
            var ordered = seen.Values.OrderBy(v => v.EffectiveFrom).ThenBy(v => v.Version).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                var a = ordered[i - 1];
                var b = ordered[i];
                if (a.EffectiveTo is null || b.EffectiveFrom < a.EffectiveTo)
                {
                    var end = a.EffectiveTo is null ? "open-ended" : $"ends {ChinaTime.Format(a.EffectiveTo.Value)}";
                    errors.Add(new RuleLoadError(b.SourceFile, "effectiveFrom",
                        $"overlaps version {a.Version} of '{a.RuleSetId}' ({a.SourceFile}, {end}): version {b.Version} starts {ChinaTime.Format(b.EffectiveFrom)}"));
                }
                else if (b.EffectiveFrom > a.EffectiveTo)
                {
                    errors.Add(new RuleLoadError(b.SourceFile, "effectiveFrom",
                        $"gap after version {a.Version} of '{a.RuleSetId}' ({a.SourceFile}, ends {ChinaTime.Format(a.EffectiveTo.Value)}): version {b.Version} starts {ChinaTime.Format(b.EffectiveFrom)}"));
                }
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+$")]
    private static partial Regex RuleSetIdPattern();

    [GeneratedRegex("^[0-9]{3}_[0-9a-f]{16}\\.txt$")]
    private static partial Regex SeedFilePattern();
}
