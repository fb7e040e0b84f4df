using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>GET, SET and the other string commands that read or replace a whole value.</summary>
public static partial class StringCommands
{
    public static void Register(CommandTable t)
    {
        t.Add("get", 2, ReadOnly | Fast, 1, 1, 1, Get, "string", "read", "string", "fast");
        t.Add("set", -3, Write | DenyOom, 1, 1, 1, Set, "string", "write", "string", "slow");
        t.Add("setnx", 3, Write | DenyOom | Fast, 1, 1, 1, SetNx, "string", "write", "string", "fast");
        t.Add("setex", 4, Write | DenyOom, 1, 1, 1, ctx => SetEx(ctx, seconds: true), "string", "write", "string", "slow");
        t.Add("psetex", 4, Write | DenyOom, 1, 1, 1, ctx => SetEx(ctx, seconds: false), "string", "write", "string", "slow");
        t.Add("mget", -2, ReadOnly | Fast, 1, -1, 1, MGet, "string", "read", "string", "fast");
        t.Add("mset", -3, Write | DenyOom, 1, -1, 2, ctx => MSet(ctx, nx: false), "string", "write", "string", "slow");
        t.Add("msetnx", -3, Write | DenyOom, 1, -1, 2, ctx => MSet(ctx, nx: true), "string", "write", "string", "slow");
        t.Add("getset", 3, Write | DenyOom | Fast, 1, 1, 1, GetSet, "string", "write", "string", "fast");
        t.Add("getdel", 2, Write | Fast, 1, 1, 1, GetDel, "string", "write", "string", "fast");
        t.Add("getex", -2, Write | Fast, 1, 1, 1, GetEx, "string", "write", "string", "fast");
        t.Add("append", 3, Write | DenyOom | Fast, 1, 1, 1, Append, "string", "write", "string", "fast");
        t.Add("strlen", 2, ReadOnly | Fast, 1, 1, 1, StrLen, "string", "read", "string", "fast");
        t.Add("getrange", 4, ReadOnly, 1, 1, 1, GetRange, "string", "read", "string", "slow");
        t.Add("substr", 4, ReadOnly, 1, 1, 1, GetRange, "string", "read", "string", "slow");
        t.Add("setrange", 4, Write | DenyOom, 1, 1, 1, SetRange, "string", "write", "string", "slow");
        RegisterCounters(t);
        t.Add("lcs", -3, ReadOnly, 1, 2, 1, Lcs.Run, "string", "read", "string", "slow");
    }

