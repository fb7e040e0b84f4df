using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Lists;

/// <summary>LREM, LTRIM, LINSERT and LPOS: the commands that search or edit inside a list.</summary>
public static partial class ListCommands
{
    private static void RegisterEdit(CommandTable t)
    {
        t.Add("lrem", 4, Write, 1, 1, 1, LRem, Group, "write", "list", "slow");
        t.Add("ltrim", 4, Write, 1, 1, 1, LTrim, Group, "write", "list", "slow");
        t.Add("linsert", 5, Write | DenyOom, 1, 1, 1, LInsert, Group, "write", "list", "slow");
        t.Add("lpos", -3, ReadOnly, 1, 1, 1, LPos, Group, "read", "list", "slow");
    }

    private static void LRem(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var count))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var removed = list.RemoveAll(a[3], count, ctx.Server.Encoding);
        if (removed > 0) Finish(ctx, a[1], list, "lrem"u8);
        ctx.Reply.WriteInteger(removed);
    }

    private static void LTrim(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var start) || !ArgParse.TryInt64(a[3], out var end))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is not null)
        {
            var length = list.Count;
            if (ClampRange(length, ref start, ref end)) list.TrimEnds((int)start, (int)(length - end - 1), ctx.Server.Encoding);
            else list.TrimEnds(length, 0, ctx.Server.Encoding);
            // Redis signals the key as modified even when nothing was trimmed.
            Finish(ctx, a[1], list, "ltrim"u8);
        }
        ctx.Reply.WriteOk();
    }

    private static void LInsert(CommandContext ctx)
    {
        var a = ctx.Args;
        var before = a.Is(2, "before"u8);
        if (!before && !a.Is(2, "after"u8))
        {
            ctx.Reply.WriteError(Errors.Syntax);
            return;
        }
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        var at = list.IndexOf(a[3]);
        if (at < 0)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        list.Insert(before ? at : at + 1, a.ToArray(4), ctx.Server.Encoding);
        ctx.Touched(a[1]);
        ctx.Notify(KeyspaceEvents.List, "linsert"u8, a[1]);
        ctx.Reply.WriteInteger(list.Count);
    }

    private static void LPos(CommandContext ctx)
    {
        var a = ctx.Args;
        long rank = 1, count = -1, maxLen = 0; // count -1: no COUNT option
        for (var j = 3; j < a.Count; j++)
        {
            var more = j + 1 < a.Count;
            if (more && a.Is(j, "rank"u8))
            {
                if (!ArgParse.TryInt64(a[++j], out rank))
                {
                    ctx.Reply.WriteError(Errors.NotInteger);
                    return;
                }
                if (rank == long.MinValue)
                {
                    // Redis 7.2 refuses LONG_MIN (its negation overflows).
                    ctx.Reply.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                    return;
                }
                if (rank == 0)
                {
                    ctx.Reply.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
            }
            else if (more && a.Is(j, "count"u8))
            {
                if (!ArgParse.TryInt64(a[++j], out count) || count < 0)
                {
                    ctx.Reply.WriteError("ERR COUNT can't be negative");
                    return;
                }
            }
            else if (more && a.Is(j, "maxlen"u8))
            {
                if (!ArgParse.TryInt64(a[++j], out maxLen) || maxLen < 0)
                {
                    ctx.Reply.WriteError("ERR MAXLEN can't be negative");
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is null)
        {
            if (count >= 0) ctx.Reply.WriteArrayHeader(0);
            else ctx.Reply.WriteNull();
            return;
        }
        var fromTail = rank < 0;
        if (fromTail) rank = -rank;
        var element = a[2];
        var length = list.Count;
        var scan = maxLen == 0 ? length : (int)Math.Min(maxLen, length);
        List<int>? found = count >= 0 ? [] : null;
        long matches = 0;
        for (var i = 0; i < scan; i++)
        {
            var at = fromTail ? length - 1 - i : i;
            if (!element.SequenceEqual(list[at])) continue;
            if (++matches < rank) continue;
            if (found is null)
            {
                ctx.Reply.WriteInteger(at);
                return;
            }
            found.Add(at);
            if (count != 0 && found.Count >= count) break;
        }
        if (found is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteArrayHeader(found.Count);
        foreach (var at in found) ctx.Reply.WriteInteger(at);
    }
}
