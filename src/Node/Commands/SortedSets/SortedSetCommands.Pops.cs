using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Server.Blocking;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.SortedSets;

/// <summary>
/// ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP. Every pop leaves the effect
/// <c>ZPOPMIN|ZPOPMAX key n</c> (what Redis propagates), so blocking and multi-key forms replay exactly.
/// </summary>
public static partial class SortedSetCommands
{
    private static void RegisterPops(CommandTable t)
    {
        t.Add("zpopmin", -2, Write | Fast, 1, 1, 1, ctx => ZPop(ctx, max: false), Group, "write", "sortedset", "fast");
        t.Add("zpopmax", -2, Write | Fast, 1, 1, 1, ctx => ZPop(ctx, max: true), Group, "write", "sortedset", "fast");
        t.Add("bzpopmin", -3, Write | NoScript | Blocking | Fast, 1, -2, 1, ctx => BZPop(ctx, max: false), Group, "write", "sortedset", "fast", "blocking");
        t.Add("bzpopmax", -3, Write | NoScript | Blocking | Fast, 1, -2, 1, ctx => BZPop(ctx, max: true), Group, "write", "sortedset", "fast", "blocking");
        t.Add(new CommandDef
        {
            Name = "zmpop", Arity = -4, Flags = Write, Handler = ctx => ZMPop(ctx, 1, blocking: false),
            Keys = (args, pos) => NumKeys(args, 1, pos, trailing: 1), Group = Group, Categories = ["write", "sortedset", "slow"], Since = "7.0.0",
        });
        t.Add(new CommandDef
        {
            Name = "bzmpop", Arity = -5, Flags = Write | Blocking, Handler = ctx => ZMPop(ctx, 2, blocking: true),
            Keys = (args, pos) => NumKeys(args, 2, pos, trailing: 1), Group = Group, Categories = ["write", "sortedset", "slow", "blocking"], Since = "7.0.0",
        });
    }

    /// <summary>
    /// Key positions of a numkeys-style command; none when numkeys is not a usable count (the handler then
    /// answers the error). <paramref name="trailing"/> arguments must follow the keys (ZMPOP's MIN|MAX).
    /// </summary>
    internal static void NumKeys(CommandBuffer args, int numKeysIndex, List<int> positions, int trailing = 0)
    {
        if (numKeysIndex >= args.Count || !ArgParse.TryInt64(args[numKeysIndex], out var n) || n < 1 || n > args.Count - numKeysIndex - 1 - trailing) return;
        for (var i = 0; i < n; i++) positions.Add(numKeysIndex + 1 + i);
    }