    private static void Get(CommandContext ctx)
    {
        if (!ctx.TryGet<byte[]>(ctx.Args[1], out var v)) return;
        if (v is null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(v);
    }

    private static void Set(CommandContext ctx)
    {
        var a = ctx.Args;
        bool nx = false, xx = false, get = false, keepTtl = false;
        long expireAt = -1;
        var expirySeen = false;
        for (var i = 3; i < a.Count; i++)
        {
            var hasNext = i + 1 < a.Count;
            if (a.Is(i, "nx"u8) && !xx) nx = true;
            else if (a.Is(i, "xx"u8) && !nx) xx = true;
            else if (a.Is(i, "get"u8)) get = true;
            else if (a.Is(i, "keepttl"u8) && !expirySeen) keepTtl = expirySeen = true;
            else if (!expirySeen && hasNext && (a.Is(i, "ex"u8) || a.Is(i, "px"u8) || a.Is(i, "exat"u8) || a.Is(i, "pxat"u8)))
            {
                var seconds = a.Is(i, "ex"u8) || a.Is(i, "exat"u8);
                var absolute = a.Is(i, "exat"u8) || a.Is(i, "pxat"u8);
                expirySeen = true;
                if (!ExpiryArgs.TryAbsolute(ctx, a[++i], seconds, absolute, out expireAt)) return;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var key = a[1];
        var current = ctx.Get(key);
        if (get && current is null) ctx.NotifyKeyMiss(key);
        if (get && current is not null and not byte[])
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        if ((nx && current is not null) || (xx && current is null))
        {
            if (get) WriteOld(ctx, current);
            else ctx.Reply.WriteNull();
            return;
        }
        if (!get && current is byte[] old && old.Length == a[2].Length)
        {
            // Overwrite in place: a stored string is never shared (COPY copies it, readers copy it out
            // under the slot's lock), and reusing it spares the GC a promoted array per overwrite.
            a[2].CopyTo(old);
            ctx.SetValue(key, old, keepTtl);
        }
        else ctx.SetValue(key, a.ToArray(2), keepTtl);
        ctx.Notify(KeyspaceEvents.String, "set"u8, key);
        if (expireAt >= 0)
        {
            ctx.SetExpiry(key, expireAt);
            ctx.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        }
        if (get) WriteOld(ctx, current);
        else ctx.Reply.WriteOk();
        if (expireAt >= 0 && ctx.BeginEffect(5) is { } e)
        {
            // Relative times become absolute so a replica or a replayed journal expires it at the same instant.
            e.WriteBulk("SET"u8);
            e.WriteBulk(key);
            e.WriteBulk(a[2]);
            e.WriteBulk("PXAT"u8);
            e.WriteBulkInteger(expireAt);
            ctx.EndEffect();
        }
        else if (ctx.BeginEffect(keepTtl ? 4 : 3) is { } e2)
        {
            e2.WriteBulk("SET"u8);
            e2.WriteBulk(key);
            e2.WriteBulk(a[2]);
            if (keepTtl) e2.WriteBulk("KEEPTTL"u8);
            ctx.EndEffect();
        }
    }

    private static void WriteOld(CommandContext ctx, object? current)
    {
        if (current is byte[] old) ctx.Reply.WriteBulk(old);
        else ctx.Reply.WriteNull();
    }

    private static void SetNx(CommandContext ctx)
    {
        if (ctx.Exists(ctx.Args[1]))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.SetValue(ctx.Args[1], ctx.Args.ToArray(2));
        ctx.Notify(KeyspaceEvents.String, "set"u8, ctx.Args[1]);
        ctx.Reply.WriteInteger(1);
    }

    private static void SetEx(CommandContext ctx, bool seconds)
    {
        var a = ctx.Args;
        if (!ExpiryArgs.TryAbsolute(ctx, a[2], seconds, absolute: false, out var at)) return;
        ctx.SetValue(a[1], a.ToArray(3));
        ctx.Notify(KeyspaceEvents.String, "set"u8, a[1]);
        ctx.SetExpiry(a[1], at);
        ctx.Notify(KeyspaceEvents.Generic, "expire"u8, a[1]);
        ctx.Reply.WriteOk();
        if (ctx.BeginEffect(5) is { } e)
        {
            e.WriteBulk("SET"u8);
            e.WriteBulk(a[1]);
            e.WriteBulk(a[3]);
            e.WriteBulk("PXAT"u8);
            e.WriteBulkInteger(at);
            ctx.EndEffect();
        }
    }

    private static void MGet(CommandContext ctx)
    {
        var a = ctx.Args;
        ctx.Reply.WriteArrayHeader(a.Count - 1);
        for (var i = 1; i < a.Count; i++)
        {
            if (ctx.Get(a[i]) is byte[] v) ctx.Reply.WriteBulk(v);
            else ctx.Reply.WriteNull();
        }
    }

    private static void MSet(CommandContext ctx, bool nx)
    {
        var a = ctx.Args;
        if (a.Count % 2 == 0)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.Name));
            return;
        }
        if (nx)
        {
            for (var i = 1; i < a.Count; i += 2)
            {
                if (ctx.Exists(a[i]))
                {
                    ctx.Reply.WriteInteger(0);
                    return;
                }
            }
        }
        for (var i = 1; i < a.Count; i += 2)
        {
            ctx.SetValue(a[i], a.ToArray(i + 1));
            ctx.Notify(KeyspaceEvents.String, "set"u8, a[i]);
        }
        if (nx) ctx.Reply.WriteInteger(1);
        else ctx.Reply.WriteOk();
    }

    private static void GetSet(CommandContext ctx)
    {
        if (!ctx.TryGet<byte[]>(ctx.Args[1], out var old)) return;
        if (old is null) ctx.NotifyKeyMiss(ctx.Args[1]);
        ctx.SetValue(ctx.Args[1], ctx.Args.ToArray(2));
        ctx.Notify(KeyspaceEvents.String, "set"u8, ctx.Args[1]);
        if (old is null) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(old);
        if (ctx.BeginEffect(3) is { } e)
        {
            e.WriteBulk("SET"u8);
            e.WriteBulk(ctx.Args[1]);
            e.WriteBulk(ctx.Args[2]);
            ctx.EndEffect();
        }
    }

