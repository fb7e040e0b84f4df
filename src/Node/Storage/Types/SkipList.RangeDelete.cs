namespace QuorumCache.Node.Storage.Types;

/// <summary>Deleting whole ranges (ZREMRANGEBYSCORE, ZREMRANGEBYLEX, ZREMRANGEBYRANK) in one pass.</summary>
public sealed partial class SkipList
{
    // ---------------- range deletion ----------------

    /// <summary>Deletes every element with a score in the range; <paramref name="removed"/> sees each one.</summary>
    public long DeleteRangeByScore(in ScoreRange r, Action<SkipListNode> removed) => DeleteRange(r, removed);

    /// <summary>Deletes every element with a member in the lex range; <paramref name="removed"/> sees each one.</summary>
    public long DeleteRangeByLex(in LexRange r, Action<SkipListNode> removed) => DeleteRange(r, removed);

    private long DeleteRange<TRange>(in TRange r, Action<SkipListNode> removed) where TRange : struct, INodeRange
    {
        var update = Update;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (x.Lvl(i).Forward is { } f && r.StartsAfter(f)) x = f;
            update[i] = x;
        }
        long n = 0;
        var cur = x.L0.Forward;
        while (cur is not null && r.Contains(cur))
        {
            var next = cur.L0.Forward;
            DeleteNode(cur, update);
            removed(cur);
            n++;
            cur = next;
        }
        return n;
    }

    /// <summary>Deletes the elements of 1-based ranks <paramref name="start"/>..<paramref name="end"/> inclusive.</summary>
    public long DeleteRangeByRank(long start, long end, Action<SkipListNode> removed)
    {
        var update = Update;
        long traversed = 0;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (x.Lvl(i).Forward is { } f && traversed + x.Lvl(i).Span < start)
            {
                traversed += x.Lvl(i).Span;
                x = f;
            }
            update[i] = x;
        }
        traversed++;
        long n = 0;
        var cur = x.L0.Forward;
        while (cur is not null && traversed <= end)
        {
            var next = cur.L0.Forward;
            DeleteNode(cur, update);
            removed(cur);
            n++;
            traversed++;
            cur = next;
        }
        return n;
    }
}
