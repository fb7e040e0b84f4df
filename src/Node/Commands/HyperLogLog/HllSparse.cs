namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>
/// The sparse encoding: run-length opcodes after the header, covering all 16384 registers in order.
/// ZERO <c>00xxxxxx</c>: 1..64 zero registers; XZERO <c>01xxxxxx yyyyyyyy</c>: 1..16384 zero registers
/// (14-bit length); VAL <c>1vvvvvxx</c>: 1..4 registers of value 1..32. Updates split and merge
/// opcodes in place exactly as Redis does, so the same additions give the same bytes; a value above
/// 32, or a string that would grow past <c>hll-sparse-max-bytes</c>, promotes the HLL to dense.
/// Strings read here have passed <see cref="Hll.IsValid"/>; a run that does not cover exactly 16384
/// registers is corrupt (a byte read past the end reads as 0, as the terminator Redis reads there).
/// </summary>
public static class HllSparse
{
    public const int Promote = 2;
    public const int Corrupt = -1;
    private const int ValMaxValue = 32;
    private const int ValMaxLen = 4;
    private const int ZeroMaxLen = 64;

    private static bool IsZero(byte b) => (b & 0xC0) == 0;
    private static bool IsXZero(byte b) => (b & 0xC0) == 0x40;
    private static bool IsVal(byte b) => (b & 0x80) != 0;
    private static int ZeroLen(byte b) => (b & 0x3F) + 1;
    private static int XZeroLen(ReadOnlySpan<byte> s, int p, int end) => (((s[p] & 0x3F) << 8) | (p + 1 < end ? s[p + 1] : 0)) + 1;
    private static int ValValue(byte b) => ((b >> 2) & 0x1F) + 1;
    private static int ValLen(byte b) => (b & 3) + 1;
    private static byte Val(int value, int len) => (byte)(0x80 | ((value - 1) << 2) | (len - 1));

    /// <summary>Writes a ZERO or XZERO run; returns the bytes written.</summary>
    private static int WriteZeros(Span<byte> d, int len)
    {
        if (len > ZeroMaxLen)
        {
            d[0] = (byte)(0x40 | ((len - 1) >> 8));
            d[1] = (byte)((len - 1) & 0xFF);
            return 2;
        }
        d[0] = (byte)(len - 1);
        return 1;
    }

