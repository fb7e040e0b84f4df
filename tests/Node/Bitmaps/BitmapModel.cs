namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>
/// The obvious, slow definition of BITCOUNT, BITPOS and BITOP: one bit at a time, Redis's range rules
/// written out plainly. Tests compare the node against it.
/// </summary>
public static class BitmapModel
{
    public static int Bit(byte[] s, long i) => i < (long)s.Length * 8 && (s[i / 8] & (0x80 >> (int)(i % 8))) != 0 ? 1 : 0;

    /// <summary>The inclusive bit range Redis covers for start/end in bytes or bits, or null when empty.</summary>
    public static (long First, long Last)? Range(byte[] s, long start, long end, bool bits)
    {
        long total = bits ? s.Length * 8L : s.Length;
        if (start < 0) start += total;
        if (end < 0) end += total;
        start = Math.Max(start, 0);
        end = Math.Min(Math.Max(end, 0), total - 1);
        if (start > end) return null;
        return bits ? (start, end) : (start * 8, end * 8 + 7);
    }

    public static long Count(byte[] s, long start, long end, bool bits)
    {
        if (start < 0 && end < 0 && start > end) return 0;
        if (Range(s, start, end, bits) is not var (first, last)) return 0;
        long n = 0;
        for (var i = first; i <= last; i++) n += Bit(s, i);
        return n;
    }

    /// <summary>BITPOS on an existing string; <paramref name="end"/> null when not given.</summary>
    public static long Pos(byte[] s, int bit, long start, long? end, bool bits)
    {
        if (Range(s, start, end ?? long.MaxValue, bits) is not var (first, last)) return -1;
        for (var i = first; i <= last; i++)
            if (Bit(s, i) == bit) return i;
        return bit == 0 && end is null ? last + 1 : -1;
    }

    public static byte[] Op(string op, byte[][] sources)
    {
        var len = sources.Max(x => x.Length);
        var result = new byte[len];
        for (var i = 0; i < len; i++)
        {
            int At(byte[] x) => i < x.Length ? x[i] : 0;
            var v = At(sources[0]);
            if (op == "NOT") v = ~v;
            foreach (var x in sources.Skip(1))
                v = op switch { "AND" => v & At(x), "OR" => v | At(x), _ => v ^ At(x) };
            result[i] = (byte)v;
        }
        return result;
    }
}
