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

    /// <summary>strtod's hexadecimal form: hex digits with an optional fraction and an optional binary exponent (p).</summary>
    private static bool TryHex(ReadOnlySpan<byte> s, bool neg, out double score)
    {
        score = 0;
        double v = 0;
        var exponent = 0L;
        var digits = 0;
        var fraction = false;
        var nonZero = false;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.' && !fraction)
            {
                fraction = true;
                continue;
            }
            if (!char.IsAsciiHexDigit((char)c)) break;
            var d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            digits++;
            nonZero |= d != 0;
            v = v * 16 + d;
            if (fraction) exponent -= 4;
        }
        if (digits == 0) return false;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != 'p') return false;
            i++;
            var expNeg = i < s.Length && s[i] == '-';
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-') i++;
            if (i == s.Length) return false;
            long e = 0;
            for (; i < s.Length; i++)
            {
                if (!char.IsAsciiDigit((char)s[i])) return false;
                e = Math.Min(e * 10 + (s[i] - '0'), 100_000);
            }
            exponent += expNeg ? -e : e;
        }
        v = Math.ScaleB(v, (int)Math.Clamp(exponent, -100_000, 100_000));
        if (double.IsInfinity(v)) return false; // ERANGE
        if (v == 0 && nonZero) return false; // underflow to zero: ERANGE
        score = neg ? -v : v;
        return true;
    }
}
