using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Server.Blocking;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Lists;

/// <summary>LMOVE, RPOPLPUSH and LMPOP, and the parts of them their blocking forms share.</summary>
public static partial class ListCommands
{
    private static void RegisterMove(CommandTable t)
    {
        t.Add("lmove", 5, Write | DenyOom, 1, 2, 1, LMove, Group, "write", "list", "slow");
        t.Add("rpoplpush", 3, Write | DenyOom, 1, 2, 1, RPopLPush, Group, "write", "list", "slow");
        t.Add(new CommandDef
        {
            Name = "lmpop", Arity = -4, Flags = Write, Handler = ctx => MPop(ctx, numKeysIndex: 1, blocking: false),
            Keys = NumKeysFinder(1), Group = Group, Categories = ["write", "list", "slow"], Since = "7.0.0",
        });
    }

    /// <summary>Keys of LMPOP/BLMPOP: <c>numkeys</c> at <paramref name="index"/>, the keys after it. A bad numkeys gives none.</summary>
    internal static KeyFinder NumKeysFinder(int index) => (args, positions) =>
    {
        if (args.Count <= index || !ArgParse.TryInt64(args[index], out var n) || n < 1 || n > args.Count - index - 1) return;
        for (var i = 0; i < n; i++) positions.Add(index + 1 + i);
    };

    private static void LMove(CommandContext ctx)
    {
        if (!TryParseSide(ctx, 3, out var fromHead) || !TryParseSide(ctx, 4, out var toHead)) return;
        if (!ctx.TryGet<RedisList>(ctx.Args[1], out var source)) return;
        if (source is null) ctx.Reply.WriteNull();
        else Move(ctx, source, fromHead, toHead);
    }

    private static void RPopLPush(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisList>(ctx.Args[1], out var source)) return;
        if (source is null) ctx.Reply.WriteNull();
        else Move(ctx, source, fromHead: false, toHead: true);
    }

    /// <summary>
    /// Moves one element from <paramref name="source"/> (the list at Args[1], not empty) to the list at
    /// Args[2] and replies with it. Returns false (after WRONGTYPE) when the destination is not a list.
    /// </summary>
    internal static bool Move(CommandContext ctx, RedisList source, bool fromHead, bool toHead)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisList>(a[2], out var destination)) return false;
        var value = source.Pop(fromHead, ctx.Server.Encoding);
        if (ReferenceEquals(source, destination))
        {
            source.Push(value, toHead, ctx.Server.Encoding); // rotation within one list
            ctx.Touched(a[1]);
            ctx.Notify(KeyspaceEvents.List, PushEvent(toHead), a[1]);
            ctx.Notify(KeyspaceEvents.List, PopEvent(fromHead), a[1]);
        }
        else
        {
            if (destination is null)
            {
                destination = new RedisList();
                destination.Push(value, toHead, ctx.Server.Encoding);
                ctx.SetValue(a[2], destination);
            }
            else
            {
                destination.Push(value, toHead, ctx.Server.Encoding);
                ctx.Touched(a[2]);
            }
            ctx.Notify(KeyspaceEvents.List, PushEvent(toHead), a[2]);
            Finish(ctx, a[1], source, PopEvent(fromHead));
        }
        ctx.Reply.WriteBulk(value);
        return true;
    }

    /// <summary>
    /// LMPOP and BLMPOP: <c>numkeys key... LEFT|RIGHT [COUNT n]</c> after <paramref name="numKeysIndex"/>.
    /// Pops from the first non-empty list; the effect is the equivalent <c>LPOP key n</c> / <c>RPOP key n</c>.
    /// BLMPOP's timeout (argument 1) is parsed after everything else, as Redis does.
    /// </summary>
    internal static void MPop(CommandContext ctx, int numKeysIndex, bool blocking)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[numKeysIndex], out var numKeys) || numKeys < 1)
        {
            ctx.Reply.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        var firstKey = numKeysIndex + 1;
        if (numKeys >= a.Count - firstKey)
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        var sideIndex = firstKey + (int)numKeys;
        if (!TryParseSide(ctx, sideIndex, out var head)) return;
        long count = -1;
        for (var j = sideIndex + 1; j < a.Count; j++)
        {
            if (count == -1 && j + 1 < a.Count && a.Is(j, "count"u8))
            {
                if (!ArgParse.TryInt64(a[++j], out count) || count < 1)
                {
                    ctx.Reply.WriteError("ERR count should be greater than 0");
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (count == -1) count = 1;
        long timeoutMs = 0;
        if (blocking && !ctx.TryParseTimeout(1, out timeoutMs)) return;
        var keyCount = (int)numKeys;
        if (ctx.ServingBlocked && !AnyList(ctx, firstKey, keyCount))
        {
            ctx.Block(timeoutMs, firstKey, keyCount, BlockTimeoutReply.NullArray);
            return;
        }
        for (var i = firstKey; i < sideIndex; i++)
        {
            var key = a[i];
            if (!ctx.TryGet<RedisList>(key, out var list)) return;
            if (list is null) continue;
            var n = (int)Math.Min(count, list.Count);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk(key);
            WritePopped(ctx, list, head, n);
            Finish(ctx, key, list, PopEvent(head));
            if (ctx.BeginEffect(3) is { } e)
            {
                e.WriteBulk(head ? "LPOP"u8 : "RPOP"u8);
                e.WriteBulk(key);
                e.WriteBulkInteger(n);
                ctx.EndEffect();
            }
            return;
        }
        if (!blocking || !ctx.Block(timeoutMs, firstKey, keyCount, BlockTimeoutReply.NullArray)) ctx.Reply.WriteNullArray();
    }

    /// <summary>True when one of the keys holds a list (stored lists are never empty).</summary>
    private static bool AnyList(CommandContext ctx, int firstKey, int keyCount)
    {
        for (var i = firstKey; i < firstKey + keyCount; i++)
            if (ctx.Get(ctx.Args[i]) is RedisList) return true;
        return false;
    }

    private static void WriteEffect(CommandContext ctx, ReadOnlySpan<byte> command, ReadOnlySpan<byte> key)
    {
        if (ctx.BeginEffect(2) is not { } e) return;
        e.WriteBulk(command);
        e.WriteBulk(key);
        ctx.EndEffect();
    }

    private static void WriteSide(RespWriter e, bool head) => e.WriteBulk(head ? "LEFT"u8 : "RIGHT"u8);
}
