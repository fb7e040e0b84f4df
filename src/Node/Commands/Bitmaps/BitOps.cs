using System.Numerics;
using System.Runtime.InteropServices;

namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>
/// Pure bit arithmetic over strings, most significant bit of byte 0 first (Redis's bit order).
/// Ranges are inclusive bit ranges already clipped to the string.
/// </summary>
public static class BitOps
{
    /// <summary>Resolves a BITCOUNT/BITPOS range the way Redis does: negative indexes count from the end, then clipped.</summary>
    /// <returns>False when the range is empty; otherwise the inclusive bit range.</returns>
    public static bool TryResolveRange(long length, long start, long end, bool bitUnits, out long firstBit, out long lastBit)
    {
        firstBit = lastBit = 0;
        var total = bitUnits ? length * 8 : length;
        if (start < 0) start = Math.Max(0, total + start);
        if (end < 0) end = Math.Max(0, total + end);
        if (end >= total) end = total - 1;
        if (start > end) return false;
        firstBit = bitUnits ? start : start * 8;
        lastBit = bitUnits ? end : end * 8 + 7;
        return true;
    }

    /// <summary>Number of set bits in [firstBit, lastBit] (both within the string).</summary>
    public static long Count(ReadOnlySpan<byte> s, long firstBit, long lastBit)
    {
        var first = (int)(firstBit >> 3);
        var last = (int)(lastBit >> 3);
        var count = PopCount(s.Slice(first, last - first + 1));
        // Take away the bits of the edge bytes that lie outside the range.
        var headBits = (int)(firstBit & 7);
        if (headBits > 0) count -= BitOperations.PopCount((uint)(s[first] >> (8 - headBits)));
        var tailBits = 7 - (int)(lastBit & 7);
        if (tailBits > 0) count -= BitOperations.PopCount((uint)(s[last] & ((1 << tailBits) - 1)));
        return count;
    }

    public static long PopCount(ReadOnlySpan<byte> s)
    {
        long count = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(s);
        foreach (var w in words) count += BitOperations.PopCount(w);
        for (var i = words.Length * 8; i < s.Length; i++) count += BitOperations.PopCount(s[i]);
        return count;
    }

    /// <summary>Position of the first bit equal to <paramref name="bit"/> in [firstBit, lastBit], or -1.</summary>
    public static long Find(ReadOnlySpan<byte> s, int bit, long firstBit, long lastBit)
    {
        var first = (int)(firstBit >> 3);
        var last = (int)(lastBit >> 3);
        // Edge bytes: only the bits inside the range count.
        var headMask = (byte)(0xFF >> (int)(firstBit & 7));
        var tailMask = (byte)(0xFF << (7 - (int)(lastBit & 7)));
        if (first == last) return InByte(s, first, bit, (byte)(headMask & tailMask));
        var found = InByte(s, first, bit, headMask);
        if (found >= 0) return found;
        // The inner bytes in one vectorized scan: a byte holds the bit unless it is all the other value.
        var at = s.Slice(first + 1, last - first - 1).IndexOfAnyExcept(bit == 1 ? (byte)0 : (byte)0xFF);
        if (at >= 0) return InByte(s, first + 1 + at, bit, 0xFF);
        return InByte(s, last, bit, tailMask);
    }

    private static long InByte(ReadOnlySpan<byte> s, int index, int bit, byte mask)
    {
        var b = bit == 1 ? s[index] : (byte)~s[index];
        var hits = (uint)(b & mask);
        return hits == 0 ? -1 : (long)index * 8 + BitOperations.LeadingZeroCount(hits) - 24;
    }

    /// <summary>BITOP's operations (in memory only).</summary>
    public enum Op { And, Or, Xor, Not }

    /// <summary>
    /// Starts a BITOP result (as long as the longest source) from its first source, zero-padded;
    /// for NOT this is the whole operation.
    /// </summary>
    public static void Start(Op op, ReadOnlySpan<byte> first, Span<byte> result)
    {
        first.CopyTo(result);
        result[first.Length..].Clear();
        if (op == Op.Not) Invert(result);
    }

    /// <summary>Folds one more source into the result; a source shorter than the result reads as zero-padded.</summary>
    public static void Fold(Op op, ReadOnlySpan<byte> src, Span<byte> result)
    {
        Apply(result[..src.Length], src, op);
        if (op == Op.And) result[src.Length..].Clear();
    }

    private static void Invert(Span<byte> r)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(r);
        for (var i = 0; i < words.Length; i++) words[i] = ~words[i];
        for (var i = words.Length * 8; i < r.Length; i++) r[i] = (byte)~r[i];
    }

    private static void Apply(Span<byte> r, ReadOnlySpan<byte> src, Op op)
    {
        var rw = MemoryMarshal.Cast<byte, ulong>(r);
        var sw = MemoryMarshal.Cast<byte, ulong>(src);
        for (var i = 0; i < rw.Length; i++)
        {
            rw[i] = op switch
            {
                Op.And => rw[i] & sw[i],
                Op.Or => rw[i] | sw[i],
                _ => rw[i] ^ sw[i],
            };
        }
        for (var i = rw.Length * 8; i < r.Length; i++)
        {
            r[i] = op switch
            {
                Op.And => (byte)(r[i] & src[i]),
                Op.Or => (byte)(r[i] | src[i]),
                _ => (byte)(r[i] ^ src[i]),
            };
        }
    }
}
