using QuorumCache.Cluster.Map;

namespace QuorumCache.Tests.Cluster.Rebalancing.Sim;

internal enum FrameKind { Snapshot, Effects, Seal, AckSnapshot, AckSeal }

/// <summary>A hand-off frame of the model: as HandOffFrame, with the payload as the keys it carries.</summary>
internal readonly record struct Frame(FrameKind Kind, int Slot, long Tag, long Seq, string[]? Keys);

/// <summary>
/// One node of the simulation: its view of the committed map (it may lag), its keyspace (slot → keys), and a
/// model of <c>HandOffProtocol</c> that follows the real rules step for step (OnMap, OnFrame, OnTick), with the
/// keyspace playing IHandOffHost. <see cref="SimOptions.ContinuousSequence"/> switches on a proposed fix.
/// </summary>
internal sealed class SimNode(string id, ClusterSim sim)
{
    private sealed class Outgoing(int slot, long tag, string target)
    {
        public int Slot { get; } = slot;
        public long Tag { get; } = tag;
        public string Target { get; } = target;
        public long NextSeq;
        public bool Sealed;
        public long SnapshotSentMs;
        public long SealSentMs;
        public long SealRetryMs = 500;
        public long CompleteRequestedMs = -1;
    }

    private sealed class Incoming(long tag, string source)
    {
        public long Tag { get; } = tag;
        public string Source { get; } = source;
        public long Expect = -1;
    }

    public string Id { get; } = id;
    public ClusterMap View { get; set; } = ClusterMap.Empty;
    public int Applied { get; set; }
    public Dictionary<int, HashSet<string>> Store { get; } = new();
    private readonly HashSet<int> _paused = new();
    private readonly List<(string Key, int Slot)> _held = new();
    private readonly Dictionary<int, Outgoing> _forwarding = new(); // the host's forwarding callbacks
    private readonly Dictionary<int, Outgoing> _out = new();
    private readonly Dictionary<int, Incoming> _in = new();
    private readonly Dictionary<int, List<(string From, Frame Frame)>> _early = new();

    public bool Busy => _out.Count > 0 || _in.Count > 0 || _held.Count > 0 || _paused.Count > 0;

    // ---- the keyspace (IHandOffHost) ----

    public enum WriteResult { Acked, Held, Moved }

    public WriteResult Write(string key, int slot)
    {
        if (View.PrimaryOf(slot) != Id) return WriteResult.Moved;
        if (_paused.Contains(slot))
        {
            _held.Add((key, slot));
            return WriteResult.Held;
        }
        Keys(slot).Add(key);
        if (_forwarding.TryGetValue(slot, out var o))
            Send(o.Target, new Frame(FrameKind.Effects, slot, o.Tag, ++o.NextSeq, [key]));
        return WriteResult.Acked;
    }

    private HashSet<string> Keys(int slot) => Store.TryGetValue(slot, out var k) ? k : Store[slot] = new HashSet<string>();

    private void ClearSlot(int slot) => Store.Remove(slot);

    private void Resume(int slot)
    {
        _paused.Remove(slot);
        // Held commands run again: here, or MOVED to the new owner; the client retries them.
        for (var i = _held.Count - 1; i >= 0; i--)
            if (_held[i].Slot == slot)
            {
                sim.Retry(_held[i].Key, _held[i].Slot);
                _held.RemoveAt(i);
            }
    }

    private void Send(string to, Frame f) => sim.Send(Id, to, f);

    // ---- HandOffProtocol, rule for rule ----

    public void OnMap(ClusterMap map)
    {
        foreach (var handOff in map.HandOffs.Values)
        {
            if (handOff.Source == Id && !_out.ContainsKey(handOff.Slot)) StartOutgoing(handOff);
            if (handOff.Target == Id && (!_in.TryGetValue(handOff.Slot, out var i) || i.Tag != handOff.StartedAtMs))
            {
                _in[handOff.Slot] = new Incoming(handOff.StartedAtMs, handOff.Source);
                if (_early.Remove(handOff.Slot, out var early))
                    foreach (var (from, frame) in early) OnFrame(from, frame);
            }
        }
        foreach (var o in _out.Values.ToList())
        {
            if (map.HandOffs.TryGetValue(o.Slot, out var m) && m.StartedAtMs == o.Tag) continue;
            _out.Remove(o.Slot);
            _forwarding.Remove(o.Slot);
            if (map.PrimaryOf(o.Slot) != Id) ClearSlot(o.Slot); // no longer ours: completed (the owner may already be a later one)
            Resume(o.Slot);
        }
        foreach (var (slot, i) in _in.ToList())
        {
            if (map.HandOffs.TryGetValue(slot, out var m) && m.StartedAtMs == i.Tag) continue;
            _in.Remove(slot);
            if (map.PrimaryOf(slot) != Id) ClearSlot(slot);
        }
    }

