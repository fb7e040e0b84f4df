using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.HandOff;

/// <summary>
/// Moves slots between nodes while clients keep using them, without pausing the source while the map
/// changes. The coordinator records the intent (BeginHandOff) first. Then, for each slot:
/// 1. the source snapshots the slot and forwards every later write, numbered, to the target, and keeps
///    serving the slot;
/// 2. the target loads the snapshot, applies the writes in order, and acknowledges the snapshot;
/// 3. once every slot of the batch (the slots of one slot group going to one target in one hand-off)
///    is acknowledged, the source asks the coordinator to make the target the owner of all of them in
///    one change (CompleteHandOff, epoch + 1), still serving meanwhile;
/// 4. on that map the source seals each slot: under the slot's lock it stops running commands on it (a
///    command routed before the change runs again and is redirected) and sends the number of its last
///    write. Commands that reach the source after the change get MOVED;
/// 5. the target serves the slot once the map names it the owner and it has applied every write up to
///    the seal (the data link keeps order, so the seal follows the last write); until then, and from
///    the moment the hand-off started, commands that reach it for the slot wait. It acknowledges the
///    seal; the source then drops its copy.
/// The commands a client sees held are only those sent to the target between the change and the seal's
/// arrival (one data-link hop), not a whole round of acknowledgements and a map change as when the
/// source paused before asking for the change.
/// Before the change the coordinator may abort a hand-off that stalls (the target discards its partial
/// copy; the source never stopped). After it a seal that goes unanswered (a lost frame, or a gap the
/// target saw in the writes) is sent again with a fresh snapshot; the slot is sealed, so it cannot
/// change meanwhile. A target that saw the change but whose source failed before sealing serves the copy
/// it has (it lacks at most the writes the source acknowledged after its last forwarded frame arrived).
/// All state here lives on the protocol's thread (<see cref="IHandOffCluster.Post"/>).
/// </summary>
public sealed partial class HandOffProtocol
{
    private sealed class Outgoing(int slot, long tag, string target, long startedMs)
    {
        public int Slot { get; } = slot;
        public long Tag { get; } = tag;
        public string Target { get; } = target;
        public long StartedMs { get; } = startedMs;
        public long NextSeq; // guarded by the slot's lock (effects arrive under it)
        public bool SnapshotAcked;
        public long SnapshotSentMs;
        public long CompleteRequestedMs = -1;
        public long AckedMs = -1;     // the whole batch's snapshots acknowledged
        public long SealedMs = -1;    // the map made the target the owner; sealed here
        public long SealSentMs;
        public long SealRetryMs = SealRetryFirstMs;
    }

    private sealed class Incoming(long tag, string source)
    {
        public long Tag { get; } = tag;
        public string Source { get; } = source;
        public long Expect = -1; // -1: snapshot not loaded yet; long.MinValue: a gap was seen
        public bool Sealed;      // every write up to the source's seal applied (acknowledged)
        public bool Committed;   // the map names this node the owner
        public long CommittedMs = -1;
    }

    private readonly IHandOffCluster _node;
    private readonly IHandOffHost _host;
    private readonly ILogger _log;
    private readonly Dictionary<int, Outgoing> _out = new();
    private readonly Dictionary<int, Incoming> _in = new();
    // Frames that arrived before this node applied the map entry announcing their hand-off.
    private readonly Dictionary<int, List<(string From, HandOffFrame Frame)>> _early = new();

    // Read by the router from client threads:
    // slots being handed to this node (commands for them wait here);
    private readonly bool[] _incoming = new bool[HashSlot.Count];
    // slots this node received by a completed hand-off: the epoch that made it the owner, the incarnation
    // it was received in (0 = none), and the attempt's tag (to answer a repeated seal).
    private readonly long[] _receivedEpoch = new long[HashSlot.Count];
    private readonly int[] _receivedIn = new int[HashSlot.Count];
    private readonly long[] _receivedTag = new long[HashSlot.Count];
    private TaskCompletionSource _incomingChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HandOffProtocol(IHandOffCluster node, IHandOffHost host, ILogger log)
    {
        _node = node;
        _host = host;
        _log = log;
        node.MapChanged += OnMap;
        node.HandOffTick += OnTick;
        node.ReceiveHandOffFrames((from, payload) =>
        {
            HandOffFrame f;
            try
            {
                f = HandOffFrame.Decode(payload);
            }
            catch (InvalidDataException ex)
            {
                LogBadFrame(_log, from, ex.Message);
                return;
            }
            node.Post(() => OnFrame(from, f));
        });
    }

