using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Lists;

/// <summary>
/// List commands as Redis 7.2: pushes, pops, LLEN, LINDEX, LSET, LRANGE here; LREM, LTRIM, LINSERT,
/// LPOS in ListCommands.Edit.cs; LMOVE, RPOPLPUSH, LMPOP in ListCommands.Move.cs; the blocking
/// commands in ListCommands.Blocking.cs. Values are <see cref="RedisList"/>.
/// </summary>
public static partial class ListCommands
{
    private const string Group = "list";

    public static void Register(CommandTable t)
    {
        t.Add("lpush", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: true, onlyIfExists: false), Group, "write", "list", "fast");
        t.Add("rpush", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: false, onlyIfExists: false), Group, "write", "list", "fast");
        t.Add("lpushx", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: true, onlyIfExists: true), Group, "write", "list", "fast");
        t.Add("rpushx", -3, Write | DenyOom | Fast, 1, 1, 1, ctx => Push(ctx, head: false, onlyIfExists: true), Group, "write", "list", "fast");
        t.Add("lpop", -2, Write | Fast, 1, 1, 1, ctx => Pop(ctx, head: true), Group, "write", "list", "fast");
        t.Add("rpop", -2, Write | Fast, 1, 1, 1, ctx => Pop(ctx, head: false), Group, "write", "list", "fast");
        t.Add("llen", 2, ReadOnly | Fast, 1, 1, 1, LLen, Group, "read", "list", "fast");
        t.Add("lindex", 3, ReadOnly, 1, 1, 1, LIndex, Group, "read", "list", "slow");
        t.Add("lset", 4, Write | DenyOom, 1, 1, 1, LSet, Group, "write", "list", "slow");
        t.Add("lrange", 4, ReadOnly, 1, 1, 1, LRange, Group, "read", "list", "slow");
        RegisterEdit(t);
        RegisterMove(t);
        RegisterBlocking(t);
    }

    private static void Push(CommandContext ctx, bool head, bool onlyIfExists)
    {
        var a = ctx.Args;
        var key = a[1];
        if (!ctx.TryGet<RedisList>(key, out var list)) return;
        if (list is null)
        {
            if (onlyIfExists)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            list = new RedisList(a.Count - 2);
            for (var i = 2; i < a.Count; i++) list.Push(a.ToArray(i), head, ctx.Server.Encoding);
            ctx.SetValue(key, list);
        }
        else
        {
            for (var i = 2; i < a.Count; i++) list.Push(a.ToArray(i), head, ctx.Server.Encoding);
            ctx.Touched(key);
        }
        ctx.Notify(KeyspaceEvents.List, PushEvent(head), key);
        ctx.Reply.WriteInteger(list.Count);
    }

    private static void Pop(CommandContext ctx, bool head)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.Reply.WriteError(Errors.WrongArity(ctx.Command.Name));
            return;
        }
        var hasCount = a.Count == 3;
        long count = 0;
        if (hasCount && (!ArgParse.TryInt64(a[2], out count) || count < 0))
        {
            ctx.Reply.WriteError(MustBePositive);
            return;
        }
        var key = a[1];
        if (!ctx.TryGet<RedisList>(key, out var list)) return;
        if (list is null)
        {
            if (hasCount) ctx.Reply.WriteNullArray();
            else ctx.Reply.WriteNull();
            return;
        }
        if (!hasCount)
        {
            ctx.Reply.WriteBulk(list.Pop(head, ctx.Server.Encoding));
        }
        else
        {
            if (count == 0)
            {
                ctx.Reply.WriteArrayHeader(0);
                return;
            }
            WritePopped(ctx, list, head, (int)Math.Min(count, list.Count));
        }
        Finish(ctx, key, list, PopEvent(head));
    }

    internal static ReadOnlySpan<byte> PushEvent(bool head) => head ? "lpush"u8 : "rpush"u8;

    internal static ReadOnlySpan<byte> PopEvent(bool head) => head ? "lpop"u8 : "rpop"u8;

    /// <summary>Pops <paramref name="n"/> elements and writes them as an array.</summary>
    internal static void WritePopped(CommandContext ctx, RedisList list, bool head, int n)
    {
        ctx.Reply.WriteArrayHeader(n);
        for (var i = 0; i < n; i++) ctx.Reply.WriteBulk(list.Pop(head, ctx.Server.Encoding));
    }

    /// <summary>
    /// After a removal: notifies <paramref name="eventName"/>, then deletes the key when the list became
    /// empty (notified as <c>del</c>, as Redis does), else records the change.
    /// </summary>
    internal static void Finish(CommandContext ctx, ReadOnlySpan<byte> key, RedisList list, ReadOnlySpan<byte> eventName)
    {
        ctx.Notify(KeyspaceEvents.List, eventName, key);
        if (list.IsEmpty)
        {
            ctx.Delete(key);
            ctx.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
        else ctx.Touched(key);
    }

    private static void LLen(CommandContext ctx)
    {
        if (!ctx.TryGet<RedisList>(ctx.Args[1], out var list)) return;
        ctx.Reply.WriteInteger(list?.Count ?? 0);
    }

    private static void LIndex(CommandContext ctx)
    {
        // Redis looks the key up before it parses the index.
        if (!ctx.TryGet<RedisList>(ctx.Args[1], out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        if (!ArgParse.TryInt64(ctx.Args[2], out var index))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count) ctx.Reply.WriteNull();
        else ctx.Reply.WriteBulk(list[(int)index]);
    }

    private static void LSet(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is null)
        {
            ctx.Reply.WriteError(Errors.NoSuchKey);
            return;
        }
        if (!ArgParse.TryInt64(a[2], out var index))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count)
        {
            ctx.Reply.WriteError(Errors.OutOfRange);
            return;
        }
        list.Set((int)index, a.ToArray(3), ctx.Server.Encoding);
        ctx.Touched(a[1]);
        ctx.Notify(KeyspaceEvents.List, "lset"u8, a[1]);
        ctx.Reply.WriteOk();
    }

    private static void LRange(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[2], out var start) || !ArgParse.TryInt64(a[3], out var end))
        {
            ctx.Reply.WriteError(Errors.NotInteger);
            return;
        }
        if (!ctx.TryGet<RedisList>(a[1], out var list)) return;
        if (list is null || !ClampRange(list.Count, ref start, ref end))
        {
            ctx.Reply.WriteArrayHeader(0);
            return;
        }
        var n = (int)(end - start + 1);
        ctx.Reply.WriteArrayHeader(n);
        for (var i = 0; i < n; i++) ctx.Reply.WriteBulk(list[(int)start + i]);
    }

    /// <summary>
    /// Redis's range rules (LRANGE, LTRIM): negative indexes count from the end, start is clamped to 0
    /// and end to the last element. Returns false when the range is empty.
    /// </summary>
    internal static bool ClampRange(long length, ref long start, ref long end)
    {
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (start > end || start >= length) return false;
        if (end >= length) end = length - 1;
        return true;
    }

    internal const string MustBePositive = "ERR value is out of range, must be positive";

    /// <summary>Parses LEFT or RIGHT (any case); writes a syntax error otherwise.</summary>
    internal static bool TryParseSide(CommandContext ctx, int index, out bool head)
    {
        head = ctx.Args.Is(index, "left"u8);
        if (head || ctx.Args.Is(index, "right"u8)) return true;
        ctx.Reply.WriteError(Errors.Syntax);
        return false;
    }
}
