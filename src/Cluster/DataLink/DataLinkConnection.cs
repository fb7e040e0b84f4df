using System.Buffers;
using System.IO.Pipelines;
using Pipelines.Sockets.Unofficial;

namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// One handshaken <see cref="SocketConnection"/> to a peer: a reader loop that parses frames off its
/// input pipe and hands them to the links, and a single writer loop that drains the peer's queue into
/// its output pipe and flushes once per batch (the library's own loop then moves the pipe to the
/// socket). When either loop ends, both stop and the connection is disposed.
/// </summary>
internal sealed class DataLinkConnection
{
    private const int FlushThreshold = 1024 * 1024;

    private readonly TcpDataLinks _links;
    private readonly DataLinkPeer _peer;
    private readonly SocketConnection _connection;
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _scratch;

    public DataLinkConnection(TcpDataLinks links, DataLinkPeer peer, SocketConnection connection, bool outbound, long createdUnixMs, CancellationToken linksStopping)
    {
        _links = links;
        _peer = peer;
        _connection = connection;
        Outbound = outbound;
        CreatedUnixMs = createdUnixMs;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(linksStopping, peer.Lifetime.Token);
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

    /// <summary>Closes the connection (idempotent, any thread): both loops see it and end.</summary>
    public void Close()
    {
        try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        _connection.Dispose();
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
            DataLinkLog.ProtocolError(_links.Logger, _peer.NodeId, e.Message);
            reason = "protocol error: " + e.Message;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            reason = "closed";
        }
        catch (Exception e)
        {
            // Socket failures arrive through the pipe as the library's exceptions (reset, aborted, I/O).
            reason = $"{e.Message} ({_connection.ShutdownKind})";
        }
        Close();
        try { await WriterDone.ConfigureAwait(false); } catch { /* writer errors are expected on close */ }
        try { await _connection.Input.CompleteAsync().ConfigureAwait(false); } catch { }
        _peer.Uninstall(this);
        _cts.Dispose();
        return reason;
    }

    private async Task<string> ReadLoopAsync()
    {
        var ct = _cts.Token;
        var input = _connection.Input;
        var max = _links.Options.MaxFrameBytes;
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (DataFrameCodec.TryRead(ref buffer, max, out var channel, out var payload))
                {
                    Interlocked.Increment(ref _peer.FramesReceived);
                    Interlocked.Add(ref _peer.BytesReceived, payload.Length + DataFrameCodec.HeaderSize);
                    if (channel == DataChannel.Handshake)
                        throw new DataLinkProtocolException("unexpected handshake frame after the handshake");
                    _links.Dispatch(_peer, channel, AsMemory(payload));
                }
                if (result.IsCompleted)
                    return buffer.IsEmpty ? "peer closed the connection" : "peer closed the connection mid-frame";
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
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
        PipeWriter output = _connection.Output;
        var queue = _peer.Queue.Reader;
        // Counted here: the library's pipe writer does not report PipeWriter.UnflushedBytes.
        long unflushed = 0;
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
                        DataFrameCodec.Write(output, frame.Channel, frame.Buffer.AsSpan(0, frame.Length));
                        unflushed += frame.Length + DataFrameCodec.HeaderSize;
                        Interlocked.Increment(ref _peer.FramesSent);
                        Interlocked.Add(ref _peer.BytesSent, frame.Length + DataFrameCodec.HeaderSize);
                    }
                    ArrayPool<byte>.Shared.Return(frame.Buffer);
                    if (unflushed >= FlushThreshold)
                    {
                        unflushed = 0;
                        await output.FlushAsync(ct).ConfigureAwait(false);
                    }
                }
                unflushed = 0;
                var flush = await output.FlushAsync(ct).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break;
            }
        }
        catch (Exception)
        {
            // The connection is going away (closed, reset, or the library completed the pipe under us);
            // whatever was written but not yet sent is lost, which at-most-once delivery allows.
        }
        finally
        {
            Close();
            try { await output.CompleteAsync().ConfigureAwait(false); } catch { }
            _writerDone.TrySetResult();
        }
    }
}
