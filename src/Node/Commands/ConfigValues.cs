namespace QuorumCache.Node.Commands;

/// <summary>
/// Parses CONFIG SET arguments the way Redis 7.0 does, with its error texts: integer settings take
/// strict decimal integers (no sign '+', no leading zeros, no spaces; otherwise "argument couldn't be
/// parsed into an integer"), memory settings take digits and an optional unit b/k/kb/m/mb/g/gb
/// (case-insensitive; "" and "kb" mean 0; otherwise "argument must be a memory value"); both then
/// check the range ("argument must be between MIN and MAX inclusive").
/// </summary>
public static class ConfigValues
{
    public const string NotAnInteger = "argument couldn't be parsed into an integer";
    public const string NotAMemoryValue = "argument must be a memory value";

    public static string OutOfRange(long min, long max) => $"argument must be between {min} and {max} inclusive";

    /// <summary>An integer setting within [min, max]; returns the error text or null.</summary>
    public static string? Integer(string v, long min, long max, out long value)
    {
        if (!TryStrictInt64(v, out value)) return NotAnInteger;
        return value < min || value > max ? OutOfRange(min, max) : null;
    }

    /// <summary>Redis's string2ll: "0", or an optional '-' then digits without a leading zero, in range.</summary>
    public static bool TryStrictInt64(string v, out long value)
    {
        value = 0;
        if (v == "0") return true;
        var neg = v.Length > 0 && v[0] == '-';
        var i = neg ? 1 : 0;
        if (i >= v.Length || v[i] is < '1' or > '9') return false;
        ulong n = 0;
        for (; i < v.Length; i++)
        {
            if (v[i] is < '0' or > '9') return false;
            var d = (ulong)(v[i] - '0');
            if (n > (ulong.MaxValue - d) / 10) return false;
            n = n * 10 + d;
        }
        if (neg)
        {
            if (n > (ulong)long.MaxValue + 1) return false;
            value = unchecked((long)(0 - n));
        }
        else
        {
            if (n > long.MaxValue) return false;
            value = (long)n;
        }
        return true;
    }

    /// <summary>A memory setting (bytes) within [0, max]; returns the error text or null.</summary>
    public static string? Memory(string v, long max, out long value)
    {
        value = 0;
        var digits = 0;
        while (digits < v.Length && v[digits] is >= '0' and <= '9') digits++;
        ulong mul;
        switch (v[digits..].ToLowerInvariant())
        {
            case "": case "b": mul = 1; break;
            case "k": mul = 1000; break;
            case "kb": mul = 1024; break;
            case "m": mul = 1000 * 1000; break;
            case "mb": mul = 1024 * 1024; break;
            case "g": mul = 1000UL * 1000 * 1000; break;
            case "gb": mul = 1024UL * 1024 * 1024; break;
            default: return NotAMemoryValue;
        }
        ulong n = 0;
        for (var i = 0; i < digits; i++)
        {
            var d = (ulong)(v[i] - '0');
            if (n > (ulong.MaxValue - d) / 10) { n = ulong.MaxValue; break; } // saturates, as strtoull does
            n = n * 10 + d;
        }
        var total = unchecked(n * mul); // wraps, as Redis's unsigned multiplication does
        if (total > (ulong)max) return OutOfRange(0, max);
        value = (long)total;
        return null;
    }
}
