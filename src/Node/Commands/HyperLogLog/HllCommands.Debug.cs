namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>PFDEBUG GETREG|DECODE|ENCODING|TODENSE and PFSELFTEST, with Redis 7.0's replies and errors.</summary>
public static partial class HllCommands
{
    private static void PfDebug(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[2];
        var value = ctx.Get(key);
        if (value is null)
        {
            ctx.Reply.WriteError("ERR The specified key does not exist");
            return;
        }
        if (!TryGetHll(ctx, key, out var hll)) return;
        if (a.Is(1, "getreg"u8))
        {
            if (hll![4] == Hll.Sparse && !TryConvert(ctx, key, ref hll)) return;
            var regs = hll.AsSpan(Hll.HeaderSize);
            ctx.Reply.WriteArrayHeader(Hll.Registers);
            for (var i = 0; i < Hll.Registers; i++) ctx.Reply.WriteInteger(HllDense.Get(regs, i));
        }
        else if (a.Is(1, "decode"u8))
        {
            if (hll![4] != Hll.Sparse) ctx.Reply.WriteError("ERR HLL encoding is not sparse");
            else ctx.Reply.WriteBulkString(HllSparse.Decode(hll));
        }
        else if (a.Is(1, "encoding"u8)) ctx.Reply.WriteSimpleString(hll![4] == Hll.Dense ? "dense"u8 : "sparse"u8);
        else if (a.Is(1, "todense"u8))
        {
            var sparse = hll![4] == Hll.Sparse;
            if (sparse && !TryConvert(ctx, key, ref hll)) return;
            ctx.Reply.WriteInteger(sparse ? 1 : 0);
        }
        else ctx.Reply.WriteError($"ERR Unknown PFDEBUG subcommand '{a.GetString(1)}'");
    }

    /// <summary>Stores the dense form of a sparse HLL (a write, replicated as the PFDEBUG command itself).</summary>
    private static bool TryConvert(CommandContext ctx, ReadOnlySpan<byte> key, ref byte[] hll)
    {
        var dense = HllSparse.ToDense(hll);
        if (dense is null)
        {
            ctx.Reply.WriteError(Hll.Corrupted);
            return false;
        }
        ctx.SetValue(key, dense, keepTtl: true);
        hll = dense;
        return true;
    }

    /// <summary>
    /// Checks the implementation on this node: every register of a dense HLL keeps what is written,
    /// the sparse and dense encodings of the same elements give the same count, and counts stay
    /// within 5 standard errors of the truth. +OK, or Redis's TESTFAILED error.
    /// </summary>
    private static void PfSelfTest(CommandContext ctx)
    {
        if (HllSelfTest.Run() is { } error) ctx.Reply.WriteError(error);
        else ctx.Reply.WriteOk();
    }
}
