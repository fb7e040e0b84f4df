namespace QuorumCache.Cluster.DataLink;

/// <summary>One peer link as seen from this node.</summary>
/// <param name="NodeId">The peer's id.</param>
/// <param name="Host">The peer's data-link host, if known.</param>
/// <param name="Port">The peer's data-link (bus) port, or 0 if unknown.</param>
/// <param name="Connected">Whether a handshaken connection is up now.</param>
/// <param name="Outbound">True if this node dialed the current connection ("to" in CLUSTER LINKS), false if the peer did ("from").</param>
/// <param name="CreatedUnixMs">When the current connection (or, if none, the peer entry) was created, Unix ms.</param>
/// <param name="FramesSent">Frames written to the socket.</param>
/// <param name="BytesSent">Bytes written to the socket, headers included.</param>
/// <param name="FramesReceived">Frames read from the socket.</param>
/// <param name="BytesReceived">Bytes read from the socket, headers included.</param>
/// <param name="FramesDropped">Frames dropped: queue over its bound, blocked link, or lost with a dropped connection.</param>
/// <param name="QueuedBytes">Bytes (payload plus frame header) waiting to be written.</param>
/// <param name="Blocked">Whether the test-only fault switch is on.</param>
public readonly record struct DataLinkPeerInfo(
    string NodeId,
    string? Host,
    int Port,
    bool Connected,
    bool Outbound,
    long CreatedUnixMs,
    long FramesSent,
    long BytesSent,
    long FramesReceived,
    long BytesReceived,
    long FramesDropped,
    long QueuedBytes,
    bool Blocked);
