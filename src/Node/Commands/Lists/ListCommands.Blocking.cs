using QuorumCache.Node.Notifications;
using QuorumCache.Node.Server.Blocking;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Lists;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each serves at once when a list has data, else blocks
/// through <see cref="CommandContext.Block"/>. When a key becomes ready the blocking hub re-runs the
/// same handler for the waiting client; if no listed key holds a list then (deleted, or replaced by
/// another type) the client keeps waiting, as in Redis. A served command leaves the equivalent
/// non-blocking effect (LPOP key, LMOVE ..., LPOP key n), never the blocking command itself.
/// </summary>
public static partial class ListCommands
{
    private static void RegisterBlocking(CommandTable t)
    {
        t.Add("blpop", -3, Write | NoScript | Blocking, 1, -2, 1, ctx => BlockingPop(ctx, head: true), Group, "write", "list", "slow", "blocking");
        t.Add("brpop", -3, Write | NoScript | Blocking, 1, -2, 1, ctx => BlockingPop(ctx, head: false), Group, "write", "list", "slow", "blocking");
        t.Add("blmove", 6, Write | DenyOom | NoScript | Blocking, 1, 2, 1, BLMove, Group, "write", "list", "slow", "blocking");
        t.Add("brpoplpush", 4, Write | DenyOom | NoScript | Blocking, 1, 2, 1, BRPopLPush, Group, "write", "list", "slow", "blocking");
        t.Add(new CommandDef
        {
            Name = "blmpop", Arity = -5, Flags = Write | Blocking, Handler = BLMPop,
            Keys = NumKeysFinder(2), Group = Group, Categories = ["write", "list", "slow", "blocking"], Since = "7.0.0",
        });
    }

    private static void BlockingPop(CommandContext ctx, bool head)
    {
        var a = ctx.Args;
        var keyCount = a.Count - 2;
        if (!ctx.TryParseTimeout(a.Count - 1, out var timeoutMs)) return;
        if (ctx.ServingBlocked && !AnyList(ctx, 1, keyCount))
        {
            ctx.Block(timeoutMs, 1, keyCount, BlockTimeoutReply.NullArray);
            return;
        }
        for (var i = 1; i <= keyCount; i++)
        {
            var key = a[i];
            if (!ctx.TryGet<RedisList>(key, out var list)) return;
            if (list is null) continue;
            var value = list.Pop(head, ctx.Server.Encoding);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteBulk(key);
            ctx.Reply.WriteBulk(value);
            Finish(ctx, key, list, PopEvent(head));
            WriteEffect(ctx, head ? "LPOP"u8 : "RPOP"u8, key);
            return;
        }
        if (!ctx.Block(timeoutMs, 1, keyCount, BlockTimeoutReply.NullArray)) ctx.Reply.WriteNullArray();
    }

    private static void BLMove(CommandContext ctx)
    {
        if (!TryParseSide(ctx, 3, out var fromHead) || !TryParseSide(ctx, 4, out var toHead)) return;
        if (!ctx.TryParseTimeout(5, out var timeoutMs)) return;
        BlockingMove(ctx, fromHead, toHead, timeoutMs, rpoplpush: false);
    }

    private static void BRPopLPush(CommandContext ctx)
    {
        if (!ctx.TryParseTimeout(3, out var timeoutMs)) return;
        BlockingMove(ctx, fromHead: false, toHead: true, timeoutMs, rpoplpush: true);
    }

    private static void BlockingMove(CommandContext ctx, bool fromHead, bool toHead, long timeoutMs, bool rpoplpush)
    {
        var a = ctx.Args;
        if (ctx.ServingBlocked && !AnyList(ctx, 1, 1))
        {
            ctx.Block(timeoutMs, 1, 1, BlockTimeoutReply.NullArray);
            return;
        }
        if (!ctx.TryGet<RedisList>(a[1], out var source)) return;
        if (source is null)
        {
            // A timeout replies with a null array, as for every list block in Redis; inside MULTI it is a null bulk.
            if (!ctx.Block(timeoutMs, 1, 1, BlockTimeoutReply.NullArray)) ctx.Reply.WriteNull();
            return;
        }
        if (!Move(ctx, source, fromHead, toHead)) return;
        if (ctx.BeginEffect(rpoplpush ? 3 : 5) is not { } e) return;
        e.WriteBulk(rpoplpush ? "RPOPLPUSH"u8 : "LMOVE"u8);
        e.WriteBulk(a[1]);
        e.WriteBulk(a[2]);
        if (!rpoplpush)
        {
            WriteSide(e, fromHead);
            WriteSide(e, toHead);
        }
        ctx.EndEffect();
    }

    private static void BLMPop(CommandContext ctx) => MPop(ctx, numKeysIndex: 2, blocking: true);
}
