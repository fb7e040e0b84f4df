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
        ctx.Reply.WriteInteger(value);
    }

    private static void IncrByFloat(CommandContext ctx)
    {
        var key = ctx.Args[1];
        if (!ctx.TryGet<byte[]>(key, out var old)) return;
        double value = 0;
        if (old is not null && (!ArgParse.TryDouble(old, out value) || double.IsInfinity(value)))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        if (!ArgParse.TryDouble(ctx.Args[2], out var by) || double.IsInfinity(by))
        {
            ctx.Reply.WriteError(Errors.NotFloat);
            return;
        }
        value += by;
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            ctx.Reply.WriteError(Errors.IncrNanOrInf);
            return;
        }
        var text = System.Text.Encoding.ASCII.GetBytes(FormatHumanDouble(value));
        ctx.SetValue(key, text, keepTtl: true);
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

    /// <summary>
    /// INCRBYFLOAT's number format: plain decimal notation, no exponent, no trailing zeros,
    /// the shortest digits that read back to the same double.
    /// </summary>
    public static string FormatHumanDouble(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        if (!r.Contains('E')) return r;
        var d = decimal.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var dec) ? dec.ToString(CultureInfo.InvariantCulture) : null;
        if (d is not null)
        {
            if (d.Contains('.')) d = d.TrimEnd('0').TrimEnd('.');
            return d;
        }
        // Beyond decimal's range: integral at this magnitude.
        return new System.Numerics.BigInteger(value).ToString(CultureInfo.InvariantCulture);
    }
}
