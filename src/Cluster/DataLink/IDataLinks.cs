namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// Receives one frame. <paramref name="payload"/> is only valid for the duration of the call:
/// copy it if you keep it. Invoked on a bus thread (see <see cref="IDataLinks"/>).
/// </summary>
public delegate void DataFrameHandler(string fromNodeId, DataChannel channel, ReadOnlyMemory<byte> payload);

/// <summary>
/// Node-to-node messaging: opaque frames <c>(channel, payload)</c> addressed by node id.
/// Delivery is best effort and at most once; frames from one peer arrive in the order that
/// peer sent them while a connection lasts (a reconnect can lose frames that were in flight).
/// Protocols above retransmit what they need.
/// <para>Threading: <see cref="Send"/> may be called from any thread and never blocks.
/// Handlers run on a bus thread: for the TCP bus, one reader loop per peer connection calls
/// them sequentially for that peer, while different peers may call concurrently; for the
/// in-memory bus, the thread that calls <see cref="InMemoryDataLinkNetwork.DeliverUntil"/>.
/// Handlers must be quick and thread-safe and must not block on the bus.</para>
/// </summary>
public interface IDataLinks : IAsyncDisposable
{
    /// <summary>This node's id.</summary>
    string LocalId { get; }

    /// <summary>
    /// Queues a frame for <paramref name="nodeId"/> (the payload is copied). Never blocks.
    /// Drops the frame and counts it when the peer's queue is over its bound or the link is blocked.
    /// </summary>
    void Send(string nodeId, DataChannel channel, ReadOnlySpan<byte> payload);

    /// <summary>Installs (or, with null, removes) the handler for one channel. Frames on a channel without a handler are counted and dropped.</summary>
    void SetHandler(DataChannel channel, DataFrameHandler? handler);

    /// <summary>Tells the bus where a peer listens. Adding or changing it makes the bus (re)connect as needed.</summary>
    void SetPeerAddress(string nodeId, string host, int busPort);

    /// <summary>Forgets a peer: closes its connection and drops its queued frames.</summary>
    void RemovePeer(string nodeId);

    /// <summary>Test-only fault switch: while blocked, all frames to and from the peer are dropped.</summary>
    void SetLinkBlocked(string nodeId, bool blocked);

    /// <summary>A snapshot of every known peer's link, for CLUSTER LINKS-like reporting.</summary>
    IReadOnlyList<DataLinkPeerInfo> GetPeers();

    Task StartAsync(CancellationToken cancellationToken = default);
}

/// <summary>One peer link as seen from this node.</summary>
/// <param name="NodeId">The peer's id.</param>
/// <param name="Host">The peer's bus host, if known.</param>
/// <param name="Port">The peer's bus port, or 0 if unknown.</param>
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
