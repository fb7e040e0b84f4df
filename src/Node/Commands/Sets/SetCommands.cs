using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Sets;

/// <summary>The set commands on one set by member (SADD, SREM, SISMEMBER...) and SMOVE.</summary>
public static partial class SetCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("sadd", -3, Write | DenyOom | Fast, 1, 1, 1, SAdd, "set", "write", "set", "fast");
        t.Add("srem", -3, Write | Fast, 1, 1, 1, SRem, "set", "write", "set", "fast");
        t.Add("smembers", 2, ReadOnly, 1, 1, 1, SMembers, "set", "read", "set", "slow");
        t.Add("sismember", 3, ReadOnly | Fast, 1, 1, 1, SIsMember, "set", "read", "set", "fast");
        t.Add("smismember", -3, ReadOnly | Fast, 1, 1, 1, SMIsMember, "set", "read", "set", "fast");
        t.Add("scard", 2, ReadOnly | Fast, 1, 1, 1, SCard, "set", "read", "set", "fast");
        t.Add("smove", 4, Write | Fast, 1, 2, 1, SMove, "set", "write", "set", "fast");
        RegisterAlgebra(t);
        RegisterRandom(t);
    }

    private static void SAdd(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!ctx.TryGet<RedisSet>(key, out var set)) return;
        var created = set is null;
        if (set is null) set = RedisSet.Create(a[2], a.Count - 2, ctx.Server.Encoding);
        else set.MaybeConvert(a.Count - 2, ctx.Server.Encoding);
        long added = 0;
        for (var i = 2; i < a.Count; i++)
            if (set.Add(a[i], ctx.Server.Encoding)) added++;
        if (created) ctx.SetValue(key, set);
        else if (added > 0) ctx.Touched(key);
        if (added > 0) ctx.Notify(KeyspaceEvents.Set, "sadd"u8, key);
        ctx.Reply.WriteInteger(added);
    }

    private static void SRem(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!ctx.TryGet<RedisSet>(key, out var set)) return;
        long removed = 0;
        if (set is not null)
        {
            for (var i = 2; i < a.Count && !set.IsEmpty; i++)
                if (set.Remove(a[i])) removed++;
            if (removed > 0) ctx.Notify(KeyspaceEvents.Set, "srem"u8, key);
            if (set.IsEmpty) SetCommands.DeleteEmptied(ctx, key);
            else if (removed > 0) ctx.Touched(key);
        }
        ctx.Reply.WriteInteger(removed);
    }

    /// <summary>Deletes a set that became empty, notified as <c>del</c> as Redis does.</summary>
    internal static void DeleteEmptied(CommandContext ctx, ReadOnlySpan<byte> key)
    {
        ctx.Delete(key);
        ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
    }

    private static void SMembers(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisSet>(ctx.Args[1], out var set)) return;
        WriteSet(ctx, set);
    }

    /// <summary>A whole set as a RESP3 set (RESP2 array) in the set's order; an empty one when null.</summary>
    internal static void WriteSet(CommandContext ctx, RedisSet? set)
    {
        ctx.Reply.WriteSetHeader(set?.Count ?? 0);
        if (set is null) return;
        var e = set.GetEnumerator();
        while (e.MoveNext()) ctx.Reply.WriteBulk(e.Current);
    }

    private static void SIsMember(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisSet>(ctx.Args[1], out var set)) return;
        ctx.Reply.WriteInteger(set is not null && set.Contains(ctx.Args[2]) ? 1 : 0);
    }

    private static void SMIsMember(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisSet>(a[1], out var set)) return;
        ctx.Reply.WriteArrayHeader(a.Count - 2);
        for (var i = 2; i < a.Count; i++) ctx.Reply.WriteInteger(set is not null && set.Contains(a[i]) ? 1 : 0);
    }

    private static void SCard(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisSet>(ctx.Args[1], out var set)) return;
        ctx.Reply.WriteInteger(set?.Count ?? 0);
    }

    private static void SMove(CommandContext ctx)
    {
        var a = ctx.Args;
        ReadOnlySpan<byte> srcKey = a[1], dstKey = a[2], member = a[3];
        var src = ctx.Get(srcKey);
        var dst = ctx.Get(dstKey);
        if (src is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (src is not RedisSet from || (dst is not null && dst is not RedisSet))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        if (ReferenceEquals(src, dst))
        {
            ctx.Reply.WriteInteger(from.Contains(member) ? 1 : 0);
            return;
        }
        if (!from.Remove(member))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.Notify(KeyspaceEvents.Set, "srem"u8, srcKey);
        if (from.IsEmpty) DeleteEmptied(ctx, srcKey);
        else ctx.Touched(srcKey);
        if (dst is RedisSet to)
        {
            if (to.Add(member, ctx.Server.Encoding))
            {
                ctx.Touched(dstKey);
                ctx.Notify(KeyspaceEvents.Set, "sadd"u8, dstKey);
            }
        }
        else
        {
            var created = RedisSet.Create(member, 1, ctx.Server.Encoding);
            created.Add(member, ctx.Server.Encoding);
            ctx.SetValue(dstKey, created);
            ctx.Notify(KeyspaceEvents.Set, "sadd"u8, dstKey);
        }
        ctx.Reply.WriteInteger(1);
    }
}
