namespace QuorumCache.Node.Storage.Types;

/// <summary>ZADD's condition flags (NX XX GT LT INCR). Internal, never persisted.</summary>
[Flags]
public enum ZAddFlags
{
    None = 0,
    Incr = 1,
    Nx = 2,
    Xx = 4,
    Gt = 8,
    Lt = 16,
}

/// <summary>What one ZADD element did.</summary>
public enum ZAddOutcome
{
    /// <summary>The increment produced NaN; nothing changed.</summary>
    Nan = 0,
    Added = 1,
    Updated = 2,
    /// <summary>Skipped by NX/XX/GT/LT.</summary>
    Nop = 3,
    /// <summary>Present with an equal score: processed (INCR replies the score) but nothing changed.</summary>
    Unchanged = 4,
}

/// <summary>
/// A Redis sorted set: a dictionary member → score beside a skip list ordered by (score, member).
/// The member arrays are shared by both. OBJECT ENCODING reports "listpack" while it has never held
/// more than 128 members or a member longer than 64 bytes, then "skiplist" (as Redis, which never
/// converts back except when a new set is built by a STORE command).
/// </summary>
public sealed class RedisSortedSet : RedisObject
{

    private readonly ByteTable<double> _dict;
    private readonly SkipList _list = new();
    private bool _skiplist;

    public RedisSortedSet(int capacity = 0)
    {
        _dict = new ByteTable<double>(withValues: true, capacity);
    }

    /// <summary>A new set with Redis's initial encoding for a ZADD of <paramref name="elements"/> pairs whose first member has <paramref name="firstMemberLength"/> bytes.</summary>
    public static RedisSortedSet Create(int elements, int firstMemberLength, EncodingLimits limits)
    {
        var z = new RedisSortedSet(elements > limits.ZSetMaxListpackEntries ? elements : 0);
        z._skiplist = elements > limits.ZSetMaxListpackEntries || limits.ZSetMaxListpackEntries == 0 || firstMemberLength > limits.ZSetMaxListpackValue;
        return z;
    }

    /// <summary>Converts to "skiplist" before a ZADD of more pairs than a listpack may hold.</summary>
    public void MaybeConvert(int elements, EncodingLimits limits)
    {
        if (elements > limits.ZSetMaxListpackEntries) _skiplist = true;
    }

