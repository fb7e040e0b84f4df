using QuorumCache.Node.Notifications;
using QuorumCache.Node.Storage.Types;

namespace QuorumCache.Node.Commands.Sorting;

/// <summary>SORT's body, in the steps of Redis's sortCommandGeneric: load, weigh, sort, reply or store.</summary>
public static partial class SortCommands
{
    /// <summary>One element to sort and its weight (a score, or for ALPHA BY the weight value; null sorts first).</summary>
    private struct Item
    {
        public byte[] Element;
        public double Score;
        public byte[]? Weight;
        public int Order;
    }

    private static void Sort(CommandContext ctx, bool readOnly)
    {
        var o = Parse(ctx, readOnly);
        if (o is null) return;
        var value = SortPattern.Read(ctx, ctx.Args[1]);
        if (value is not (null or RedisList or RedisSet or RedisSortedSet))
        {
            ctx.Reply.WriteError(Errors.WrongType);
            return;
        }
        // A set is unordered: with STORE (replicated) Redis sorts it by bytes rather than keep its order.
        if (o.DontSort && value is RedisSet && o.Store is not null)
        {
            o.DontSort = false;
            o.Alpha = true;
            o.By = null;
        }
        // Redis converts a sorted set to a skiplist for SORT, and OBJECT ENCODING shows it.
        if (value is RedisSortedSet zs) zs.MaybeConvert(int.MaxValue, ctx.Server.Encoding);

        var length = value switch { RedisList l => l.Count, RedisSet s => s.Count, RedisSortedSet z => z.Count, _ => 0 };
        var start = Math.Min(Math.Max(o.LimitStart, 0), length);
        var count = Math.Min(Math.Max(o.LimitCount, -1), length);
        var end = count < 0 ? length - 1 : start + count - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) end = length - 1;

