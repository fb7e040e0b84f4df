namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// The logical stream a bus frame belongs to. Sent on the wire as one byte.
/// APPEND-ONLY: values are part of the protocol; never renumber or reuse a value.
/// </summary>
public enum DataChannel : byte
{
    /// <summary>Reserved for the bus's own connection handshake; user code cannot send on it.</summary>
    Handshake = 0,
    Heartbeat = 1,
    Raft = 2,
    Replication = 3,
    Migration = 4,
    Control = 5,
    PubSub = 6,
}
