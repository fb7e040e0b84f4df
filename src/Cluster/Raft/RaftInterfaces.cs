namespace QuorumCache.Cluster.Raft;

/// <summary>Where a <see cref="RaftNode"/> puts the messages it wants sent. Delivery may drop, delay or reorder them.</summary>
public interface IRaftOutbox
{
    void Send(string to, RaftMessage message);
}

/// <summary>
/// The replicated state machine (the cluster map). RaftNode calls it on its own thread, in log order.
/// Command entries go to <see cref="Apply"/>; configuration entries are interpreted by RaftNode and
/// also reported through <see cref="ApplyConfiguration"/> (default: ignored) so the state machine may
/// mirror membership; no-op entries are not reported. Snapshots contain only the state machine's own
/// state; RaftNode stores the configuration beside it.
/// </summary>
public interface IRaftStateMachine
{
    void Apply(long index, byte[] command);

    void ApplyConfiguration(long index, RaftConfiguration configuration) { }

    /// <summary>The state after every entry applied so far.</summary>
    byte[] Snapshot();

    /// <summary>Replace the whole state with a snapshot's.</summary>
    void Restore(byte[] snapshot);
}

/// <summary>Snapshot metadata as persisted.</summary>
public sealed record RaftSnapshotMeta(long LastIncludedIndex, long LastIncludedTerm, RaftConfiguration Configuration);

/// <summary>Everything a node persisted, as loaded at start.</summary>
public sealed class RaftPersistentState
{
    public long CurrentTerm { get; init; }
    public string? VotedFor { get; init; }
    public RaftSnapshotMeta? SnapshotMeta { get; init; }
    public byte[]? SnapshotData { get; init; }
    /// <summary>Consecutive entries following the snapshot (or starting at index 1).</summary>
    public IReadOnlyList<LogEntry> Entries { get; init; } = [];
}

/// <summary>
/// Durable Raft state. Every method returns only once its effect is durable: RaftNode sends no
/// message that depends on a change before the change is stored.
/// </summary>
public interface IRaftStorage
{
    RaftPersistentState Load();

    void SaveTermAndVote(long term, string? votedFor);

    /// <summary>Append consecutive entries right after the last stored one.</summary>
    void Append(IReadOnlyList<LogEntry> entries);

    /// <summary>Delete the entries at <paramref name="fromIndex"/> and after.</summary>
    void TruncateFrom(long fromIndex);

    /// <summary>Store a snapshot and drop every log entry at or below its last included index (entries after it are kept).</summary>
    void SaveSnapshot(RaftSnapshotMeta meta, byte[] data);
}
