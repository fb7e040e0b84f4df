using QuorumCache.Node.Storage;
using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;
using static QuorumCache.Node.Commands.CommandFlags;

namespace QuorumCache.Node.Commands.Sets;

/// <summary>
/// SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD. All keys are type-checked first (a
/// missing key is an empty set). Results are built the way Redis builds them (a set that starts as an
/// intset and grows through the usual conversions), so encodings and the order of small results match.
/// A STORE whose result is empty deletes the destination, whatever it held. STORE commands are
/// deterministic, so their default (verbatim) effect replays to the same data.
/// </summary>
public static partial class SetCommands
{
    private enum SetOp { Union, Diff, Inter }

    private static void RegisterAlgebra(CommandTable t)
    {
        t.Add("sinter", -2, ReadOnly, 1, -1, 1, ctx => Algebra(ctx, SetOp.Inter, store: false), "set", "read", "set", "slow");
        t.Add("sunion", -2, ReadOnly, 1, -1, 1, ctx => Algebra(ctx, SetOp.Union, store: false), "set", "read", "set", "slow");
        t.Add("sdiff", -2, ReadOnly, 1, -1, 1, ctx => Algebra(ctx, SetOp.Diff, store: false), "set", "read", "set", "slow");
        t.Add("sinterstore", -3, Write | DenyOom, 1, -1, 1, ctx => Algebra(ctx, SetOp.Inter, store: true), "set", "write", "set", "slow");
        t.Add("sunionstore", -3, Write | DenyOom, 1, -1, 1, ctx => Algebra(ctx, SetOp.Union, store: true), "set", "write", "set", "slow");
        t.Add("sdiffstore", -3, Write | DenyOom, 1, -1, 1, ctx => Algebra(ctx, SetOp.Diff, store: true), "set", "write", "set", "slow");
        t.Add(new CommandDef
        {
            Name = "sintercard",
            Arity = -3,
            Flags = ReadOnly,
            Handler = SInterCard,
            Keys = NumKeysAt1,
            Group = "set",
            Categories = ["read", "set", "slow"],
            Since = "7.0.0",
        });
    }

    /// <summary>Keys of <c>SINTERCARD numkeys key...</c>; none when numkeys is invalid (the handler then replies the error).</summary>
    private static void NumKeysAt1(Resp.CommandBuffer args, List<int> positions)
    {
        if (!ArgParse.TryInt64(args[1], out var n) || n < 1 || n > args.Count - 2) return;
        for (var i = 0; i < n; i++) positions.Add(2 + i);
    }

    /// <summary>Looks up the sets at arguments [first, first+count); false after replying WRONGTYPE.</summary>
    private static bool TryCollect(CommandContext ctx, int first, int count, out RedisSet?[] sets)
    {
        sets = new RedisSet?[count];
        for (var i = 0; i < count; i++)
        {
            var v = ctx.Get(ctx.Args[first + i]);
            if (v is null)
            {
                // Read lookups for Redis even in the STORE forms: a missing source is a key miss.
                if (ctx.Command.IsWrite) ctx.NotifyKeyMiss(ctx.Args[first + i]);
                continue;
            }
            if (v is not RedisSet s)
            {
                ctx.Reply.WriteError(Errors.WrongType);
                return false;
            }
            sets[i] = s;
        }
        return true;
    }

    private static void Algebra(CommandContext ctx, SetOp op, bool store)
    {
        var first = store ? 2 : 1;
        if (!TryCollect(ctx, first, ctx.Args.Count - first, out var sets)) return;
        var result = RedisSet.CreateEmpty();
        switch (op)
        {
            case SetOp.Union:
                foreach (var s in sets)
                {
                    if (s is null) continue;
                    var e = s.GetEnumerator();
                    while (e.MoveNext()) result.Add(e.Current, ctx.Server.Encoding);
                }
                break;
            case SetOp.Diff:
                if (sets[0] is { } head)
                {
                    var e = head.GetEnumerator();
                    while (e.MoveNext())
                        if (!InAny(sets, 1, e.Current)) result.Add(e.Current, ctx.Server.Encoding);
                }
                break;
            case SetOp.Inter:
                if (!store)
                {
                    // Redis replies while walking the smallest set: its order, not a rebuilt set's.
                    var found = new List<byte[]>();
                    Intersect(sets, m =>
                    {
                        found.Add(m.ToArray());
                        return true;
                    });
                    ctx.Reply.WriteSetHeader(found.Count);
                    foreach (var m in found) ctx.Reply.WriteBulk(m);
                    return;
                }
                Intersect(sets, m =>
                {
                    result.Add(m, ctx.Server.Encoding);
                    return true;
                });
                break;
        }
        if (!store)
        {
            SetCommands.WriteSet(ctx, result);
            return;
        }
        var dst = ctx.Args[1];
        if (result.IsEmpty)
        {
            if (ctx.Delete(dst)) ctx.Notify(KeyspaceEvents.Generic, "del"u8, dst);
            ctx.Reply.WriteInteger(0);
            return;
        }
        ctx.SetValue(dst, result);
        ctx.Notify(KeyspaceEvents.Set, op switch { SetOp.Union => "sunionstore"u8, SetOp.Diff => "sdiffstore"u8, _ => "sinterstore"u8 }, dst);
        ctx.Reply.WriteInteger(result.Count);
    }

    private static bool InAny(RedisSet?[] sets, int from, ReadOnlySpan<byte> member)
    {
        for (var i = from; i < sets.Length; i++)
            if (sets[i] is { } s && s.Contains(member)) return true;
        return false;
    }

    private delegate bool MemberVisitor(ReadOnlySpan<byte> member);

    /// <summary>
    /// Calls <paramref name="visit"/> with each member of the intersection, walking the smallest set
    /// (ties keep key order, as Redis's sort does) until it returns false. Nothing when a set is missing.
    /// </summary>
    private static void Intersect(RedisSet?[] sets, MemberVisitor visit)
    {
        foreach (var s in sets)
            if (s is null) return;
        var order = new RedisSet[sets.Length];
        for (var i = 0; i < sets.Length; i++)
        {
            // Stable insertion sort by size.
            var s = sets[i]!;
            var j = i;
            while (j > 0 && order[j - 1].Count > s.Count)
            {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = s;
        }
        var e = order[0].GetEnumerator();
        while (e.MoveNext())
        {
            var all = true;
            for (var k = 1; k < order.Length && all; k++)
                if (!ReferenceEquals(order[k], order[0]) && !order[k].Contains(e.Current)) all = false;
            if (all && !visit(e.Current)) return;
        }
    }

    private static void SInterCard(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!ArgParse.TryInt64(a[1], out var numKeys) || numKeys < 1)
        {
            ctx.Reply.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys > a.Count - 2)
        {
            ctx.Reply.WriteError("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (var i = 2 + (int)numKeys; i < a.Count; i++)
        {
            if (a.Is(i, "limit"u8) && i + 1 < a.Count)
            {
                if (!ArgParse.TryInt64(a[++i], out limit) || limit < 0)
                {
                    ctx.Reply.WriteError("ERR LIMIT can't be negative");
                    return;
                }
            }
            else
            {
                ctx.Reply.WriteError(Errors.Syntax);
                return;
            }
        }
        if (!TryCollect(ctx, 2, (int)numKeys, out var sets)) return;
        long count = 0;
        Intersect(sets, _ => ++count != limit);
        ctx.Reply.WriteInteger(count);
    }
}