    public int OutgoingCount => _out.Count;
    public int IncomingCount => _in.Count;

    /// <summary>
    /// True while a hand-off of the slot to this node is under way: commands for it wait here (a client
    /// sent here by the source's MOVED must not be sent back before this node has seen the change).
    /// </summary>
    public bool IsIncoming(int slot) => Volatile.Read(ref _incoming[slot]);

    /// <summary>Completes when an incoming slot finishes (received or given up).</summary>
    public Task WhenIncomingChanges => Volatile.Read(ref _incomingChanged).Task;

    /// <summary>
    /// True when this node became the slot's owner by a hand-off it completed in this incarnation and the
    /// slot has not changed owner since (<paramref name="epoch"/> is the slot's epoch in the map the caller
    /// routes by): it holds every write, so it serves the slot even before the group's actor arrives.
    /// </summary>
    public bool IsReceived(int slot, long epoch) =>
        Volatile.Read(ref _receivedEpoch[slot]) == epoch && Volatile.Read(ref _receivedIn[slot]) == _node.Incarnation;

    private void Send(string to, HandOffFrame f) => _node.SendHandOffFrame(to, f.Encode());

    private void OnMap(ClusterMap map)
    {
        var me = _node.MyId;
        foreach (var handOff in map.HandOffs.Values)
        {
            if (handOff.Source == me) StartOutgoingIfFree(handOff);
            if (handOff.Target == me && (!_in.TryGetValue(handOff.Slot, out var i) || i.Tag != handOff.StartedAtMs)) TakeUpIncoming(handOff);
        }
        if (_early.Count > 1024) _early.Clear();
        if (_retired.Count > 0)
            foreach (var slot in _retired.ToList())
                if (map.PrimaryOf(slot) == me && !_in.ContainsKey(slot)) Unretire(slot);
        foreach (var o in _out.Values.ToList())
        {
            if (o.SealedMs >= 0 || (map.HandOffs.TryGetValue(o.Slot, out var m) && m.StartedAtMs == o.Tag)) continue;
            // Completed when the slot is no longer ours: its owner is the target, or already a later owner
            // when this node applied several entries at once (the target hands it on only once sealed).
            if (map.PrimaryOf(o.Slot) != me) Seal(o);
            else
            {
                _out.Remove(o.Slot);
                _host.StopForwarding(o.Slot);
                LogOutgoing(_log, o, "aborted", _node.NowMs);
            }
        }
        foreach (var (slot, i) in _in.ToList())
        {
            if (i.Committed || (map.HandOffs.TryGetValue(slot, out var m) && m.StartedAtMs == i.Tag)) continue;
            if (map.PrimaryOf(slot) == me)
            {
                i.Committed = true;
                i.CommittedMs = _node.NowMs;
                if (i.Sealed) Received(slot, i, map);
            }
            else
            {
                _in.Remove(slot);
                _host.ClearSlot(slot); // aborted: drop the partial copy
                EndIncoming(slot);
            }
        }
        // A target that failed after the change but before confirming the seal: the slot is lost with it
        // (the coordinator gives the failed node's slots to others); stop resending.
        foreach (var o in _out.Values.ToList())
            if (o.SealedMs >= 0 && map.Find(o.Target)?.State is not (MemberState.Up or MemberState.Leaving))
            {
                DropOutgoing(o);
                LogTargetLost(_log, o.Slot, o.Target);
            }
        // A source that failed after the change but before sealing: serve what arrived from it.
        foreach (var (slot, i) in _in.ToList())
            if (i.Committed && !i.Sealed && map.Find(i.Source)?.State is not (MemberState.Up or MemberState.Leaving))
            {
                LogSourceLost(_log, slot, i.Source, i.Expect - 1);
                Received(slot, i, map);
            }
    }

    private void TakeUpIncoming(HandOffEntry handOff)
    {
        _in[handOff.Slot] = new Incoming(handOff.StartedAtMs, handOff.Source);
        Volatile.Write(ref _incoming[handOff.Slot], true);
        if (_early.Remove(handOff.Slot, out var early))
            foreach (var (from, frame) in early) OnFrame(from, frame);
    }

