namespace QuorumCache.Cluster.Replication;

/// <summary>
/// A copy's entries in sequence order, from <see cref="First"/> to <see cref="End"/> (no gaps). Entries up to
/// <see cref="Base"/> are no longer held (applied and known to every member, or replaced by a snapshot).
/// Not thread-safe: <see cref="GroupReplica"/> guards it.
/// </summary>
public sealed class ReplicaLog
{
    private LogEntry[] _items = new LogEntry[16];
    private int _head, _count;

    /// <summary>The sequence just before the first entry held.</summary>
    public long Base { get; private set; }

    public long End => Base + _count;
    public long First => Base + 1;
    public int Count => _count;

    public bool Holds(long seq) => seq > Base && seq <= End;

    public LogEntry this[long seq]
    {
        get
        {
            if (!Holds(seq)) throw new ArgumentOutOfRangeException(nameof(seq), $"seq {seq} not in ({Base}, {End}]");
            return _items[(_head + (int)(seq - Base - 1)) % _items.Length];
        }
    }

    public void Add(LogEntry e)
    {
        if (e.Seq != End + 1) throw new InvalidOperationException($"log gap: adding {e.Seq} after {End}");
        if (_count == _items.Length)
        {
            var bigger = new LogEntry[_items.Length * 2];
            for (var i = 0; i < _count; i++) bigger[i] = _items[(_head + i) % _items.Length];
            _items = bigger;
            _head = 0;
        }
        _items[(_head + _count) % _items.Length] = e;
        _count++;
    }

    /// <summary>Drops every entry after <paramref name="seq"/>.</summary>
    public void TruncateAfter(long seq)
    {
        if (seq >= End) return;
        if (seq < Base) throw new InvalidOperationException($"cannot truncate to {seq}: entries up to {Base} are gone");
        var keep = (int)(seq - Base);
        for (var i = keep; i < _count; i++) _items[(_head + i) % _items.Length] = null!;
        _count = keep;
    }

    /// <summary>Forgets the entries up to <paramref name="seq"/> (they are no longer needed).</summary>
    public void DropThrough(long seq)
    {
        if (seq > End) seq = End;
        while (Base < seq)
        {
            _items[_head] = null!;
            _head = (_head + 1) % _items.Length;
            _count--;
            Base++;
        }
    }

    /// <summary>Empties the log and restarts it after <paramref name="seq"/> (after a snapshot).</summary>
    public void Reset(long seq)
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        Base = seq;
    }

    /// <summary>The entries from <paramref name="from"/> on (at most <paramref name="maxBytes"/> of effects, at least one entry).</summary>
    public LogEntry[] Slice(long from, int maxBytes = int.MaxValue)
    {
        if (from <= Base) throw new ArgumentOutOfRangeException(nameof(from), $"seq {from} is gone (base {Base})");
        if (from > End) return [];
        var list = new List<LogEntry>();
        long bytes = 0;
        for (var s = from; s <= End; s++)
        {
            var e = this[s];
            if (list.Count > 0 && bytes + e.Effects.Length > maxBytes) break;
            list.Add(e);
            bytes += e.Effects.Length;
        }
        return [.. list];
    }
}
