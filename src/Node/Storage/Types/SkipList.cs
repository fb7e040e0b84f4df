using System.Numerics;
using System.Runtime.CompilerServices;

namespace QuorumCache.Node.Storage.Types;

/// <summary>One element of a <see cref="SkipList"/>: member, score and its forward links with spans.</summary>
public sealed class SkipListNode
{
    internal SkipListNode(byte[] member, double score, int levels)
    {
        Member = member;
        Score = score;
        if (levels > 1) Upper = new SkipListLevel[levels - 1];
    }

    public byte[] Member { get; }
    public double Score { get; internal set; }
    public SkipListNode? Backward { get; internal set; }

    // Level 0 lives in the node (every node has it; 3 in 4 nodes have nothing else), higher levels in a
    // small array: one object and one cache miss less per element than an array of all levels.
    internal SkipListLevel L0;
    internal SkipListLevel[]? Upper;

    internal int LevelCount => 1 + (Upper?.Length ?? 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref SkipListLevel Lvl(int i) => ref (i == 0 ? ref L0 : ref Upper![i - 1]);

    internal void ClearLevels()
    {
        L0 = default;
        if (Upper is not null) Array.Clear(Upper);
    }

    /// <summary>The next element in (score, member) order, or null at the tail.</summary>
    public SkipListNode? Next => L0.Forward;
}

/// <summary>A forward link and how many elements it skips (its span), as in Redis's zskiplist.</summary>
internal struct SkipListLevel
{
    public SkipListNode? Forward;
    public int Span;
}

/// <summary>
/// Redis's skip list: elements ordered by (score, member bytes), each level link carrying its span so
/// the rank of an element and the element at a rank are found in O(log n). Level probability 1/4,
/// at most 32 levels. Members are not unique-checked here: the owning sorted set keeps a dictionary
/// member → score and never inserts a member twice. Ranks are 1-based in this class.
/// </summary>
public sealed partial class SkipList
{
    public const int MaxLevel = 32;

    private readonly SkipListNode _header = new([], 0, 4);
    private SkipListNode? _tail;
    private int _level = 1;

    [ThreadStatic] private static SkipListNode[]? t_update;
    [ThreadStatic] private static int[]? t_rank;

    public int Length { get; private set; }

    public SkipListNode? First => _header.L0.Forward;
    public SkipListNode? Last => _tail;

    /// <summary>A random level with P(level &gt; k) = 4^-k, capped at <see cref="MaxLevel"/>.</summary>
    private static int RandomLevel()
    {
        var r = (ulong)Random.Shared.NextInt64() | (1UL << 62);
        var level = 1 + (BitOperations.TrailingZeroCount(r) >> 1);
        return level < MaxLevel ? level : MaxLevel;
    }

    private static bool Less(SkipListNode n, double score, ReadOnlySpan<byte> member) =>
        n.Score < score || (n.Score == score && n.Member.AsSpan().SequenceCompareTo(member) < 0);

    private static SkipListNode[] Update => t_update ??= new SkipListNode[MaxLevel];

    private void EnsureHeaderLevels(int levels)
    {
        if (_header.LevelCount >= levels) return;
        var upper = new SkipListLevel[Math.Min(MaxLevel, Math.Max(levels, _header.LevelCount * 2)) - 1];
        _header.Upper?.CopyTo(upper, 0);
        _header.Upper = upper;
    }

    /// <summary>Inserts a member that is not in the list yet; the array is kept (not copied).</summary>
    public SkipListNode Insert(double score, byte[] member)
    {
        var node = new SkipListNode(member, score, RandomLevel());
        InsertNode(node);
        return node;
    }

    private void InsertNode(SkipListNode node)
    {
        var update = Update;
        var rank = t_rank ??= new int[MaxLevel];
        var score = node.Score;
        var member = node.Member.AsSpan();
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            while (x.Lvl(i).Forward is { } f && Less(f, score, member))
            {
                rank[i] += x.Lvl(i).Span;
                x = f;
            }
            update[i] = x;
        }
        var level = node.LevelCount;
        if (level > _level)
        {
            EnsureHeaderLevels(level);
            for (var i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                _header.Lvl(i).Span = Length;
            }
            _level = level;
        }
        for (var i = 0; i < level; i++)
        {
            ref var ul = ref update[i].Lvl(i);
            node.Lvl(i).Forward = ul.Forward;
            ul.Forward = node;
            node.Lvl(i).Span = ul.Span - (rank[0] - rank[i]);
            ul.Span = rank[0] - rank[i] + 1;
        }
        for (var i = level; i < _level; i++) update[i].Lvl(i).Span++;
        node.Backward = update[0] == _header ? null : update[0];
        if (node.L0.Forward is { } next) next.Backward = node;
        else _tail = node;
        Length++;
    }

