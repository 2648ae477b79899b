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

    /// <summary>
    /// UTC ticks of 00:00 China time, <paramref name="days"/> days after the start of the China day
    /// <paramref name="instant"/> falls on (days = 1: the start of the next China day). Pure arithmetic: UTC+8 has no DST.
    /// </summary>
    public static long DayStartUtcTicks(DateTimeOffset instant, int days)
    {
        long local = instant.UtcTicks + Offset.Ticks;
        long dayStart = local - local % TimeSpan.TicksPerDay;
        return dayStart + days * TimeSpan.TicksPerDay - Offset.Ticks;
    }

    /// <summary>The first instant of the next China day after the day <paramref name="instant"/> falls on.</summary>
    public static DateTimeOffset StartOfNextDay(DateTimeOffset instant) => StartOfDay(DayOf(instant).AddDays(1));

    /// <summary>The China calendar year of an instant: [1 Jan 00:00, next 1 Jan 00:00) China time.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) YearOf(DateTimeOffset instant)
    {
        int year = instant.ToOffset(Offset).Year;
        return (new DateTimeOffset(year, 1, 1, 0, 0, 0, Offset), new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, Offset));
    }

    /// <summary>Formats an instant in China time for explanations, e.g. "2024-03-01 10:00:00.000 +08:00".</summary>
    public static string Format(DateTimeOffset instant) =>
        string.Create(30, instant.UtcTicks + Offset.Ticks, static (span, localTicks) =>
        {
            // Hand-formatted: explanations render many instants, and a custom format string is re-parsed each time.
            var t = new DateTime(localTicks, DateTimeKind.Unspecified);
            Digits(span[0..4], t.Year);
            span[4] = '-';
            Digits(span[5..7], t.Month);
            span[7] = '-';
            Digits(span[8..10], t.Day);
            span[10] = ' ';
            Digits(span[11..13], t.Hour);
            span[13] = ':';
            Digits(span[14..16], t.Minute);
            span[16] = ':';
            Digits(span[17..19], t.Second);
            span[19] = '.';
            Digits(span[20..23], t.Millisecond);
            " +08:00".AsSpan().CopyTo(span[23..]);
        });

    private static void Digits(Span<char> target, int value)
    {
        for (int i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }
}
