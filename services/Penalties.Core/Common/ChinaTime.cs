namespace Penalties.Core.Common;

/// <summary>
/// Day boundaries in China Standard Time (Asia/Shanghai): UTC+8, no daylight saving time.
/// Every instant in the core is a <see cref="DateTimeOffset"/>; only "which day" questions use this.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The China calendar day an instant falls on.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The instant 00:00:00 China time starts the given day.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The China calendar year of an instant: [1 Jan 00:00, next 1 Jan 00:00) China time.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) YearOf(DateTimeOffset instant)
    {
        int year = instant.ToOffset(Offset).Year;
        return (new DateTimeOffset(year, 1, 1, 0, 0, 0, Offset), new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, Offset));
    }

    /// <summary>
    /// Formats an instant in China time for explanations, e.g. "2024-03-01 10:00:00.000 +08:00"; with the digits past
    /// the millisecond only when they are not zero, so that two instants a tick apart never read the same.
    /// </summary>
    public static string Format(DateTimeOffset instant)
    {
        var local = instant.ToOffset(Offset).DateTime;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        // A custom "F" specifier counts from the first fractional digit, so the digits past the millisecond are written by hand.
        long belowMillisecond = local.Ticks % TimeSpan.TicksPerMillisecond;
        return belowMillisecond == 0
            ? local.ToString("yyyy-MM-dd HH:mm:ss.fff '+08:00'", culture)
            : local.ToString("yyyy-MM-dd HH:mm:ss.fff", culture) + belowMillisecond.ToString("D4", culture).TrimEnd('0') + " +08:00";
    }
}
