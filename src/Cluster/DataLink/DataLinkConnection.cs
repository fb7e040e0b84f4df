using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// One handshaken socket to a peer: a reader loop that parses frames and hands them to the bus,
/// and a single writer loop that drains the peer's queue into a <see cref="PipeWriter"/> and
/// flushes once per batch. When either loop ends, both stop and the socket is closed.
/// </summary>
internal sealed class DataLinkConnection
{
    private const int FlushThreshold = 1024 * 1024;

    private readonly TcpDataLinks _bus;
    private readonly DataLinkPeer _peer;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _scratch;

    public DataLinkConnection(TcpDataLinks bus, DataLinkPeer peer, Socket socket, NetworkStream stream, PipeReader reader, bool outbound, long createdUnixMs, CancellationToken busStopping)
    {
        _bus = bus;
        _peer = peer;
        _socket = socket;
        _stream = stream;
        _reader = reader;
        Outbound = outbound;
        CreatedUnixMs = createdUnixMs;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(busStopping, peer.Lifetime.Token);
    }

    public bool Outbound { get; }
    public long CreatedUnixMs { get; }

    /// <summary>Completes when the writer loop has stopped reading the peer's queue (valid before <see cref="Start"/>).</summary>
    public Task WriterDone => _writerDone.Task;

    /// <summary>Completes when the connection is closed; its result is the reason.</summary>
    public Task<string> Completion { get; private set; } = Task.FromResult("not started");

    /// <summary>Starts both loops. The writer first waits for <paramref name="previousWriter"/>, so only one loop reads the queue at a time.</summary>
    public void Start(Task previousWriter)
    {
        _ = WriteLoopAsync(previousWriter);
        Completion = RunAsync();
    }

    /// <summary>Closes the connection (idempotent).</summary>
    public void Close()
    {
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        try { _socket.Dispose(); } catch { /* already closed */ }
    }

    private async Task<string> RunAsync()
    {
        string reason;
        try
        {
            reason = await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (DataLinkProtocolException e)
        {
            DataLinkLog.ProtocolError(_bus.Logger, _peer.NodeId, e.Message);
            reason = "protocol error: " + e.Message;
        }
        catch (OperationCanceledException)
        {
            reason = "closed";
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            reason = e.Message;
        }
        Close();
        try { await WriterDone.ConfigureAwait(false); } catch { /* writer errors are expected on close */ }
        try { await _reader.CompleteAsync().ConfigureAwait(false); } catch { }
        _peer.Uninstall(this);
        _cts.Dispose();
        return reason;
    }

    private async Task<string> ReadLoopAsync()
    {
        var ct = _cts.Token;
        var max = _bus.Options.MaxFrameBytes;
        while (true)
        {
            var result = await _reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (DataFrameCodec.TryRead(ref buffer, max, out var channel, out var payload))
                {
                    Interlocked.Increment(ref _peer.FramesReceived);
                    Interlocked.Add(ref _peer.BytesReceived, payload.Length + DataFrameCodec.HeaderSize);
                    if (channel == DataChannel.Handshake)
                        throw new DataLinkProtocolException("unexpected handshake frame after the handshake");
                    _bus.Dispatch(_peer, channel, AsMemory(payload));
                }
                if (result.IsCompleted)
                    return buffer.IsEmpty ? "peer closed the connection" : "peer closed the connection mid-frame";
            }
            finally
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private ReadOnlyMemory<byte> AsMemory(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
            return payload.First;
        var length = (int)payload.Length;
        if (_scratch is null || _scratch.Length < length)
            _scratch = new byte[Math.Max(length, 4096)];
        payload.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }

    private async Task WriteLoopAsync(Task previousWriter)
    {
        try { await previousWriter.ConfigureAwait(false); } catch { /* the old link's failure is not ours */ }
        var ct = _cts.Token;
        var writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        var queue = _peer.Queue.Reader;
        try
        {
            while (await queue.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (queue.TryRead(out var frame))
                {
                    Interlocked.Add(ref _peer.QueuedBytes, -(frame.Length + DataFrameCodec.HeaderSize));
                    if (_peer.Blocked)
                    {
                        Interlocked.Increment(ref _peer.FramesDropped);
                    }
                    else
                    {
                        DataFrameCodec.Write(writer, frame.Channel, frame.Buffer.AsSpan(0, frame.Length));
                        Interlocked.Increment(ref _peer.FramesSent);
                        Interlocked.Add(ref _peer.BytesSent, frame.Length + DataFrameCodec.HeaderSize);
                    }
                    ArrayPool<byte>.Shared.Return(frame.Buffer);
                    if (writer.UnflushedBytes >= FlushThreshold)
                        await writer.FlushAsync(ct).ConfigureAwait(false);
                }
                var flush = await writer.FlushAsync(ct).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection is going away; whatever was written but not flushed is lost (at most once).
        }
        finally
        {
            Close();
            try { await writer.CompleteAsync().ConfigureAwait(false); } catch { }
            _writerDone.TrySetResult();
        }
    }
}
