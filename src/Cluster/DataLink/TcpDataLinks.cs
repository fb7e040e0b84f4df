using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Sockets.Unofficial;

namespace QuorumCache.Cluster.DataLink;

/// <summary>
/// The real data links over TCP: every connection, accepted or dialed, is a
/// Pipelines.Sockets.Unofficial <see cref="SocketConnection"/> (a duplex pipe over the socket), which
/// this class handshakes and hands to a <see cref="DataLinkConnection"/>. One connection per node pair: the node with the lower id
/// (ordinal string order) dials, the other only accepts. A deterministic rule, rather than dialing
/// from both sides and tie-breaking, means there is never a duplicate link to resolve and frames of
/// one pair always travel over one ordered stream. The consequence: a node reaches a higher-id peer
/// only once it knows that peer's address (<see cref="SetPeerAddress"/>); a lower-id peer it needs
/// not know anything about, the peer dials in. The membership layer gives every node every address.
/// <para>A new connection replaces an older one for the same peer (a restarted dialer). A connection
/// that fails its handshake, sends a malformed or oversized frame, or comes from another cluster is
/// closed with a log line; the links carry on. Dropped outbound links are redialed with exponential
/// backoff (jittered, <see cref="DataLinkOptions.ReconnectMinDelay"/> doubling to
/// <see cref="DataLinkOptions.ReconnectMaxDelay"/>).</para>
/// <para>The listener is a plain socket accept loop rather than the library's <c>SocketServer</c>,
/// which neither reports the port it bound (tests bind port 0) nor lets the backlog be chosen.</para>
/// </summary>
public sealed class TcpDataLinks : IDataLinks
{
    private readonly ConcurrentDictionary<string, DataLinkPeer> _peers = new(StringComparer.Ordinal);
    private readonly DataFrameHandler?[] _handlers = new DataFrameHandler?[256];
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly byte[] _handshakeFrame;
    private Socket? _listener;
    private volatile bool _started;
    private int _disposed;
    private long _unhandledFrames;

    public TcpDataLinks(DataLinkOptions options, ILogger<TcpDataLinks>? logger = null, TimeProvider? timeProvider = null)
    {
        Options = options;
        Logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        var payload = new DataLinkHandshake(options.NodeId, options.ClusterId).ToPayload();
        var frame = new ArrayBufferWriter<byte>();
        DataFrameCodec.Write(frame, DataChannel.Handshake, payload);
        _handshakeFrame = frame.WrittenSpan.ToArray();
    }

    public DataLinkOptions Options { get; }
    internal ILogger Logger { get; }
    public string LocalId => Options.NodeId;

    /// <summary>The port the listener is bound to, once started.</summary>
    public int BoundPort => (_listener?.LocalEndPoint as IPEndPoint)?.Port ?? 0;

