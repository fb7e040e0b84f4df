using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.</summary>
public static partial class KeyCommands
{
    private static void RegisterExpire(CommandTable t)
    {
        t.Add("expire", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, seconds: true, absolute: false), "generic", "keyspace", "write", "fast");
        t.Add("pexpire", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, seconds: false, absolute: false), "generic", "keyspace", "write", "fast");
        t.Add("expireat", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, seconds: true, absolute: true), "generic", "keyspace", "write", "fast");
        t.Add("pexpireat", -3, Write | Fast, 1, 1, 1, ctx => Expire(ctx, seconds: false, absolute: true), "generic", "keyspace", "write", "fast");
        t.Add("ttl", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, seconds: true, absolute: false), "generic", "keyspace", "read", "fast");
        t.Add("pttl", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, seconds: false, absolute: false), "generic", "keyspace", "read", "fast");
        t.Add("expiretime", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, seconds: true, absolute: true), "generic", "keyspace", "read", "fast");
        t.Add("pexpiretime", 2, ReadOnly | Fast, 1, 1, 1, ctx => Ttl(ctx, seconds: false, absolute: true), "generic", "keyspace", "read", "fast");
        t.Add("persist", 2, Write | Fast, 1, 1, 1, Persist, "generic", "keyspace", "write", "fast");
    }

    private static void Expire(CommandContext ctx, bool seconds, bool absolute)
    {
        var a = ctx.Args;
        bool nx = false, xx = false, gt = false, lt = false;
        for (var i = 3; i < a.Count; i++)
        {
            if (a.Is(i, "nx"u8)) nx = true;
            else if (a.Is(i, "xx"u8)) xx = true;
            else if (a.Is(i, "gt"u8)) gt = true;
            else if (a.Is(i, "lt"u8)) lt = true;
            else
            {
                ctx.Reply.WriteError($"ERR Unsupported option {a.GetString(i)}");
                return;
            }
        }
        if (nx && (xx || gt || lt))
        {
            ctx.Reply.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (gt && lt)
        {
            ctx.Reply.WriteError("ERR GT and LT options at the same time are not compatible");
            return;
        }
        if (!ArgParse.TryInt64(a[2], out var when))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        // Overflow checks as Redis: the value in ms, then plus the base time, must fit.
        var invalid = string.Format(Errors.InvalidExpire, ctx.Command.Name);
        if (seconds && (when > long.MaxValue / 1000 || when < long.MinValue / 1000))
        {
            ctx.Reply.WriteError(invalid);
            return;
        }
        var ms = seconds ? when * 1000 : when;
        if (!absolute)
        {
            if ((ms > 0 && ms > long.MaxValue - ctx.NowMs) || (ms < 0 && ms < long.MinValue + ctx.NowMs))
            {
                ctx.Reply.WriteError(invalid);
                return;
            }
            ms += ctx.NowMs;
        }
        var key = a[1];
        if (!ctx.Exists(key))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var current = ctx.GetExpiry(key); // -1: no expiry, i.e. infinite
        if ((nx && current >= 0) || (xx && current < 0) || (gt && (current < 0 || ms <= current)) || (lt && current >= 0 && ms >= current))
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        if (ms <= ctx.NowMs)
        {
            ctx.Delete(key);
            ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
            ctx.Reply.WriteInteger(1);
            if (ctx.BeginEffect(2) is { } d)
            {
                d.WriteBulk("DEL"u8);
                d.WriteBulk(key);
                ctx.EndEffect();
            }
            return;
        }
        ctx.SetExpiry(key, ms);
        ctx.Notify(KeyspaceEvents.Generic, "expire"u8, key);
        ctx.Reply.WriteInteger(1);
        if (ctx.BeginEffect(3) is { } e)
        {
            e.WriteBulk("PEXPIREAT"u8);
            e.WriteBulk(key);
            e.WriteBulkInteger(ms);
            ctx.EndEffect();
        }
    }

    private static void Ttl(CommandContext ctx, bool seconds, bool absolute)
    {
        var key = ctx.Args[1];
        if (!ctx.Exists(key))
        {
            ctx.Reply.WriteInteger(-2);
            return;
        }
        var at = ctx.GetExpiry(key);
        if (at < 0)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        if (absolute)
        {
            ctx.Reply.WriteInteger(seconds ? at / 1000 : at);
            return;
        }
        var left = Math.Max(0, at - ctx.NowMs);
        ctx.Reply.WriteInteger(seconds ? (left + 500) / 1000 : left);
    }

    private static void Persist(CommandContext ctx)
    {
        var key = ctx.Args[1];
        var persisted = ctx.Exists(key) && ctx.Persist(key);
        if (persisted) ctx.Notify(KeyspaceEvents.Generic, "persist"u8, key);
        ctx.Reply.WriteInteger(persisted ? 1 : 0);
    }
}
