namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>BITFIELD's OVERFLOW modes (in memory only).</summary>
public enum Overflow { Wrap, Sat, Fail }

/// <summary>
/// Reading and writing integer fields of 1..64 bits at any bit offset (most significant bit first),
/// and BITFIELD's overflow arithmetic, exact in 128 bits.
/// </summary>
public static class BitField
{
    /// <summary>The field's bits as an unsigned number; bytes past the end of the string read as zero.</summary>
    public static ulong Read(ReadOnlySpan<byte> s, long offset, int bits)
    {
        var first = offset >> 3;
        var width = (int)(((offset + bits - 1) >> 3) - first + 1); // at most 9 bytes
        UInt128 window = 0;
        for (var i = 0; i < width; i++)
        {
            var at = first + i;
            window = (window << 8) | (at < s.Length ? s[(int)at] : (byte)0);
        }
        var shift = width * 8 - (int)(offset & 7) - bits;
        return (ulong)((window >> shift) & Mask(bits));
    }

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/>; the string must hold the field.</summary>
    public static void Write(Span<byte> s, long offset, int bits, ulong value)
    {
        var first = (int)(offset >> 3);
        var width = (int)(((offset + bits - 1) >> 3) - first + 1);
        UInt128 window = 0;
        for (var i = 0; i < width; i++) window = (window << 8) | s[first + i];
        var shift = width * 8 - (int)(offset & 7) - bits;
        var mask = (UInt128)Mask(bits) << shift;
        window = (window & ~mask) | (((UInt128)value << shift) & mask);
        for (var i = width - 1; i >= 0; i--)
        {
            s[first + i] = (byte)window;
            window >>= 8;
        }
    }

    /// <summary>A field's stored bits as its value: sign-extended when signed.</summary>
    public static long Value(ulong raw, bool signed, int bits) =>
        signed && bits < 64 ? (long)(raw << (64 - bits)) >> (64 - bits) : (long)raw;

    /// <summary>
    /// The value to store for a wanted result of <paramref name="wanted"/> (exact), or false when it
    /// overflows under FAIL. WRAP keeps the low bits, SAT clamps to the type's range.
    /// </summary>
    public static bool TryFit(Int128 wanted, bool signed, int bits, Overflow mode, out long stored)
    {
        Int128 min = signed ? -((Int128)1 << (bits - 1)) : 0;
        Int128 max = signed ? ((Int128)1 << (bits - 1)) - 1 : ((Int128)1 << bits) - 1;
        stored = 0;
        if (wanted >= min && wanted <= max)
        {
            stored = (long)wanted;
            return true;
        }
        switch (mode)
        {
            case Overflow.Wrap:
                stored = Value((ulong)(UInt128)wanted & Mask(bits), signed, bits);
                return true;
            case Overflow.Sat:
                stored = (long)(wanted > max ? max : min);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// What SET asks to store, as Redis judges it. Unsigned fields take the value's 64-bit pattern, so
    /// a negative value counts as too large (SAT gives the maximum, not 0). Signed fields narrower than
    /// 64 bits: Redis first asks whether "max - value" (in wrapping 64-bit arithmetic) is negative, so
    /// a value at or below max - 2^63 counts as too large as well (for i63 that is every value below
    /// the minimum). Such a value is moved up by 2^64: the same low bits for WRAP, above the maximum
    /// for SAT and FAIL.
    /// </summary>
    public static Int128 SetTarget(long value, bool signed, int bits)
    {
        if (!signed) return (ulong)value;
        if (bits == 64) return value;
        var max = ((Int128)1 << (bits - 1)) - 1;
        return max - value >= (Int128)1 << 63 ? value + ((Int128)1 << 64) : value;
    }

    private static ulong Mask(int bits) => bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
}
