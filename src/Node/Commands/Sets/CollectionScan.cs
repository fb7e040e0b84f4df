using System.Globalization;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Commands;

/// <summary>
/// Argument parsing shared by HSCAN and SSCAN (and later ZSCAN), in Redis's order: the cursor is
/// checked before the key is looked up, the options after (so a missing key answers an empty scan
/// whatever the options say).
/// </summary>
internal static class CollectionScan
{
    /// <summary>Reads the cursor at argument 2; replies "ERR invalid cursor" when it is not an unsigned 64-bit number.</summary>
    public static bool TryCursor(CommandContext ctx, out ulong cursor)
    {
        if (ulong.TryParse(ctx.Args[2], NumberStyles.None, CultureInfo.InvariantCulture, out cursor)) return true;
        ctx.Reply.WriteError("ERR invalid cursor");
        return false;
    }

    /// <summary>Reads MATCH and COUNT from argument 3 on, with Redis's errors.</summary>
    public static bool TryOptions(CommandContext ctx, out byte[]? pattern, out long count)
    {
        var a = ctx.Args;
        pattern = null;
        count = 10;
        for (var i = 3; i < a.Count; i++)
        {
            var hasValue = i + 1 < a.Count;
            if (hasValue && a.Is(i, "count"u8))
            {
                if (!ArgParse.TryInt64(a[++i], out count))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return false;
                }
                if (count < 1)
                {
                    ctx.Reply.WriteError(Errors.Syntax);
                    return false;
                }
            }
            else if (hasValue && a.Is(i, "match"u8))
            {
                pattern = a.ToArray(++i);
                if (pattern is [(byte)'*']) pattern = null; // matches everything
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return false;
            }
        }
        return true;
    }

    public static bool Matches(byte[]? pattern, ReadOnlySpan<byte> item) => pattern is null || GlobMatcher.IsMatch(pattern, item);

    public static void WriteEmpty(CommandContext ctx)
    {
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulk("0"u8);
        ctx.Reply.WriteArrayHeader(0);
    }

    /// <summary>
    /// Upper bound on the length of a RANDMEMBER/RANDFIELD reply with repetitions (negative count).
    /// Redis has none and would try to build the reply until memory runs out; we refuse instead.
    /// </summary>
    public const long MaxRepeatedSamples = 10_000_000;

    public static bool TryRandomCount(CommandContext ctx, int index, out long count)
    {
        if (!ArgParse.TryInt64(ctx.Args[index], out count))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (count == long.MinValue)
        {
            ctx.Reply.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        return true;
    }
}
