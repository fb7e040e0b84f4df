using QuorumCache.Cluster.DataLink;

namespace QuorumCache.Tests.Cluster.DataLink;

/// <summary>
/// A simulated network for protocol tests: endpoints (<see cref="InMemoryDataLinks"/>) exchange
/// frames through a queue ordered by virtual delivery time. Nothing moves until the test calls
/// <see cref="DeliverUntil"/>; handlers run on that caller's thread. With the same seed and the
/// same sequence of calls, delays, drops and delivery order are identical, so a failing seed replays.
/// <para>Faults: a per-frame delay drawn uniformly from [<see cref="MinDelayMs"/>, <see cref="MaxDelayMs"/>];
/// a seeded drop probability; optional reordering (otherwise each directed link is FIFO); blocked
/// directed links (partitions, asymmetric allowed), checked when a frame is sent and again when it
/// would be delivered.</para>
/// </summary>
public sealed class InMemoryDataLinkNetwork
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly Dictionary<string, InMemoryDataLinks> _endpoints = new(StringComparer.Ordinal);
    private readonly HashSet<(string From, string To)> _blocked = new();
    private readonly Dictionary<(string From, string To), long> _lastDeliveryAt = new();
    private readonly PriorityQueue<Pending, (long At, long Seq)> _queue = new();
    private long _seq;
    private long _now;

    public InMemoryDataLinkNetwork(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    public int Seed { get; }

    /// <summary>Least delivery delay in virtual ms.</summary>
    public long MinDelayMs { get; set; } = 1;

    /// <summary>Greatest delivery delay in virtual ms.</summary>
    public long MaxDelayMs { get; set; } = 5;

    /// <summary>Probability in [0, 1] that a frame is lost.</summary>
    public double DropProbability { get; set; }

    /// <summary>When false (default), frames on one directed link arrive in send order.</summary>
    public bool Reorder { get; set; }

    /// <summary>The virtual time of the last delivery step (frames sent now are timed from it).</summary>
    public long NowMs
    {
        get { lock (_gate) return _now; }
    }

    public long DeliveredFrames { get; private set; }
    public long DroppedFrames { get; private set; }

    public int PendingFrames
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>Creates (or re-creates, after the old one was disposed: a restart) the endpoint of <paramref name="nodeId"/>.</summary>
    public InMemoryDataLinks CreateBus(string nodeId)
    {
        lock (_gate)
        {
            if (_endpoints.ContainsKey(nodeId))
                throw new InvalidOperationException($"node {nodeId} already has a live endpoint");
            var bus = new InMemoryDataLinks(this, nodeId);
            _endpoints[nodeId] = bus;
            return bus;
        }
    }

    /// <summary>Blocks frames from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void BlockLink(string from, string to)
    {
        lock (_gate) _blocked.Add((from, to));
    }

    public void UnblockLink(string from, string to)
    {
        lock (_gate) _blocked.Remove((from, to));
    }

    /// <summary>Blocks every link between the two sides, both directions.</summary>
    public void Partition(IEnumerable<string> side, IEnumerable<string> otherSide)
    {
        lock (_gate)
        {
            foreach (var a in side)
                foreach (var b in otherSide)
                {
                    _blocked.Add((a, b));
                    _blocked.Add((b, a));
                }
        }
    }

    /// <summary>Removes every network-level block (endpoint <see cref="IDataLinks.SetLinkBlocked"/> switches stay).</summary>
    public void Heal()
    {
        lock (_gate) _blocked.Clear();
    }

    public bool IsBlocked(string from, string to)
    {
        lock (_gate) return _blocked.Contains((from, to));
    }

    /// <summary>The virtual time of the next pending delivery, if any.</summary>
    public long? NextDeliveryAtMs
    {
        get
        {
            lock (_gate)
                return _queue.TryPeek(out _, out var key) ? key.At : null;
        }
    }

    /// <summary>
    /// Delivers, in (time, send order), every frame due at or before <paramref name="nowMs"/>, including
    /// frames sent by handlers during this call, and advances <see cref="NowMs"/> to it. Returns how many were delivered.
    /// </summary>
    public int DeliverUntil(long nowMs)
    {
        var delivered = 0;
        while (true)
        {
            Pending next;
            InMemoryDataLinks? target;
            lock (_gate)
            {
                if (!_queue.TryPeek(out next, out var key) || key.At > nowMs)
                {
                    if (nowMs > _now)
                        _now = nowMs;
                    return delivered;
                }
                _queue.Dequeue();
                if (key.At > _now)
                    _now = key.At;
                _endpoints.TryGetValue(next.To, out target);
                if (target is null || !ReferenceEquals(target, next.Target) || _blocked.Contains((next.From, next.To)))
                {
                    DroppedFrames++;
                    continue;
                }
                DeliveredFrames++;
            }
            delivered++;
            target.Receive(next.From, next.Channel, next.Payload);
        }
    }

    internal bool Enqueue(string from, string to, DataChannel channel, ReadOnlySpan<byte> payload)
    {
        lock (_gate)
        {
            // Draw both numbers for every frame so the random sequence does not depend on which frames are blocked.
            var dropDraw = _random.NextDouble();
            var delay = MinDelayMs + (long)(_random.NextDouble() * (MaxDelayMs - MinDelayMs + 1));
            if (delay > MaxDelayMs)
                delay = MaxDelayMs;
            if (_blocked.Contains((from, to)) || dropDraw < DropProbability
                || !_endpoints.TryGetValue(to, out var target))
            {
                DroppedFrames++;
                return false;
            }
            var at = _now + delay;
            if (!Reorder)
            {
                if (_lastDeliveryAt.TryGetValue((from, to), out var last) && last > at)
                    at = last;
                _lastDeliveryAt[(from, to)] = at;
            }
            _queue.Enqueue(new Pending(from, to, target, channel, payload.ToArray()), (at, _seq++));
            return true;
        }
    }

    internal void Detach(InMemoryDataLinks bus)
    {
        lock (_gate)
        {
            if (_endpoints.TryGetValue(bus.LocalId, out var current) && ReferenceEquals(current, bus))
                _endpoints.Remove(bus.LocalId);
        }
    }

    internal bool IsAttached(string nodeId)
    {
        lock (_gate) return _endpoints.ContainsKey(nodeId);
    }

    private readonly record struct Pending(string From, string To, InMemoryDataLinks Target, DataChannel Channel, byte[] Payload);
}
