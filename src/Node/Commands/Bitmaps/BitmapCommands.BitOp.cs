namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>BITOP AND|OR|XOR|NOT destkey srckey...: missing sources read as empty strings.</summary>
public static partial class BitmapCommands
{
    private static void BitOp(CommandContext ctx)
    {
        var a = ctx.Args;
        BitOps.Op op;
        if (a.Is(1, "and"u8)) op = BitOps.Op.And;
        else if (a.Is(1, "or"u8)) op = BitOps.Op.Or;
        else if (a.Is(1, "xor"u8)) op = BitOps.Op.Xor;
        else if (a.Is(1, "not"u8)) op = BitOps.Op.Not;
        else
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (op == BitOps.Op.Not && a.Count != 4)
        {
            ctx.Reply.WriteError("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        // First pass: types and the result's length. The second pass reads the same values again
        // (the slot's lock is held throughout), so no list of sources is built.
        var length = 0;
        for (var i = 3; i < a.Count; i++)
        {
            if (!ctx.TryGet<byte[]>(a[i], out var src)) return;
            if (src is not null && src.Length > length) length = src.Length;
        }
        var dest = a[2];
        if (length == 0)
        {
            // An empty result deletes the destination, as Redis does (whatever type it held).
            ctx.Delete(dest);
            ctx.Reply.WriteInteger(0);
            return;
        }
        var result = new byte[length];
        BitOps.Start(op, ctx.Get(a[3]) as byte[] ?? [], result);
        for (var i = 4; i < a.Count; i++) BitOps.Fold(op, ctx.Get(a[i]) as byte[] ?? [], result);
        ctx.SetValue(dest, result);
        ctx.Reply.WriteInteger(length);
    }
}
