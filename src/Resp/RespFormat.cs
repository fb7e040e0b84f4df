using System.Buffers.Text;
using System.Globalization;

namespace QuorumCache.Resp;

/// <summary>Number formatting shared by the writer and the commands.</summary>
public static class RespFormat
{
    /// <summary>
    /// Formats a double the way Redis 7.2+ replies with one (d2string): "inf", "-inf", "nan", integral
    /// values up to 2^62 without a fraction, otherwise the shortest text that reads back to the same
    /// double in fpconv's layout (e.g. "1.1", "0.00001", "1.5e-7", "1e+20").
    /// Returns the number of bytes written.
    /// </summary>
    public static int FormatDouble(double value, Span<byte> dest)
    {
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, dest);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, dest);
        if (double.IsNaN(value)) return Copy("nan"u8, dest);
        // Redis's double2ll: integral values within ±(LLONG_MAX/2) print as integers.
        if (value == Math.Floor(value) && value >= -4611686018427387903.0 && value <= 4611686018427387903.0)
        {
            if (value == 0) return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, dest);
            Utf8Formatter.TryFormat((long)value, dest, out var w);
            return w;
        }
        return FormatShortest(value, dest);
    }

    /// <summary>
    /// The shortest round-trip digits laid out as Redis 7.2's fpconv_dtoa does: plain integer when the
    /// exponent is small, plain decimal down to 1e-6, otherwise d.ddde±X (exponent without padding).
    /// </summary>
    private static int FormatShortest(double value, Span<byte> dest)
    {
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E');
        var exp10 = 0;
        var mant = r;
        if (e >= 0)
        {
            exp10 = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mant = r[..e];
        }
        var dot = mant.IndexOf('.');
        var frac = dot < 0 ? "" : mant[(dot + 1)..];
        var digits = (dot < 0 ? mant : mant[..dot]) + frac;
        var k = exp10 - frac.Length;
        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        k += digits.Length - trimmed.Length;
        digits = trimmed;
        var n = 0;
        if (value < 0) dest[n++] = (byte)'-';
        var nd = digits.Length;
        var exp = Math.Abs(k + nd - 1);
        if (k >= 0 && exp < nd + 7)
        {
            foreach (var c in digits) dest[n++] = (byte)c;
            for (var i = 0; i < k; i++) dest[n++] = (byte)'0';
            return n;
        }
        if (k < 0 && (k > -7 || exp < 4))
        {
            var offset = nd - Math.Abs(k);
            if (offset <= 0)
            {
                dest[n++] = (byte)'0';
                dest[n++] = (byte)'.';
                for (var i = 0; i < -offset; i++) dest[n++] = (byte)'0';
                foreach (var c in digits) dest[n++] = (byte)c;
                return n;
            }
            for (var i = 0; i < nd; i++)
            {
                if (i == offset) dest[n++] = (byte)'.';
                dest[n++] = (byte)digits[i];
            }
            return n;
        }
        dest[n++] = (byte)digits[0];
        if (nd > 1)
        {
            dest[n++] = (byte)'.';
            for (var i = 1; i < nd; i++) dest[n++] = (byte)digits[i];
        }
        dest[n++] = (byte)'e';
        dest[n++] = k + nd - 1 < 0 ? (byte)'-' : (byte)'+';
        Utf8Formatter.TryFormat(exp, dest[n..], out var ew);
        return n + ew;
    }

    public static string FormatDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        var n = FormatDouble(value, tmp);
        return System.Text.Encoding.ASCII.GetString(tmp.Slice(0, n));
    }

    private static int Copy(ReadOnlySpan<byte> src, Span<byte> dest)
    {
        src.CopyTo(dest);
        return src.Length;
    }
}
