using System.Globalization;

namespace QuorumCache.Node.Commands.Sorting;

/// <summary>
/// A numeric SORT weight as Redis reads it: strtod over the value as a C string (it ends at a NUL byte),
/// which must consume everything after the leading white space; out-of-range values (ERANGE) and NaN
/// are errors. An empty value is 0, as strtod leaves it.
/// </summary>
internal static class SortScore
{
    public static bool TryParse(ReadOnlySpan<byte> value, out double score)
    {
        score = 0;
        var nul = value.IndexOf((byte)0);
        var s = nul < 0 ? value : value[..nul];
        var i = 0;
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') i++;
        s = s[i..];
        if (s.IsEmpty) return true; // strtod converts nothing; the end pointer is at the NUL
        var neg = s[0] == '-';
        var body = s[0] is (byte)'-' or (byte)'+' ? s[1..] : s;
        if (IsWord(body, "inf"u8) || IsWord(body, "infinity"u8))
        {
            score = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (body.Length > 1 && body[0] == '0' && (body[1] | 0x20) == 'x') return TryHex(body[2..], neg, out score);
        if (!IsDecimal(body)) return false;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out score)) return false;
        if (double.IsInfinity(score)) return false; // overflow: ERANGE
        if (Math.Abs(score) < double.Epsilon * 4503599627370496.0 /* smallest normal */)
        {
            // Underflow to a subnormal or to zero from nonzero digits: ERANGE.
            if (score != 0) return false;
            foreach (var c in body)
            {
                if ((c | 0x20) == 'e') break;
                if (c is >= (byte)'1' and <= (byte)'9') return false;
            }
        }
        return true;
    }

    private static bool IsWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word) => System.Text.Ascii.EqualsIgnoreCase(s, word);

    /// <summary>digits [. digits] [e [sign] digits], at least one mantissa digit.</summary>
    private static bool IsDecimal(ReadOnlySpan<byte> s)
    {
        var i = 0;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit((char)s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit((char)s[i])) { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i == s.Length) return true;
        if ((s[i] | 0x20) != 'e') return false;
        i++;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-') i++;
        var exp = i;
        while (i < s.Length && char.IsAsciiDigit((char)s[i])) i++;
        return i > exp && i == s.Length;
    }

    /// <summary>A hexadecimal mantissa (strtod's "0x" form) with an optional fraction and no exponent.</summary>
    private static bool TryHex(ReadOnlySpan<byte> s, bool neg, out double score)
    {
        score = 0;
        double v = 0, scale = 1;
        var digits = 0;
        var fraction = false;
        foreach (var c in s)
        {
            if (c == '.' && !fraction)
            {
                fraction = true;
                continue;
            }
            var d = char.IsAsciiHexDigit((char)c) ? Convert.ToInt32(((char)c).ToString(), 16) : -1;
            if (d < 0) return false;
            digits++;
            if (fraction)
            {
                scale /= 16;
                v += d * scale;
            }
            else v = v * 16 + d;
        }
        if (digits == 0 || double.IsInfinity(v)) return false;
        score = neg ? -v : v;
        return true;
    }
}
