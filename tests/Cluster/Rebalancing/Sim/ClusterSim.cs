using System.Collections.Immutable;
using QuorumCache.Cluster.HandOff;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;

namespace QuorumCache.Tests.Cluster.Rebalancing.Sim;

internal sealed record SimOptions
{
    public int Seed { get; init; }
    public int ChaosSteps { get; init; } = 400;
    public int MaxJoins { get; init; } = 4;
    public int MaxLeaves { get; init; } = 2;
    public int InitialNodes { get; init; } = 1;
    /// <summary>Hand-offs in flight at once (ClusterNodeOptions.MaxConcurrentHandOffs; larger here to keep runs short).</summary>
    public int MaxConcurrent { get; init; } = 2048;
    /// <summary>ClusterNodeOptions.HandOffTimeout: the coordinator aborts a hand-off in the map for longer.</summary>
    public long HandOffTimeoutMs { get; init; } = 10_000;
    /// <summary>NodeOptions.DrainTimeout: a removed node exits once its seals are confirmed, or after this.</summary>
    public long DrainTimeoutMs { get; init; } = 12_000;
    /// <summary>Weight of random aborts (the coordinator's timeout firing at whatever phase a hand-off is in).</summary>
    public int AbortWeight { get; init; } = 3;
    /// <summary>Weight of connection breaks that lose every frame in flight on one direction of a link, and of lost proposals.</summary>
    public int DropWeight { get; init; }
    /// <summary>Every slot owned by a member after every entry (off for scenarios that remove a member that owns slots).</summary>
    public bool StrictOwnership { get; init; } = true;
    /// <summary>Records what happens to this slot in <see cref="ClusterSim.Trace"/> (for debugging a seed).</summary>
    public int TraceSlot { get; init; } = -1;
}

internal sealed class SimFailure(string message) : Exception(message);

/// <summary>
/// A deterministic simulation of rebalancing with data, every node running the real <see cref="HandOffProtocol"/>
/// (see <see cref="SimNode"/>). The log is Raft-less: committed entries are applied in order with the real
/// <see cref="ClusterMapStateMachine"/>; the coordinator plans with the real <see cref="Rebalancer"/> and aborts
/// as ClusterNode.ManageHandOffs does; nodes apply the map late (several entries at once) and react to it at
/// their next loop step; frames travel on ordered per-link queues that may break; proposals reach the log late
/// or not at all; clients read and write all along, following MOVED and waiting while held.
/// Invariants: (1) whenever a node acknowledges a write or would serve a read of a slot, it holds exactly the
/// acknowledged keys of the slot (checked at every command and, for every slot with keys, after every event);
/// (2) once quiet, every slot's owner holds exactly its acknowledged keys and no other node holds any; (3) after
/// every entry, every slot has one owner among the members and a hand-off's source owns its slot. Also: a node
/// that serves a slot it got by a completed hand-off has it as <see cref="HandOffProtocol.IsReceived"/> (so the
/// real router serves it without waiting for the group's actor).
/// </summary>
internal sealed class ClusterSim
{
    private readonly Random _rng;
    private readonly List<ClusterMap?> _maps = []; // by log index; maps every running node has passed are dropped
    private int _pruned;
    private readonly Dictionary<string, SimNode> _nodes = new();
    private readonly Dictionary<(string From, string To), Queue<byte[]>> _links = new();
    private readonly Dictionary<string, Queue<ClusterCommand>> _proposals = new();
    private readonly List<SimOp> _pending = new();          // bounced to the client, to be sent again
    private readonly Dictionary<int, HashSet<string>> _acked = new();
    private readonly HashSet<string> _forgotten = new();    // acknowledged, then lost by design (a scenario says so)
    private readonly Dictionary<(int, long), long> _handOffSeen = new();
    private readonly Dictionary<string, long> _drainedSince = new();
    private readonly Dictionary<string, int> _sent = new();
    private readonly Dictionary<(int Slot, long Epoch), string> _completedTo = new();
    private long _planVersion = -1;
    private List<SlotMove> _plan = [];
    private int _nextKey, _nextNode, _joins, _leaves;
    private bool _started;
    private string _step = "start";

