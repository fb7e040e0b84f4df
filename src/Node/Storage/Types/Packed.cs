namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// The "listpack" encoding of small hashes and sets: all entries in one exactly-sized byte array,
/// each entry its length as a varint (7 bits a byte, high bit = another byte follows: one byte up to
/// 127, two up to 16383...) followed by its bytes. Varints rather than a fixed one-byte length
/// because <c>hash-max-listpack-value</c> / <c>set-max-listpack-value</c> may be set to any size in
/// Redis; entries within the default 64-byte limit still take one length byte. Order is insertion
/// order; removing shifts the rest down, as a listpack does, so replies list entries in the same
/// order Redis would. Operations are linear, as in Redis; the limits keep them cheap. Growing or
/// shrinking replaces the array; a same-length replacement writes in place (clones copy the array).
/// </summary>
public static class Packed
{
    /// <summary>Redis's default *-max-listpack-value.</summary>
    public const int MaxEntryLength = 64;

    public static ReadOnlySpan<byte> At(byte[] buf, int offset)
    {
        var len = ReadLength(buf, ref offset);
        return buf.AsSpan(offset, len);
    }

    public static int Next(byte[] buf, int offset)
    {
        var len = ReadLength(buf, ref offset);
        return offset + len;
    }

    /// <summary>Offset of the first entry equal to <paramref name="item"/> among every <paramref name="stride"/>-th entry, or -1.</summary>
    public static int Find(byte[] buf, ReadOnlySpan<byte> item, int stride)
    {
        var o = 0;
        while (o < buf.Length)
        {
            var data = o;
            var len = ReadLength(buf, ref data);
            if (len == item.Length && buf.AsSpan(data, len).SequenceEqual(item)) return o;
            o = data + len;
            for (var s = 1; s < stride; s++) o = Next(buf, o);
        }
        return -1;
    }

    /// <summary>Offset of the entry at position <paramref name="index"/>.</summary>
    public static int Seek(byte[] buf, int index)
    {
        var o = 0;
        while (index-- > 0) o = Next(buf, o);
        return o;
    }

    public static byte[] Append(byte[] buf, ReadOnlySpan<byte> a)
    {
        var r = new byte[buf.Length + Size(a.Length)];
        buf.CopyTo(r, 0);
        Write(r, buf.Length, a);
        return r;
    }

    public static byte[] Append(byte[] buf, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var r = new byte[buf.Length + Size(a.Length) + Size(b.Length)];
        buf.CopyTo(r, 0);
        var o = Write(r, buf.Length, a);
        Write(r, o, b);
        return r;
    }

    /// <summary>Removes <paramref name="entries"/> consecutive entries starting at <paramref name="offset"/>.</summary>
    public static byte[] Remove(byte[] buf, int offset, int entries)
    {
        var end = offset;
        for (var i = 0; i < entries; i++) end = Next(buf, end);
        var r = new byte[buf.Length - (end - offset)];
        buf.AsSpan(0, offset).CopyTo(r);
        buf.AsSpan(end).CopyTo(r.AsSpan(offset));
        return r;
    }

    /// <summary>Replaces the entry at <paramref name="offset"/> with <paramref name="item"/>.</summary>
    public static byte[] Replace(byte[] buf, int offset, ReadOnlySpan<byte> item)
    {
        var data = offset;
        var len = ReadLength(buf, ref data);
        var end = data + len;
        if (len == item.Length)
        {
            item.CopyTo(buf.AsSpan(data));
            return buf;
        }
        var r = new byte[buf.Length - (end - offset) + Size(item.Length)];
        buf.AsSpan(0, offset).CopyTo(r);
        var o = Write(r, offset, item);
        buf.AsSpan(end).CopyTo(r.AsSpan(o));
        return r;
    }

    /// <summary>Bytes an entry of <paramref name="length"/> bytes takes: its varint length and the data.</summary>
    public static int Size(int length)
    {
        var header = 1;
        for (var v = (uint)length >> 7; v != 0; v >>= 7) header++;
        return header + length;
    }

    private static int ReadLength(byte[] buf, ref int offset)
    {
        int b = buf[offset++];
        if (b < 0x80) return b;
        var len = b & 0x7F;
        var shift = 7;
        do
        {
            b = buf[offset++];
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while (b >= 0x80);
        return len;
    }

    private static int Write(byte[] dst, int offset, ReadOnlySpan<byte> item)
    {
        var v = (uint)item.Length;
        while (v >= 0x80)
        {
            dst[offset++] = (byte)(v | 0x80);
            v >>= 7;
        }
        dst[offset++] = (byte)v;
        item.CopyTo(dst.AsSpan(offset));
        return offset + item.Length;
    }
}
