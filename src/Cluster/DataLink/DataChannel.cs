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

    // 253-255 carried heartbeats, Raft and forwarded proposals before the move to Akka.Cluster: never reuse them.
}