    private static void GetDel(CommandContext ctx)
    {
        if (!ctx.TryGet<byte[]>(ctx.Args[1], out var old)) return;
        if (old is null)
        {
            ctx.NotifyKeyMiss(ctx.Args[1]);
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Delete(ctx.Args[1]);
        ctx.Notify(KeyspaceEvents.Generic, "del"u8, ctx.Args[1]);
        ctx.Reply.WriteBulk(old);
        if (ctx.BeginEffect(2) is { } e)
        {
            e.WriteBulk("DEL"u8);
            e.WriteBulk(ctx.Args[1]);
            ctx.EndEffect();
        }
    }

    private static void GetEx(CommandContext ctx)
    {
        var a = ctx.Args;
        long at = -1;
        var persist = false;
        for (var i = 2; i < a.Count; i++)
        {
            var hasNext = i + 1 < a.Count;
            if (a.Is(i, "persist"u8) && at < 0 && !persist) persist = true;
            else if (at < 0 && !persist && hasNext && (a.Is(i, "ex"u8) || a.Is(i, "px"u8) || a.Is(i, "exat"u8) || a.Is(i, "pxat"u8)))
            {
                var seconds = a.Is(i, "ex"u8) || a.Is(i, "exat"u8);
                var absolute = a.Is(i, "exat"u8) || a.Is(i, "pxat"u8);
                if (!ExpiryArgs.TryAbsolute(ctx, a[++i], seconds, absolute, out at)) return;
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        var key = a[1];
        if (!ctx.TryGet<byte[]>(key, out var v)) return;
        if (v is null)
        {
            ctx.NotifyKeyMiss(key);
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteBulk(v);
        if (at >= 0)
        {
            if (at <= ctx.NowMs)
            {
                ctx.Delete(key);
                ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
                if (ctx.BeginEffect(2) is { } d)
                {
                    d.WriteBulk("DEL"u8);
                    d.WriteBulk(key);
                    ctx.EndEffect();
                }
                return;
            }
            ctx.SetExpiry(key, at);
            ctx.Notify(KeyspaceEvents.Generic, "expire"u8, key);
            if (ctx.BeginEffect(3) is { } e)
            {
                e.WriteBulk("PEXPIREAT"u8);
                e.WriteBulk(key);
                e.WriteBulkInteger(at);
                ctx.EndEffect();
            }
        }
        else if (persist && ctx.Persist(key))
        {
            ctx.Notify(KeyspaceEvents.Generic, "persist"u8, key);
            if (ctx.BeginEffect(2) is not { } p) return;
            p.WriteBulk("PERSIST"u8);
            p.WriteBulk(key);
            ctx.EndEffect();
        }
    }

    private static void Append(CommandContext ctx)
    {
        if (!ctx.TryGet<byte[]>(ctx.Args[1], out var old)) return;
        var add = ctx.Args[2];
        var oldLen = old?.Length ?? 0;
        if ((long)oldLen + add.Length > Math.Min(ctx.Server.Options.ProtoMaxBulkLen, Array.MaxLength))
        {
            ctx.Reply.WriteError(Errors.StringTooLong);
            return;
        }
        var value = new byte[oldLen + add.Length];
        old?.CopyTo(value, 0);
        add.CopyTo(value.AsSpan(oldLen));
        ctx.SetValue(ctx.Args[1], value, keepTtl: true);
        ctx.Notify(KeyspaceEvents.String, "append"u8, ctx.Args[1]);
        ctx.Reply.WriteInteger(value.Length);
    }

    private static void StrLen(CommandContext ctx)
    {
        if (!ctx.TryGet<byte[]>(ctx.Args[1], out var v)) return;
        ctx.Reply.WriteInteger(v?.Length ?? 0);
    }

    private static void GetRange(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var start) || !ArgParse.TryInt64(a[3], out var end))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!ctx.TryGet<byte[]>(a[1], out var v)) return;
        var len = v?.Length ?? 0;
        // Redis: both negative and start > end gives "" early.
        if (start < 0 && end < 0 && start > end || len == 0)
        {
            ctx.Reply.WriteBulk([]);
            return;
        }
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end)
        {
            ctx.Reply.WriteBulk([]);
            return;
        }
        ctx.Reply.WriteBulk(v.AsSpan((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var offset))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (offset < 0)
        {
            ctx.Reply.WriteError("ERR offset is out of range");
            return;
        }
        if (!ctx.TryGet<byte[]>(a[1], out var old)) return;
        var add = a[3];
        if (add.Length == 0)
        {
            ctx.Reply.WriteInteger(old?.Length ?? 0);
            return;
        }
        // Compared without adding, so that an offset near long.MaxValue cannot overflow past the check.
        if (offset > Math.Min(ctx.Server.Options.ProtoMaxBulkLen, Array.MaxLength) - add.Length)
        {
            ctx.Reply.WriteError(Errors.StringTooLong);
            return;
        }
        var newLen = Math.Max(old?.Length ?? 0, (int)offset + add.Length);
        var value = new byte[newLen];
        old?.CopyTo(value, 0);
        add.CopyTo(value.AsSpan((int)offset));
        ctx.SetValue(a[1], value, keepTtl: true);
        ctx.Notify(KeyspaceEvents.String, "setrange"u8, a[1]);
        ctx.Reply.WriteInteger(newLen);
    }
}
