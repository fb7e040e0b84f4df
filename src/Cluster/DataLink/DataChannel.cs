namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// The logical stream a data-link frame belongs to. Sent on the wire as one byte.
/// APPEND-ONLY: values are part of the protocol (version 2 of <see cref="DataLinkHandshake"/>);
/// never renumber or reuse a value.
/// </summary>
public enum DataChannel : byte
{
    /// <summary>Reserved for the link's own connection handshake; user code cannot send on it.</summary>
    Handshake = 0,

    /// <summary>Slot hand-off frames (snapshot, forwarded writes, seal, confirmations).</summary>
    HandOff = 1,

    /// <summary>Cross-node PUBLISH.</summary>
    PubSub = 2,

    /// <summary>TEMPORARY: heartbeats of HeartbeatMonitor, deleted with the Akka move. Never reuse 253.</summary>
    Heartbeat = 253,

    /// <summary>TEMPORARY: Raft messages of ClusterNode, deleted with the Akka move. Never reuse 254.</summary>
    Raft = 254,

    /// <summary>TEMPORARY: proposals forwarded to the Raft leader, deleted with the Akka move. Never reuse 255.</summary>
    Control = 255,
}
