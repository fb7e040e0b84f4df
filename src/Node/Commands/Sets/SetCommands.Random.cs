using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Sets;

/// <summary>
/// SPOP, SRANDMEMBER and SSCAN. SPOP is random, so it never replicates as itself: its effect is
/// <c>SREM key</c> with the members it actually removed, or <c>DEL key</c> when it emptied the set.
/// </summary>
public static partial class SetCommands
{
    private static void RegisterRandom(CommandTable t)
    {
        t.Add("spop", -2, Write | Fast, 1, 1, 1, SPop, "set", "write", "set", "fast");
        t.Add("srandmember", -2, ReadOnly, 1, 1, 1, SRandMember, "set", "read", "set", "slow");
        t.Add("sscan", -3, ReadOnly, 1, 1, 1, SScan, "set", "read", "set", "slow");
    }

    private static void SPop(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var key = a[1];
        if (a.Count == 2)
        {
            if (!ctx.TryGet<RedisSet>(key, out var one)) return;
            if (one is null)
            {
                ctx.Reply.WriteNull();
                return;
            }
            var m = one.PopRandom(Random.Shared);
            ctx.Notify(KeyspaceEvents.Set, "spop"u8, key);
            if (one.IsEmpty) DeleteEmptied(ctx, key);
            else ctx.Touched(key);
            ctx.Reply.WriteBulk(m);
            EmitSRem(ctx, key, [m]);
            return;
        }
        if (!ArgParse.TryInt64(a[2], out var count) || count < 0)
        {
            ctx.Reply.WriteError("ERR value is out of range, must be positive");
            return;
        }
        if (!ctx.TryGet<RedisSet>(key, out var set)) return;
        if (set is null || count == 0)
        {
            ctx.Reply.WriteSetHeader(0);
            return;
        }
        if (count >= set.Count)
        {
            WriteSet(ctx, set);
            ctx.Notify(KeyspaceEvents.Set, "spop"u8, key);
            DeleteEmptied(ctx, key);
            if (ctx.BeginEffect(2) is { } d)
            {
                d.WriteBulk("DEL"u8);
                d.WriteBulk(key);
                ctx.EndEffect();
            }
            return;
        }
        var popped = new List<byte[]>((int)count);
        for (var i = 0; i < count; i++) popped.Add(set.PopRandom(Random.Shared));
        ctx.Touched(key);
        ctx.Notify(KeyspaceEvents.Set, "spop"u8, key);
        ctx.Reply.WriteSetHeader(popped.Count);
        foreach (var m in popped) ctx.Reply.WriteBulk(m);
        EmitSRem(ctx, key, popped);
    }

    private static void EmitSRem(CommandContext ctx, ReadOnlySpan<byte> key, List<byte[]> members)
    {
        if (ctx.BeginEffect(2 + members.Count) is not { } e) return;
        e.WriteBulk("SREM"u8);
        e.WriteBulk(key);
        foreach (var m in members) e.WriteBulk(m);
        ctx.EndEffect();
    }

    private static void SRandMember(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (a.Count == 2)
        {
            if (!ctx.TryGet<RedisSet>(a[1], out var one)) return;
            if (one is null) ctx.Reply.WriteNull();
            else ctx.Reply.WriteBulk(one.RandomMember(Random.Shared));
            return;
        }
        if (!CollectionScan.TryRandomCount(ctx, 2, out var count)) return;
        if (!ctx.TryGet<RedisSet>(a[1], out var set)) return;
        if (set is null || count == 0)
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        if (count < 0)
        {
            if (-count > CollectionScan.MaxRepeatedSamples)
            {
                ctx.Reply.WriteError("ERR value is out of range");
                return;
            }
            ctx.Reply.WriteArrayHeader((int)-count);
            for (var i = 0; i < -count; i++) ctx.Reply.WriteBulk(set.RandomMember(Random.Shared));
            return;
        }
        if (count >= set.Count)
        {
            ctx.Reply.WriteArrayHeader(set.Count);
            var e = set.GetEnumerator();
            while (e.MoveNext()) ctx.Reply.WriteBulk(e.Current);
            return;
        }
        var n = (int)count;
        ctx.Reply.WriteArrayHeader(n);
        if (set.EncodingName != "hashtable" || count * 3 > set.Count)
        {
            // Many of them (or a small set): shuffle the first n of a copy.
            var all = new List<byte[]>(set.Count);
            var e = set.GetEnumerator();
            while (e.MoveNext()) all.Add(e.Current.ToArray());
            for (var i = 0; i < n; i++)
            {
                var j = Random.Shared.Next(i, all.Count);
                (all[i], all[j]) = (all[j], all[i]);
                ctx.Reply.WriteBulk(all[i]);
            }
            return;
        }
        var picked = new HashSet<byte[]>(KeyComparer.Instance);
        while (picked.Count < n)
        {
            var m = set.RandomMember(Random.Shared);
            if (picked.Add(m)) ctx.Reply.WriteBulk(m);
        }
    }

    private static void SScan(CommandContext ctx)
    {
        if (!CollectionScan.TryCursor(ctx, out var cursor)) return;
        if (!ctx.TryGet<RedisSet>(ctx.Args[1], out var set)) return;
        if (set is null)
        {
            CollectionScan.WriteEmpty(ctx);
            return;
        }
        if (!CollectionScan.TryOptions(ctx, out var pattern, out var count)) return;
        var found = new List<byte[]>();
        var next = set.Scan(cursor, count, found);
        var matching = 0;
        foreach (var m in found)
            if (CollectionScan.Matches(pattern, m)) matching++;
        ctx.Reply.WriteArrayHeader(2);
        ctx.Reply.WriteBulkString(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ctx.Reply.WriteArrayHeader(matching);
        foreach (var m in found)
            if (CollectionScan.Matches(pattern, m)) ctx.Reply.WriteBulk(m);
    }
}