    /// <summary>Fills the update vector with the last node before (score, member) on every level.</summary>
    private SkipListNode FindPredecessors(double score, ReadOnlySpan<byte> member)
    {
        var update = Update;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (x.Lvl(i).Forward is { } f && Less(f, score, member)) x = f;
            update[i] = x;
        }
        return x;
    }

    private void DeleteNode(SkipListNode x, SkipListNode[] update)
    {
        for (var i = 0; i < _level; i++)
        {
            ref var ul = ref update[i].Lvl(i);
            if (ul.Forward == x)
            {
                ul.Span += x.Lvl(i).Span - 1;
                ul.Forward = x.Lvl(i).Forward;
            }
            else ul.Span--;
        }
        if (x.L0.Forward is { } next) next.Backward = x.Backward;
        else _tail = x.Backward;
        while (_level > 1 && _header.Lvl(_level - 1).Forward is null) _level--;
        Length--;
    }

    /// <summary>Removes the element (score, member); false when it is not there.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        var x = FindPredecessors(score, member).L0.Forward;
        if (x is null || x.Score != score || !x.Member.AsSpan().SequenceEqual(member)) return false;
        DeleteNode(x, Update);
        return true;
    }

    /// <summary>
    /// Changes the score of an element that is in the list with <paramref name="currentScore"/>.
    /// The node stays in place when the order allows it, otherwise it is unlinked and relinked.
    /// </summary>
    public SkipListNode UpdateScore(double currentScore, ReadOnlySpan<byte> member, double newScore)
    {
        var x = FindPredecessors(currentScore, member).L0.Forward;
        if (x is null || x.Score != currentScore || !x.Member.AsSpan().SequenceEqual(member))
            throw new InvalidOperationException("skip list element to update is missing");
        if ((x.Backward is null || x.Backward.Score < newScore) && (x.L0.Forward is null || x.L0.Forward!.Score > newScore))
        {
            x.Score = newScore;
            return x;
        }
        DeleteNode(x, Update);
        x.Score = newScore;
        x.Backward = null;
        x.ClearLevels();
        InsertNode(x);
        return x;
    }

    /// <summary>The 1-based rank of (score, member), or 0 when it is not in the list.</summary>
    public long GetRank(double score, ReadOnlySpan<byte> member)
    {
        long rank = 0;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (x.Lvl(i).Forward is { } f &&
                   (f.Score < score || (f.Score == score && f.Member.AsSpan().SequenceCompareTo(member) <= 0)))
            {
                rank += x.Lvl(i).Span;
                x = f;
            }
            if (x != _header && x.Score == score && x.Member.AsSpan().SequenceEqual(member)) return rank;
        }
        return 0;
    }

    /// <summary>The element at a 1-based rank, or null when out of range.</summary>
    public SkipListNode? GetByRank(long rank)
    {
        if (rank < 1 || rank > Length) return null;
        long traversed = 0;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (x.Lvl(i).Forward is { } f && traversed + x.Lvl(i).Span <= rank)
            {
                traversed += x.Lvl(i).Span;
                x = f;
            }
            if (traversed == rank) return x;
        }
        return null;
    }

    // ---------------- score ranges ----------------

    public bool IsInRange(in ScoreRange r)
    {
        if (r.IsEmpty) return false;
        if (_tail is null || !r.GteMin(_tail.Score)) return false;
        var first = _header.L0.Forward;
        return first is not null && r.LteMax(first.Score);
    }

    /// <summary>The first element whose score is in the range, and its 1-based rank.</summary>
    public SkipListNode? FirstInRange(in ScoreRange r, out long rank)
    {
        rank = 0;
        if (!IsInRange(r)) return null;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
            while (x.Lvl(i).Forward is { } f && !r.GteMin(f.Score))
            {
                rank += x.Lvl(i).Span;
                x = f;
            }
        x = x.L0.Forward!;
        rank++;
        return r.LteMax(x.Score) ? x : null;
    }

    /// <summary>The last element whose score is in the range, and its 1-based rank.</summary>
    public SkipListNode? LastInRange(in ScoreRange r, out long rank)
    {
        rank = 0;
        if (!IsInRange(r)) return null;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
            while (x.Lvl(i).Forward is { } f && r.LteMax(f.Score))
            {
                rank += x.Lvl(i).Span;
                x = f;
            }
        return r.GteMin(x.Score) ? x : null;
    }

    // ---------------- lex ranges ----------------

    public bool IsInLexRange(in LexRange r)
    {
        if (r.IsEmpty) return false;
        if (_tail is null || !r.GteMin(_tail.Member)) return false;
        var first = _header.L0.Forward;
        return first is not null && r.LteMax(first.Member);
    }

    public SkipListNode? FirstInLexRange(in LexRange r, out long rank)
    {
        rank = 0;
        if (!IsInLexRange(r)) return null;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
            while (x.Lvl(i).Forward is { } f && !r.GteMin(f.Member))
            {
                rank += x.Lvl(i).Span;
                x = f;
            }
        x = x.L0.Forward!;
        rank++;
        return r.LteMax(x.Member) ? x : null;
    }

    public SkipListNode? LastInLexRange(in LexRange r, out long rank)
    {
        rank = 0;
        if (!IsInLexRange(r)) return null;
        var x = _header;
        for (var i = _level - 1; i >= 0; i--)
            while (x.Lvl(i).Forward is { } f && r.LteMax(f.Member))
            {
                rank += x.Lvl(i).Span;
                x = f;
            }
        return r.GteMin(x.Member) ? x : null;
    }

    /// <summary>Checks every span and back link (tests).</summary>
    internal void Validate()
    {
        for (var i = 0; i < _level; i++)
        {
            var x = _header;
            long pos = 0;
            while (x.Lvl(i).Forward is { } f)
            {
                pos += x.Lvl(i).Span;
                if (GetRank(f.Score, f.Member) != pos) throw new InvalidOperationException($"span mismatch at level {i}");
                x = f;
            }
        }
        long count = 0;
        SkipListNode? prev = null;
        for (var n = First; n is not null; n = n.Next)
        {
            if (n.Backward != prev) throw new InvalidOperationException("backward link broken");
            if (prev is not null && !Less(prev, n.Score, n.Member)) throw new InvalidOperationException("order broken");
            prev = n;
            count++;
        }
        if (count != Length || _tail != prev) throw new InvalidOperationException("length or tail broken");
    }
}