    public ClusterSim(SimOptions options)
    {
        Options = options;
        _rng = new Random(options.Seed);
        // Members keyed with the ordinal comparer, as ClusterMapStateMachine.Restore builds them (ClusterMap.Empty's
        // default comparer is culture-aware: a third of the run went to comparing member ids).
        _maps.Add(new ClusterMap(0, "", ImmutableSortedDictionary.Create<string, Member>(StringComparer.Ordinal),
            new SlotCopies?[HashSlot.Count], ImmutableSortedDictionary<int, HandOffEntry>.Empty, 0));
        var first = NewNode();
        Commit(new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = "sim", Member = Member(first.Id) });
        for (var i = 1; i < options.InitialNodes; i++) Join();
        _joins = 0;
        // Start from a balanced cluster (no data yet): the plan's moves assigned directly.
        if (Rebalancer.Plan(Committed) is { Count: > 0 } plan)
            Commit(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = plan.Select(m => (m.Slot, m.To)).ToList() });
        foreach (var node in _nodes.Values) node.ApplyMap(Committed, _maps.Count - 1);
        _started = true;
    }

    public SimOptions Options { get; }

    /// <summary>What happened to <see cref="SimOptions.TraceSlot"/>.</summary>
    public List<string> Trace { get; } = [];

    public void Note(int slot, string what)
    {
        if (Options.TraceSlot >= 0 && slot == Options.TraceSlot) Trace.Add($"t={Now} {what}");
    }

    private static string Describe(HandOffFrame f) => $"{f.Kind} tag {f.Tag} seq {f.Seq}" + (f.Payload.Length > 0 ? $" [{string.Join(",", SimNode.Decode(f.Payload.Span))}]" : "");
    public long Now { get; private set; } = 1_000;
    public ClusterMap Committed => _maps[^1]!;
    public int Acked { get; private set; }
    public int Entries => _maps.Count - 1;
    public int Aborts { get; private set; }
    public int Completions { get; private set; }
    public int Frames { get; private set; }
    public int Reads { get; private set; }

    private static Member Member(string id) => new(id, "127.0.0.1", 7000, 17000, 27000, MemberState.Up);

    private SimNode NewNode()
    {
        var node = new SimNode((++_nextNode * 0x9e3779b1L).ToString("x40"), this, ClusterMap.Empty, 0);
        _nodes[node.Id] = node;
        _proposals[node.Id] = new();
        return node;
    }

    /// <summary>Nodes whose process runs: members, and removed nodes still draining.</summary>
    private List<SimNode> Alive() => _nodes.Values.Where(n => !n.Gone).ToList();

    public static int SlotOfKey(string key) => int.Parse(key.AsSpan(key.IndexOf('@') + 1));

    // ---- plumbing used by the nodes ----

    public void Send(string from, string to, byte[] frame)
    {
        _sent[from] = _sent.GetValueOrDefault(from) + 1;
        if (Options.TraceSlot >= 0 && HandOffFrame.Decode(frame) is var tf && tf.Slot == Options.TraceSlot) Note(tf.Slot, $"{from[^4..]}→{to[^4..]} sends {Describe(tf)}");
        if (!_nodes.TryGetValue(to, out var dst) || dst.Gone || _nodes[from].RemovedPeers.Contains(to) || dst.RemovedPeers.Contains(from)) return;
        if (!_links.TryGetValue((from, to), out var q)) _links[(from, to)] = q = new Queue<byte[]>();
        q.Enqueue(frame);
        Frames++;
    }

    /// <summary>A node applied the removal of a peer: the connection closes, frames in flight either way are lost.</summary>
    public void CloseLinks(string a, string b)
    {
        if (_links.TryGetValue((a, b), out var q)) q.Clear();
        if (_links.TryGetValue((b, a), out q)) q.Clear();
    }

    public void Propose(string from, ClusterCommand cmd) => _proposals[from].Enqueue(cmd);

    public void Bounce(SimOp op) => _pending.Add(op);

    public void Acknowledge(SimNode node, SimOp op)
    {
        Note(op.Slot, $"{node.Short} acknowledges {op.Key}");
        if (!_acked.TryGetValue(op.Slot, out var keys)) _acked[op.Slot] = keys = new HashSet<string>();
        keys.Add(op.Key);
        Acked++;
    }

    public void Done(SimOp op) => Reads++;

    // ---- the log ----

    private void Commit(ClusterCommand cmd)
    {
        var map = Committed;
        if (cmd.Op == ClusterOp.CompleteHandOff)
            foreach (var (slot, _) in cmd.Slots)
                if (map.HandOffs.TryGetValue(slot, out var m) && m.Source == cmd.Source && m.Target == cmd.Target && (cmd.TimeMs == 0 || cmd.TimeMs == m.StartedAtMs)) Completions++;
        if (cmd.Op == ClusterOp.AbortHandOff)
            Aborts += cmd.Slots.Count(x => map.HandOffs.TryGetValue(x.Slot, out var m) && (cmd.TimeMs == 0 || cmd.TimeMs == m.StartedAtMs));
        var next = ClusterMapStateMachine.Apply(map, _maps.Count, cmd);
        _maps.Add(next);
        if (_maps.Count % 16 == 0) Prune();
        _step = $"entry {_maps.Count - 1} {cmd.Op}" + (cmd.Slots.Count > 0 ? $" (slot {cmd.Slots[0].Slot}…)" : "");
        if (cmd.Op == ClusterOp.CompleteHandOff && _started)
            foreach (var (slot, _) in cmd.Slots)
                if (next[slot] is { } g && g.Epoch != map[slot]?.Epoch) _completedTo[(slot, g.Epoch)] = g.Primary;
        if (cmd.Op == ClusterOp.RemoveMember && _nodes.TryGetValue(cmd.NodeId, out var removed)) removed.RemovedAtMs = Now;
        if (Options.TraceSlot >= 0 && (cmd.Slots.Any(x => x.Slot == Options.TraceSlot) || cmd.Op is ClusterOp.RemoveMember or ClusterOp.SetMemberState or ClusterOp.AddMember))
            Note(Options.TraceSlot, $"entry {_maps.Count - 1}: {cmd.Op} {cmd.Source[^Math.Min(4, cmd.Source.Length)..]}→{cmd.Target[^Math.Min(4, cmd.Target.Length)..]} {cmd.NodeId[^Math.Min(4, cmd.NodeId.Length)..]} {cmd.State} tag {cmd.TimeMs}: owner {next.PrimaryOf(Options.TraceSlot)?[^4..]}, hand-off {(next.HandOffs.TryGetValue(Options.TraceSlot, out var tm) ? $"{tm.Source[^4..]}→{tm.Target[^4..]} tag {tm.StartedAtMs}" : "none")}");
        CheckCommitted(cmd);
    }

    /// <summary>Drops the maps older than what every running node has applied (128 KB each).</summary>
    private void Prune()
    {
        var oldest = _nodes.Values.Where(n => !n.Gone).Select(n => n.Applied).DefaultIfEmpty(0).Min();
        for (; _pruned < oldest; _pruned++) _maps[_pruned] = null;
    }

    // ---- invariants ----

    public void Fail(string what) => throw new SimFailure($"seed {Options.Seed}, after {_step} (t={Now}): {what}" + (Trace.Count > 0 ? "\n" + string.Join("\n", Trace) : ""));

    /// <summary>(3) Every slot has exactly one owner among the members, and every hand-off's source owns its slot
    /// (checked for the slots the entry names; for every slot after a change of members).</summary>
    private void CheckCommitted(ClusterCommand cmd)
    {
        var map = Committed;
        var all = cmd.Op is ClusterOp.Bootstrap or ClusterOp.RemoveMember or ClusterOp.SetMemberState or ClusterOp.AddMember;
        void Check(int s)
        {
            var p = map[s]?.Primary;
            if (Options.StrictOwnership && (p is null || !map.Members.ContainsKey(p))) Fail($"slot {s} is owned by {(p is null ? "nobody" : "non-member " + p[^4..])}");
            if (map.HandOffs.TryGetValue(s, out var handOff) && handOff.Source != p) Fail($"hand-off of slot {s} from {handOff.Source[^4..]}, a non-owner");
        }
        if (!all)
        {
            foreach (var (slot, _) in cmd.Slots) Check(slot);
            return;
        }
        string? lastOk = null;
        for (var s = 0; s < HashSlot.Count; s++)
        {
            var p = map[s]?.Primary;
            if (p is not null && ReferenceEquals(p, lastOk)) continue;
            if (Options.StrictOwnership && (p is null || !map.Members.ContainsKey(p))) Fail($"slot {s} is owned by {(p is null ? "nobody" : "non-member " + p[^4..])}");
            lastOk = p;
        }
        foreach (var handOff in map.HandOffs.Values) Check(handOff.Slot);
    }

    private static readonly HashSet<string> NoKeys = [];

    public IReadOnlySet<string> AckedKeys(int slot) => _acked.TryGetValue(slot, out var k) ? k : NoKeys;

    /// <summary>(1) A node that runs a command on a slot holds exactly the slot's acknowledged keys.</summary>
    public void CheckServes(SimNode node, int slot, string doing)
    {
        var expected = AckedKeys(slot);
        var has = node.Store.TryGetValue(slot, out var k) ? k : NoKeys;
        if (!has.SetEquals(expected))
        {
            var missing = expected.Except(has).Where(x => !_forgotten.Contains(x)).ToList();
            var extra = has.Except(expected).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                Fail($"{node.Short} is {doing} on slot {slot} " + (missing.Count > 0 ? $"without acknowledged {string.Join(",", missing.Take(5))}{Where(missing[0], slot)}" : "")
                    + (extra.Count > 0 ? $" with unacknowledged {string.Join(",", extra.Take(5))}" : ""));
        }
        if (node.Map[slot] is { } g && _completedTo.TryGetValue((slot, g.Epoch), out var to) && to == node.Id && !node.Protocol.IsReceived(slot, g.Epoch))
            Fail($"{node.Short} serves slot {slot}, which it got by a hand-off, without having received it (IsReceived false)");
    }

    private string Where(string key, int slot) =>
        " (held by " + string.Join(",", _nodes.Values.Where(n => n.Store.TryGetValue(slot, out var k) && k.Contains(key)).Select(n => n.Short + (n.Gone ? "(gone)" : ""))) + ")";

    /// <summary>(1) for every slot with keys anywhere: each node that would serve it now holds exactly its acknowledged keys.</summary>
    private void CheckEveryServingNode()
    {
        var slots = new HashSet<int>(_acked.Keys);
        var alive = Alive();
        foreach (var n in alive) slots.UnionWith(n.Store.Keys);
        foreach (var n in alive)
            foreach (var slot in slots)
                if (n.Route(slot) == RouteKind.Local && !(n.IsForwarding(slot) && n.IsPaused(slot)))
                    CheckServes(n, slot, "ready to serve");
    }

    // ---- events ----

    private SimOp NewOp(bool write)
    {
        var map = Committed;
        int slot;
        var roll = _rng.Next(4);
        if (roll < 2 && map.HandOffs.Count > 0) slot = map.HandOffs.Keys.ElementAt(_rng.Next(map.HandOffs.Count));
        else if (roll == 2) slot = _rng.Next(64) * 256; // a few hot slots
        else slot = _rng.Next(HashSlot.Count);
        return new SimOp(write ? $"k{++_nextKey}@{slot}" : "", slot, write);
    }

    /// <summary>A client sends a command: mostly where the committed map says, sometimes by a stale map (a random node).</summary>
    private void Send(SimOp op)
    {
        var ids = Committed.Members.Keys;
        var to = _rng.Next(5) > 0 && Committed.PrimaryOf(op.Slot) is { } p ? p : ids.ElementAt(_rng.Next(ids.Count()));
        var node = _nodes[to];
        if (node.Gone)
        {
            _pending.Add(op);
            return;
        }
        _step = $"{(op.IsWrite ? "write " + op.Key : "read of slot " + op.Slot)} at {node.Short}";
        if (node.Submit(op) == RouteKind.Local && _rng.Next(4) > 0) node.RunRouted(); // usually it takes the lock at once
    }

    private void RetryPending(int max)
    {
        for (var n = 0; n < max && _pending.Count > 0; n++)
        {
            var i = _rng.Next(_pending.Count);
            var op = _pending[i];
            _pending.RemoveAt(i);
            Send(op);
        }
    }

    private void StepNode(SimNode node)
    {
        _step = $"{node.Short} steps";
        node.Step();
        if (node.RemovedAtMs >= 0 && !node.Gone && node.Map.Find(node.Id) is null
            && (node.Protocol.OutgoingCount == 0 || Now - node.RemovedAtMs > Options.DrainTimeoutMs))
            Exit(node);
    }

    /// <summary>A removed node finished draining: its process exits, its links close.</summary>
    private void Exit(SimNode node)
    {
        node.Gone = true;
        foreach (var other in _nodes.Keys) CloseLinks(node.Id, other);
        foreach (var op in node.Held.Concat(node.Routed)) _pending.Add(op); // the client's connection breaks: it retries
    }

    private void Deliver()
    {
        var live = _links.Where(l => l.Value.Count > 0).ToList();
        if (live.Count == 0) return;
        var ((from, to), q) = live[_rng.Next(live.Count)];
        var n = _rng.Next(3) == 0 ? q.Count : _rng.Next(1, q.Count + 1);
        for (var i = 0; i < n && q.Count > 0; i++) Receive(from, to, q.Dequeue());
        if (_rng.Next(2) == 0) StepNode(_nodes[to]);
    }

    private void Receive(string from, string to, byte[] frame)
    {
        if (Options.TraceSlot >= 0 && HandOffFrame.Decode(frame) is var tf && tf.Slot == Options.TraceSlot) Note(tf.Slot, $"{to[^4..]} receives from {from[^4..]} {Describe(tf)}");
        _nodes[to].Receive(from, frame);
    }

    private void DropLink()
    {
        var live = _links.Where(l => l.Value.Count > 0).ToList();
        if (live.Count == 0) return;
        var ((from, to), q) = live[_rng.Next(live.Count)];
        if (Options.TraceSlot >= 0)
            foreach (var f in q.Select(x => HandOffFrame.Decode(x)).Where(x => x.Slot == Options.TraceSlot)) Note(f.Slot, $"lost {from[^4..]}→{to[^4..]} {Describe(f)}");
        q.Clear();
    }

    private void DropProposal()
    {
        var queued = _proposals.Values.Where(q => q.Count > 0).ToList();
        if (queued.Count > 0) queued[_rng.Next(queued.Count)].Dequeue();
    }

    private void CatchUp(SimNode node, bool all)
    {
        if (node.Applied == _maps.Count - 1) return;
        var to = all ? _maps.Count - 1 : _rng.Next(node.Applied + 1, _maps.Count);
        _step = $"{node.Short} applies up to entry {to}";
        node.ApplyMap(_maps[to]!, to);
        Note(Options.TraceSlot, $"{node.Short} applies up to entry {to}");
    }

    private void DeliverProposal()
    {
        var queued = _proposals.Where(p => p.Value.Count > 0 && !_nodes[p.Key].Gone).ToList();
        if (queued.Count == 0) return;
        Commit(queued[_rng.Next(queued.Count)].Value.Dequeue());
    }

    private void Tick()
    {
        Now += _rng.Next(10, 150);
        foreach (var n in Alive()) StepNode(n);
    }

    /// <summary>The leader's coordinator (ClusterNode.ManageHandOffs and Rebalance, without the throttling).</summary>
    private void Coordinate()
    {
        Now++; // a BeginHandOff's time tags its attempt
        var map = Committed;
        var aborts = new Dictionary<(string, string, long), List<(int, string)>>();
        foreach (var handOff in map.HandOffs.Values)
        {
            var key = (handOff.Slot, handOff.StartedAtMs);
            if (!_handOffSeen.TryGetValue(key, out var seen)) _handOffSeen[key] = seen = Now;
            var src = map.Find(handOff.Source)?.State;
            var stuck = Now - seen > Options.HandOffTimeoutMs;
            if (src is not (MemberState.Up or MemberState.Leaving) || map.Find(handOff.Target)?.State != MemberState.Up || stuck)
            {
                if (!aborts.TryGetValue((handOff.Source, handOff.Target, handOff.StartedAtMs), out var list)) aborts[(handOff.Source, handOff.Target, handOff.StartedAtMs)] = list = [];
                list.Add((handOff.Slot, handOff.Source));
            }
        }
        // The real coordinator sends one entry per slot; the state machine treats a batch alike.
        foreach (var ((source, target, tag), slots) in aborts)
            Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = slots, Source = source, Target = target, TimeMs = tag });
        map = Committed;
        // A drained leaving member asks for its removal itself (HandOffProtocol); the coordinator removes it only
        // if it has not within the hand-off timeout.
        foreach (var m in map.Members.Values)
            if (m.State == MemberState.Leaving && !map.HandOffs.Values.Any(x => x.Source == m.Id) && map.SlotsOf(m.Id).Count == 0)
            {
                if (!_drainedSince.TryGetValue(m.Id, out var since)) _drainedSince[m.Id] = since = Now;
                if (Now - since > Options.HandOffTimeoutMs) Commit(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = m.Id });
            }
        map = Committed;
        if (map.HandOffs.Count >= Options.MaxConcurrent) return; // no room: nothing to start (saves planning)
        if (_planVersion != map.Version)
        {
            _plan = Rebalancer.Plan(map); // pure: the same map gives the same plan
            _planVersion = map.Version;
        }
        if (_plan.Count == 0) return;
        var assign = _plan.Where(p => p.From is null).Select(p => (p.Slot, p.To)).ToList();
        if (assign.Count > 0)
        {
            Commit(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = assign });
            return;
        }
        // Whole groups start together; one entry per (source, target).
        var room = Options.MaxConcurrent - map.HandOffs.Count;
        var batches = new Dictionary<(string From, string To), List<(int, string)>>();
        var group = -1;
        foreach (var move in _plan)
        {
            if (move.From is null || map.HandOffs.ContainsKey(move.Slot)) continue;
            if (SlotGroup.Of(move.Slot) != group)
            {
                if (room <= 0) break;
                group = SlotGroup.Of(move.Slot);
            }
            if (!batches.TryGetValue((move.From, move.To), out var list)) batches[(move.From, move.To)] = list = [];
            list.Add((move.Slot, move.From));
            room--;
        }
        foreach (var ((from, to), slots) in batches)
            Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots, Source = from, Target = to, TimeMs = Now });
    }

    /// <summary>The coordinator's timeout firing early, at whatever phase the hand-off is in.</summary>
    private void RandomAbort()
    {
        var migs = Committed.HandOffs;
        if (migs.Count == 0) return;
        var n = _rng.Next(1, Math.Min(migs.Count, 8) + 1);
        foreach (var handOff in migs.Values.Skip(_rng.Next(migs.Count)).Take(n).ToList())
            Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(handOff.Slot, handOff.Source)], Source = handOff.Source, Target = handOff.Target, TimeMs = handOff.StartedAtMs });
    }

    private void Join()
    {
        var node = NewNode(); // a joiner starts from a snapshot of the map
        Commit(new ClusterCommand { Op = ClusterOp.AddMember, Member = Member(node.Id) });
        node.ApplyMap(Committed, _maps.Count - 1);
        _joins++;
    }

    private void Leave()
    {
        var up = Committed.Members.Values.Where(m => m.State == MemberState.Up).ToList();
        if (up.Count < 2) return;
        Commit(new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = up[_rng.Next(up.Count)].Id, State = MemberState.Leaving });
        _leaves++;
    }

    private SimNode AnyAlive()
    {
        var alive = Alive();
        return alive[_rng.Next(alive.Count)];
    }

    /// <summary>Runs the chaos phase, then settles without faults until everything is done; throws <see cref="SimFailure"/>.</summary>
    public void Run()
    {
        for (var step = 0; step < Options.ChaosSteps; step++)
        {
            var r = _rng.Next(100 + Options.AbortWeight + Options.DropWeight + 2);
            if (r < 16) Send(NewOp(write: true));
            else if (r < 20) Send(NewOp(write: false));
            else if (r < 26) RetryPending(3);
            else if (r < 30) AnyAlive().RunRouted();
            else if (r < 50) Deliver();
            else if (r < 58) StepNode(AnyAlive());
            else if (r < 72) CatchUp(AnyAlive(), _rng.Next(3) > 0);
            else if (r < 82) DeliverProposal();
            else if (r < 96) Tick();
            else if (r < 100) Coordinate();
            else if (r < 100 + Options.AbortWeight) RandomAbort();
            else if (r < 100 + Options.AbortWeight + Options.DropWeight)
            {
                if (_rng.Next(4) == 0) DropProposal();
                else DropLink();
            }
            else if (r == 100 + Options.AbortWeight + Options.DropWeight && _joins < Options.MaxJoins) Join();
            else if (_leaves < Options.MaxLeaves) Leave();
            CheckEveryServingNode();
        }
        Settle();
    }

    private void Settle()
    {
        for (var round = 0; round < 400; round++)
        {
            _step = $"settling, round {round}";
            Coordinate();
            for (var i = 0; i < 3; i++)
            {
                foreach (var n in Alive()) CatchUp(n, all: true);
                foreach (var n in Alive()) StepNode(n);
                while (_links.Any(l => l.Value.Count > 0))
                {
                    foreach (var ((from, to), q) in _links.Where(l => l.Value.Count > 0).ToList())
                        while (q.Count > 0) Receive(from, to, q.Dequeue());
                    foreach (var n in Alive()) StepNode(n);
                }
                while (_proposals.Any(p => p.Value.Count > 0 && !_nodes[p.Key].Gone)) DeliverProposal();
                RetryPending(_pending.Count);
                foreach (var n in Alive()) n.RunRouted();
                CheckEveryServingNode();
            }
            Tick();
            if (Quiescent()) break;
        }
        _step = "settled";
        if (!Quiescent())
            Fail($"did not settle: {Committed.HandOffs.Count} hand-offs, {_pending.Count} commands pending, plan {Rebalancer.Plan(Committed).Count}, busy "
                + string.Join(",", Alive().Where(n => n.Busy).Select(n => $"{n.Short}(out {n.Protocol.OutgoingCount}, in {n.Protocol.IncomingCount}, held {n.Held.Count}, paused {n.PausedCount})")));
        CheckQuiet();
        PlanKit.AssertBalanced(Committed, $"seed {Options.Seed} at the end");
        if (Committed.Members.Values.Any(m => m.State != MemberState.Up)) Fail("a leaving member was not removed");
    }

    /// <summary>(2) Quiet: every slot's owner holds exactly its acknowledged keys, no other node holds any of it.</summary>
    public void CheckQuiet()
    {
        var map = Committed;
        var alive = Alive();
        var slots = new HashSet<int>(_acked.Keys);
        foreach (var n in alive) slots.UnionWith(n.Store.Where(s => s.Value.Count > 0).Select(s => s.Key));
        foreach (var slot in slots)
        {
            var owner = map.PrimaryOf(slot);
            foreach (var n in alive)
            {
                var has = n.Store.TryGetValue(slot, out var k) ? k : NoKeys;
                if (n.Id == owner)
                {
                    var expected = AckedKeys(slot).Where(x => !_forgotten.Contains(x));
                    if (!has.SetEquals(expected)) Fail($"owner {n.Short} of slot {slot} holds {has.Count} keys, {AckedKeys(slot).Count} acknowledged" +
                        $" (missing {string.Join(",", expected.Except(has).Take(5))}, extra {string.Join(",", has.Except(expected).Take(5))})");
                }
                else if (has.Count > 0) Fail($"{n.Short} keeps {has.Count} keys of slot {slot}, owned by {owner?[^4..]}");
            }
        }
    }

    private bool Quiescent()
    {
        var map = Committed;
        if (map.HandOffs.Count > 0 || _pending.Count > 0 || _links.Any(l => l.Value.Count > 0) || _proposals.Any(p => p.Value.Count > 0 && !_nodes[p.Key].Gone)) return false;
        if (map.Members.Values.Any(m => m.State == MemberState.Leaving)) return false;
        foreach (var n in Alive())
            if (n.Applied != _maps.Count - 1 || n.Busy || !map.Members.ContainsKey(n.Id)) return false;
        if (_planVersion != map.Version) return false;
        return _plan.Count == 0;
    }

    // ---- scripting, for tests that drive one exact interleaving ----

    public IReadOnlyList<string> MemberIds => Committed.Members.Keys.ToList();

    public SimNode Node(string id) => _nodes[id];

    /// <summary>A slot <paramref name="owner"/> owns.</summary>
    public int SlotOf(string owner, int nth = 0) => Committed.SlotsOf(owner)[nth];

    public bool IsAcked(string key) => AckedKeys(SlotOfKey(key)).Contains(key);

    /// <summary>A client sends a write of <paramref name="key"/> (slot after '@') to a node, which routes it and, when Local, runs it at once.</summary>
    public RouteKind WriteAt(string node, string key)
    {
        var op = new SimOp(key, SlotOfKey(key), isWrite: true);
        var r = _nodes[node].Submit(op);
        if (r == RouteKind.Local) _nodes[node].RunRouted();
        else if (r != RouteKind.Hold) _pending.Remove(op); // the script handles redirections itself
        return r;
    }

    /// <summary>Routes a write without running it yet (it waits for the slot's lock until <see cref="SimNode.RunRouted"/> or the node's next step).</summary>
    public RouteKind RouteOnly(string node, string key)
    {
        var op = new SimOp(key, SlotOfKey(key), isWrite: true);
        var r = _nodes[node].Submit(op);
        if (r is not (RouteKind.Local or RouteKind.Hold)) _pending.Remove(op);
        return r;
    }

    /// <summary>What a read at the node would do now; a Local read is checked against the acknowledged keys.</summary>
    public RouteKind ReadAt(string node, int slot)
    {
        var n = _nodes[node];
        var r = n.Route(slot);
        if (r == RouteKind.Local) CheckServes(n, slot, "serving a read");
        return r;
    }

    /// <summary>The scenario states that an acknowledged write is lost by design (e.g. with a failed node).</summary>
    public void Forget(string key) => _forgotten.Add(key);

    public long BeginMove(int slot, string from, string to) => BeginMove([slot], from, to);

    public long BeginMove(IReadOnlyList<int> slots, string from, string to)
    {
        Now++;
        Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots.Select(s => (s, from)).ToList(), Source = from, Target = to, TimeMs = Now });
        return Now;
    }

    public void AbortMove(int slot, string from, string to, long tag) =>
        Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(slot, from)], Source = from, Target = to, TimeMs = tag });

    public void CommitCommand(ClusterCommand cmd) => Commit(cmd);

    /// <summary>One run of the coordinator's decisions (aborts, removals, rebalancing).</summary>
    public void CoordinatorStep() => Coordinate();

    public void SetState(string node, MemberState state) => Commit(new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = node, State = state });

    public void RemoveMember(string node) => Commit(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = node });

    /// <summary>The node applies the whole log (its router sees it at once, its protocol at its next step).</summary>
    public void ApplyLog(string node) => CatchUp(_nodes[node], all: true);

    /// <summary>One loop step of the node.</summary>
    public void StepOnce(string node) => StepNode(_nodes[node]);

    /// <summary>The node applies the whole log and runs a loop step.</summary>
    public void Sync(string node)
    {
        ApplyLog(node);
        StepNode(_nodes[node]);
    }

    public void SyncAll()
    {
        foreach (var n in Alive()) Sync(n.Id);
    }

    /// <summary>The node's process dies: it runs no more, its links close, its keys are gone with it.</summary>
    public void Crash(string node) => Exit(_nodes[node]);

    /// <summary>Frames the node has sent (delivered or not).</summary>
    public int SentBy(string node) => _sent.GetValueOrDefault(node);

    public int InFlight(string from, string to) => _links.TryGetValue((from, to), out var q) ? q.Count : 0;

    public List<HandOffFrame> Peek(string from, string to) =>
        _links.TryGetValue((from, to), out var q) ? q.Select(f => HandOffFrame.Decode(f)).ToList() : [];

    /// <summary>Delivers every frame in flight from one node to another, then the receiver's loop runs a step.</summary>
    public void DeliverAll(string from, string to)
    {
        if (!_links.TryGetValue((from, to), out var q)) return;
        while (q.Count > 0) Receive(from, to, q.Dequeue());
        StepNode(_nodes[to]);
    }

    public void BreakLink(string from, string to)
    {
        if (_links.TryGetValue((from, to), out var q)) q.Clear();
    }

    /// <summary>Time passes; every running node runs a loop step.</summary>
    public void Advance(long ms)
    {
        Now += ms;
        foreach (var n in Alive()) StepNode(n);
    }

    /// <summary>The proposals waiting for the log reach it.</summary>
    public void DeliverProposals()
    {
        foreach (var (id, q) in _proposals)
            while (q.Count > 0 && !_nodes[id].Gone) Commit(q.Dequeue());
    }

    public int PendingProposals => _proposals.Values.Sum(q => q.Count);
}
