using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Commands.Bitmaps;

/// <summary>
/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
/// [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO (GET only). The arguments are checked whole before
/// anything runs, then read a second time to run: no list of operations is allocated.
/// </summary>
public static partial class BitmapCommands
{
    private enum FieldOpKind { Get, Set, IncrBy }

    private struct FieldOp
    {
        public FieldOpKind Kind;
        public bool Signed;
        public int Bits;
        public long Offset;
        public long Value;
        public Overflow Mode;
    }

    /// <summary>Walks BITFIELD's arguments one operation at a time, keeping the OVERFLOW mode in force.</summary>
    private ref struct FieldOpReader(CommandContext ctx)
    {
        private int _next = 2;
        private Overflow _mode = Overflow.Wrap;

        /// <summary>False at the end, or with <paramref name="error"/> set for a bad argument.</summary>
        public bool TryNext(out FieldOp op, out string? error)
        {
            op = default;
            error = null;
            var a = ctx.Args;
            while (_next < a.Count)
            {
                var j = _next;
                var remaining = a.Count - j - 1;
                if (a.Is(j, "overflow"u8) && remaining >= 1)
                {
                    if (a.Is(j + 1, "wrap"u8)) _mode = Overflow.Wrap;
                    else if (a.Is(j + 1, "sat"u8)) _mode = Overflow.Sat;
                    else if (a.Is(j + 1, "fail"u8)) _mode = Overflow.Fail;
                    else
                    {
                        error = "ERR Invalid OVERFLOW type specified";
                        return false;
                    }
                    _next += 2;
                    continue;
                }
                if (a.Is(j, "get"u8) && remaining >= 2) op.Kind = FieldOpKind.Get;
                else if (a.Is(j, "set"u8) && remaining >= 3) op.Kind = FieldOpKind.Set;
                else if (a.Is(j, "incrby"u8) && remaining >= 3) op.Kind = FieldOpKind.IncrBy;
                else
                {
                    error = Errors.Syntax;
                    return false;
                }
                if (!BitArgs.TryFieldType(a[j + 1], out op.Signed, out op.Bits))
                {
                    error = BitArgs.BadFieldType;
                    return false;
                }
                if (!BitArgs.TryOffset(a[j + 2], op.Bits, ctx.Server.Options.ProtoMaxBulkLen, out op.Offset))
                {
                    error = BitArgs.BadOffset;
                    return false;
                }
                if (op.Kind != FieldOpKind.Get && !ArgParse.TryInt64(a[j + 3], out op.Value))
                {
                    error = Errors.NotInteger;
                    return false;
                }
                op.Mode = _mode;
                _next += op.Kind == FieldOpKind.Get ? 3 : 4;
                return true;
            }
            return false;
        }
    }

    private static void RunBitField(CommandContext ctx, bool readOnlyCommand)
    {
        var count = 0;
        var writes = false;
        ulong lastBit = 0;
        var check = new FieldOpReader(ctx);
        string? error;
        while (check.TryNext(out var op, out error))
        {
            count++;
            if (op.Kind == FieldOpKind.Get) continue;
            writes = true;
            lastBit = Math.Max(lastBit, (ulong)op.Offset + (ulong)op.Bits - 1);
        }
        if (error is not null)
        {
            ctx.Reply.WriteError(error);
            return;
        }
        var key = ctx.Args[1];
        byte[]? s;
        if (!writes)
        {
            if (!ctx.TryGet(key, out s)) return;
        }
        else
        {
            if (readOnlyCommand)
            {
                ctx.Reply.WriteError("ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            // Grown (and created) up front to the farthest bit written, as Redis does, even when every
            // write then fails under OVERFLOW FAIL; any write counts as a change of the key.
            s = BitArgs.StringForWrite(ctx, key, lastBit, out var stored);
            if (s is null) return;
            if (!stored) ctx.Touched(key);
        }
        ctx.Reply.WriteArrayHeader(count);
        var run = new FieldOpReader(ctx);
        while (run.TryNext(out var op, out _))
        {
            var old = BitField.Value(BitField.Read(s, op.Offset, op.Bits), op.Signed, op.Bits);
            if (op.Kind == FieldOpKind.Get)
            {
                ctx.Reply.WriteInteger(old);
                continue;
            }
            var wanted = op.Kind == FieldOpKind.IncrBy ? (Int128)old + op.Value : BitField.SetTarget(op.Value, op.Signed, op.Bits);
            if (!BitField.TryFit(wanted, op.Signed, op.Bits, op.Mode, out var stored))
            {
                ctx.Reply.WriteNull();
                continue;
            }
            BitField.Write(s!, op.Offset, op.Bits, (ulong)stored);
            ctx.Reply.WriteInteger(op.Kind == FieldOpKind.IncrBy ? stored : old);
        }
    }
}
