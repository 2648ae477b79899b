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
    public static string Format(DateTimeOffset instant)
    {
        Span<byte> text = stackalloc byte[FormattedLength];
        Write(instant, text);
        return System.Text.Encoding.ASCII.GetString(text);
    }

    /// <summary>The length of <see cref="Format"/>'s text.</summary>
    public const int FormattedLength = 30;

    /// <summary>
    /// Writes <see cref="Format"/>'s text as ASCII (UTF-8) bytes into the first <see cref="FormattedLength"/> bytes of
    /// <paramref name="text"/>. Hand-formatted: explanations render many instants, and a custom format string is re-parsed each time.
    /// </summary>
    public static void Write(DateTimeOffset instant, Span<byte> text)
    {
        long local = instant.UtcTicks + Offset.Ticks;
        // The date in one computation (DateTime's Year, Month and Day each compute it again); the time of day in integers.
        var (year, month, day) = DateOnly.FromDayNumber((int)(local / TimeSpan.TicksPerDay));
        int milliseconds = (int)(local % TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond);
        int seconds = milliseconds / 1000;
        text = text[..FormattedLength];
        Pair(text, 0, year / 100);
        Pair(text, 2, year % 100);
        text[4] = (byte)'-';
        Pair(text, 5, month);
        text[7] = (byte)'-';
        Pair(text, 8, day);
        text[10] = (byte)' ';
        Pair(text, 11, seconds / 3600);
        text[13] = (byte)':';
        Pair(text, 14, seconds / 60 % 60);
        text[16] = (byte)':';
        Pair(text, 17, seconds % 60);
        text[19] = (byte)'.';
        text[20] = (byte)('0' + milliseconds % 1000 / 100);
        Pair(text, 21, milliseconds % 100);
        " +08:00"u8.CopyTo(text[23..]);
    }

    /// <summary>Two decimal digits of <paramref name="value"/> (0–99) at <paramref name="at"/>.</summary>
    private static void Pair(Span<byte> text, int at, int value)
    {
        text[at] = (byte)('0' + value / 10);
        text[at + 1] = (byte)('0' + value % 10);
    }
}

/// <summary>An instant as <see cref="ChinaTime.Format"/> writes it: a hole of an explanation's UTF-8 template.</summary>
public readonly record struct ChinaInstant(DateTimeOffset Instant) : IUtf8SpanFormattable
{
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        bytesWritten = 0;
        if (utf8Destination.Length < ChinaTime.FormattedLength) return false;
        ChinaTime.Write(Instant, utf8Destination);
        bytesWritten = ChinaTime.FormattedLength;
        return true;
    }

    public override string ToString() => ChinaTime.Format(Instant);
}