    public override string TypeName => "zset";
    public override string EncodingName => _skiplist ? "skiplist" : "listpack";
    public override bool IsEmpty => _dict.Count == 0;
    public int Count => _dict.Count;
    public SkipList List => _list;
    public SkipListNode? First => _list.First;
    public SkipListNode? Last => _list.Last;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        var i = _dict.Find(member);
        score = i < 0 ? 0 : _dict.ValueAt(i);
        return i >= 0;
    }

    public bool Contains(ReadOnlySpan<byte> member) => _dict.Find(member) >= 0;

    /// <summary>
    /// Adds or updates one member with ZADD's semantics (Redis's zsetAdd). <paramref name="newScore"/>
    /// is the member's score afterwards (the incremented one with INCR).
    /// </summary>
    public ZAddOutcome Add(double score, ReadOnlySpan<byte> member, ZAddFlags flags, EncodingLimits limits, out double newScore)
    {
        var incr = (flags & ZAddFlags.Incr) != 0;
        newScore = score;
        var index = _dict.Find(member);
        if (index >= 0)
        {
            var current = _dict.ValueAt(index);
            if ((flags & ZAddFlags.Nx) != 0) return ZAddOutcome.Nop;
            if (incr)
            {
                score += current;
                if (double.IsNaN(score)) return ZAddOutcome.Nan;
            }
            if (((flags & ZAddFlags.Lt) != 0 && score >= current) || ((flags & ZAddFlags.Gt) != 0 && score <= current))
                return ZAddOutcome.Nop;
            newScore = score;
            if (score == current) return ZAddOutcome.Unchanged;
            _list.UpdateScore(current, member, score);
            _dict.SetValueAt(index, score);
            return ZAddOutcome.Updated;
        }
        if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Nop;
        if (!_skiplist && (_dict.Count + 1 > limits.ZSetMaxListpackEntries || member.Length > limits.ZSetMaxListpackValue)) _skiplist = true;
        var key = member.ToArray();
        _list.Insert(score, key);
        _dict.AddNew(key, score);
        return ZAddOutcome.Added;
    }

    /// <summary>Adds a member known to be absent (building results), keeping the encoding rules.</summary>
    public void AddNew(byte[] member, double score, EncodingLimits limits)
    {
        if (!_skiplist && (_dict.Count + 1 > limits.ZSetMaxListpackEntries || member.Length > limits.ZSetMaxListpackValue)) _skiplist = true;
        _list.Insert(score, member);
        _dict.AddNew(member, score);
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var i = _dict.Find(member);
        if (i < 0) return false;
        var score = _dict.ValueAt(i);
        _dict.RemoveAt(i);
        _list.Delete(score, member);
        return true;
    }

    /// <summary>The 0-based rank of a member (from the top when <paramref name="reverse"/>), or -1.</summary>
    public long Rank(ReadOnlySpan<byte> member, bool reverse, out double score)
    {
        if (!TryGetScore(member, out score)) return -1;
        var r = _list.GetRank(score, member);
        return reverse ? _dict.Count - r : r - 1;
    }

    /// <summary>The element at a 0-based rank from the low end, or null.</summary>
    public SkipListNode? ByRank(long rank) => _list.GetByRank(rank + 1);

    public long CountInRange(in ScoreRange r)
    {
        var first = _list.FirstInRange(r, out var lo);
        if (first is null) return 0;
        _list.LastInRange(r, out var hi);
        return hi - lo + 1;
    }

    /// <summary>
    /// The first element of a lex range, found as Redis finds it for the encoding: a walk from the head for
    /// "listpack", the skip list descent otherwise (they differ only when scores are not all equal).
    /// </summary>
    public SkipListNode? FirstInLex(in LexRange r)
    {
        if (_skiplist) return _list.FirstInLexRange(r, out _);
        if (!_list.IsInLexRange(r)) return null;
        for (var n = _list.First; n is not null; n = n.Next)
            if (r.GteMin(n.Member)) return r.LteMax(n.Member) ? n : null;
        return null;
    }

    /// <summary>The last element of a lex range (see <see cref="FirstInLex"/>).</summary>
    public SkipListNode? LastInLex(in LexRange r)
    {
        if (_skiplist) return _list.LastInLexRange(r, out _);
        if (!_list.IsInLexRange(r)) return null;
        for (var n = _list.Last; n is not null; n = n.Backward)
            if (r.LteMax(n.Member)) return r.GteMin(n.Member) ? n : null;
        return null;
    }

    /// <summary>ZLEXCOUNT, computed as Redis does for the encoding.</summary>
    public long CountInRange(in LexRange r)
    {
        if (!_skiplist)
        {
            long c = 0;
            for (var n = FirstInLex(r); n is not null && r.LteMax(n.Member); n = n.Next) c++;
            return c;
        }
        var first = _list.FirstInLexRange(r, out var lo);
        if (first is null) return 0;
        long len = _list.Length;
        var count = len - (lo - 1);
        if (_list.LastInLexRange(r, out var hi) is not null) count -= len - hi;
        return count;
    }

    private void Forget(SkipListNode n) => _dict.Remove(n.Member);

    public long RemoveRange(in ScoreRange r) => _list.DeleteRangeByScore(r, Forget);
    public long RemoveRange(in LexRange r)
    {
        if (_skiplist) return _list.DeleteRangeByLex(r, Forget);
        long removed = 0;
        var n = FirstInLex(r);
        while (n is not null && r.LteMax(n.Member))
        {
            var next = n.Next;
            Remove(n.Member);
            removed++;
            n = next;
        }
        return removed;
    }

    /// <summary>Removes 0-based ranks <paramref name="start"/>..<paramref name="end"/> inclusive (already clamped).</summary>
    public long RemoveRangeByRank(long start, long end) => _list.DeleteRangeByRank(start + 1, end + 1, Forget);

    /// <summary>
    /// One ZSCAN step over the member index (Redis scans the dictionary of a "skiplist" set too): a
    /// member present for the whole scan is returned at least once, whatever is added or removed
    /// between the calls. Returns the next cursor, 0 when done.
    /// </summary>
    public ulong Scan(ulong cursor, long count, Action<byte[], double> visit) =>
        _dict.Scan(cursor, count, i => visit(_dict.KeyAt(i)!, _dict.ValueAt(i)));

    public override RedisObject Clone()
    {
        var z = new RedisSortedSet(_dict.Count) { _skiplist = _skiplist };
        for (var n = _list.First; n is not null; n = n.Next) z.AddNew(n.Member, n.Score, EncodingLimits.Unbounded);
        z._skiplist = _skiplist;
        return z;
    }

    public override int WriteRestore(ReadOnlySpan<byte> key, QuorumCache.Resp.RespWriter w)
    {
        // ZADD key score member ..., in score order, scores in their shortest round-trip form.
        var members = new List<SkipListNode>(_dict.Count);
        for (var n = _list.First; n is not null; n = n.Next) members.Add(n);
        return SlotDumper.WriteBatched(w, "ZADD"u8, key, members, 2, static (wr, n) =>
        {
            wr.WriteBulkString(QuorumCache.Resp.RespFormat.FormatDouble(n.Score));
            wr.WriteBulk(n.Member);
        });
    }

    public override long MemoryUsage()
    {
        long total = 64;
        for (var n = _list.First; n is not null; n = n.Next) total += 24 + n.Member.Length + 28 + 72;
        return total;
    }
}