    private static void ZPop(CommandContext ctx, bool max)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        long count = -1;
        if (a.Count == 3 && (!ArgParse.TryInt64(a[2], out count) || count < 0))
        {
            ctx.Reply.WriteError("ERR value is out of range, must be positive");
            return;
        }
        var nested = ctx.Reply.IsResp3 && count != -1;
        Pop(ctx, 1, 1, max, emitKey: false, count, nested, nilWhenEmpty: false);
    }

    /// <summary>
    /// Redis's genericZpopCommand: pops from the first existing key among <paramref name="keyCount"/> keys
    /// starting at argument <paramref name="firstKey"/>, writing one of the four reply shapes.
    /// </summary>
    private static void Pop(CommandContext ctx, int firstKey, int keyCount, bool max, bool emitKey, long count, bool nested, bool nilWhenEmpty)
    {
        var w = ctx.Reply;
        RedisSortedSet? z = null;
        var keyIdx = -1;
        for (var i = 0; i < keyCount; i++)
        {
            if (!ctx.TryGet(ctx.Args[firstKey + i], out z)) return;
            if (z is null) continue;
            keyIdx = firstKey + i;
            break;
        }
        if (z is null)
        {
            if (nilWhenEmpty) w.WriteNullArray();
            else w.WriteArrayHeader(0);
            return;
        }
        if (count == 0)
        {
            w.WriteArrayHeader(0);
            return;
        }
        if (count == -1) count = 1;
        var key = ctx.Args[keyIdx];
        var n = (int)Math.Min(count, z.Count);
        if (!nested && !emitKey) w.WriteArrayHeader(n * 2);
        else if (nested && !emitKey) w.WriteArrayHeader(n);
        else if (!nested) // BZPOPMIN/BZPOPMAX
        {
            w.WriteArrayHeader(n * 2 + 1);
            w.WriteBulk(key);
        }
        else // ZMPOP/BZMPOP
        {
            w.WriteArrayHeader(2);
            w.WriteBulk(key);
            w.WriteArrayHeader(n);
        }
        for (var i = 0; i < n; i++)
        {
            var node = max ? z.Last! : z.First!;
            z.Remove(node.Member);
            if (nested) w.WriteArrayHeader(2);
            w.WriteBulk(node.Member);
            w.WriteDouble(node.Score);
        }
        AfterRemoval(ctx, key, z, max ? "zpopmax"u8 : "zpopmin"u8);
        if (ctx.BeginEffect(3) is { } e)
        {
            e.WriteBulk(max ? "ZPOPMAX"u8 : "ZPOPMIN"u8);
            e.WriteBulk(key);
            e.WriteBulk(ArgParse.FormatInt64(n));
            ctx.EndEffect();
        }
    }

    /// <summary>True when one of the keys holds a sorted set (the only thing that may wake a blocked pop).</summary>
    private static bool AnyReady(CommandContext ctx, int firstKey, int keyCount)
    {
        for (var i = 0; i < keyCount; i++)
            if (ctx.Get(ctx.Args[firstKey + i]) is RedisSortedSet) return true;
        return false;
    }

    private static void BZPop(CommandContext ctx, bool max)
    {
        var a = ctx.Args;
        if (!ctx.TryParseTimeout(a.Count - 1, out var timeoutMs)) return;
        var keyCount = a.Count - 2;
        if (!AnyReady(ctx, 1, keyCount) && (ctx.ServingBlocked || AllMissingOrZSet(ctx, 1, keyCount)))
        {
            if (!ctx.Block(timeoutMs, 1, keyCount, BlockTimeoutReply.NullArray)) ctx.Reply.WriteNullArray();
            return;
        }
        Pop(ctx, 1, keyCount, max, emitKey: true, count: -1, nested: false, nilWhenEmpty: false);
    }

    /// <summary>False when a key of another type comes first: the pop then answers WRONGTYPE instead of blocking.</summary>
    private static bool AllMissingOrZSet(CommandContext ctx, int firstKey, int keyCount)
    {
        for (var i = 0; i < keyCount; i++)
            if (ctx.Get(ctx.Args[firstKey + i]) is { } v && v is not RedisSortedSet) return false;
        return true;
    }

    private static void ZMPop(CommandContext ctx, int numKeysIdx, bool blocking)
    {
        var a = ctx.Args;
        var w = ctx.Reply;
        if (!ArgParse.TryInt64(a[numKeysIdx], out var numKeys) || numKeys < 1)
        {
            w.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys >= a.Count - numKeysIdx - 1)
        {
            w.WriteError(Errors.Syntax);
            return;
        }
        var whereIdx = numKeysIdx + (int)numKeys + 1;
        bool max;
        if (a.Is((int)whereIdx, "min"u8)) max = false;
        else if (a.Is((int)whereIdx, "max"u8)) max = true;
        else
        {
            w.WriteError(Errors.Syntax);
            return;
        }
        long count = -1;
        for (var j = (int)whereIdx + 1; j < a.Count; j++)
        {
            var more = a.Count - 1 - j;
            if (count == -1 && a.Is(j, "count"u8) && more > 0)
            {
                j++;
                if (!ArgParse.TryInt64(a[j], out count) || count < 1)
                {
                    w.WriteError("ERR count should be greater than 0");
                    return;
                }
            }
            else
            {
                w.WriteError(Errors.Syntax);
                return;
            }
        }
        if (count == -1) count = 1;
        var first = numKeysIdx + 1;
        var keyCount = (int)numKeys;
        if (blocking)
        {
            if (!ctx.TryParseTimeout(1, out var timeoutMs)) return;
            if (!AnyReady(ctx, first, keyCount) && (ctx.ServingBlocked || AllMissingOrZSet(ctx, first, keyCount)))
            {
                if (!ctx.Block(timeoutMs, first, keyCount, BlockTimeoutReply.NullArray)) w.WriteNullArray();
                return;
            }
        }
        Pop(ctx, first, keyCount, max, emitKey: true, count, nested: true, nilWhenEmpty: true);
    }
}
