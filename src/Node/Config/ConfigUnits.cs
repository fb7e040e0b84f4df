using System.Globalization;

namespace QuorumCache.Node.Config;

/// <summary>
/// Parsers for durations and sizes written in configuration.
/// <para><b>Durations</b>: a non-negative number (decimals allowed) and an optional unit, with or without a
/// space between: <c>ns</c>/<c>nanos</c>/<c>nanosecond(s)</c>, <c>us</c>/<c>micros</c>/<c>microsecond(s)</c>,
/// <c>ms</c>/<c>millis</c>/<c>millisecond(s)</c>, <c>s</c>/<c>sec(s)</c>/<c>second(s)</c>,
/// <c>m</c>/<c>min(s)</c>/<c>minute(s)</c>, <c>h</c>/<c>hour(s)</c>, <c>d</c>/<c>day(s)</c>.
/// Units are case-insensitive. <b>A plain number is milliseconds</b> (as in HOCON). Results are
/// rounded down to whole ticks (100 ns).</para>
/// <para><b>Sizes</b>: a non-negative integer and an optional unit, case-insensitive, following Redis's
/// redis.conf rules rather than HOCON's: <c>k</c> = 1000, <c>kb</c> = 1024, <c>m</c> = 1000², <c>mb</c> = 1024²,
/// <c>g</c> = 1000³, <c>gb</c> = 1024³, <c>t</c> = 1000⁴, <c>tb</c> = 1024⁴; also <c>kib</c>/<c>mib</c>/<c>gib</c>/<c>tib</c>
/// (powers of 1024) and <c>b</c>/<c>byte(s)</c>. A plain number is bytes. So <c>64MB</c>, <c>64mb</c> and
/// <c>64MiB</c> are all 67108864, while <c>64m</c> is 64000000.</para>
/// </summary>
public static class ConfigUnits
{
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (!Split(text, out var number, out var unit))
        {
            return false;
        }
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n))
        {
            return false;
        }
        decimal ticksPerUnit;
        switch (unit.ToLowerInvariant())
        {
            case "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds": ticksPerUnit = 0.01m; break;
            case "us" or "micro" or "micros" or "microsecond" or "microseconds": ticksPerUnit = 10m; break;
            case "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds": ticksPerUnit = TimeSpan.TicksPerMillisecond; break;
            case "s" or "sec" or "secs" or "second" or "seconds": ticksPerUnit = TimeSpan.TicksPerSecond; break;
            case "m" or "min" or "mins" or "minute" or "minutes": ticksPerUnit = TimeSpan.TicksPerMinute; break;
            case "h" or "hour" or "hours": ticksPerUnit = TimeSpan.TicksPerHour; break;
            case "d" or "day" or "days": ticksPerUnit = TimeSpan.TicksPerDay; break;
            default: return false;
        }
        try
        {
            decimal ticks = decimal.Floor(n * ticksPerUnit);
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static bool TryParseSize(string? text, out long bytes)
    {
        bytes = 0;
        if (!Split(text, out var number, out var unit))
        {
            return false;
        }
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return false;
        }
        long multiplier;
        switch (unit.ToLowerInvariant())
        {
            case "" or "b" or "byte" or "bytes": multiplier = 1; break;
            case "k": multiplier = 1000; break;
            case "kb" or "kib": multiplier = 1L << 10; break;
            case "m": multiplier = 1000_000; break;
            case "mb" or "mib": multiplier = 1L << 20; break;
            case "g": multiplier = 1000_000_000; break;
            case "gb" or "gib": multiplier = 1L << 30; break;
            case "t": multiplier = 1000_000_000_000; break;
            case "tb" or "tib": multiplier = 1L << 40; break;
            default: return false;
        }
        try
        {
            bytes = checked(n * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Parses a duration or throws <see cref="FormatException"/> with a readable reason.</summary>
    public static TimeSpan ParseDuration(string? text) =>
        TryParseDuration(text, out var v) ? v : throw new FormatException($"'{text}' is not a duration (e.g. 500ms, 2s, 1m, 10 seconds; a plain number is milliseconds)");

    /// <summary>Parses a size or throws <see cref="FormatException"/> with a readable reason.</summary>
    public static long ParseSize(string? text) =>
        TryParseSize(text, out var v) ? v : throw new FormatException($"'{text}' is not a size (e.g. 1048576, 100k, 64mb, 1GiB)");

    /// <summary>Splits "10 seconds" / "64mb" into the number and the unit (possibly empty).</summary>
    private static bool Split(string? text, out string number, out string unit)
    {
        number = unit = "";
        if (text is null)
        {
            return false;
        }
        string t = text.Trim();
        int i = 0;
        while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.'))
        {
            i++;
        }
        if (i == 0)
        {
            return false;
        }
        number = t[..i];
        unit = t[i..].TrimStart();
        foreach (char c in unit)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }
        return true;
    }
}
