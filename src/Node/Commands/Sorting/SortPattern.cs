using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Storage.Types;

namespace QuorumCache.Node.Commands.Sorting;

/// <summary>
/// SORT's BY and GET patterns, as Redis's lookupKeyByPattern reads them: the first '*' is replaced by the
/// element, an optional "-&gt;field" after it names a hash field, "#" (GET only) is the element itself.
/// Patterns are C strings to Redis: a NUL byte ends them.
/// </summary>
internal static class SortPattern
{
    /// <summary>The pattern up to its first NUL byte (what strchr/strstr see).</summary>
    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> s)
    {
        var nul = s.IndexOf((byte)0);
        return nul < 0 ? s : s[..nul];
    }

    /// <summary>True when the pattern has a '*' (else BY sorts nothing and GET finds nothing).</summary>
    public static bool HasStar(ReadOnlySpan<byte> pattern) => CString(pattern).IndexOf((byte)'*') >= 0;

    /// <summary>True for the GET pattern "#", the element itself.</summary>
    public static bool IsSelf(ReadOnlySpan<byte> pattern) => pattern.Length >= 1 && pattern[0] == '#' && (pattern.Length == 1 || pattern[1] == 0);

    /// <summary>
    /// The value the pattern names for <paramref name="element"/>: the element for "#", a string key's
    /// value, a hash field's value, or null (no '*', missing key, wrong type, missing field).
    /// </summary>
    public static byte[]? Lookup(CommandContext ctx, byte[] pattern, byte[] element)
    {
        if (IsSelf(pattern)) return element;
        var c = CString(pattern);
        var star = c.IndexOf((byte)'*');
        if (star < 0) return null;
        var field = ReadOnlySpan<byte>.Empty;
        var arrow = c[(star + 1)..].IndexOf("->"u8);
        var fieldLength = 0;
        if (arrow >= 0 && star + 1 + arrow + 2 < c.Length)
        {
            // The field runs to the pattern's real end (Redis uses the sds length here).
            var at = star + 1 + arrow + 2;
            field = pattern.AsSpan(at);
            fieldLength = field.Length;
        }
        var postfix = pattern.Length - (star + 1) - (fieldLength > 0 ? fieldLength + 2 : 0);
        var key = new byte[star + element.Length + postfix];
        pattern.AsSpan(0, star).CopyTo(key);
        element.CopyTo(key.AsSpan(star));
        pattern.AsSpan(star + 1, postfix).CopyTo(key.AsSpan(star + element.Length));

        var o = Read(ctx, key);
        if (o is null) return null;
        if (fieldLength > 0)
            return o is RedisHash h && h.TryGet(field, out var v) ? v.ToArray() : null;
        return o as byte[];
    }

    /// <summary>A lookup as Redis's lookupKeyRead: a miss is a keymiss event even in SORT, a write command.</summary>
    public static object? Read(CommandContext ctx, ReadOnlySpan<byte> key)
    {
        var v = ctx.Get(key);
        if (v is null && ctx.Command.IsWrite) ctx.NotifyKeyMiss(key);
        return v;
    }

    /// <summary>
    /// Redis's patternHashSlot: the slot every key the pattern forms hashes to, or -1 when they may differ
    /// (a glob character or an escape before a complete hash tag).
    /// </summary>
    public static int Slot(ReadOnlySpan<byte> pattern)
    {
        var s = -1;
        for (var i = 0; i < pattern.Length; i++)
        {
            var b = pattern[i];
            if (b is (byte)'*' or (byte)'?' or (byte)'[' or (byte)'\\') return -1;
            if (s == -1 && b == '{') s = i;
            else if (s >= 0 && b == '}' && i == s + 1) s = -2;
            else if (s >= 0 && b == '}') return HashSlot.Crc16(pattern.Slice(s + 1, i - s - 1)) & (HashSlot.Count - 1);
        }
        return HashSlot.Crc16(pattern) & (HashSlot.Count - 1);
    }
}
