using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.SortedSets;

/// <summary>ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY{RANK,SCORE,LEX}.</summary>
public static partial class SortedSetCommands
{
    private enum RangeKind { Auto, Rank, Score, Lex }

    private enum Direction { Auto, Forward, Reverse }

    internal const string NotFloatRange = "ERR min or max is not a float";
    internal const string NotLexRange = "ERR min or max not valid string range item";

    private static void RegisterRanges(CommandTable t)
    {
        const CommandFlags ro = ReadOnly;
        t.Add("zrange", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Auto, Direction.Auto), Group, "read", "sortedset", "slow");
        t.Add("zrangebyscore", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Score, Direction.Forward), Group, "read", "sortedset", "slow");
        t.Add("zrevrangebyscore", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Score, Direction.Reverse), Group, "read", "sortedset", "slow");
        t.Add("zrangebylex", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Lex, Direction.Forward), Group, "read", "sortedset", "slow");
        t.Add("zrevrangebylex", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Lex, Direction.Reverse), Group, "read", "sortedset", "slow");
        t.Add("zrevrange", -4, ro, 1, 1, 1, ctx => Range(ctx, 1, false, RangeKind.Rank, Direction.Reverse), Group, "read", "sortedset", "slow");
        t.Add("zrangestore", -5, Write | DenyOom, 1, 2, 1, ctx => Range(ctx, 2, true, RangeKind.Auto, Direction.Auto), Group, "write", "sortedset", "slow");
        t.Add("zcount", 4, ReadOnly | Fast, 1, 1, 1, ZCount, Group, "read", "sortedset", "fast");
        t.Add("zlexcount", 4, ReadOnly | Fast, 1, 1, 1, ZLexCount, Group, "read", "sortedset", "fast");
        t.Add("zremrangebyscore", 4, Write, 1, 1, 1, ctx => RemoveRange(ctx, RangeKind.Score), Group, "write", "sortedset", "slow");
        t.Add("zremrangebyrank", 4, Write, 1, 1, 1, ctx => RemoveRange(ctx, RangeKind.Rank), Group, "write", "sortedset", "slow");
        t.Add("zremrangebylex", 4, Write, 1, 1, 1, ctx => RemoveRange(ctx, RangeKind.Lex), Group, "write", "sortedset", "slow");
    }

    /// <summary>
    /// Redis's zrangeGenericCommand: <c>&lt;src&gt; &lt;min&gt; &lt;max&gt; [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset count]</c>,
    /// the options allowed depending on the command. <paramref name="store"/> is ZRANGESTORE (destination in argument 1).
    /// </summary>
    private static void Range(CommandContext ctx, int argStart, bool store, RangeKind kind, Direction dir)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        var minIdx = argStart + 1;
        var maxIdx = argStart + 2;
        var withScores = false;
        long offset = 0, limit = -1;
        var limitGiven = false;
        for (var j = argStart + 3; j < a.Count; j++)
        {
            var left = a.Count - j - 1;
            if (!store && a.Is(j, "withscores"u8)) withScores = true;
            else if (a.Is(j, "limit"u8) && left >= 2)
            {
                if (!ArgParse.TryInt64(a[j + 1], out offset) || !ArgParse.TryInt64(a[j + 2], out limit))
                {
                    w.WriteError(Errors.NotInteger);
                    return;
                }
                limitGiven = true;
                j += 2;
            }
            else if (dir == Direction.Auto && a.Is(j, "rev"u8)) dir = Direction.Reverse;
            else if (kind == RangeKind.Auto && a.Is(j, "bylex"u8)) kind = RangeKind.Lex;
            else if (kind == RangeKind.Auto && a.Is(j, "byscore"u8)) kind = RangeKind.Score;
            else
            {
                w.WriteError(Errors.Syntax);
                return;
            }
        }
        if (dir == Direction.Auto) dir = Direction.Forward;
        if (kind == RangeKind.Auto) kind = RangeKind.Rank;
        // Redis compares the parsed limit with its "not given" value -1, so "LIMIT x -1" counts as absent here.
        if (limitGiven && limit != -1 && kind == RangeKind.Rank)
        {
            w.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && kind == RangeKind.Lex)
        {
            w.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        var reverse = dir == Direction.Reverse;
        if (reverse && kind != RangeKind.Rank) (minIdx, maxIdx) = (maxIdx, minIdx);

        long start = 0, end = 0;
        ScoreRange sr = default;
        LexRange lr = default;
        switch (kind)
        {
            case RangeKind.Rank:
                if (!ArgParse.TryInt64(a[minIdx], out start) || !ArgParse.TryInt64(a[maxIdx], out end))
                {
                    w.WriteError(Errors.NotInteger);
                    return;
                }
                break;
            case RangeKind.Score:
                if (!ScoreRange.TryParse(a[minIdx], a[maxIdx], out sr))
                {
                    w.WriteError(NotFloatRange);
                    return;
                }
                break;
            default:
                if (!LexRange.TryParse(a[minIdx], a[maxIdx], out lr))
                {
                    w.WriteError(NotLexRange);
                    return;
                }
                break;
        }

        if (!ctx.TryGet<RedisSortedSet>(a[argStart], out var z)) return;
        if (z is null && store) ctx.NotifyKeyMiss(a[argStart]); // Redis reads the source with a read lookup
        // The first element (lowest rank in walking order) and how many to take.
        SkipListNode? first = null;
        long count = 0;
        if (z is not null)
        {
            switch (kind)
            {
                case RangeKind.Rank:
                    (first, count) = SelectByRank(z, start, end, reverse);
                    break;
                case RangeKind.Score:
                {
                    long lo = 0, hi = 0;
                    var ok = reverse ? z.List.LastInRange(sr, out hi) is not null : z.List.FirstInRange(sr, out lo) is not null;
                    if (ok)
                    {
                        if (reverse) z.List.FirstInRange(sr, out lo);
                        else z.List.LastInRange(sr, out hi);
                    }
                    (first, count) = ok ? Window(z, lo, hi, offset, limit, reverse) : (null, 0);
                    break;
                }
                default:
                    (first, count) = LexWindow(z, lr, offset, limit, reverse);
                    break;
            }
        }

        if (store)
        {
            var dst = a[1];
            if (count == 0)
            {
                w.WriteInteger(0);
                DeleteDestination(ctx, dst);
                return;
            }
            var result = new RedisSortedSet((int)Math.Min(count, int.MaxValue));
            var n = first;
            for (long i = 0; i < count; i++, n = reverse ? n!.Backward : n!.Next) result.AddNew(n!.Member, n.Score, ctx.Server.Encoding);
            ctx.SetValue(dst, result);
            ctx.Notify(KeyspaceEvents.ZSet, "zrangestore"u8, dst);
            w.WriteInteger(count);
            return;
        }
        WriteListHeader(w, count, withScores);
        var node = first;
        for (long i = 0; i < count; i++, node = reverse ? node!.Backward : node!.Next) WriteElement(w, node!, withScores);
    }

    /// <summary>Clamps rank indexes as Redis does; returns the first node in walking order and the count.</summary>
    private static (SkipListNode?, long) SelectByRank(RedisSortedSet z, long start, long end, bool reverse)
    {
        long len = z.Count;
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (start > end || start >= len) return (null, 0);
        if (end >= len) end = len - 1;
        var first = z.ByRank(reverse ? len - 1 - start : start);
        return (first, end - start + 1);
    }

    /// <summary>
    /// Applies LIMIT to the in-range ranks <paramref name="lo"/>..<paramref name="hi"/> (1-based): a negative offset
    /// yields nothing, a negative count means all (as Redis's walk does).
    /// </summary>
    private static (SkipListNode?, long) Window(RedisSortedSet z, long lo, long hi, long offset, long limit, bool reverse)
    {
        var total = hi - lo + 1;
        if (offset < 0 || offset >= total || limit == 0) return (null, 0);
        var n = total - offset;
        if (limit > 0 && limit < n) n = limit;
        var first = z.List.GetByRank(reverse ? hi - offset : lo + offset);
        return (first, n);
    }

    /// <summary>
    /// A lex range walked as Redis walks it: from the first (or last) element in range, skipping
    /// <paramref name="offset"/> elements, then while the bound holds, at most <paramref name="limit"/> of them.
    /// </summary>
    private static (SkipListNode?, long) LexWindow(RedisSortedSet z, in LexRange r, long offset, long limit, bool reverse)
    {
        if (offset > 0 && offset >= z.Count) return (null, 0);
        var n = reverse ? z.LastInLex(r) : z.FirstInLex(r);
        while (n is not null && offset-- != 0) n = reverse ? n.Backward : n.Next;
        var first = n;
        long count = 0;
        while (n is not null && limit-- != 0)
        {
            if (reverse ? !r.GteMin(n.Member) : !r.LteMax(n.Member)) break;
            count++;
            n = reverse ? n.Backward : n.Next;
        }
        return (first, count);
    }

    private static void ZCount(CommandContext ctx)
    {
        if (!ScoreRange.TryParse(ctx.Args[2], ctx.Args[3], out var r))
        {
            ctx.Reply.WriteError(NotFloatRange);
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(ctx.Args[1], out var z)) return;
        ctx.Reply.WriteInteger(z?.CountInRange(r) ?? 0);
    }

    private static void ZLexCount(CommandContext ctx)
    {
        if (!LexRange.TryParse(ctx.Args[2], ctx.Args[3], out var r))
        {
            ctx.Reply.WriteError(NotLexRange);
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(ctx.Args[1], out var z)) return;
        ctx.Reply.WriteInteger(z?.CountInRange(r) ?? 0);
    }

    private static void RemoveRange(CommandContext ctx, RangeKind kind)
    {
        var a = ctx.Args;
        var key = a[1];
        long start = 0, end = 0;
        ScoreRange sr = default;
        LexRange lr = default;
        if (kind == RangeKind.Rank)
        {
            if (!ArgParse.TryInt64(a[2], out start) || !ArgParse.TryInt64(a[3], out end))
            {
                ctx.Reply.WriteError(Errors.NotInteger);
                return;
            }
        }
        else if (kind == RangeKind.Score)
        {
            if (!ScoreRange.TryParse(a[2], a[3], out sr))
            {
                ctx.Reply.WriteError(NotFloatRange);
                return;
            }
        }
        else if (!LexRange.TryParse(a[2], a[3], out lr))
        {
            ctx.Reply.WriteError(NotLexRange);
            return;
        }
        if (!ctx.TryGet<RedisSortedSet>(key, out var z)) return;
        if (z is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long deleted;
        if (kind == RangeKind.Rank)
        {
            long len = z.Count;
            if (start < 0) start = len + start;
            if (end < 0) end = len + end;
            if (start < 0) start = 0;
            if (start > end || start >= len)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (end >= len) end = len - 1;
            deleted = z.RemoveRangeByRank(start, end);
        }
        else deleted = kind == RangeKind.Score ? z.RemoveRange(sr) : z.RemoveRange(lr);
        if (deleted > 0) AfterRemoval(ctx, key, z, kind switch { RangeKind.Score => "zremrangebyscore"u8, RangeKind.Rank => "zremrangebyrank"u8, _ => "zremrangebylex"u8 });
        ctx.Reply.WriteInteger(deleted);
    }
}
