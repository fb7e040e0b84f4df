namespace QuorumCache.Cluster.Raft;

/// <summary>
/// The in-memory view of the log: a snapshot boundary (index and term of the last compacted entry)
/// followed by consecutive entries. Index lookups are O(1).
/// </summary>
internal sealed class RaftLog
{
    private readonly List<LogEntry> _entries = new();

    public long SnapshotIndex { get; private set; }
    public long SnapshotTerm { get; private set; }

    public long LastIndex => SnapshotIndex + _entries.Count;
    public long LastTerm => _entries.Count > 0 ? _entries[^1].Term : SnapshotTerm;
    public int Count => _entries.Count;

    public void Reset(long snapshotIndex, long snapshotTerm, IReadOnlyList<LogEntry> entries)
    {
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        _entries.Clear();
        foreach (var e in entries)
        {
            if (e.Index <= snapshotIndex) continue;
            if (e.Index != LastIndex + 1) throw new InvalidOperationException($"Stored log has a gap at index {LastIndex + 1}.");
            _entries.Add(e);
        }
    }

    /// <summary>Term at <paramref name="index"/>, or -1 when the index is compacted away (below the snapshot) or beyond the end.</summary>
    public long TermAt(long index)
    {
        if (index == SnapshotIndex) return SnapshotTerm;
        if (index < SnapshotIndex || index > LastIndex) return -1;
        return _entries[(int)(index - SnapshotIndex - 1)].Term;
    }

    public LogEntry Get(long index)
    {
        if (index <= SnapshotIndex || index > LastIndex) throw new ArgumentOutOfRangeException(nameof(index), $"Entry {index} is not in the log ({SnapshotIndex}, {LastIndex}].");
        return _entries[(int)(index - SnapshotIndex - 1)];
    }

    public bool TryGet(long index, out LogEntry entry)
    {
        if (index <= SnapshotIndex || index > LastIndex) { entry = null!; return false; }
        entry = _entries[(int)(index - SnapshotIndex - 1)];
        return true;
    }

    public void Append(LogEntry e)
    {
        if (e.Index != LastIndex + 1) throw new InvalidOperationException($"Append of index {e.Index} after {LastIndex}.");
        _entries.Add(e);
    }

    /// <summary>Entries [from, from + max) clipped to the log's end.</summary>
    public LogEntry[] Slice(long from, int max)
    {
        var start = (int)(from - SnapshotIndex - 1);
        var n = (int)Math.Min(max, LastIndex - from + 1);
        if (start < 0 || n <= 0) return [];
        return _entries.GetRange(start, n).ToArray();
    }

    /// <summary>Remove entries at <paramref name="fromIndex"/> and after.</summary>
    public void TruncateFrom(long fromIndex)
    {
        if (fromIndex <= SnapshotIndex) throw new InvalidOperationException("Cannot truncate into the snapshot.");
        var keep = (int)(fromIndex - SnapshotIndex - 1);
        if (keep < _entries.Count) _entries.RemoveRange(keep, _entries.Count - keep);
    }

    /// <summary>Drop entries up to and including <paramref name="index"/>, which becomes the snapshot boundary with <paramref name="term"/>.
    /// If the log does not hold a matching entry there, the whole log is discarded.</summary>
    public void CompactTo(long index, long term)
    {
        if (index <= SnapshotIndex) return;
        if (index <= LastIndex && TermAt(index) == term)
            _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        else
            _entries.Clear();
        SnapshotIndex = index;
        SnapshotTerm = term;
    }

    /// <summary>First index of the run of entries with the same term as <paramref name="index"/> (scans back to at most the snapshot).</summary>
    public long FirstIndexOfTermAt(long index)
    {
        var term = TermAt(index);
        var i = index;
        while (i - 1 > SnapshotIndex && TermAt(i - 1) == term) i--;
        return i;
    }

    /// <summary>Last index holding <paramref name="term"/> at or below <paramref name="atOrBelow"/>, or -1. Terms are non-decreasing along the log, so the scan stops early.</summary>
    public long LastIndexOfTerm(long term, long atOrBelow)
    {
        for (var i = Math.Min(atOrBelow, LastIndex); i > SnapshotIndex; i--)
        {
            var t = TermAt(i);
            if (t == term) return i;
            if (t < term) return -1;
        }
        return SnapshotIndex > 0 && SnapshotTerm == term ? SnapshotIndex : -1;
    }
}
