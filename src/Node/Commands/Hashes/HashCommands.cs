using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Hashes;

/// <summary>The hash commands that read or write fields by name (HSET, HGET, HDEL, HGETALL...).</summary>
public static partial class HashCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("hset", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => HSet(ctx, replyOk: false), "hash", "write", "hash", "fast");
        t.Add("hmset", -4, Write | DenyOom | Fast, 1, 1, 1, ctx => HSet(ctx, replyOk: true), "hash", "write", "hash", "fast");
        t.Add("hsetnx", 4, Write | DenyOom | Fast, 1, 1, 1, HSetNx, "hash", "write", "hash", "fast");
        t.Add("hget", 3, ReadOnly | Fast, 1, 1, 1, HGet, "hash", "read", "hash", "fast");
        t.Add("hmget", -3, ReadOnly | Fast, 1, 1, 1, HMGet, "hash", "read", "hash", "fast");
        t.Add("hgetall", 2, ReadOnly, 1, 1, 1, HGetAll, "hash", "read", "hash", "slow");
        t.Add("hdel", -3, Write | Fast, 1, 1, 1, HDel, "hash", "write", "hash", "fast");
        t.Add("hexists", 3, ReadOnly | Fast, 1, 1, 1, HExists, "hash", "read", "hash", "fast");
        t.Add("hlen", 2, ReadOnly | Fast, 1, 1, 1, HLen, "hash", "read", "hash", "fast");
        t.Add("hkeys", 2, ReadOnly, 1, 1, 1, ctx => HKeysOrVals(ctx, keys: true), "hash", "read", "hash", "slow");
        t.Add("hvals", 2, ReadOnly, 1, 1, 1, ctx => HKeysOrVals(ctx, keys: false), "hash", "read", "hash", "slow");
        t.Add("hstrlen", 3, ReadOnly | Fast, 1, 1, 1, HStrLen, "hash", "read", "hash", "fast");
        t.Add("hincrby", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrBy, "hash", "write", "hash", "fast");
        t.Add("hincrbyfloat", 4, Write | DenyOom | Fast, 1, 1, 1, HIncrByFloat, "hash", "write", "hash", "fast");
        t.Add("hrandfield", -2, ReadOnly, 1, 1, 1, HRandField, "hash", "read", "hash", "slow");
        t.Add("hscan", -3, ReadOnly, 1, 1, 1, HScan, "hash", "read", "hash", "slow");
    }

    /// <summary>The hash at <paramref name="key"/>, a new unstored one when missing; false after replying WRONGTYPE.</summary>
    private static bool TryGetForWrite(CommandContext ctx, ReadOnlySpan<byte> key, out RedisHash hash, out bool created)
    {
        created = false;
        hash = null!;
        if (!ctx.TryGet<RedisHash>(key, out var h)) return false;
        created = h is null;
        hash = h ?? new RedisHash();
        return true;
    }

    /// <summary>Stores a new hash or records the in-place change of an existing one, and notifies <paramref name="eventName"/>.</summary>
    private static void Commit(CommandContext ctx, ReadOnlySpan<byte> key, RedisHash hash, bool created, ReadOnlySpan<byte> eventName)
    {
        if (created) ctx.SetValue(key, hash);
        else ctx.Touched(key);
        ctx.Notify(KeyspaceEvents.Hash, eventName, key);
    }

    private static void HSet(CommandContext ctx, bool replyOk)
    {
        var a = ctx.Args;
        if (a.Count % 2 != 0)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.Name));
            return;
        }
        var key = a[1];
        if (!TryGetForWrite(ctx, key, out var hash, out var created)) return;
        var maxLen = 0;
        for (var i = 2; i < a.Count; i++) maxLen = Math.Max(maxLen, a[i].Length);
        hash.PrepareFor((a.Count - 2) / 2, maxLen, ctx.Server.Encoding);
        long added = 0;
        for (var i = 2; i < a.Count; i += 2)
            if (hash.Set(a[i], a[i + 1], ctx.Server.Encoding)) added++;
        Commit(ctx, key, hash, created, "hset"u8);
        if (replyOk) ctx.Reply.WriteOk();
        else ctx.Reply.WriteInteger(added);
    }

    private static void HSetNx(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!TryGetForWrite(ctx, key, out var hash, out var created)) return;
        if (hash.Contains(a[2]))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        hash.PrepareFor(1, Math.Max(a[2].Length, a[3].Length), ctx.Server.Encoding);
        hash.Set(a[2], a[3], ctx.Server.Encoding);
        Commit(ctx, key, hash, created, "hset"u8);
        ctx.Reply.WriteInteger(1);
    }

    private static void HGet(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        if (h is not null && h.TryGet(ctx.Args[2], out var v)) ctx.Reply.WriteBulk(v);
        else ctx.Reply.WriteNull();
    }

    private static void HMGet(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisHash>(a[1], out var h)) return;
        ctx.Reply.WriteArrayHeader(a.Count - 2);
        for (var i = 2; i < a.Count; i++)
        {
            if (h is not null && h.TryGet(a[i], out var v)) ctx.Reply.WriteBulk(v);
            else ctx.Reply.WriteNull();
        }
    }

    private static void HGetAll(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        if (h is null)
        {
            ctx.Reply.WriteMapHeader(0);
            return;
        }
        ctx.Reply.WriteMapHeader(h.Count);
        var e = h.GetEnumerator();
        while (e.MoveNext())
        {
            ctx.Reply.WriteBulk(e.Field);
            ctx.Reply.WriteBulk(e.Value);
        }
    }

    private static void HKeysOrVals(CommandContext ctx, bool keys)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        ctx.Reply.WriteArrayHeader(h?.Count ?? 0);
        if (h is null) return;
        var e = h.GetEnumerator();
        while (e.MoveNext()) ctx.Reply.WriteBulk(keys ? e.Field : e.Value);
    }

    private static void HDel(CommandContext ctx)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!ctx.TryGet<RedisHash>(key, out var h)) return;
        long removed = 0;
        if (h is not null)
        {
            for (var i = 2; i < a.Count && !h.IsEmpty; i++)
                if (h.Remove(a[i])) removed++;
            if (removed > 0) ctx.Notify(KeyspaceEvents.Hash, "hdel"u8, key);
            if (h.IsEmpty)
            {
                ctx.Delete(key);
                ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
            }
            else if (removed > 0) ctx.Touched(key);
        }
        ctx.Reply.WriteInteger(removed);
    }

    private static void HExists(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        ctx.Reply.WriteInteger(h is not null && h.Contains(ctx.Args[2]) ? 1 : 0);
    }

    private static void HLen(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        ctx.Reply.WriteInteger(h?.Count ?? 0);
    }

    private static void HStrLen(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisHash>(ctx.Args[1], out var h)) return;
        ctx.Reply.WriteInteger(h is not null && h.TryGet(ctx.Args[2], out var v) ? v.Length : 0);
    }

    private static void HIncrBy(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[3], out var by))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        var key = a[1];
        if (!TryGetForWrite(ctx, key, out var hash, out var created)) return;
        long value = 0;
        if (hash.TryGet(a[2], out var old) && !ArgParse.TryInt64(old, out value))
        {
            ctx.Reply.WriteError("ERR hash value is not an integer");
            return;
        }
        if ((by < 0 && value < 0 && by < long.MinValue - value) || (by > 0 && value > 0 && by > long.MaxValue - value))
        {
            ctx.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += by;
        hash.Set(a[2], ArgParse.FormatInt64(value), ctx.Server.Encoding);
        Commit(ctx, key, hash, created, "hincrby"u8);
        ctx.Reply.WriteInteger(value);
    }

    private static void HIncrByFloat(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!LongDouble.TryParse(a[3], out var increment))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (increment.IsInfinity)
        {
            ctx.Reply.WriteError("ERR value is NaN or Infinity");
            return;
        }
        var key = a[1];
        if (!TryGetForWrite(ctx, key, out var hash, out var created)) return;
        var value = default(LongDouble);
        if (hash.TryGet(a[2], out var old) && !LongDouble.TryParse(old, out value))
        {
            ctx.Reply.WriteError("ERR hash value is not a float");
            return;
        }
        // Redis adds in 80-bit long double; so do we, to give the same digits.
        value += increment;
        if (value.IsInfinity)
        {
            ctx.Reply.WriteError(Errors.IncrNanOrInf);
            return;
        }
        var text = System.Text.Encoding.ASCII.GetBytes(value.ToHumanString());
        hash.Set(a[2], text, ctx.Server.Encoding);
        Commit(ctx, key, hash, created, "hincrbyfloat"u8);
        ctx.Reply.WriteBulk(text);
        // The float addition is not replayed; the value it produced is (as Redis propagates it).
        if (ctx.BeginEffect(4) is { } e)
        {
            e.WriteBulk("HSET"u8);
            e.WriteBulk(key);
            e.WriteBulk(a[2]);
            e.WriteBulk(text);
            ctx.EndEffect();
        }
    }
}
