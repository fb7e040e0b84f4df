using System.Text;
using QuorumCache.Node.Server;
using QuorumCache.Resp;

namespace QuorumCache.Node.Messaging;

/// <summary>
/// One subscribing connection's outbound mailbox. Publishers (any thread, any locks held) only
/// append encoded frames here and never touch the connection's writer, so they neither block nor
/// risk lock-order deadlocks. A pump (at most one per subscriber, on the thread pool) moves the
/// frames into the connection's output under its <see cref="ClientSession.OutputLock"/> (so never
/// inside another reply), then flushes. Frames leave in the order they were appended.
/// The backlog (bytes appended and not yet flushed through) is checked against the pub/sub output
/// buffer limits on every append; over the limit the client is evicted and its frames dropped.
/// </summary>
internal sealed class Subscriber
{
    private readonly PubSubHub _hub;
    private readonly Lock _mail = new();
    private Queue<Item> _queue = new();
    private Queue<Item> _spare = new();
    private long _accepted;   // bytes ever appended
    private long _written;    // of those, bytes written into the connection's output
    private long _flushed;    // of those, bytes whose flush has completed
    private long _softSinceMs = -1;
    private bool _pumping;
    private bool _dead;

    /// <summary>A frame to send, or (with <see cref="DroppedShardChannel"/>) a shard channel this node no longer serves.</summary>
    private readonly record struct Item(byte[]? Frame, byte[]? DroppedShardChannel);

    public Subscriber(PubSubHub hub, ClientSession session)
    {
        _hub = hub;
        Session = session;
    }

    public ClientSession Session { get; }

    public bool IsDead
    {
        get { lock (_mail) return _dead; }
    }

    /// <summary>Bytes appended and not yet flushed through to the socket.</summary>
    public long Backlog
    {
        get { lock (_mail) return _accepted - _flushed; }
    }

    /// <summary>Appends a message frame (thread-safe, never blocks). False when the client is gone or was just evicted.</summary>
    public bool Enqueue(byte[] frame)
    {
        bool schedule = false, evict = false;
        long backlog;
        lock (_mail)
        {
            if (_dead) return false;
            _queue.Enqueue(new Item(frame, null));
            _accepted += frame.Length;
            backlog = _accepted - _flushed;
            var v = OutputLimitPolicy.Evaluate(backlog, _hub.NowMs(), _softSinceMs, _hub.Limits);
            _softSinceMs = v.SoftSinceMs;
            if (v.Disconnect)
            {
                _dead = true;
                _queue.Clear();
                evict = true;
            }
            else if (!_pumping) _pumping = schedule = true;
        }
        if (evict) _hub.Evict(this, backlog);
        else if (schedule) StartPump();
        return !evict;
    }

    /// <summary>Tells the client (through its mailbox) that it lost a shard channel.</summary>
    public void EnqueueShardDrop(byte[] channel)
    {
        bool schedule = false;
        lock (_mail)
        {
            if (_dead) return;
            _queue.Enqueue(new Item(null, channel));
            if (!_pumping) _pumping = schedule = true;
        }
        if (schedule) StartPump();
    }

    /// <summary>
    /// Writes every queued frame now, on the owner's thread, which holds the connection's output
    /// lock (before an unsubscribe confirmation, RESET, or a message to itself).
    /// </summary>
    public void DrainOwned()
    {
        if (!WriteQueued()) return;
        bool schedule = false;
        lock (_mail)
        {
            // The connection loop flushes these bytes, but the backlog only shrinks when a pump's flush confirms it.
            if (!_dead && !_pumping && _written > _flushed) _pumping = schedule = true;
        }
        if (schedule) StartPump();
    }

    /// <summary>The client disconnected: drop everything and stop the pump.</summary>
    public void Kill()
    {
        lock (_mail)
        {
            _dead = true;
            _queue.Clear();
        }
    }

    private void StartPump() => ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.PumpAsync(), this, preferLocal: false);

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                bool wrote;
                lock (Session.OutputLock) wrote = WriteQueued();
                if (!wrote)
                {
                    StopPumping();
                    return;
                }
                long mark;
                lock (_mail) mark = _written;
                if (!await Session.FlushAsync().ConfigureAwait(false))
                {
                    Kill();
                    StopPumping();
                    return;
                }
                lock (_mail)
                {
                    if (mark > _flushed) _flushed = mark;
                    _softSinceMs = OutputLimitPolicy.Evaluate(_accepted - _flushed, _hub.NowMs(), _softSinceMs, _hub.Limits).SoftSinceMs;
                    if (_dead || (_queue.Count == 0 && _written == _flushed))
                    {
                        _pumping = false;
                        return;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            Kill();
            StopPumping();
            _hub.PumpFailed(this, ex);
        }
    }

    private void StopPumping()
    {
        lock (_mail) _pumping = false;
    }

    /// <summary>Moves queued items into the output; the caller holds the output lock. False when the client is gone.</summary>
    private bool WriteQueued()
    {
        Queue<Item> batch;
        lock (_mail)
        {
            if (_dead) return false;
            if (_queue.Count == 0) return true;
            batch = _queue;
            _queue = _spare;
            _spare = batch;
        }
        var w = Session.Writer;
        long bytes = 0;
        try
        {
            while (batch.TryDequeue(out var item))
            {
                if (item.Frame is { } frame)
                {
                    PubSubFrames.Write(w, frame);
                    bytes += frame.Length;
                }
                else WriteShardDrop(w, item.DroppedShardChannel!);
            }
            w.Commit();
        }
        catch (InvalidOperationException)
        {
            // The transport completed the output: the connection is closing.
            batch.Clear();
            Kill();
            return false;
        }
        lock (_mail) _written += bytes;
        return true;
    }

    private void WriteShardDrop(RespWriter w, byte[] channel)
    {
        if (!Session.ShardChannels.Remove(Encoding.Latin1.GetString(channel))) return;
        PubSubFrames.Confirmation(w, "sunsubscribe"u8, channel, false, Session.ShardChannels.Count);
    }
}
