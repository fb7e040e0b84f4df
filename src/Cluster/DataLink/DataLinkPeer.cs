using System.Buffers;
using System.Threading.Channels;

namespace QuorumCache.Cluster.DataLink;

/// <summary>A frame waiting in a peer's queue; <see cref="Buffer"/> is rented from the shared pool.</summary>
internal readonly record struct OutFrame(DataChannel Channel, byte[] Buffer, int Length);

/// <summary>
/// One peer of a <see cref="TcpDataLinks"/>: its address, outbound queue, counters and current
/// connection. The queue outlives connections, so frames sent while disconnected go out after
/// the next handshake (up to the byte bound).
/// </summary>
internal sealed class DataLinkPeer
{
    private readonly object _gate = new();
    private DataLinkConnection? _connection;

    public DataLinkPeer(string nodeId, long createdUnixMs)
    {
        NodeId = nodeId;
        CreatedUnixMs = createdUnixMs;
    }

    public string NodeId { get; }
    public long CreatedUnixMs { get; }
    public CancellationTokenSource Lifetime { get; } = new();

    public readonly Channel<OutFrame> Queue = Channel.CreateUnbounded<OutFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public volatile string? Host;
    public volatile int Port;
    public volatile bool Blocked;
    public volatile bool Removed;
    public bool DialLoopStarted;

    public long FramesSent, BytesSent, FramesReceived, BytesReceived, FramesDropped, QueuedBytes;

    public object Gate => _gate;

    public DataLinkConnection? Connection
    {
        get { lock (_gate) return _connection; }
    }

    /// <summary>Makes <paramref name="connection"/> current; returns the one it replaces (the caller closes it).</summary>
    public DataLinkConnection? Install(DataLinkConnection connection)
    {
        lock (_gate)
        {
            var old = _connection;
            _connection = connection;
            return old;
        }
    }

    /// <summary>Clears the current connection if it is still <paramref name="connection"/>.</summary>
    public void Uninstall(DataLinkConnection connection)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
                _connection = null;
        }
    }

    /// <summary>Copies and queues a frame unless the queue is over its bound. Never blocks.</summary>
    public bool TryEnqueue(DataChannel channel, ReadOnlySpan<byte> payload, long maxQueuedBytes)
    {
        if (Blocked || Removed)
        {
            Interlocked.Increment(ref FramesDropped);
            return false;
        }
        var cost = payload.Length + DataFrameCodec.HeaderSize;
        if (Interlocked.Add(ref QueuedBytes, cost) > maxQueuedBytes)
        {
            Interlocked.Add(ref QueuedBytes, -cost);
            Interlocked.Increment(ref FramesDropped);
            return false;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        if (!Queue.Writer.TryWrite(new OutFrame(channel, buffer, payload.Length)))
        {
            Interlocked.Add(ref QueuedBytes, -cost);
            Interlocked.Increment(ref FramesDropped);
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        return true;
    }

    /// <summary>Drops everything queued (on removal or dispose).</summary>
    public void DrainQueue()
    {
        while (Queue.Reader.TryRead(out var frame))
        {
            Interlocked.Add(ref QueuedBytes, -(frame.Length + DataFrameCodec.HeaderSize));
            Interlocked.Increment(ref FramesDropped);
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    public DataLinkPeerInfo Snapshot()
    {
        var c = Connection;
        return new DataLinkPeerInfo(
            NodeId, Host, Port,
            Connected: c is not null,
            Outbound: c?.Outbound ?? false,
            CreatedUnixMs: c?.CreatedUnixMs ?? CreatedUnixMs,
            Interlocked.Read(ref FramesSent), Interlocked.Read(ref BytesSent),
            Interlocked.Read(ref FramesReceived), Interlocked.Read(ref BytesReceived),
            Interlocked.Read(ref FramesDropped), Interlocked.Read(ref QueuedBytes),
            Blocked);
    }
}