    /// <summary>Frames received on a channel that has no handler.</summary>
    public long UnhandledFrames => Interlocked.Read(ref _unhandledFrames);

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var listener = new Socket(Options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(Options.BindAddress, Options.Port));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _started = true;
        DataLinkLog.Listening(Logger, LocalId, listener.LocalEndPoint?.ToString() ?? "?");
        Track(AcceptLoopAsync(listener));
        foreach (var peer in _peers.Values)
            MaybeStartDialing(peer);
        return Task.CompletedTask;
    }

    public void Send(string nodeId, DataChannel channel, ReadOnlySpan<byte> payload)
    {
        if (channel == DataChannel.Handshake)
            throw new ArgumentException("the handshake channel is reserved for the data links", nameof(channel));
        if (payload.Length > Options.MaxFrameBytes)
            throw new ArgumentException($"payload of {payload.Length} bytes exceeds the data-link frame limit", nameof(payload));
        if (_disposed != 0 || string.Equals(nodeId, LocalId, StringComparison.Ordinal))
            return;
        GetOrAddPeer(nodeId).TryEnqueue(channel, payload, Options.MaxQueuedBytesPerPeer);
    }

    public void SetHandler(DataChannel channel, DataFrameHandler? handler) => Volatile.Write(ref _handlers[(byte)channel], handler);

    public void SetPeerAddress(string nodeId, string host, int busPort)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (string.Equals(nodeId, LocalId, StringComparison.Ordinal))
            return;
        var peer = GetOrAddPeer(nodeId);
        peer.Host = host;
        peer.Port = busPort;
        MaybeStartDialing(peer);
    }

    public void RemovePeer(string nodeId)
    {
        if (!_peers.TryRemove(nodeId, out var peer))
            return;
        peer.Removed = true;
        peer.Lifetime.Cancel();
        peer.Connection?.Close();
        peer.DrainQueue();
    }

    public void SetLinkBlocked(string nodeId, bool blocked) => GetOrAddPeer(nodeId).Blocked = blocked;

    public IReadOnlyList<DataLinkPeerInfo> GetPeers()
    {
        var list = new List<DataLinkPeerInfo>(_peers.Count);
        foreach (var peer in _peers.Values)
            list.Add(peer.Snapshot());
        list.Sort(static (a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stopping.Cancel();
        _listener?.Dispose();
        foreach (var peer in _peers.Values)
        {
            peer.Lifetime.Cancel();
            peer.Connection?.Close();
        }
        var pending = new List<Task>(_tasks.Keys);
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch
        {
            // Loops end with cancellation or socket errors; none of it matters once disposed.
        }
        foreach (var peer in _peers.Values)
            peer.DrainQueue();
    }

    internal void Dispatch(DataLinkPeer peer, DataChannel channel, ReadOnlyMemory<byte> payload)
    {
        if (peer.Blocked || peer.Removed)
        {
            Interlocked.Increment(ref peer.FramesDropped);
            return;
        }
        var handler = Volatile.Read(ref _handlers[(byte)channel]);
        if (handler is null)
        {
            Interlocked.Increment(ref _unhandledFrames);
            return;
        }
        try
        {
            handler(peer.NodeId, channel, payload);
        }
        catch (Exception e)
        {
            DataLinkLog.HandlerFailed(Logger, e, channel, peer.NodeId);
        }
    }

    private DataLinkPeer GetOrAddPeer(string nodeId) =>
        _peers.GetOrAdd(nodeId, static (id, self) => new DataLinkPeer(id, self._time.GetUtcNow().ToUnixTimeMilliseconds()), this);

    private bool IsDialerFor(string peerId) => string.CompareOrdinal(LocalId, peerId) < 0;

    private void MaybeStartDialing(DataLinkPeer peer)
    {
        if (!_started || _disposed != 0 || peer.Host is null || !IsDialerFor(peer.NodeId))
            return;
        lock (peer.Gate)
        {
            if (peer.DialLoopStarted)
                return;
            peer.DialLoopStarted = true;
        }
        Track(DialLoopAsync(peer));
    }

    private void Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _),
            _tasks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DataLinkLog.AcceptFailed(Logger, e);
                continue;
            }
            Track(AcceptOneAsync(socket));
        }
    }

    private async Task AcceptOneAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        SocketConnection.SetRecommendedServerOptions(socket);
        var connection = SocketConnection.Create(socket, DataLinkPipes.Send, DataLinkPipes.Receive, SocketConnectionOptions.None, "data link from " + remote);
        DataLinkPeer peer;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(Options.HandshakeTimeout);
            var hello = await DataLinkHandshakeIo.ReadAsync(connection.Input, timeout.Token).ConfigureAwait(false);
            var refusal = CheckHello(hello);
            if (refusal is not null)
                throw new DataLinkProtocolException(refusal);
            peer = GetOrAddPeer(hello.NodeId);
            await connection.Output.WriteAsync(_handshakeFrame, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? "handshake timed out" : e.Message;
            if (!_stopping.IsCancellationRequested)
                DataLinkLog.Refused(Logger, remote, reason);
            await AbandonAsync(connection).ConfigureAwait(false);
            return;
        }
        await RunConnectionAsync(peer, connection, outbound: false).ConfigureAwait(false);
    }

    private string? CheckHello(DataLinkHandshake hello)
    {
        if (!string.Equals(hello.ClusterId, Options.ClusterId, StringComparison.Ordinal))
            return $"node {hello.NodeId} belongs to cluster '{hello.ClusterId}', not '{Options.ClusterId}'";
        if (string.Equals(hello.NodeId, LocalId, StringComparison.Ordinal))
            return "a node cannot connect to itself";
        if (IsDialerFor(hello.NodeId))
            return $"node {hello.NodeId} dialed, but only the lower id of a pair dials";
        return null;
    }

    private async Task DialLoopAsync(DataLinkPeer peer)
    {
        var ct = peer.Lifetime.Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
        var token = linked.Token;
        var backoff = Options.ReconnectMinDelay;
        while (!token.IsCancellationRequested)
        {
            var host = peer.Host!;
            var port = peer.Port;
            string reason;
            try
            {
                var connected = await DialOnceAsync(peer, host, port, token).ConfigureAwait(false);
                backoff = Options.ReconnectMinDelay;
                reason = await connected.ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (DataLinkProtocolException e)
            {
                DataLinkLog.ProtocolError(Logger, peer.NodeId, e.Message);
                reason = e.Message;
            }
            catch (Exception e)
            {
                reason = e.Message;
            }
            if (token.IsCancellationRequested)
                return;
            var delay = Jitter(backoff);
            DataLinkLog.DialFailed(Logger, peer.NodeId, host, port, reason, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var doubled = backoff * 2;
            backoff = doubled > Options.ReconnectMaxDelay ? Options.ReconnectMaxDelay : doubled;
        }
    }

    /// <summary>Connects and handshakes; returns the connection's completion (the reason it closed).</summary>
    private async Task<Task<string>> DialOnceAsync(DataLinkPeer peer, string host, int port, CancellationToken ct)
    {
        // The socket is connected here rather than by SocketConnection.ConnectAsync, which takes no
        // cancellation token: the connect timeout and disposal must be able to cut a hanging connect.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        SocketConnection.SetRecommendedClientOptions(socket);
        SocketConnection? connection = null;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(Options.ConnectTimeout);
                await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            }
            connection = SocketConnection.Create(socket, DataLinkPipes.Send, DataLinkPipes.Receive, SocketConnectionOptions.None, "data link to " + peer.NodeId);
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(Options.HandshakeTimeout);
                await connection.Output.WriteAsync(_handshakeFrame, timeout.Token).ConfigureAwait(false);
                var reply = await DataLinkHandshakeIo.ReadAsync(connection.Input, timeout.Token).ConfigureAwait(false);
                if (!string.Equals(reply.ClusterId, Options.ClusterId, StringComparison.Ordinal))
                    throw new DataLinkProtocolException($"peer at {host}:{port} belongs to cluster '{reply.ClusterId}'");
                if (!string.Equals(reply.NodeId, peer.NodeId, StringComparison.Ordinal))
                    throw new DataLinkProtocolException($"peer at {host}:{port} is node {reply.NodeId}, expected {peer.NodeId}");
            }
        }
        catch
        {
            if (connection is not null)
                await AbandonAsync(connection).ConfigureAwait(false);
            else
                socket.Dispose();
            throw;
        }
        return RunConnectionAsync(peer, connection, outbound: true);
    }

    /// <summary>Closes a connection that never became a link (refused or failed handshake).</summary>
    private static async ValueTask AbandonAsync(SocketConnection connection)
    {
        connection.Dispose();
        try { await connection.Input.CompleteAsync().ConfigureAwait(false); } catch { /* already closed */ }
        try { await connection.Output.CompleteAsync().ConfigureAwait(false); } catch { /* already closed */ }
    }

    private Task<string> RunConnectionAsync(DataLinkPeer peer, SocketConnection socketConnection, bool outbound)
    {
        var connection = new DataLinkConnection(this, peer, socketConnection, outbound,
            _time.GetUtcNow().ToUnixTimeMilliseconds(), _stopping.Token);
        var previous = peer.Install(connection);
        previous?.Close();
        connection.Start(previous?.WriterDone ?? Task.CompletedTask);
        if (peer.Removed || _disposed != 0)
            connection.Close();
        DataLinkLog.LinkUp(Logger, peer.NodeId, outbound ? "outbound" : "inbound");
        Track(connection.Completion);
        return LogDownAsync(peer, connection.Completion);
    }

    private async Task<string> LogDownAsync(DataLinkPeer peer, Task<string> completion)
    {
        var reason = await completion.ConfigureAwait(false);
        if (!_stopping.IsCancellationRequested)
            DataLinkLog.LinkDown(Logger, peer.NodeId, reason);
        return reason;
    }

    private static TimeSpan Jitter(TimeSpan backoff) =>
        backoff / 2 + TimeSpan.FromTicks((long)(backoff.Ticks / 2 * Random.Shared.NextDouble()));
}
