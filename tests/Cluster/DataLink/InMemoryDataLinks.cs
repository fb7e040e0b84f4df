using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

/// <summary>
/// One node's endpoint on an <see cref="InMemoryDataLinkNetwork"/>. Handlers run on the thread that calls
/// <see cref="InMemoryDataLinkNetwork.DeliverUntil"/>; a handler exception propagates to that caller (so a simulation
/// fails loudly). Disposing it is a crash: frames in flight to it are lost.
/// </summary>
public sealed class InMemoryDataLinks : IDataLinks
{
    private readonly InMemoryDataLinkNetwork _network;
    private readonly DataFrameHandler?[] _handlers = new DataFrameHandler?[256];
    private readonly object _gate = new();
    private readonly Dictionary<string, PeerStats> _peers = new(StringComparer.Ordinal);
    private bool _disposed;

    internal InMemoryDataLinks(InMemoryDataLinkNetwork network, string nodeId)
    {
        _network = network;
        LocalId = nodeId;
    }

    public string LocalId { get; }

    /// <summary>Frames received on a channel without a handler.</summary>
    public long UnhandledFrames { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void Send(string nodeId, DataChannel channel, ReadOnlySpan<byte> payload)
    {
        if (channel == DataChannel.Handshake)
            throw new ArgumentException("the handshake channel is reserved for the data links", nameof(channel));
        PeerStats stats;
        lock (_gate)
        {
            if (_disposed || string.Equals(nodeId, LocalId, StringComparison.Ordinal))
                return;
            stats = Peer(nodeId);
            if (stats.Blocked)
            {
                stats.FramesDropped++;
                return;
            }
            stats.FramesSent++;
            stats.BytesSent += payload.Length + DataFrameCodec.HeaderSize;
        }
        if (!_network.Enqueue(LocalId, nodeId, channel, payload))
        {
            lock (_gate) stats.FramesDropped++;
        }
    }

    public void SetHandler(DataChannel channel, DataFrameHandler? handler) => Volatile.Write(ref _handlers[(byte)channel], handler);

    public void SetPeerAddress(string nodeId, string host, int busPort)
    {
        lock (_gate)
        {
            var p = Peer(nodeId);
            p.Host = host;
            p.Port = busPort;
        }
    }

    public void RemovePeer(string nodeId)
    {
        lock (_gate) _peers.Remove(nodeId);
    }

    public void SetLinkBlocked(string nodeId, bool blocked)
    {
        lock (_gate) Peer(nodeId).Blocked = blocked;
    }

    public IReadOnlyList<DataLinkPeerInfo> GetPeers()
    {
        var list = new List<DataLinkPeerInfo>();
        lock (_gate)
        {
            foreach (var (id, p) in _peers)
            {
                var connected = !_disposed && !p.Blocked && _network.IsAttached(id)
                    && !_network.IsBlocked(LocalId, id) && !_network.IsBlocked(id, LocalId);
                list.Add(new DataLinkPeerInfo(id, p.Host, p.Port, connected, string.CompareOrdinal(LocalId, id) < 0,
                    p.CreatedMs, p.FramesSent, p.BytesSent, p.FramesReceived, p.BytesReceived, p.FramesDropped, 0, p.Blocked));
            }
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return list;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate) _disposed = true;
        _network.Detach(this);
        return ValueTask.CompletedTask;
    }

    internal void Receive(string from, DataChannel channel, byte[] payload)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var stats = Peer(from);
            if (stats.Blocked)
            {
                stats.FramesDropped++;
                return;
            }
            stats.FramesReceived++;
            stats.BytesReceived += payload.Length + DataFrameCodec.HeaderSize;
        }
        var handler = Volatile.Read(ref _handlers[(byte)channel]);
        if (handler is null)
        {
            UnhandledFrames++;
            return;
        }
        handler(from, channel, payload);
    }

    private PeerStats Peer(string nodeId)
    {
        if (!_peers.TryGetValue(nodeId, out var p))
        {
            p = new PeerStats { CreatedMs = _network.NowMs };
            _peers[nodeId] = p;
        }
        return p;
    }

    private sealed class PeerStats
    {
        public string? Host;
        public int Port;
        public bool Blocked;
        public long CreatedMs, FramesSent, BytesSent, FramesReceived, BytesReceived, FramesDropped;
    }
}
