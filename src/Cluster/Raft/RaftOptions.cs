namespace QuorumCache.Cluster.Raft;

/// <summary>Timing and sizing of a <see cref="RaftNode"/>. Production values come from hocon/node.conf.</summary>
public sealed record RaftOptions
{
    /// <summary>A follower waits a random time in [min, max) without hearing from a leader before it starts a pre-vote.</summary>
    public int ElectionTimeoutMinMs { get; init; } = 1000;
    public int ElectionTimeoutMaxMs { get; init; } = 2000;
    /// <summary>How often a leader sends AppendEntries to each peer when it has nothing new.</summary>
    public int HeartbeatIntervalMs { get; init; } = 150;
    /// <summary>Upper bound on entries in one AppendEntries message.</summary>
    public int MaxEntriesPerMessage { get; init; } = 256;
    /// <summary>Once this many applied entries follow the last snapshot, take a new snapshot and compact the log.</summary>
    public int SnapshotThresholdEntries { get; init; } = 10_000;

    internal void Validate()
    {
        if (ElectionTimeoutMinMs <= 0 || ElectionTimeoutMaxMs <= ElectionTimeoutMinMs)
            throw new ArgumentException("Need 0 < ElectionTimeoutMinMs < ElectionTimeoutMaxMs.");
        if (HeartbeatIntervalMs <= 0 || HeartbeatIntervalMs >= ElectionTimeoutMinMs)
            throw new ArgumentException("Need 0 < HeartbeatIntervalMs < ElectionTimeoutMinMs.");
        if (MaxEntriesPerMessage <= 0) throw new ArgumentException("MaxEntriesPerMessage must be positive.");
        if (SnapshotThresholdEntries <= 0) throw new ArgumentException("SnapshotThresholdEntries must be positive.");
    }
}
