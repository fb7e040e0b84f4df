using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>
/// Argument rules shared by the bitmap commands (bit offsets, BITFIELD types) and the one way a
/// bitmap write finds its string: grown with zero bytes far enough to hold the last bit it writes.
/// </summary>
internal static class BitArgs
{
    public const string BadOffset = "ERR bit offset is not an integer or out of range";
    public const string BadBit = "ERR bit is not an integer or out of range";
    public const string BadBitposBit = "ERR The bit argument must be 1 or 0.";
    public const string BadFieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    /// <summary>
    /// A bit offset as Redis reads it: a non-negative integer whose byte (offset / 8) lies below
    /// proto-max-bulk-len. With <paramref name="fieldWidth"/> &gt; 0 (BITFIELD), "#N" means N fields of
    /// that width; the product wraps on overflow as it does in Redis (a wrapped value is then checked
    /// like any other).
    /// </summary>
    public static bool TryOffset(ReadOnlySpan<byte> s, int fieldWidth, long maxBulkLen, out long offset)
    {
        var byFields = fieldWidth > 0 && s.Length > 1 && s[0] == (byte)'#';
        if (!ArgParse.TryInt64(byFields ? s[1..] : s, out offset)) return false;
        if (byFields) offset = unchecked(offset * fieldWidth);
        return offset >= 0 && (offset >> 3) < maxBulkLen;
    }

    /// <summary>A BITFIELD type: i1..i64 or u1..u63, lower-case letter, digits as Redis's string2ll takes them.</summary>
    public static bool TryFieldType(ReadOnlySpan<byte> s, out bool signed, out int bits)
    {
        signed = false;
        bits = 0;
        if (s.Length < 2 || (s[0] != (byte)'i' && s[0] != (byte)'u')) return false;
        signed = s[0] == (byte)'i';
        var digits = s[1..];
        // Redis reads the type as a C string: it ends at the first NUL byte.
        var nul = digits.IndexOf((byte)0);
        if (nul >= 0) digits = digits[..nul];
        if (!ArgParse.TryInt64(digits, out var n) || n < 1 || n > (signed ? 64 : 63)) return false;
        bits = (int)n;
        return true;
    }

    /// <summary>
    /// The string at <paramref name="key"/> for a write that reaches bit <paramref name="lastBit"/>:
    /// the stored array when it is long enough (to change in place), otherwise a new zero-padded copy,
    /// already stored (TTL kept) so the caller only changes its bytes. Null after replying WRONGTYPE,
    /// or Redis's size error when the string could not be held in one array.
    /// </summary>
    public static byte[]? StringForWrite(CommandContext ctx, ReadOnlySpan<byte> key, ulong lastBit, out bool stored)
    {
        stored = false;
        if (!ctx.TryGet<byte[]>(key, out var current)) return null;
        var needed = (lastBit >> 3) + 1;
        if (current is not null && (ulong)current.Length >= needed) return current;
        if (needed > (ulong)Array.MaxLength)
        {
            ctx.Reply.WriteError(Errors.StringTooLong);
            return null;
        }
        var grown = new byte[(int)needed];
        current?.CopyTo(grown, 0);
        ctx.SetValue(key, grown, keepTtl: true);
        stored = true;
        return grown;
    }
}