    /// <summary>
    /// Raises register <paramref name="index"/> to <paramref name="count"/> in the sparse string
    /// <c>buf[..len]</c>, whose array must have room for <paramref name="len"/> + 8 bytes. Returns 1 when
    /// changed (the cached count is then invalid), 0 when the register was already as high,
    /// <see cref="Promote"/> when the caller must convert to dense and set it there, <see cref="Corrupt"/>.
    /// </summary>
    public static int Set(byte[] buf, ref int len, int index, int count, long maxBytes)
    {
        if (count > ValMaxValue) return Promote;
        int p = Hll.HeaderSize, end = len, first = 0, prev = -1, span = 0;
        while (p < end)
        {
            var b = buf[p];
            var opLen = 1;
            if (IsZero(b)) span = ZeroLen(b);
            else if (IsVal(b)) span = ValLen(b);
            else
            {
                span = XZeroLen(buf, p, end);
                opLen = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += opLen;
            first += span;
        }
        if (span == 0 || p >= end) return Corrupt;

        var op = buf[p];
        var next = IsXZero(op) ? p + 2 : p + 1;
        var hasNext = next < end;
        if (IsVal(op))
        {
            if (ValValue(op) >= count) return 0;
            if (ValLen(op) == 1)
            {
                buf[p] = Val(count, 1);
                return Merge(buf, ref len, prev);
            }
        }
        else if (IsZero(op) && ZeroLen(op) == 1)
        {
            buf[p] = Val(count, 1);
            return Merge(buf, ref len, prev);
        }

        // Split the opcode: [run before] VAL(count,1) [run after], at most 5 bytes.
        Span<byte> seq = stackalloc byte[5];
        var n = 0;
        var last = first + span - 1;
        if (IsVal(op))
        {
            var cur = ValValue(op);
            if (index != first) seq[n++] = Val(cur, index - first);
            seq[n++] = Val(count, 1);
            if (index != last) seq[n++] = Val(cur, last - index);
        }
        else
        {
            if (index != first) n += WriteZeros(seq[n..], index - first);
            seq[n++] = Val(count, 1);
            if (index != last) n += WriteZeros(seq[n..], last - index);
        }
        var delta = n - (IsXZero(op) ? 2 : 1);
        if (delta > 0 && len + delta > maxBytes) return Promote;
        if (delta != 0 && hasNext) Array.Copy(buf, next, buf, next + delta, end - next);
        seq[..n].CopyTo(buf.AsSpan(p));
        len += delta;
        return Merge(buf, ref len, prev);
    }

    /// <summary>Joins adjacent VAL opcodes of equal value (up to 5 opcodes from the one before the change).</summary>
    private static int Merge(byte[] buf, ref int len, int prev)
    {
        var p = prev >= 0 ? prev : Hll.HeaderSize;
        var end = len;
        var scan = 5;
        while (p < end && scan-- > 0)
        {
            var b = buf[p];
            if (IsXZero(b))
            {
                p += 2;
                continue;
            }
            if (IsZero(b))
            {
                p++;
                continue;
            }
            if (p + 1 < end && IsVal(buf[p + 1]))
            {
                var v = ValValue(b);
                var joined = ValLen(b) + ValLen(buf[p + 1]);
                if (v == ValValue(buf[p + 1]) && joined <= ValMaxLen)
                {
                    buf[p + 1] = Val(v, joined);
                    Array.Copy(buf, p + 1, buf, p, end - p - 1);
                    end--;
                    continue;
                }
            }
            p++;
        }
        len = end;
        Hll.InvalidateCache(buf);
        return 1;
    }

    /// <summary>The dense string holding the same registers (header copied, encoding changed), or null when corrupt.</summary>
    public static byte[]? ToDense(ReadOnlySpan<byte> s)
    {
        var dense = new byte[Hll.DenseSize];
        s[..Hll.HeaderSize].CopyTo(dense);
        dense[4] = Hll.Dense;
        var regs = dense.AsSpan(Hll.HeaderSize);
        int idx = 0, p = Hll.HeaderSize, end = s.Length;
        while (p < end)
        {
            var b = s[p];
            if (IsZero(b))
            {
                idx += ZeroLen(b);
                p++;
            }
            else if (IsXZero(b))
            {
                idx += XZeroLen(s, p, end);
                p += 2;
            }
            else
            {
                int run = ValLen(b), v = ValValue(b);
                if (run + idx > Hll.Registers) break;
                for (var i = 0; i < run; i++) HllDense.Put(regs, idx++, v);
                p++;
            }
        }
        return idx == Hll.Registers ? dense : null;
    }

    /// <summary>Counts registers by value; false when the runs do not cover exactly 16384 registers.</summary>
    public static bool Histogram(ReadOnlySpan<byte> s, Span<int> histo)
    {
        int idx = 0, p = Hll.HeaderSize, end = s.Length;
        while (p < end)
        {
            var b = s[p];
            int run;
            if (IsZero(b))
            {
                run = ZeroLen(b);
                histo[0] += run;
                p++;
            }
            else if (IsXZero(b))
            {
                run = XZeroLen(s, p, end);
                histo[0] += run;
                p += 2;
            }
            else
            {
                run = ValLen(b);
                histo[ValValue(b)] += run;
                p++;
            }
            idx += run;
        }
        return idx == Hll.Registers;
    }

    /// <summary>max[i] = MAX(max[i], register i); false when corrupt.</summary>
    public static bool MergeInto(ReadOnlySpan<byte> s, Span<byte> max)
    {
        int i = 0, p = Hll.HeaderSize, end = s.Length;
        while (p < end)
        {
            var b = s[p];
            if (IsZero(b))
            {
                i += ZeroLen(b);
                p++;
            }
            else if (IsXZero(b))
            {
                i += XZeroLen(s, p, end);
                p += 2;
            }
            else
            {
                int run = ValLen(b), v = ValValue(b);
                if (run + i > Hll.Registers) break;
                for (var k = 0; k < run; k++, i++)
                    if (v > max[i]) max[i] = (byte)v;
                p++;
            }
        }
        return i == Hll.Registers;
    }

    /// <summary>PFDEBUG DECODE's text: "z:len", "Z:len", "v:value,len" separated by spaces.</summary>
    public static string Decode(ReadOnlySpan<byte> s)
    {
        var sb = new System.Text.StringBuilder();
        int p = Hll.HeaderSize, end = s.Length;
        while (p < end)
        {
            if (sb.Length > 0) sb.Append(' ');
            var b = s[p];
            if (IsZero(b))
            {
                sb.Append("z:").Append(ZeroLen(b));
                p++;
            }
            else if (IsXZero(b))
            {
                sb.Append("Z:").Append(XZeroLen(s, p, end));
                p += 2;
            }
            else
            {
                sb.Append("v:").Append(ValValue(b)).Append(',').Append(ValLen(b));
                p++;
            }
        }
        return sb.ToString();
    }
}
