using System.Globalization;
using System.Numerics;

namespace QuorumCache.Node.Commands;

/// <summary>
/// The x87 80-bit "long double" that Redis uses for INCRBYFLOAT and HINCRBYFLOAT, emulated exactly:
/// a sign, a 64-bit significand and a binary exponent. Parsing rounds the decimal text correctly to
/// 64 significant bits (as strtold does), addition rounds the exact sum half to even, and
/// <see cref="ToHumanString"/> prints like Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with trailing
/// zeros removed. So results match Redis digit for digit (e.g. 5000 + 5.6 = "5005.60000000000000009").
/// </summary>
public readonly struct LongDouble
{
    private const int Bits = 64;
    private const int MaxExponent = 16383; // beyond 2^16384 a long double overflows to infinity

    private readonly BigInteger _mantissa; // magnitude, < 2^64 (0 for zero)
    private readonly int _exponent;        // value = ±mantissa * 2^exponent
    private readonly bool _negative;

    private LongDouble(BigInteger mantissa, int exponent, bool negative)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        _negative = negative && !mantissa.IsZero;
    }

    public bool IsInfinity { get; private init; }

    private static LongDouble Infinity(bool negative) => new(BigInteger.One, 0, negative) { IsInfinity = true };

    /// <summary>Parses like Redis's string2ld: decimal (with exponent) or inf/infinity; no spaces, no NaN.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = default;
        if (text.Length == 0 || text.Length > 5 * 1024) return false;
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++) chars[i] = (char)text[i];
        var s = chars.ToString();
        if (char.IsWhiteSpace(s[0])) return false;
        var negative = s[0] == '-';
        var body = s[0] is '-' or '+' ? s[1..] : s;
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = Infinity(negative);
            return true;
        }
        // digits [. digits] [e [sign] digits]
        var i0 = 0;
        var digits = new System.Text.StringBuilder();
        var fraction = 0;
        var sawDigit = false;
        while (i0 < body.Length && char.IsAsciiDigit(body[i0])) { digits.Append(body[i0++]); sawDigit = true; }
        if (i0 < body.Length && body[i0] == '.')
        {
            i0++;
            while (i0 < body.Length && char.IsAsciiDigit(body[i0])) { digits.Append(body[i0++]); fraction++; sawDigit = true; }
        }
        if (!sawDigit) return false;
        var exp10 = 0L;
        if (i0 < body.Length && body[i0] is 'e' or 'E')
        {
            i0++;
            var expNeg = false;
            if (i0 < body.Length && body[i0] is '+' or '-') expNeg = body[i0++] == '-';
            if (i0 >= body.Length || !char.IsAsciiDigit(body[i0])) return false;
            while (i0 < body.Length && char.IsAsciiDigit(body[i0]))
            {
                exp10 = Math.Min(exp10 * 10 + (body[i0++] - '0'), 100_000);
            }
            if (expNeg) exp10 = -exp10;
        }
        if (i0 != body.Length) return false;
        var n = BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture);
        exp10 -= fraction;
        if (n.IsZero)
        {
            value = new LongDouble(BigInteger.Zero, 0, negative);
            return true;
        }
        if (exp10 > 6000) { value = Infinity(negative); return true; } // far beyond the range: ERANGE
        if (exp10 < -6000) return false; // underflow: strtold reports ERANGE with 0 and Redis rejects it
        BigInteger num = n, den = BigInteger.One;
        if (exp10 >= 0) num *= BigInteger.Pow(10, (int)exp10);
        else den = BigInteger.Pow(10, (int)-exp10);
        value = FromRational(num, den, negative);
        return true;
    }

    /// <summary>Rounds num/den (positive) to 64 significant bits, half to even.</summary>
    private static LongDouble FromRational(BigInteger num, BigInteger den, bool negative)
    {
        // Choose e so that num / den / 2^e lies in [2^63, 2^64).
        var e = (int)(num.GetBitLength() - den.GetBitLength()) - Bits;
        while (true)
        {
            BigInteger q, r, d;
            if (e >= 0)
            {
                d = den << e;
                q = BigInteger.DivRem(num, d, out r);
            }
            else
            {
                d = den;
                q = BigInteger.DivRem(num << -e, d, out r);
            }
            if (q.GetBitLength() > Bits) { e++; continue; }
            if (q.GetBitLength() < Bits) { e--; continue; }
            var twice = r * 2;
            if (twice > d || (twice == d && !q.IsEven)) q += 1;
            if (q.GetBitLength() > Bits) { q >>= 1; e++; }
            return Normalize(q, e, negative);
        }
    }

    private static LongDouble Normalize(BigInteger m, int e, bool negative)
    {
        if (m.IsZero) return new LongDouble(BigInteger.Zero, 0, negative);
        if (e + (long)m.GetBitLength() > MaxExponent + 1) return Infinity(negative);
        return new LongDouble(m, e, negative);
    }

    public static LongDouble operator +(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
            return Infinity(a.IsInfinity ? a._negative : b._negative); // inf - inf is NaN: also refused by the callers
        if (a._mantissa.IsZero) return b;
        if (b._mantissa.IsZero) return a;
        var e = Math.Min(a._exponent, b._exponent);
        var sa = (a._mantissa << (a._exponent - e)) * (a._negative ? -1 : 1);
        var sb = (b._mantissa << (b._exponent - e)) * (b._negative ? -1 : 1);
        var sum = sa + sb;
        var negative = sum.Sign < 0;
        var mag = BigInteger.Abs(sum);
        if (mag.IsZero) return new LongDouble(BigInteger.Zero, 0, false);
        var extra = (int)mag.GetBitLength() - Bits;
        if (extra <= 0) return Normalize(mag, e, negative);
        var q = mag >> extra;
        var r = mag - (q << extra);
        var half = BigInteger.One << (extra - 1);
        if (r > half || (r == half && !q.IsEven)) q += 1;
        if (q.GetBitLength() > Bits) { q >>= 1; extra++; }
        return Normalize(q, e + extra, negative);
    }

    /// <summary>"%.17Lf" with trailing zeros (and a trailing '.') removed, "-0" printed as "0".</summary>
    public string ToHumanString()
    {
        if (IsInfinity) return _negative ? "-inf" : "inf";
        var scale = BigInteger.Pow(10, 17);
        BigInteger scaled;
        if (_exponent >= 0) scaled = (_mantissa << _exponent) * scale;
        else
        {
            var den = BigInteger.One << -_exponent;
            scaled = BigInteger.DivRem(_mantissa * scale, den, out var r);
            var twice = r * 2;
            if (twice > den || (twice == den && !scaled.IsEven)) scaled += 1;
        }
        var whole = BigInteger.DivRem(scaled, scale, out var frac);
        var text = whole.ToString(CultureInfo.InvariantCulture) + "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(17, '0');
        text = text.TrimEnd('0').TrimEnd('.');
        if (_negative && text != "0") text = "-" + text;
        return text;
    }
}
