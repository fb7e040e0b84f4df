using System.Globalization;

namespace QuorumCache.Node.Config;

/// <summary>
/// One setting's raw value and where it came from, with typed conversions. A conversion that fails
/// throws a <see cref="ConfigException"/> citing the origin, e.g.
/// <c>node.conf:3: invalid value 'abc' for 'quorumcache.node.port': expected an integer from 1 to 65535</c>.
/// </summary>
public sealed class ConfigValue
{
    public ConfigValue(string key, string? raw, ConfigOrigin origin)
    {
        Key = ConfigKeys.ToDotted(key);
        Raw = raw;
        Origin = origin;
    }

    /// <summary>Dotted path, e.g. <c>quorumcache.node.port</c>.</summary>
    public string Key { get; }

    /// <summary>The text as written; null for HOCON <c>null</c>.</summary>
    public string? Raw { get; }

    public ConfigOrigin Origin { get; }

    public override string ToString() => $"{Key} = {Raw ?? "null"} ({Origin})";

    private ConfigException Invalid(string expected) =>
        ConfigException.AtOrigin(Origin, $"invalid value '{Raw ?? "null"}' for '{Key}': expected {expected}", Key);

    /// <summary>The text; null (HOCON <c>null</c>) is an error.</summary>
    public string AsString() => Raw ?? throw Invalid("a string, not null");

    /// <summary>The text, or null for HOCON <c>null</c>.</summary>
    public string? AsStringOrNull() => Raw;

    public int AsInt(int min = int.MinValue, int max = int.MaxValue) => (int)ParseInteger(min, max, int.MinValue, int.MaxValue);

    public long AsLong(long min = long.MinValue, long max = long.MaxValue) => ParseInteger(min, max, long.MinValue, long.MaxValue);

    private long ParseInteger(long min, long max, long typeMin, long typeMax)
    {
        if (long.TryParse(Raw?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max)
        {
            return v;
        }
        string expected = (min == typeMin, max == typeMax) switch
        {
            (true, true) => "an integer",
            (false, true) => $"an integer >= {min}",
            (true, false) => $"an integer <= {max}",
            _ => $"an integer from {min} to {max}",
        };
        throw Invalid(expected);
    }

    public double AsDouble()
    {
        if (!double.TryParse(Raw?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
        {
            throw Invalid("a number");
        }
        return v;
    }

    /// <summary>true/false, on/off, yes/no (case-insensitive).</summary>
    public bool AsBool() => Raw?.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "yes" => true,
        "false" or "off" or "no" => false,
        _ => throw Invalid("a boolean (true/false, on/off, yes/no)"),
    };

    /// <summary>See <see cref="ConfigUnits"/>: <c>500ms</c>, <c>2s</c>, <c>10 seconds</c>; a plain number is milliseconds.</summary>
    public TimeSpan AsDuration() =>
        ConfigUnits.TryParseDuration(Raw, out var v) ? v : throw Invalid("a duration (e.g. 500ms, 2s, 1m, 10 seconds)");

    /// <summary>See <see cref="ConfigUnits"/>: <c>100k</c> = 100000, <c>64mb</c> = 64 MiB; a plain number is bytes.</summary>
    public long AsSize() =>
        ConfigUnits.TryParseSize(Raw, out var v) ? v : throw Invalid("a size (e.g. 1048576, 100k, 64mb, 1GiB)");

    /// <summary>One of <paramref name="allowed"/>, case-insensitive; returns the allowed spelling.</summary>
    public string AsChoice(params string[] allowed)
    {
        string? t = Raw?.Trim();
        foreach (var a in allowed)
        {
            if (string.Equals(a, t, StringComparison.OrdinalIgnoreCase))
            {
                return a;
            }
        }
        throw Invalid("one of " + string.Join(", ", allowed));
    }

    /// <summary>
    /// An enum member by name, case-insensitive, ignoring '-' and '_' (<c>every-sec</c> matches <c>EverySec</c>).
    /// Numbers are rejected.
    /// </summary>
    public TEnum AsEnum<TEnum>() where TEnum : struct, Enum
    {
        string wanted = Normalize(Raw);
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (wanted.Length > 0 && string.Equals(Normalize(name), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<TEnum>(name);
            }
        }
        throw Invalid("one of " + string.Join(", ", Enum.GetNames<TEnum>()).ToLowerInvariant());
    }

    private static string Normalize(string? s) => (s ?? "").Trim().Replace("-", "").Replace("_", "");
}