    private void OnFrame(string from, HandOffFrame f)
    {
        // A slot this node already received: answer a repeated seal (its answer was lost), ignore copies.
        if (f.Kind is HandOffKind.Snapshot or HandOffKind.Effects or HandOffKind.Seal
            && Volatile.Read(ref _receivedTag[f.Slot]) == f.Tag && !_in.ContainsKey(f.Slot))
        {
            if (f.Kind == HandOffKind.Seal) Send(from, f with { Kind = HandOffKind.AckSeal, Payload = default });
            return;
        }
        // A frame for an attempt this node has not taken up yet: either its map entry has not arrived,
        // or it arrived in this loop step and MapChanged (which takes it up) runs at the end of the step.
        if (f.Kind is HandOffKind.Snapshot or HandOffKind.Effects or HandOffKind.Seal && NotTakenUpYet(f))
        {
            if (!_early.TryGetValue(f.Slot, out var list)) _early[f.Slot] = list = [];
            if (f.Kind == HandOffKind.Snapshot) list.Clear();
            list.Add((from, f));
            return;
        }
        switch (f.Kind)
        {
            case HandOffKind.Snapshot when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                _host.ClearSlot(f.Slot);
                _host.Apply(f.Slot, f.Payload);
                i.Expect = f.Seq + 1;
                Send(from, f with { Kind = HandOffKind.AckSnapshot, Payload = default });
                break;
            case HandOffKind.Effects when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (f.Seq != i.Expect)
                {
                    if (i.Expect != long.MinValue) LogGap(_log, f.Slot, i.Expect, f.Seq);
                    i.Expect = long.MinValue; // no seal is confirmed now: a fresh snapshot comes (or an abort)
                    break;
                }
                _host.Apply(f.Slot, f.Payload);
                i.Expect++;
                break;
            case HandOffKind.Seal when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (i.Expect != f.Seq + 1) break;
                i.Sealed = true;
                Send(from, f with { Kind = HandOffKind.AckSeal, Payload = default });
                if (i.Committed) Received(f.Slot, i, _node.Map);
                break;
            case HandOffKind.AckSnapshot when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && !o.SnapshotAcked:
                o.SnapshotAcked = true;
                var batch = BatchOf(o);
                if (!batch.TrueForAll(x => x.SnapshotAcked)) break;
                var now = _node.NowMs;
                foreach (var x in batch) x.AckedMs = now; // the completion is asked for on this step's tick
                break;
            case HandOffKind.AckSeal when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && o.SealedMs >= 0:
                DropOutgoing(o);
                LogOutgoing(_log, o, "completed", _node.NowMs);
                // A hand-off of the slot from here that waited for this one (the slot came back meanwhile).
                StartWaitingOutgoing(f.Slot, _node.Map);
                break;
        }
    }

    /// <summary>The slot is this node's now, with every write: serve it.</summary>
    private void Received(int slot, Incoming i, ClusterMap map)
    {
        _in.Remove(slot);
        Unretire(slot);
        Volatile.Write(ref _receivedIn[slot], 0);
        Volatile.Write(ref _receivedTag[slot], i.Tag);
        Volatile.Write(ref _receivedEpoch[slot], map[slot]?.Epoch ?? 0);
        Volatile.Write(ref _receivedIn[slot], _node.Incarnation);
        EndIncoming(slot);
        if (i.CommittedMs >= 0 && slot % SlotGroup.Size == 0) LogReceived(_log, SlotGroup.Of(slot), slot, _node.NowMs - i.CommittedMs);
        // The map may already hand the slot on.
        StartWaitingOutgoing(slot, map);
    }

    private void EndIncoming(int slot)
    {
        Volatile.Write(ref _incoming[slot], false);
        Interlocked.Exchange(ref _incomingChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private bool NotTakenUpYet(HandOffFrame f)
    {
        if (_in.TryGetValue(f.Slot, out var known) && known.Tag == f.Tag) return false;
        var current = _node.Map.HandOffs.GetValueOrDefault(f.Slot);
        return current is null || current.StartedAtMs == f.Tag;
    }
}
