using System.Buffers.Text;
using System.Globalization;

namespace QuorumCache.Resp;

/// <summary>Number formatting shared by the writer and the commands.</summary>
public static class RespFormat
{
    /// <summary>
    /// Formats a double the way Redis 7.2+ replies with one: "inf", "-inf", "nan", integral values
    /// without a fraction, otherwise the shortest text that reads back to the same double.
    /// Returns the number of bytes written.
    /// </summary>
    public static int FormatDouble(double value, Span<byte> dest)
    {
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, dest);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, dest);
        if (double.IsNaN(value)) return Copy("nan"u8, dest);
        if (value == Math.Floor(value) && Math.Abs(value) < 1e17)
        {
            if (value == 0) return Copy(double.IsNegative(value) ? "-0"u8 : "0"u8, dest);
            Utf8Formatter.TryFormat((long)value, dest, out var w);
            return w;
        }
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        var n = 0;
        foreach (var c in s)
        {
            if (c == 'E') dest[n++] = (byte)'e';
            else dest[n++] = (byte)c;
        }
        return n;
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
