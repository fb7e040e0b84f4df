namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// Receives one frame. <paramref name="payload"/> is only valid for the duration of the call:
/// copy it if you keep it. Invoked on a data-link thread (see <see cref="IDataLinks"/>).
/// </summary>
public delegate void DataFrameHandler(string fromNodeId, DataChannel channel, ReadOnlyMemory<byte> payload);

/// <summary>
/// The data plane between nodes (slot hand-off, cross-node pub/sub): opaque frames
/// <c>(channel, payload)</c> addressed by node id, over one dedicated connection per node pair.
/// Delivery is best effort and at most once; frames from one peer arrive in the order that
/// peer sent them while a connection lasts (a reconnect can lose frames that were in flight).
/// Protocols above retransmit what they need.
/// <para>Threading: <see cref="Send"/> may be called from any thread and never blocks.
/// Handlers run on a data-link thread: for <see cref="TcpDataLinks"/>, one reader loop per peer
/// connection calls them sequentially for that peer, while different peers may call concurrently;
/// for the tests' in-memory network, the thread that delivers. Handlers must be quick and
/// thread-safe and must not block on the links.</para>
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

    /// <summary>Tells the links where a peer listens. Adding or changing it makes them (re)connect as needed.</summary>
    void SetPeerAddress(string nodeId, string host, int busPort);

    /// <summary>Forgets a peer: closes its connection and drops its queued frames.</summary>
    void RemovePeer(string nodeId);

    /// <summary>Test-only fault switch: while blocked, all frames to and from the peer are dropped.</summary>
    void SetLinkBlocked(string nodeId, bool blocked);

    /// <summary>A snapshot of every known peer's link, for CLUSTER LINKS-like reporting.</summary>
    IReadOnlyList<DataLinkPeerInfo> GetPeers();

    Task StartAsync(CancellationToken cancellationToken = default);
}
