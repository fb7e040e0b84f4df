namespace QuorumCache.Cluster.Raft;

/// <summary>In-memory <see cref="IRaftStorage"/> for tests: a simulated crash keeps this object and rebuilds the node from it.</summary>
public sealed class MemoryRaftStorage : IRaftStorage
{
    private long _term;
    private string? _vote;
    private RaftSnapshotMeta? _meta;
    private byte[]? _snapshot;
    private readonly List<LogEntry> _entries = new();

    public int AppendCalls { get; private set; }

    public RaftPersistentState Load() => new()
    {
        CurrentTerm = _term,
        VotedFor = _vote,
        SnapshotMeta = _meta,
        SnapshotData = _snapshot,
        Entries = _entries.ToArray(),
    };

    public void SaveTermAndVote(long term, string? votedFor)
    {
        _term = term;
        _vote = votedFor;
    }

    public void Append(IReadOnlyList<LogEntry> entries)
    {
        AppendCalls++;
        var expected = NextIndex();
        foreach (var e in entries)
        {
            if (e.Index != expected) throw new InvalidOperationException($"Append expected index {expected}, got {e.Index}.");
            _entries.Add(e);
            expected++;
        }
    }

    public void TruncateFrom(long fromIndex)
    {
        var first = FirstIndex();
        var keep = (int)Math.Max(0, Math.Min(_entries.Count, fromIndex - first));
        _entries.RemoveRange(keep, _entries.Count - keep);
    }

    public void SaveSnapshot(RaftSnapshotMeta meta, byte[] data)
    {
        var first = FirstIndex();
        var drop = (int)Math.Max(0, Math.Min(_entries.Count, meta.LastIncludedIndex - first + 1));
        _entries.RemoveRange(0, drop);
        if (_entries.Count > 0 && _entries[0].Index != meta.LastIncludedIndex + 1) _entries.Clear();
        _meta = meta;
        _snapshot = data;
    }

    private long FirstIndex() => _entries.Count > 0 ? _entries[0].Index : NextIndex();
    private long NextIndex() => _entries.Count > 0 ? _entries[^1].Index + 1 : (_meta?.LastIncludedIndex ?? 0) + 1;
}
