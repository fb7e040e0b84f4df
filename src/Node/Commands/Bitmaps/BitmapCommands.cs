using QuorumCache.Node.Storage;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>
/// The bitmap commands over string values: SETBIT, GETBIT, BITCOUNT and BITPOS here, BITOP and
/// BITFIELD in their own files. Arity, flags, keys and categories are Redis 7.0's.
/// </summary>
public static partial class BitmapCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("setbit", 4, Write | DenyOom, 1, 1, 1, SetBit, "bitmap", "write", "bitmap", "slow");
        t.Add("getbit", 3, ReadOnly | Fast, 1, 1, 1, GetBit, "bitmap", "read", "bitmap", "fast");
        t.Add("bitcount", -2, ReadOnly, 1, 1, 1, BitCount, "bitmap", "read", "bitmap", "slow");
        t.Add("bitpos", -3, ReadOnly, 1, 1, 1, BitPos, "bitmap", "read", "bitmap", "slow");
        t.Add("bitop", -4, Write | DenyOom, 2, -1, 1, BitOp, "bitmap", "write", "bitmap", "slow");
        t.Add("bitfield", -2, Write | DenyOom, 1, 1, 1, ctx => RunBitField(ctx, readOnlyCommand: false), "bitmap", "write", "bitmap", "slow");
        t.Add("bitfield_ro", -2, ReadOnly | Fast, 1, 1, 1, ctx => RunBitField(ctx, readOnlyCommand: true), "bitmap", "read", "bitmap", "fast");
    }

    private static long MaxBulkLen(CommandContext ctx) => ctx.Server.Options.ProtoMaxBulkLen;

    private static void SetBit(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!BitArgs.TryOffset(a[2], 0, MaxBulkLen(ctx), out var offset))
        {
            ctx.Reply.WriteError(BitArgs.BadOffset);
            return;
        }
        if (!ArgParse.TryInt64(a[3], out var on) || (on & ~1L) != 0)
        {
            ctx.Reply.WriteError(BitArgs.BadBit);
            return;
        }
        var s = BitArgs.StringForWrite(ctx, a[1], (ulong)offset, out var grown);
        if (s is null) return;
        var index = (int)(offset >> 3);
        var mask = (byte)(0x80 >> (int)(offset & 7));
        var was = (s[index] & mask) != 0;
        if (was != (on == 1))
        {
            s[index] = on == 1 ? (byte)(s[index] | mask) : (byte)(s[index] & ~mask);
            // A grown string was stored (and so touched) already; an unchanged bit is no write, as in Redis.
            if (!grown) ctx.Touched(a[1]);
        }
        ctx.Reply.WriteInteger(was ? 1 : 0);
    }

    private static void GetBit(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!BitArgs.TryOffset(a[2], 0, MaxBulkLen(ctx), out var offset))
        {
            ctx.Reply.WriteError(BitArgs.BadOffset);
            return;
        }
        if (!ctx.TryGet<byte[]>(a[1], out var s)) return;
        var index = offset >> 3;
        var bit = s is not null && index < s.Length && (s[index] & (0x80 >> (int)(offset & 7))) != 0;
        ctx.Reply.WriteInteger(bit ? 1 : 0);
    }

    private static void BitCount(CommandContext ctx)
    {
        var a = ctx.Args;
        // Redis looks the key up before reading the range: a missing key is 0 whatever follows.
        if (!ctx.TryGet<byte[]>(a[1], out var s)) return;
        if (s is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long firstBit = 0, lastBit = (long)s.Length * 8 - 1;
        if (a.Count is 4 or 5)
        {
            if (!ArgParse.TryInt64(a[2], out var start) || !ArgParse.TryInt64(a[3], out var end))
            {
                ctx.Reply.WriteError(Errors.NotInteger);
                return;
            }
            // Two negative indexes in the wrong order: 0 before the unit is even read (Redis's order).
            if (start < 0 && end < 0 && start > end)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (!TryUnit(ctx, 4, out var bits)) return;
            if (!BitOps.TryResolveRange(s.Length, start, end, bits, out firstBit, out lastBit))
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
        }
        else if (a.Count != 2)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        ctx.Reply.WriteInteger(s.Length == 0 ? 0 : BitOps.Count(s, firstBit, lastBit));
    }

    private static void BitPos(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var bit))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (bit is not (0 or 1))
        {
            ctx.Reply.WriteError(BitArgs.BadBitposBit);
            return;
        }
        if (!ctx.TryGet<byte[]>(a[1], out var s)) return;
        // A missing key is an endless run of zeros, whatever range follows.
        if (s is null)
        {
            ctx.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        var endGiven = false;
        long firstBit = 0, lastBit = (long)s.Length * 8 - 1;
        if (a.Count is >= 4 and <= 6)
        {
            if (!ArgParse.TryInt64(a[3], out var start))
            {
                ctx.Reply.WriteError(Errors.NotInteger);
                return;
            }
            // Redis reads the unit before the end index.
            if (!TryUnit(ctx, 5, out var bits)) return;
            long end;
            if (a.Count >= 5)
            {
                if (!ArgParse.TryInt64(a[4], out end))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                endGiven = true;
            }
            else end = long.MaxValue;
            if (!BitOps.TryResolveRange(s.Length, start, end, bits, out firstBit, out lastBit))
            {
                ctx.Reply.WriteInteger(-1);
                return;
            }
        }
        else if (a.Count != 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (s.Length == 0)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        var pos = BitOps.Find(s, (int)bit, firstBit, lastBit);
        // No clear bit in the range: without an explicit end the string continues with zeros, so the
        // answer is the first bit past the range; with an explicit end there is none (-1).
        if (pos < 0 && bit == 0 && !endGiven) pos = lastBit + 1;
        ctx.Reply.WriteInteger(pos);
    }

    /// <summary>The optional BYTE|BIT argument at <paramref name="index"/> (BYTE when absent).</summary>
    private static bool TryUnit(CommandContext ctx, int index, out bool bits)
    {
        bits = false;
        if (ctx.Args.Count <= index) return true;
        if (ctx.Args.Is(index, "bit"u8)) bits = true;
        else if (!ctx.Args.Is(index, "byte"u8))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return false;
        }
        return true;
    }
}
