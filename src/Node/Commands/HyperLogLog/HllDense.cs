namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>
/// The dense encoding: 16384 six-bit registers packed least significant bit first (register i starts
/// at bit 6*i of the register area), 12288 bytes after the header.
/// </summary>
public static class HllDense
{
    public static int Get(ReadOnlySpan<byte> regs, int index)
    {
        var bit = index * 6;
        int b = bit >> 3, fb = bit & 7;
        var v = regs[b] >> fb;
        if (fb > 2) v |= regs[b + 1] << (8 - fb);
        return v & 63;
    }

    public static void Put(Span<byte> regs, int index, int value)
    {
        var bit = index * 6;
        int b = bit >> 3, fb = bit & 7;
        regs[b] = (byte)((regs[b] & ~(63 << fb)) | (value << fb));
        if (fb > 2) regs[b + 1] = (byte)((regs[b + 1] & ~(63 >> (8 - fb))) | (value >> (8 - fb)));
    }

    /// <summary>Raises register <paramref name="index"/> to <paramref name="value"/>; true when it was lower.</summary>
    public static bool Set(Span<byte> regs, int index, int value)
    {
        if (value <= Get(regs, index)) return false;
        Put(regs, index, value);
        return true;
    }

    /// <summary>Adds an element to a dense HLL string (header included); true when a register changed.</summary>
    public static bool Add(byte[] hll, ReadOnlySpan<byte> element)
    {
        var count = Hll.Hash(element, out var index);
        return Set(hll.AsSpan(Hll.HeaderSize), index, count);
    }

    /// <summary>Counts registers by value (three bytes hold four registers).</summary>
    public static void Histogram(ReadOnlySpan<byte> regs, Span<int> histo)
    {
        for (var i = 0; i + 2 < regs.Length; i += 3)
        {
            int b0 = regs[i], b1 = regs[i + 1], b2 = regs[i + 2];
            histo[b0 & 63]++;
            histo[((b0 >> 6) | (b1 << 2)) & 63]++;
            histo[((b1 >> 4) | (b2 << 4)) & 63]++;
            histo[b2 >> 2]++;
        }
    }

    /// <summary>max[i] = MAX(max[i], register i).</summary>
    public static void MergeInto(ReadOnlySpan<byte> regs, Span<byte> max)
    {
        for (var i = 0; i < Hll.Registers; i++)
        {
            var v = (byte)Get(regs, i);
            if (v > max[i]) max[i] = v;
        }
    }
}
