using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.SortedSets;

/// <summary>
/// Sorted set commands (Redis 7.2): ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK here;
/// ranges, pops, set operations and random/scan commands in the partial files beside this one.
/// </summary>
public static partial class SortedSetCommands
{
    private const string Group = "sorted-set";

    public static void Register(CommandTable t)
    {
        t.Add("zadd", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => ZAdd(ctx, ZAddFlags.None), Group, "write", "sortedset", "fast");
        t.Add("zincrby", 4, Write | DenyOom | Fast, 1, 1, 1, ctx => ZAdd(ctx, ZAddFlags.Incr), Group, "write", "sortedset", "fast");
        t.Add("zrem", -3, Write | Fast, 1, 1, 1, ZRem, Group, "write", "sortedset", "fast");
        t.Add("zscore", 3, ReadOnly | Fast, 1, 1, 1, ZScore, Group, "read", "sortedset", "fast");
        t.Add("zmscore", -3, ReadOnly | Fast, 1, 1, 1, ZMScore, Group, "read", "sortedset", "fast");
        t.Add("zcard", 2, ReadOnly | Fast, 1, 1, 1, ZCard, Group, "read", "sortedset", "fast");
        t.Add("zrank", -3, ReadOnly | Fast, 1, 1, 1, ctx => ZRank(ctx, reverse: false), Group, "read", "sortedset", "fast");
        t.Add("zrevrank", -3, ReadOnly | Fast, 1, 1, 1, ctx => ZRank(ctx, reverse: true), Group, "read", "sortedset", "fast");
        RegisterRanges(t);
        RegisterPops(t);
        RegisterSetOps(t);
        RegisterRandom(t);
    }

    // ---------------- shared helpers ----------------

    /// <summary>Writes the header of a member list: RESP2 flattens scores in, RESP3 nests [member, score] pairs.</summary>
    internal static void WriteListHeader(RespWriter w, long count, bool withScores) =>
        w.WriteArrayHeader((int)(withScores && !w.IsResp3 ? count * 2 : count));

    internal static void WriteElement(RespWriter w, SkipListNode n, bool withScores) => WriteElement(w, n.Member, n.Score, withScores);

    internal static void WriteElement(RespWriter w, ReadOnlySpan<byte> member, double score, bool withScores)
    {
        if (withScores && w.IsResp3) w.WriteArrayHeader(2);
        w.WriteBulk(member);
        if (withScores) w.WriteDouble(score);
    }

    /// <summary>Emits <c>ZADD key score member</c> as the effect: the resulting score, not the increment.</summary>
    internal static void EmitZAdd(CommandContext ctx, ReadOnlySpan<byte> key, double score, ReadOnlySpan<byte> member)
    {
        if (ctx.BeginEffect(4) is not { } e) return;
        e.WriteBulk("ZADD"u8);
        e.WriteBulk(key);
        Span<byte> tmp = stackalloc byte[40];
        e.WriteBulk(tmp[..RespFormat.FormatDouble(score, tmp)]);
        e.WriteBulk(member);
        ctx.EndEffect();
    }

    /// <summary>
    /// After removing members in place: notifies <paramref name="eventName"/>, then deletes the key when
    /// empty (notified as <c>del</c>), else records the change.
    /// </summary>
    internal static void AfterRemoval(CommandContext ctx, ReadOnlySpan<byte> key, RedisSortedSet z, ReadOnlySpan<byte> eventName)
    {
        ctx.Notify(KeyspaceEvents.ZSet, eventName, key);
        if (z.IsEmpty) DeleteEmptied(ctx, key);
        else ctx.Touched(key);
    }

    internal static void DeleteEmptied(CommandContext ctx, ReadOnlySpan<byte> key)
    {
        ctx.Delete(key);
        ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
    }

    /// <summary>A STORE form's result is empty: the destination is deleted (notified only if it existed).</summary>
    internal static void DeleteDestination(CommandContext ctx, ReadOnlySpan<byte> dst)
    {
        if (ctx.Delete(dst)) ctx.Notify(KeyspaceEvents.Generic, "del"u8, dst);
    }

    // ---------------- commands ----------------

