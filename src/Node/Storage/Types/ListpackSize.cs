namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// Estimates the bytes one element would take in a Redis listpack, to pick the OBJECT ENCODING a
/// list reports the way Redis 7.2 does under <c>list-max-listpack-size</c> (fill): negative, a list
/// stays "listpack" while its listpack would fit in 4/8/16/32/64 KB (fill -1..-5; below -5 as -5);
/// positive, while it holds at most fill entries (0 counts as 1) and fits in 8 KB (Redis's safety
/// limit). Past that it becomes "quicklist", and goes back to "listpack" when a removal brings it to
/// half the limit (Redis's hysteresis; Redis also needs the quicklist to be one node, which our
/// estimate assumes). Pure functions; the list keeps the running total.
/// </summary>
public static class ListpackSize
{
    /// <summary>Listpack header (total bytes + element count) plus the end marker.</summary>
    public const int Empty = 7;

    /// <summary>list-max-listpack-size -2 (the default): 8 KB per listpack; also the safety limit of count fills.</summary>
    public const int MaxBytes = 8 * 1024;

    /// <summary>Bytes a listpack may hold under a negative fill: -1..-5 = 4/8/16/32/64 KB.</summary>
    public static int LimitBytes(int fill) => 4096 << (int)Math.Min(-(long)fill - 1, 4);

    /// <summary>Whether a list of <paramref name="bytes"/> (estimated) and <paramref name="count"/> entries is past one listpack.</summary>
    public static bool Exceeds(int fill, long bytes, int count) =>
        fill < 0 ? bytes > LimitBytes(fill) : bytes > MaxBytes || count > Math.Max(fill, 1);

    /// <summary>Whether a quicklist may go back to a listpack after a removal: within half the limit.</summary>
    public static bool FitsAfterShrink(int fill, long bytes, int count) =>
        fill < 0 ? bytes <= LimitBytes(fill) / 2 : bytes <= MaxBytes && count <= Math.Max(fill, 1) / 2;

    /// <summary>Bytes of one listpack entry holding <paramref name="value"/>: encoding, data, back-length.</summary>
    public static int Entry(byte[] value)
    {
        var len = value.Length;
        int encoded;
        if (len is > 0 and <= 20 && ArgParse.TryInt64(value, out var n))
        {
            // Listpack stores integer-looking strings as integers of the smallest width.
            encoded = n switch
            {
                >= 0 and <= 127 => 1,
                >= -4096 and <= 4095 => 2,
                >= short.MinValue and <= short.MaxValue => 3,
                >= -8388608 and <= 8388607 => 4,
                >= int.MinValue and <= int.MaxValue => 5,
                _ => 9,
            };
        }
        else if (len < 64) encoded = 1 + len;
        else if (len < 4096) encoded = 2 + len;
        else encoded = 5 + len;
        return encoded + BackLength(encoded);
    }

    private static int BackLength(int encoded) => encoded switch
    {
        < 128 => 1,
        < 16384 => 2,
        < 2097152 => 3,
        < 268435456 => 4,
        _ => 5,
    };
}