    private void StartOutgoing(HandOffEntry handOff)
    {
        var o = new Outgoing(handOff.Slot, handOff.StartedAtMs, handOff.Target);
        _out[handOff.Slot] = o;
        SendSnapshot(o);
    }

    private void SendSnapshot(Outgoing o)
    {
        o.SnapshotSentMs = sim.Now;
        // StartForwarding: atomically snapshot the slot and forward every later write.
        _forwarding[o.Slot] = o;
        if (!sim.Options.ContinuousSequence) o.NextSeq = 0;
        var keys = Store.TryGetValue(o.Slot, out var k) ? k.ToArray() : [];
        Send(o.Target, new Frame(FrameKind.Snapshot, o.Slot, o.Tag, sim.Options.ContinuousSequence ? o.NextSeq : 0, keys));
    }

    public void OnFrame(string from, Frame f)
    {
        if (f.Kind is FrameKind.Snapshot or FrameKind.Effects or FrameKind.Seal && NotTakenUpYet(f))
        {
            if (!_early.TryGetValue(f.Slot, out var list)) _early[f.Slot] = list = [];
            if (f.Kind == FrameKind.Snapshot) list.Clear();
            list.Add((from, f));
            return;
        }
        switch (f.Kind)
        {
            case FrameKind.Snapshot when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                ClearSlot(f.Slot);
                Keys(f.Slot).UnionWith(f.Keys!);
                i.Expect = sim.Options.ContinuousSequence ? f.Seq + 1 : 1;
                Send(from, f with { Kind = FrameKind.AckSnapshot, Keys = null });
                break;
            case FrameKind.Effects when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (f.Seq != i.Expect)
                {
                    i.Expect = long.MinValue;
                    break;
                }
                Keys(f.Slot).UnionWith(f.Keys!);
                i.Expect++;
                break;
            case FrameKind.Seal when _in.TryGetValue(f.Slot, out var i) && i.Tag == f.Tag && i.Source == from:
                if (i.Expect == f.Seq + 1) Send(from, f with { Kind = FrameKind.AckSeal });
                break;
            case FrameKind.AckSnapshot when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && !o.Sealed:
                o.Sealed = true;
                _paused.Add(f.Slot); // Pause, then onPaused sends the seal
                SendSeal(o);
                break;
            case FrameKind.AckSeal when _out.TryGetValue(f.Slot, out var o) && o.Tag == f.Tag && o.Sealed && o.CompleteRequestedMs < 0:
                o.CompleteRequestedMs = 0;
                break;
        }
    }

    private bool NotTakenUpYet(Frame f)
    {
        if (_in.TryGetValue(f.Slot, out var known) && known.Tag == f.Tag) return false;
        var current = View.HandOffs.GetValueOrDefault(f.Slot);
        return current is null || current.StartedAtMs == f.Tag;
    }

    private void SendSeal(Outgoing o)
    {
        o.SealSentMs = sim.Now;
        Send(o.Target, new Frame(FrameKind.Seal, o.Slot, o.Tag, o.NextSeq, null));
    }

    public void OnTick(long now)
    {
        // Completion requests: one entry per target, repeated until the map moves on. The model keeps each
        // slot's attempt tag beside the request (the real command does not carry it) for the optional fence.
        var due = new Dictionary<string, List<(int Slot, long Tag)>>();
        foreach (var o in _out.Values)
        {
            if (o.CompleteRequestedMs == 0 || (o.CompleteRequestedMs > 0 && now - o.CompleteRequestedMs > 1000))
            {
                o.CompleteRequestedMs = now;
                if (!due.TryGetValue(o.Target, out var list)) due[o.Target] = list = [];
                list.Add((o.Slot, o.Tag));
            }
            else if (!o.Sealed && now - o.SnapshotSentMs > 2000) SendSnapshot(o);
            else if (o.Sealed && o.CompleteRequestedMs < 0 && now - o.SealSentMs > o.SealRetryMs)
            {
                // ResendSeal: the slot is still paused; a fresh snapshot, then the seal again.
                o.SealRetryMs = Math.Min(o.SealRetryMs * 2, 4000);
                SendSnapshot(o);
                SendSeal(o);
            }
        }
        foreach (var (target, slots) in due) sim.ProposeCompletion(Id, target, slots);
    }
}
