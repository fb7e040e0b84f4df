using System.Buffers.Binary;
using System.Collections.Concurrent;
using QuorumCache.Cluster.Bus;

namespace QuorumCache.Cluster.Membership;

/// <summary>Kind byte of a heartbeat frame. APPEND-ONLY: sent on the wire; never renumber.</summary>
public enum HeartbeatKind : byte
{
    Ping = 1,
    Pong = 2,
}

/// <summary>
/// Sends a heartbeat every interval to each peer in its set, on <see cref="BusChannel.Heartbeat"/>, and
/// feeds the failure detector with the heartbeats it receives: node B's liveness at A is learned from
/// B's pings to A, so heartbeat sets should be symmetric (every node heartbeats the members it knows).
/// Each ping carries the sender's monotonic timestamp; the receiver echoes it in a pong, which gives
/// the sender a round-trip time. Frame payload: kind (1 byte) + timestamp in ms (8 bytes, big-endian).
/// <para>Times come from the injected <see cref="TimeProvider"/> (monotonic timestamp in ms), so tests
/// drive it with a manual clock and <see cref="Tick"/>.</para>
/// </summary>
public sealed class HeartbeatMonitor : IDisposable
{
    public const int PayloadSize = 9;

    private readonly IClusterBus _bus;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _roundTripMs = new(StringComparer.Ordinal);
    private volatile string[] _peers = [];
    private ITimer? _timer;
    private int _disposed;

    public HeartbeatMonitor(IClusterBus bus, PhiAccrualFailureDetector detector, TimeProvider time, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval));
        _bus = bus;
        Detector = detector;
        _time = time;
        Interval = interval;
    }

    public PhiAccrualFailureDetector Detector { get; }
    public TimeSpan Interval { get; }

    /// <summary>Monotonic now in ms, the clock the detector is fed with.</summary>
    public long NowMs => (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency);

    /// <summary>Replaces the set of peers to heartbeat. Peers leaving the set are forgotten by the detector.</summary>
    public void SetPeers(IEnumerable<string> nodeIds)
    {
        var next = new List<string>();
        foreach (var id in nodeIds)
            if (!string.Equals(id, _bus.LocalId, StringComparison.Ordinal) && !next.Contains(id))
                next.Add(id);
        var old = _peers;
        _peers = next.ToArray();
        foreach (var id in old)
        {
            if (!next.Contains(id))
            {
                Detector.Remove(id);
                _roundTripMs.TryRemove(id, out _);
            }
        }
    }

    public IReadOnlyList<string> Peers => _peers;

    /// <summary>Installs the bus handler and starts the periodic timer.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _bus.SetHandler(BusChannel.Heartbeat, OnFrame);
        _timer ??= _time.CreateTimer(static s => ((HeartbeatMonitor)s!).Tick(), this, Interval, Interval);
    }

    /// <summary>Sends one ping to every peer in the set (the timer calls this; tests may call it directly).</summary>
    public void Tick()
    {
        if (_disposed != 0)
            return;
        Span<byte> payload = stackalloc byte[PayloadSize];
        Write(payload, HeartbeatKind.Ping, NowMs);
        foreach (var peer in _peers)
            _bus.Send(peer, BusChannel.Heartbeat, payload);
    }

    /// <summary>Suspicion level of <paramref name="nodeId"/> now.</summary>
    public double Phi(string nodeId) => Detector.Phi(nodeId, NowMs);

    public bool IsAvailable(string nodeId) => Detector.IsAvailable(nodeId, NowMs);

    /// <summary>The last measured round trip to <paramref name="nodeId"/>, if a pong came back.</summary>
    public long? RoundTripMs(string nodeId) => _roundTripMs.TryGetValue(nodeId, out var rtt) ? rtt : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _timer?.Dispose();
        _bus.SetHandler(BusChannel.Heartbeat, null);
    }

    private void OnFrame(string from, BusChannel channel, ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (span.Length != PayloadSize)
            return; // not ours to interpret; ignore rather than fail the link
        var stamp = BinaryPrimitives.ReadInt64BigEndian(span[1..]);
        switch ((HeartbeatKind)span[0])
        {
            case HeartbeatKind.Ping:
                Detector.Heartbeat(from, NowMs);
                Span<byte> reply = stackalloc byte[PayloadSize];
                Write(reply, HeartbeatKind.Pong, stamp);
                _bus.Send(from, BusChannel.Heartbeat, reply);
                break;
            case HeartbeatKind.Pong:
                var rtt = NowMs - stamp;
                if (rtt >= 0)
                    _roundTripMs[from] = rtt;
                break;
        }
    }

    private static void Write(Span<byte> destination, HeartbeatKind kind, long stampMs)
    {
        destination[0] = (byte)kind;
        BinaryPrimitives.WriteInt64BigEndian(destination[1..], stampMs);
    }
}
