namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// Estimates the bytes one element would take in a Redis listpack, to pick the OBJECT ENCODING a
/// list reports the way Redis 7.2 does with its default <c>list-max-listpack-size -2</c>: a list
/// stays "listpack" while its listpack would fit in 8 KB, becomes "quicklist" beyond that, and goes
/// back to "listpack" when a removal brings it to 4 KB or less (half the limit, Redis's hysteresis).
/// Pure functions; the list keeps the running total.
/// </summary>
public static class ListpackSize
{
    /// <summary>Listpack header (total bytes + element count) plus the end marker.</summary>
    public const int Empty = 7;

    /// <summary>list-max-listpack-size -2: 8 KB per listpack.</summary>
    public const int MaxBytes = 8 * 1024;

    /// <summary>A quicklist converts back to a listpack at or below this size after a removal.</summary>
    public const int ShrinkBytes = MaxBytes / 2;

    /// <summary>Bytes of one listpack entry holding <paramref name="value"/>: encoding, data, back-length.</summary>
    public static int Entry(byte[] value)
    {
        var len = value.Length;
        int encoded;
        if (len is > 0 and <= 20 && Commands.ArgParse.TryInt64(value, out var n))
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
