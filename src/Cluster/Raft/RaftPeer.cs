namespace QuorumCache.Cluster.Raft;

/// <summary>The leader's replication state for one follower or learner.</summary>
internal sealed class RaftPeer(string id, long nextIndex, long nowMs)
{
    public string Id { get; } = id;
    /// <summary>Next entry to send.</summary>
    public long NextIndex { get; set; } = nextIndex;
    /// <summary>Highest index known to match the leader's log.</summary>
    public long MatchIndex { get; set; }
    /// <summary>When the leader last received any reply from this peer (its clock).</summary>
    public long LastContactMs { get; set; } = nowMs;
    /// <summary>Send time (leader's clock) of the newest message this peer acknowledged; the basis of <see cref="RaftNode.HasQuorumContact"/>.</summary>
    public long LastAckedSendMs { get; set; } = long.MinValue;
    /// <summary>False: probing (one message per heartbeat or reply until a match is found). True: streaming, NextIndex advances optimistically.</summary>
    public bool Replicating { get; set; }
    public long SnapshotSentMs { get; set; } = long.MinValue;
}