    private static void ZAdd(CommandContext ctx, ZAddFlags flags)
    {
        const string nanError = "ERR resulting score is not a number (NaN)";
        var a = ctx.Args;
        var key = a[1];
        var ch = false;
        var idx = 2;
        for (; idx < a.Count; idx++)
        {
            if (a.Is(idx, "nx"u8)) flags |= ZAddFlags.Nx;
            else if (a.Is(idx, "xx"u8)) flags |= ZAddFlags.Xx;
            else if (a.Is(idx, "ch"u8)) ch = true;
            else if (a.Is(idx, "incr"u8)) flags |= ZAddFlags.Incr;
            else if (a.Is(idx, "gt"u8)) flags |= ZAddFlags.Gt;
            else if (a.Is(idx, "lt"u8)) flags |= ZAddFlags.Lt;
            else break;
        }
        var incr = (flags & ZAddFlags.Incr) != 0;
        bool nx = (flags & ZAddFlags.Nx) != 0, xx = (flags & ZAddFlags.Xx) != 0;
        bool gt = (flags & ZAddFlags.Gt) != 0, lt = (flags & ZAddFlags.Lt) != 0;
        var elements = a.Count - idx;
        if (elements % 2 != 0 || elements == 0)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        elements /= 2;
        if (nx && xx)
        {
            ctx.Reply.WriteError("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            ctx.Reply.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1)
        {
            ctx.Reply.WriteError("ERR INCR option supports a single increment-element pair");
            return;
        }
        var scores = new double[elements];
        for (var j = 0; j < elements; j++)
        {
            if (!Score.TryParse(a[idx + j * 2], out scores[j]))
            {
                ctx.Reply.WriteError(Errors.NotFloat);
                return;
            }
        }
        if (!ctx.TryGet<RedisSortedSet>(key, out var z)) return;
        int added = 0, updated = 0, processed = 0;
        double score = 0;
        if (z is null)
        {
            if (xx)
            {
                Finish();
                return;
            }
            z = RedisSortedSet.Create(elements, a[idx + 1].Length, ctx.Server.Encoding);
            ctx.SetValue(key, z);
        }
        else z.MaybeConvert(elements, ctx.Server.Encoding);

        for (var j = 0; j < elements; j++)
        {
            var outcome = z.Add(scores[j], a[idx + 1 + j * 2], flags, ctx.Server.Encoding, out var newScore);
            if (outcome == ZAddOutcome.Nan)
            {
                ctx.Reply.WriteError(nanError);
                return;
            }
            if (outcome == ZAddOutcome.Added) added++;
            else if (outcome == ZAddOutcome.Updated) updated++;
            if (outcome != ZAddOutcome.Nop) processed++;
            score = newScore;
        }
        if (added + updated > 0)
        {
            ctx.Touched(key);
            ctx.Notify(KeyspaceEvents.ZSet, incr ? "zincr"u8 : "zadd"u8, key);
            if (incr) EmitZAdd(ctx, key, score, a[idx + 1]);
        }
        Finish();

        void Finish()
        {
            if (incr)
            {
                if (processed > 0) ctx.Reply.WriteDouble(score);
                else ctx.Reply.WriteNull();
            }
            else ctx.Reply.WriteInteger(ch ? added + updated : added);
        }
    }

    private static void ZRem(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!ctx.TryGet<RedisSortedSet>(key, out var z)) return;
        if (z is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var deleted = 0;
        for (var j = 2; j < a.Count; j++)
        {
            if (z.Remove(a[j])) deleted++;
            if (z.IsEmpty) break;
        }
        if (deleted > 0) AfterRemoval(ctx, key, z, "zrem"u8);
        ctx.Reply.WriteInteger(deleted);
    }

    private static void ZScore(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisSortedSet>(ctx.Args[1], out var z)) return;
        if (z is not null && z.TryGetScore(ctx.Args[2], out var score)) ctx.Reply.WriteDouble(score);
        else ctx.Reply.WriteNull();
    }

    private static void ZMScore(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        ctx.Reply.WriteArrayHeader(a.Count - 2);
        for (var j = 2; j < a.Count; j++)
        {
            if (z is not null && z.TryGetScore(a[j], out var score)) ctx.Reply.WriteDouble(score);
            else ctx.Reply.WriteNull();
        }
    }

    private static void ZCard(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisSortedSet>(ctx.Args[1], out var z)) return;
        ctx.Reply.WriteInteger(z?.Count ?? 0);
    }

    private static void ZRank(CommandContext ctx, bool reverse)
    {
        var a = ctx.Args;
        if (a.Count > 4)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.Name));
            return;
        }
        var withScore = false;
        if (a.Count == 4)
        {
            if (!a.Is(3, "withscore"u8))
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
            withScore = true;
        }
        if (!ctx.TryGet<RedisSortedSet>(a[1], out var z)) return;
        var rank = z?.Rank(a[2], reverse, out var score) ?? -1;
        if (rank < 0)
        {
            if (withScore) ctx.Reply.WriteNullArray();
            else ctx.Reply.WriteNull();
            return;
        }
        if (withScore)
        {
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(rank);
            z!.TryGetScore(a[2], out score);
            ctx.Reply.WriteDouble(score);
        }
        else ctx.Reply.WriteInteger(rank);
    }
}
