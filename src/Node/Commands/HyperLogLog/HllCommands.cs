using QuorumCache.Node.Notifications;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.HyperLogLog;

/// <summary>
/// PFADD, PFCOUNT and PFMERGE over HLL strings in Redis 7.0's format (PFDEBUG and PFSELFTEST in
/// their own file). Arity, flags, keys and categories are Redis 7.0's. Effects: every change is the
/// command itself (the result depends only on the value and <c>hll-sparse-max-bytes</c>); PFCOUNT of
/// one key writes the cached count into the header when it was invalid, and that is a change too.
/// </summary>
public static partial class HllCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("pfadd", -2, Write | DenyOom | Fast, 1, 1, 1, PfAdd, "hyperloglog", "write", "hyperloglog", "fast");
        t.Add("pfcount", -2, ReadOnly, 1, -1, 1, PfCount, "hyperloglog", "read", "hyperloglog", "slow");
        t.Add("pfmerge", -2, Write | DenyOom, 1, -1, 1, PfMerge, "hyperloglog", "write", "hyperloglog", "slow");
        t.Add("pfdebug", 3, Write | DenyOom | Admin, 2, 2, 1, PfDebug, "hyperloglog", "write", "hyperloglog", "admin", "slow", "dangerous");
        t.Add("pfselftest", 1, Admin, 0, 0, 0, PfSelfTest, "hyperloglog", "hyperloglog", "admin", "slow", "dangerous");
    }

    [ThreadStatic] private static byte[]? t_scratch;

    /// <summary>A string value that is an HLL, or null when missing; false (error replied) for another type or a non-HLL string.</summary>
    private static bool TryGetHll(CommandContext ctx, ReadOnlySpan<byte> key, out byte[]? hll)
    {
        if (!ctx.TryGet(key, out hll)) return false;
        if (hll is null || Hll.IsValid(hll)) return true;
        ctx.Reply.WriteError(Hll.NotHll);
        return false;
    }

    /// <summary>The sparse string <paramref name="hll"/> (or a new empty HLL) copied into this thread's work buffer.</summary>
    private static byte[] LoadSparse(byte[]? hll, out int len)
    {
        len = hll?.Length ?? Hll.HeaderSize + 2;
        var buf = Room(len);
        if (hll is null) Hll.WriteEmpty(buf);
        else hll.CopyTo(buf, 0);
        return buf;
    }

    /// <summary>The work buffer with room for a sparse string of <paramref name="len"/> bytes to grow by one opcode split.</summary>
    private static byte[] Room(int len)
    {
        var buf = t_scratch;
        if (buf is not null && buf.Length >= len + 8) return buf;
        var bigger = new byte[Math.Max(len + 8, Math.Max(4096, (buf?.Length ?? 0) * 2))];
        buf?.CopyTo(bigger, 0);
        return t_scratch = bigger;
    }

    /// <summary>
    /// Stores the result: a dense array that is the stored one changed in place; a sparse result (in the
    /// work buffer) copied over the stored array when its length is unchanged, else into a new exact array.
    /// </summary>
    private static void Store(CommandContext ctx, ReadOnlySpan<byte> key, byte[]? current, byte[] result, int len)
    {
        if (ReferenceEquals(result, current)) ctx.Touched(key);
        else if (!ReferenceEquals(result, t_scratch)) ctx.SetValue(key, result, keepTtl: true);
        else if (current is not null && current.Length == len)
        {
            result.AsSpan(0, len).CopyTo(current);
            ctx.Touched(key);
        }
        else ctx.SetValue(key, result.AsSpan(0, len).ToArray(), keepTtl: true);
    }

    private static void PfAdd(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!TryGetHll(ctx, key, out var current)) return;
        var updated = current is null;
        var corrupt = false;
        byte[] result;
        int len;
        if (current is not null && current[4] == Hll.Dense)
        {
            result = current;
            len = current.Length;
            for (var j = 2; j < a.Count; j++)
                if (HllDense.Add(current, a[j])) updated = true;
        }
        else
        {
            var maxBytes = ctx.Server.Encoding.HllSparseMaxBytes;
            result = LoadSparse(current, out len);
            byte[]? promoted = null;
            for (var j = 2; j < a.Count; j++)
            {
                if (promoted is not null)
                {
                    if (HllDense.Add(promoted, a[j])) updated = true;
                    continue;
                }
                var count = Hll.Hash(a[j], out var index);
                result = Room(len);
                var r = HllSparse.Set(result, ref len, index, count, maxBytes);
                if (r == HllSparse.Promote)
                {
                    promoted = HllSparse.ToDense(result.AsSpan(0, len));
                    if (promoted is null)
                    {
                        corrupt = true;
                        break;
                    }
                    HllDense.Set(promoted.AsSpan(Hll.HeaderSize), index, count);
                    updated = true;
                }
                else if (r == HllSparse.Corrupt)
                {
                    corrupt = true;
                    break;
                }
                else if (r == 1) updated = true;
            }
            if (promoted is not null)
            {
                result = promoted;
                len = promoted.Length;
            }
        }
        if (updated)
        {
            // Redis keeps what was added before a corrupt opcode stopped it; so do we (and its effect replays the same).
            if (!corrupt) Hll.InvalidateCache(result);
            Store(ctx, key, current, result, len);
            if (!corrupt) ctx.Notify(KeyspaceEvents.String, "pfadd"u8, key);
        }
        if (corrupt) ctx.Reply.WriteError(Hll.Corrupted);
        else ctx.Reply.WriteInteger(updated ? 1 : 0);
    }

    private static void PfCount(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count == 2)
        {
            if (!TryGetHll(ctx, a[1], out var hll)) return;
            if (hll is null)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (Hll.CacheValid(hll))
            {
                ctx.Reply.WriteInteger((long)Hll.CachedCount(hll));
                return;
            }
            if (!HllEstimator.TryCount(hll, out var n))
            {
                ctx.Reply.WriteError(Hll.Corrupted);
                return;
            }
            Hll.SetCachedCount(hll, n);
            ctx.Touched(a[1]);
            ctx.Reply.WriteInteger((long)n);
            return;
        }
        // The union's count from the maximum of each register; no key changes.
        Span<byte> max = stackalloc byte[Hll.Registers];
        max.Clear();
        for (var j = 1; j < a.Count; j++)
            if (!TryMergeInto(ctx, a[j], max, out _)) return;
        ctx.Reply.WriteInteger((long)HllEstimator.CountRaw(max));
    }

    /// <summary>Takes the maximum of each register of key's HLL into <paramref name="max"/>; false with the error replied.</summary>
    private static bool TryMergeInto(CommandContext ctx, ReadOnlySpan<byte> key, Span<byte> max, out bool dense)
    {
        dense = false;
        if (!TryGetHll(ctx, key, out var hll)) return false;
        if (hll is null)
        {
            if (ctx.Command.IsWrite) ctx.NotifyKeyMiss(key); // Redis reads PFMERGE's keys as reads
            return true;
        }
        if (hll[4] == Hll.Dense)
        {
            dense = true;
            HllDense.MergeInto(hll.AsSpan(Hll.HeaderSize), max);
            return true;
        }
        if (HllSparse.MergeInto(hll, max)) return true;
        ctx.Reply.WriteError(Hll.Corrupted);
        return false;
    }

    private static void PfMerge(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        Span<byte> max = stackalloc byte[Hll.Registers];
        max.Clear();
        var useDense = false;
        // The destination is read as a source too (index 1), as in Redis.
        for (var j = 1; j < a.Count; j++)
        {
            if (!TryMergeInto(ctx, a[j], max, out var dense)) return;
            useDense |= dense;
        }
        var current = (byte[]?)ctx.Get(key);
        byte[] result;
        int len;
        if (useDense)
        {
            if (current is not null && current[4] == Hll.Dense) result = current;
            else
            {
                var sparse = LoadSparse(current, out len);
                var dense = HllSparse.ToDense(sparse.AsSpan(0, len));
                if (dense is null)
                {
                    ctx.Reply.WriteError(Hll.Corrupted);
                    return;
                }
                result = dense;
            }
            len = result.Length;
            var regs = result.AsSpan(Hll.HeaderSize);
            for (var i = 0; i < Hll.Registers; i++)
                if (max[i] != 0) HllDense.Set(regs, i, max[i]);
        }
        else
        {
            var maxBytes = ctx.Server.Encoding.HllSparseMaxBytes;
            result = LoadSparse(current, out len);
            byte[]? promoted = null;
            for (var i = 0; i < Hll.Registers; i++)
            {
                if (max[i] == 0) continue;
                if (promoted is not null)
                {
                    HllDense.Set(promoted.AsSpan(Hll.HeaderSize), i, max[i]);
                    continue;
                }
                result = Room(len);
                // A corrupt destination failed above; like Redis, a set that fails here is skipped.
                if (HllSparse.Set(result, ref len, i, max[i], maxBytes) != HllSparse.Promote) continue;
                promoted = HllSparse.ToDense(result.AsSpan(0, len));
                if (promoted is not null) HllDense.Set(promoted.AsSpan(Hll.HeaderSize), i, max[i]);
            }
            if (promoted is not null)
            {
                result = promoted;
                len = promoted.Length;
            }
        }
        Hll.InvalidateCache(result);
        Store(ctx, key, current, result, len);
        // Redis reports PFMERGE as a pfadd event.
        ctx.Notify(KeyspaceEvents.String, "pfadd"u8, key);
        ctx.Reply.WriteOk();
    }
}
