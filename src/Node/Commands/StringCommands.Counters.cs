using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using System.Globalization;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands;

/// <summary>INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.</summary>
public static partial class StringCommands
{
    private static void RegisterCounters(CommandTable t)
    {
        t.Add("incr", 2, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrBy(ctx, 1), "string", "write", "string", "fast");
        t.Add("decr", 2, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrBy(ctx, -1), "string", "write", "string", "fast");
        t.Add("incrby", 3, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrByArg(ctx, negate: false), "string", "write", "string", "fast");
        t.Add("decrby", 3, Write | DenyOom | Fast, 1, 1, 1, ctx => IncrByArg(ctx, negate: true), "string", "write", "string", "fast");
        t.Add("incrbyfloat", 3, Write | DenyOom | Fast, 1, 1, 1, IncrByFloat, "string", "write", "string", "fast");
    }

    private static void IncrByArg(CommandContext ctx, bool negate)
    {
        if (!ArgParse.TryInt64(ctx.Args[2], out var by))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (negate)
        {
            if (by == long.MinValue)
            {
                ctx.Reply.WriteError("ERR decrement would overflow");
                return;
            }
            by = -by;
        }
        IncrBy(ctx, by);
    }

    private static void IncrBy(CommandContext ctx, long by)
    {
        var key = ctx.Args[1];
        if (!ctx.TryGet<byte[]>(key, out var old)) return;
        long value = 0;
        if (old is not null && !ArgParse.TryInt64(old, out value))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if ((by < 0 && value < 0 && by < long.MinValue - value) || (by > 0 && value > 0 && by > long.MaxValue - value))
        {
            ctx.Reply.WriteError(Errors.Overflow);
            return;
        }
        value += by;
        ctx.SetValue(key, ArgParse.FormatInt64(value), keepTtl: true);
        ctx.Notify(KeyspaceEvents.String, "incrby"u8, key);
        ctx.Reply.WriteInteger(value);
    }

    private static void IncrByFloat(CommandContext ctx)
    {
        var key = ctx.Args[1];
        if (!ctx.TryGet<byte[]>(key, out var old)) return;
        // Redis adds in 80-bit long double and prints "%.17Lf" trimmed; LongDouble does the same.
        var value = default(LongDouble);
        if (old is not null && !LongDouble.TryParse(old, out value))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (!LongDouble.TryParse(ctx.Args[2], out var by))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        value += by;
        if (value.IsInfinity)
        {
            ctx.Reply.WriteError(Errors.IncrNanOrInf);
            return;
        }
        var text = System.Text.Encoding.ASCII.GetBytes(value.ToHumanString());
        ctx.SetValue(key, text, keepTtl: true);
        ctx.Notify(KeyspaceEvents.String, "incrbyfloat"u8, key);
        ctx.Reply.WriteBulk(text);
        // The float addition is not replayed: the resulting value is (as Redis propagates it).
        if (ctx.BeginEffect(4) is { } e)
        {
            e.WriteBulk("SET"u8);
            e.WriteBulk(key);
            e.WriteBulk(text);
            e.WriteBulk("KEEPTTL"u8);
            ctx.EndEffect();
        }
    }
}
