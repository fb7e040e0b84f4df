using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Commands;

/// <summary>Turns EX/PX/EXAT/PXAT arguments into an absolute time in ms, with Redis's checks.</summary>
public static class ExpiryArgs
{
    /// <summary>
    /// Converts a relative or absolute time argument. Writes the error and returns false when it is
    /// not an integer, not positive, or overflows.
    /// </summary>
    public static bool TryAbsolute(CommandContext ctx, ReadOnlySpan<byte> arg, bool seconds, bool absolute, out long atMs)
    {
        atMs = 0;
        if (!ArgParse.TryInt64(arg, out var v))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return false;
        }
        if (v <= 0 || (seconds && v > long.MaxValue / 1000))
        {
            ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.Name));
            return false;
        }
        var ms = seconds ? v * 1000 : v;
        if (!absolute)
        {
            if (ms > long.MaxValue - ctx.NowMs)
            {
                ctx.Reply.WriteError(string.Format(Errors.InvalidExpire, ctx.Command.Name));
                return false;
            }
            ms += ctx.NowMs;
        }
        atMs = ms;
        return true;
    }
}
