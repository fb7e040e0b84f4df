namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// The "listpack" encoding of small hashes and sets: all entries in one exactly-sized byte array,
/// each entry a one-byte length followed by its bytes (listpack entries are at most 64 bytes, so one
/// byte always suffices). Order is insertion order; removing shifts the rest down, as a listpack
/// does, so replies list entries in the same order Redis would. Operations are linear, as in Redis;
/// the sizes involved (at most 128 entries of 64 bytes) keep them cheap. Growing or shrinking
/// replaces the array; a same-length replacement writes in place (clones copy the array).
/// </summary>
public static class Packed
{
    /// <summary>Largest entry length the encoding holds (Redis's *-max-listpack-value default).</summary>
    public const int MaxEntryLength = 64;

    public static ReadOnlySpan<byte> At(byte[] buf, int offset) => buf.AsSpan(offset + 1, buf[offset]);

    public static int Next(byte[] buf, int offset) => offset + 1 + buf[offset];

    /// <summary>Offset of the first entry equal to <paramref name="item"/> among every <paramref name="stride"/>-th entry, or -1.</summary>
    public static int Find(byte[] buf, ReadOnlySpan<byte> item, int stride)
    {
        var o = 0;
        while (o < buf.Length)
        {
            if (buf[o] == item.Length && buf.AsSpan(o + 1, item.Length).SequenceEqual(item)) return o;
            o = Next(buf, o);
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
        var r = new byte[buf.Length + 1 + a.Length];
        buf.CopyTo(r, 0);
        Write(r, buf.Length, a);
        return r;
    }

    public static byte[] Append(byte[] buf, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var r = new byte[buf.Length + 2 + a.Length + b.Length];
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
        var end = Next(buf, offset);
        if (end - offset - 1 == item.Length)
        {
            item.CopyTo(buf.AsSpan(offset + 1));
            return buf;
        }
        var r = new byte[buf.Length - (end - offset) + 1 + item.Length];
        buf.AsSpan(0, offset).CopyTo(r);
        var o = Write(r, offset, item);
        buf.AsSpan(end).CopyTo(r.AsSpan(o));
        return r;
    }

    private static int Write(byte[] dst, int offset, ReadOnlySpan<byte> item)
    {
        dst[offset] = (byte)item.Length;
        item.CopyTo(dst.AsSpan(offset + 1));
        return offset + 1 + item.Length;
    }
}