        var items = Load(value, o, ref start, ref end);
        var error = false;
        if (!o.DontSort)
        {
            for (var j = 0; j < items.Length; j++)
            {
                ref var it = ref items[j];
                var by = o.By is null ? it.Element : SortPattern.Lookup(ctx, o.By, it.Element);
                if (by is null) continue;
                if (o.Alpha)
                {
                    if (o.By is not null) it.Weight = by;
                }
                else if (!SortScore.TryParse(by, out it.Score)) error = true;
            }
            if (error)
            {
                ctx.Reply.WriteError(NotDouble);
                return;
            }
            Array.Sort(items, Comparer(o));
        }
        var outputs = end - start + 1;
        if (o.Gets.Count > 0) outputs *= o.Gets.Count;
        if (o.Store is null) Reply(ctx, o, items, (int)start, (int)end, (int)outputs);
        else Store(ctx, o, items, (int)start, (int)end, (int)outputs);
    }

    /// <summary>
    /// The elements to sort. BY nosort on a list or sorted set loads only the LIMIT range, in the stored
    /// order (reversed for DESC), and moves start/end to index that range.
    /// </summary>
    private static Item[] Load(object? value, SortOptions o, ref long start, ref long end)
    {
        var ranged = o.DontSort && value is RedisList or RedisSortedSet;
        if (ranged)
        {
            var n = (int)Math.Max(end - start + 1, 0);
            var items = new Item[n];
            if (value is RedisList l)
            {
                for (var j = 0; j < n; j++)
                    items[j].Element = l[(int)(o.Desc ? l.Count - start - 1 - j : start + j)];
            }
            else if (n > 0)
            {
                var z = (RedisSortedSet)value!;
                var node = z.ByRank(o.Desc ? z.Count - 1 - start : start);
                for (var j = 0; j < n && node is not null; j++)
                {
                    items[j].Element = node.Member;
                    node = o.Desc ? node.Backward : node.L0.Forward;
                }
            }
            end -= start;
            start = 0;
            for (var j = 0; j < n; j++) items[j].Order = j;
            return items;
        }
        var all = new List<byte[]>();
        switch (value)
        {
            case RedisList l:
                for (var j = 0; j < l.Count; j++) all.Add(l[j]);
                break;
            case RedisSet s:
                s.ForEachMember(all.Add);
                break;
            case RedisSortedSet z:
                for (var node = z.First; node is not null; node = node.L0.Forward) all.Add(node.Member);
                break;
        }
        var result = new Item[all.Count];
        for (var j = 0; j < result.Length; j++)
        {
            result[j].Element = all[j];
            result[j].Order = j;
        }
        return result;
    }

    /// <summary>Redis's sortCompare, made stable by the load order for the ties Redis leaves to qsort.</summary>
    private static Comparison<Item> Comparer(SortOptions o)
    {
        var desc = o.Desc;
        if (!o.Alpha)
            return (x, y) =>
            {
                var c = x.Score > y.Score ? 1 : x.Score < y.Score ? -1 : x.Element.AsSpan().SequenceCompareTo(y.Element);
                c = Math.Sign(c);
                return c != 0 ? (desc ? -c : c) : x.Order.CompareTo(y.Order);
            };
        var binary = o.Store is not null;
        var byPattern = o.By is not null;
        return (x, y) =>
        {
            int c;
            if (byPattern)
            {
                if (x.Weight is null || y.Weight is null)
                    c = x.Weight == y.Weight ? 0 : x.Weight is null ? -1 : 1;
                else c = Bytes(x.Weight, y.Weight, binary);
            }
            else c = Bytes(x.Element, y.Element, binary);
            c = Math.Sign(c);
            return c != 0 ? (desc ? -c : c) : x.Order.CompareTo(y.Order);
        };
    }

    /// <summary>Byte order: binary for STORE (compareStringObjects), as C strings otherwise (strcoll in the C locale).</summary>
    private static int Bytes(byte[] x, byte[] y, bool binary)
    {
        ReadOnlySpan<byte> a = x, b = y;
        if (!binary)
        {
            var i = a.IndexOf((byte)0);
            if (i >= 0) a = a[..i];
            i = b.IndexOf((byte)0);
            if (i >= 0) b = b[..i];
        }
        return a.SequenceCompareTo(b);
    }

    private static void Reply(CommandContext ctx, SortOptions o, Item[] items, int start, int end, int outputs)
    {
        var w = ctx.Reply;
        w.WriteArrayHeader(outputs);
        for (var j = start; j <= end; j++)
        {
            if (o.Gets.Count == 0)
            {
                w.WriteBulk(items[j].Element);
                continue;
            }
            foreach (var p in o.Gets)
            {
                var v = SortPattern.Lookup(ctx, p, items[j].Element);
                if (v is null) w.WriteNull();
                else w.WriteBulk(v);
            }
        }
    }

    /// <summary>STORE: the output as a list (missing GET values as empty strings); an empty output deletes the destination.</summary>
    private static void Store(CommandContext ctx, SortOptions o, Item[] items, int start, int end, int outputs)
    {
        var limits = ctx.Server.Encoding;
        var list = new RedisList(Math.Max(outputs, 0));
        for (var j = start; j <= end; j++)
        {
            if (o.Gets.Count == 0)
            {
                list.PushLast(items[j].Element, limits);
                continue;
            }
            foreach (var p in o.Gets) list.PushLast(SortPattern.Lookup(ctx, p, items[j].Element) ?? [], limits);
        }
        // Redis 7.0 creates the result as a quicklist and never converts it (7.2 does).
        list.MarkQuicklist();
        var dst = o.Store!;
        if (outputs > 0)
        {
            ctx.SetValue(dst, list);
            ctx.Notify(KeyspaceEvents.List, "sortstore"u8, dst);
        }
        else if (ctx.Delete(dst)) ctx.Notify(KeyspaceEvents.Generic, "del"u8, dst);
        ctx.Reply.WriteInteger(outputs);
    }
}
