using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using QuorumCache.Cluster.HandOff;
using QuorumCache.Cluster.Map;
using QuorumCache.Node.Server;

namespace QuorumCache.Tests.Cluster.Rebalancing.Sim;

/// <summary>A client command in the simulation: a write adds a new key to a slot; a read checks the slot's keys.</summary>
internal sealed class SimOp(string key, int slot, bool isWrite)
{
    public string Key { get; } = key;
    public int Slot { get; } = slot;
    public bool IsWrite { get; } = isWrite;
    public long HeldSinceMs = -1;
}

/// <summary>
/// One node of the simulation, running the real <see cref="HandOffProtocol"/>. It plays both sides the protocol
/// depends on: <see cref="IHandOffCluster"/> (its applied map, the simulation's clock, a work queue run by
/// <see cref="Step"/> as ClusterNode's loop runs it, frames on the simulation's ordered links, proposals to the
/// simulation's log) and <see cref="IHandOffHost"/> (a keyspace of slot → key set; snapshots and effects are the
/// keys joined by newlines). Client commands follow ClusterRouter.Route and Dispatcher.Run: routed first, then
/// run "under the slot's lock" as a separate step, where a write on a slot being forwarded is forwarded, and a
/// command that finds the slot paused while forwarded is routed again (Dispatcher.BeginSlotBatch).
/// </summary>
internal sealed class SimNode : IHandOffCluster, IHandOffHost
{
    private readonly ClusterSim _sim;
    private readonly Queue<Action> _work = new();
    private Action<string, ReadOnlyMemory<byte>>? _receiver;
    private bool _mapDirty;
    private readonly Dictionary<int, Action<ReadOnlyMemory<byte>>> _forward = new();
    private readonly HashSet<int> _paused = new();
    private readonly HashSet<int> _retired = new();
    private readonly List<SimOp> _held = new();
    private readonly List<SimOp> _routed = new();
    private readonly List<SimOp> _stalled = new();

    public SimNode(string id, ClusterSim sim, ClusterMap map, int applied)
    {
        Id = id;
        _sim = sim;
        Map = map;
        Applied = applied;
        Protocol = new HandOffProtocol(this, this, NullLogger.Instance);
    }

    public string Id { get; }
    public HandOffProtocol Protocol { get; }

    /// <summary>The map this node has applied (what its router reads); <see cref="IHandOffCluster.MapChanged"/> follows at its next step.</summary>
    public ClusterMap Map { get; private set; }

    /// <summary>The log index of <see cref="Map"/>.</summary>
    public int Applied { get; private set; }

    /// <summary>Peers whose removal this node has applied: its data link to them is closed.</summary>
    public HashSet<string> RemovedPeers { get; } = new();

    /// <summary>Set when the node was removed from the map; it runs on until its seals are confirmed (NodeLifetimeService.DrainAsync).</summary>
    public long RemovedAtMs { get; set; } = -1;

    /// <summary>The process has exited.</summary>
    public bool Gone { get; set; }

    public Dictionary<int, HashSet<string>> Store { get; } = new();
    public IReadOnlyList<SimOp> Held => _held;
    public IReadOnlyList<SimOp> Routed => _routed;
    public bool IsPaused(int slot) => _paused.Contains(slot);
    public bool IsForwarding(int slot) => _forward.ContainsKey(slot);
    public int PausedCount => _paused.Count;

    public bool Busy => Protocol.OutgoingCount > 0 || Protocol.IncomingCount > 0 || _held.Count > 0 || _routed.Count > 0
        || _paused.Count > 0 || _forward.Count > 0 || _work.Count > 0 || _mapDirty;

    public void ApplyMap(ClusterMap map, int index)
    {
        foreach (var id in Map.Members.Keys)
            if (!map.Members.ContainsKey(id) && id != Id && RemovedPeers.Add(id)) _sim.CloseLinks(Id, id); // ClusterNode.OnMapApplied: RemovePeer
        Map = map;
        Applied = index;
        _mapDirty = true;
    }

    /// <summary>A frame arrives on the data link (a link thread: the protocol's receiver only posts work).</summary>
    public void Receive(string from, byte[] frame) => _receiver!(from, frame);

    /// <summary>
    /// One step of ClusterNode's loop: the posted work, HandOffTick, then MapChanged when a map was applied (AfterStep).
    /// Then the commands the step interleaved with take the slot's lock, and held commands are routed again
    /// (ClusterRouter.WhenSlotChanges fired, or its hold timed out).
    /// </summary>
    public void Step()
    {
        var trace = _sim.Options.TraceSlot;
        var before = trace >= 0 ? State(trace) : "";
        var racing = _routed.Count > 0 ? _routed.ToList() : null;
        while (_work.TryDequeue(out var work)) work();
        HandOffTick?.Invoke(NowMs);
        if (_mapDirty)
        {
            _mapDirty = false;
            MapChanged?.Invoke(Map);
        }
        if (racing is not null)
            foreach (var op in racing)
                if (_routed.Remove(op)) Run(op);
        RetryHeld();
        if (trace >= 0 && State(trace) is var after && after != before) _sim.Note(trace, $"{Short} steps: {after}");
    }

    private string State(int slot) =>
        $"incoming {Protocol.IsIncoming(slot)}, forwarding {IsForwarding(slot)}, paused {IsPaused(slot)}, route {Route(slot)}, keys [{string.Join(",", Store.GetValueOrDefault(slot) ?? [])}]";

    // ---- client commands: ClusterRouter.Route, then Dispatcher.Run ----

