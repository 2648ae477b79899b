using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace Penalties.Core.Rules.Loading;

/// <summary>Collects the problems of one file.</summary>
internal sealed class LoadContext(string file, List<RuleLoadError> errors)
{
    public string File { get; } = file;

    public void Error(string path, string reason) => errors.Add(new RuleLoadError(File, path, reason));
}

/// <summary>
/// Reads one JSON object field by field, reporting each problem with its path instead of stopping at
/// the first, and reports every member that nothing asked for as an unknown field.
/// </summary>
internal sealed class ObjectReader
{
    private readonly LoadContext _ctx;
    private readonly JsonElement _element;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public ObjectReader(LoadContext ctx, JsonElement element, string path)
    {
        _ctx = ctx;
        _element = element;
        Path = path;
    }

    public string Path { get; }

    public LoadContext Context => _ctx;

    public JsonElement Element => _element;

    public string PathOf(string name) => Path.Length == 0 ? name : Path + "." + name;

    public void Error(string name, string reason) => _ctx.Error(PathOf(name), reason);

    /// <summary>Creates a reader for <paramref name="element"/>, reporting an error if it is not an object.</summary>
    public static ObjectReader? For(LoadContext ctx, JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object) return new ObjectReader(ctx, element, path);
        ctx.Error(path.Length == 0 ? "$" : path, $"must be an object (got {Describe(element)})");
        return null;
    }

    public bool Has(string name) =>
        _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        _seen.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Error(name, "missing required field");
        return false;
    }

    public string? String(string name, bool required = true)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            Error(name, $"must be a string (got {Describe(v)})");
            return null;
        }
        var s = v.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s))
        {
            Error(name, "must not be empty");
            return null;
        }
        return s;
    }

    public bool? Bool(string name, bool required = true)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        Error(name, $"must be true or false (got {Describe(v)})");
        return null;
    }

    public decimal? Decimal(string name, bool required = true, decimal? min = null, decimal? max = null, string? what = null)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
        {
            Error(name, $"must be a number (got {Describe(v)})");
            return null;
        }
        if (min is not null && max is not null && (d < min || d > max))
        {
            Error(name, $"{what ?? "value"} must be within [{min}, {max}] (got {d.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        if (min is not null && d < min)
        {
            Error(name, $"{what ?? "value"} must not be {(min == 0 ? "negative" : $"less than {min}")} (got {d.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return d;
    }

    /// <summary>A rate: a fraction within [0, 1].</summary>
    public decimal? Rate(string name, bool required = true) => Decimal(name, required, 0m, 1m, "rate");

    /// <summary>A money amount in CNY: not negative, exact to the fen.</summary>
    public decimal? Money(string name, bool required = true, string what = "amount")
    {
        var d = Decimal(name, required, 0m, null, what);
        if (d is not null && decimal.Round(d.Value, 2) != d.Value)
        {
            Error(name, $"{what} must be exact to the fen, at most 2 decimals (got {d.Value.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return d;
    }

    public int? Int(string name, bool required = true, int? min = null, int? max = null)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
        {
            Error(name, $"must be an integer (got {Describe(v)})");
            return null;
        }
        if ((min is not null && i < min) || (max is not null && i > max))
        {
            Error(name, max is null ? $"must be at least {min} (got {i})" : $"must be within [{min}, {max}] (got {i})");
            return null;
        }
        return i;
    }

    public T? Enum<T>(string name, bool required = true) where T : struct, Enum
    {
        if (!TryGet(name, required, out var v)) return null;
        return ParseEnum<T>(_ctx, v, PathOf(name));
    }

    internal static T? ParseEnum<T>(LoadContext ctx, JsonElement v, string path) where T : struct, Enum
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!;
            foreach (var candidate in System.Enum.GetValues<T>())
            {
                if (string.Equals(candidate.ToString(), s, StringComparison.Ordinal)) return candidate;
            }
            ctx.Error(path, $"unknown {typeof(T).Name} value '{s}' (expected one of: {string.Join(", ", System.Enum.GetNames<T>())})");
            return null;
        }
        ctx.Error(path, $"must be a string naming a {typeof(T).Name} (got {Describe(v)})");
        return null;
    }

    /// <summary>An ISO 8601 duration such as "PT72H" or "P7D".</summary>
    public TimeSpan? Duration(string name, bool required = true)
    {
        var s = String(name, required);
        if (s is null) return null;
        try
        {
            var span = XmlConvert.ToTimeSpan(s);
            if (span <= TimeSpan.Zero)
            {
                Error(name, $"duration must be positive (got '{s}')");
                return null;
            }
            return span;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            Error(name, $"must be an ISO 8601 duration such as PT72H or P7D (got '{s}')");
            return null;
        }
    }

    /// <summary>
    /// A China-time date or date-time: "2023-02-28", "2023-02-28T00:00:00" or with an explicit "+08:00".
    /// </summary>
    public DateTimeOffset? ChinaInstant(string name, bool required = true)
    {
        var s = String(name, required);
        if (s is null) return null;
        var styles = DateTimeStyles.None;
        try
        {
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, styles, out var day))
                return Common.ChinaTime.StartOfDay(day);
            if (DateTime.TryParseExact(s, ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, styles, out var local))
                return new DateTimeOffset(local, Common.ChinaTime.Offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            // 0001-01-01 China time is before DateTimeOffset.MinValue in UTC.
            Error(name, $"is out of the representable range (got '{s}')");
            return null;
        }
        if (DateTimeOffset.TryParseExact(s, ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz"], CultureInfo.InvariantCulture, styles, out var withOffset))
        {
            if (withOffset.Offset == Common.ChinaTime.Offset) return withOffset;
            Error(name, $"must be China time (+08:00) (got offset {withOffset.Offset})");
            return null;
        }
        Error(name, $"must be a China-time date (yyyy-MM-dd) or date-time (yyyy-MM-ddTHH:mm:ss) (got '{s}')");
        return null;
    }

    public ObjectReader? Object(string name, bool required = true)
    {
        if (!TryGet(name, required, out var v)) return null;
        return For(_ctx, v, PathOf(name));
    }

    /// <summary>The items of an array member with their paths.</summary>
    public List<(JsonElement Item, string Path)>? Array(string name, bool required = true, bool nonEmpty = true)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"must be an array (got {Describe(v)})");
            return null;
        }
        var items = new List<(JsonElement, string)>();
        int i = 0;
        foreach (var item in v.EnumerateArray()) items.Add((item, $"{PathOf(name)}[{i++}]"));
        if (nonEmpty && items.Count == 0)
        {
            Error(name, "must not be empty");
            return null;
        }
        return items;
    }

    public List<T>? EnumArray<T>(string name, bool required = true, bool nonEmpty = true) where T : struct, Enum
    {
        var items = Array(name, required, nonEmpty);
        if (items is null) return null;
        var result = new List<T>();
        foreach (var (item, path) in items)
        {
            var parsed = ParseEnum<T>(_ctx, item, path);
            if (parsed is null) continue;
            if (result.Contains(parsed.Value)) _ctx.Error(path, $"duplicate value '{parsed.Value}'");
            else result.Add(parsed.Value);
        }
        return result;
    }

    public List<string>? StringArray(string name, bool required = true, bool nonEmpty = true)
    {
        var items = Array(name, required, nonEmpty);
        if (items is null) return null;
        var result = new List<string>();
        foreach (var (item, path) in items)
        {
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString())) result.Add(item.GetString()!);
            else _ctx.Error(path, $"must be a non-empty string (got {Describe(item)})");
        }
        return result;
    }

    /// <summary>Members of this object as (name, value) pairs, marking them all as read.</summary>
    public IEnumerable<JsonProperty> Members()
    {
        foreach (var p in _element.EnumerateObject())
        {
            _seen.Add(p.Name);
            yield return p;
        }
    }

    /// <summary>Reports every member that no reader call asked for.</summary>
    public void End()
    {
        foreach (var p in _element.EnumerateObject())
        {
            if (!_seen.Contains(p.Name)) _ctx.Error(PathOf(p.Name), "unknown field");
        }
    }

    internal static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"string '{v.GetString()}'",
        JsonValueKind.Number => $"number {v.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => v.ValueKind.ToString(),
    };
}
