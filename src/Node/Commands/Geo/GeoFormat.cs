using System.Globalization;
using QuorumCache.Resp;

namespace QuorumCache.Node.Commands.Geo;

/// <summary>Numbers in geo replies, formatted as Redis formats them.</summary>
internal static class GeoFormat
{
    /// <summary>A distance: C's "%.4f" (a bulk string in RESP2 and RESP3 alike).</summary>
    public static void WriteDistance(RespWriter w, double meters)
    {
        Span<byte> buf = stackalloc byte[352];
        if (!meters.TryFormat(buf, out var n, "F4", CultureInfo.InvariantCulture)) n = 0;
        w.WriteBulk(buf[..n]);
    }

    /// <summary>
    /// A coordinate as Redis's "human" long double form: "%.17Lf" of the exact value with trailing zeros
    /// (and a trailing dot) removed, "-0" shown as "0". A RESP3 double, a RESP2 bulk string.
    /// </summary>
    public static void WriteCoordinate(RespWriter w, double degrees)
    {
        Span<byte> buf = stackalloc byte[64];
        if (!degrees.TryFormat(buf, out var n, "F17", CultureInfo.InvariantCulture)) n = 0;
        if (buf[..n].IndexOf((byte)'.') >= 0)
        {
            while (n > 0 && buf[n - 1] == '0') n--;
            if (n > 0 && buf[n - 1] == '.') n--;
        }
        if (n == 2 && buf[0] == '-' && buf[1] == '0')
        {
            buf[0] = (byte)'0';
            n = 1;
        }
        if (!w.IsResp3)
        {
            w.WriteBulk(buf[..n]);
            return;
        }
        w.WriteRaw(","u8);
        w.WriteRaw(buf[..n]);
        w.WriteRaw("\r\n"u8);
    }

    /// <summary>C's "%f" (for the invalid-pair error).</summary>
    public static string Fixed6(double v) =>
        double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("F6", CultureInfo.InvariantCulture);
}