    /// <summary>ClusterRouter.Route; the slot's group actor counts as hosted here, so only the protocol's state holds a command.</summary>
    public RouteKind Route(int slot)
    {
        var group = Map[slot];
        if (group is null) return RouteKind.Unserved;
        if (Protocol.IsIncoming(slot)) return RouteKind.Hold;
        if (group.Primary == Id) return _paused.Contains(slot) || _retired.Contains(slot) ? RouteKind.Hold : RouteKind.Local;
        return RouteKind.Moved;
    }

    /// <summary>A client's command reaches this node: routed now; a Local one waits in <see cref="Routed"/> for the slot's lock.</summary>
    public RouteKind Submit(SimOp op)
    {
        var r = Route(op.Slot);
        switch (r)
        {
            case RouteKind.Local:
                _routed.Add(op);
                break;
            case RouteKind.Hold:
                if (op.HeldSinceMs < 0) op.HeldSinceMs = NowMs;
                if (NowMs - op.HeldSinceMs < HoldMs)
                {
                    _held.Add(op);
                    break;
                }
                op.HeldSinceMs = -1;
                _sim.Bounce(op); // TRYAGAIN
                return RouteKind.TryAgain;
            default:
                op.HeldSinceMs = -1;
                _sim.Bounce(op); // MOVED (or not served): the client retries
                break;
        }
        return r;
    }

    /// <summary>NodeOptions.HandOffHoldMs.</summary>
    private const long HoldMs = 2000;

    /// <summary>Runs every routed command now (each takes the slot's lock in turn).</summary>
    public void RunRouted()
    {
        while (_routed.Count > 0)
        {
            var op = _routed[0];
            _routed.RemoveAt(0);
            Run(op);
        }
    }

    /// <summary>
    /// The routed commands' client threads are descheduled before they take the slot's lock: they run only at
    /// <see cref="RunStalled"/>, however many loop steps pass meanwhile (the random runs let at most one pass).
    /// </summary>
    public void Stall()
    {
        _stalled.AddRange(_routed);
        _routed.Clear();
    }

    public void RunStalled()
    {
        var stalled = _stalled.ToList();
        _stalled.Clear();
        foreach (var op in stalled) Run(op);
    }

    /// <summary>Dispatcher.Run under the slot's lock: BeginSlotBatch, the command, EndSlotBatch (effects to the forwarder).</summary>
    private void Run(SimOp op)
    {
        var recording = _forward.TryGetValue(op.Slot, out var forward);
        if (_paused.Contains(op.Slot) || _retired.Contains(op.Slot))
        {
            Submit(op); // paused (sealed, or handed away) between routing and the lock: route again
            return;
        }
        _sim.CheckServes(this, op.Slot, op.IsWrite ? $"acknowledging {op.Key}" : "serving a read");
        op.HeldSinceMs = -1;
        if (!op.IsWrite)
        {
            _sim.Done(op);
            return;
        }
        Keys(op.Slot).Add(op.Key);
        if (recording) forward!(Encoding.UTF8.GetBytes(op.Key));
        _sim.Acknowledge(this, op);
    }

    private void RetryHeld()
    {
        if (_held.Count == 0) return;
        var held = _held.ToList();
        _held.Clear();
        foreach (var op in held) Submit(op);
    }

    // ---- IHandOffHost: the keyspace ----

    private HashSet<string> Keys(int slot) => Store.TryGetValue(slot, out var k) ? k : Store[slot] = new HashSet<string>();

    public static byte[] Encode(IEnumerable<string> keys) => Encoding.UTF8.GetBytes(string.Join('\n', keys));

    public static string[] Decode(ReadOnlySpan<byte> payload) =>
        payload.Length == 0 ? [] : Encoding.UTF8.GetString(payload).Split('\n');

    void IHandOffHost.StartForwarding(int slot, Action<byte[]> onSnapshot, Action<ReadOnlyMemory<byte>> onEffects)
    {
        onSnapshot(Encode(Store.TryGetValue(slot, out var keys) ? keys : []));
        _forward[slot] = onEffects;
    }

    void IHandOffHost.StopForwarding(int slot) => _forward.Remove(slot);

    void IHandOffHost.Pause(int slot, Action onPaused)
    {
        _paused.Add(slot);
        onPaused();
    }

    void IHandOffHost.Resume(int slot)
    {
        _paused.Remove(slot);
        _retired.Remove(slot);
        RetryHeld();
    }

    void IHandOffHost.Retire(int slot)
    {
        _paused.Remove(slot);
        _retired.Add(slot); // still refuses commands that reach the lock (Run), but no longer counts as busy
        RetryHeld();
    }

    void IHandOffHost.ClearSlot(int slot) => Store.Remove(slot);

    void IHandOffHost.Apply(int slot, ReadOnlyMemory<byte> effects)
    {
        foreach (var key in Decode(effects.Span))
        {
            if (ClusterSim.SlotOfKey(key) != slot) _sim.Fail($"{Short} applied {key} to slot {slot}");
            Keys(slot).Add(key);
        }
    }

    // ---- IHandOffCluster: the runtime ----

    string IHandOffCluster.MyId => Id;
    public long NowMs => _sim.Now;
    int IHandOffCluster.Incarnation => 1;
    void IHandOffCluster.Propose(ClusterCommand change) => _sim.Propose(Id, change);
    void IHandOffCluster.Post(Action work) => _work.Enqueue(work);
    void IHandOffCluster.SendHandOffFrame(string nodeId, byte[] frame) => _sim.Send(Id, nodeId, frame);
    void IHandOffCluster.ReceiveHandOffFrames(Action<string, ReadOnlyMemory<byte>> receiver) => _receiver = receiver;
    public event Action<ClusterMap>? MapChanged;
    public event Action<long>? HandOffTick;

    public string Short => Id[^4..];
}
