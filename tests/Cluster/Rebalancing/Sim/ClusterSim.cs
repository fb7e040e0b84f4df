using QuorumCache.Node.Config;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;

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
    public long PhaseTimeoutMs { get; init; } = 10_000;
    /// <summary>Weight of random aborts (a hand-off timing out at whatever phase it is in).</summary>
    public int AbortWeight { get; init; } = 3;
    /// <summary>Weight of connection breaks that lose every frame in flight on one direction of a link.</summary>
    public int DropWeight { get; init; }
    /// <summary>Proposed fix: the snapshot frame carries the stream position and numbering never restarts.</summary>
    public bool ContinuousSequence { get; init; } = true;
    /// <summary>Proposed fix: a completion names its attempt; one for another attempt of the slot is ignored.</summary>
    public bool FenceStaleCompletions { get; init; } = true;
}

internal sealed class SimFailure(string message) : Exception(message);

/// <summary>
/// A deterministic simulation of rebalancing with data. The log is Raft-less: committed entries are applied in
/// order with the real <see cref="ClusterMapStateMachine"/>; the coordinator plans with the real
/// <see cref="Rebalancer"/>; nodes see the map late (in batches), frames travel on ordered per-link queues,
/// completion requests reach the leader late; clients write new keys all along. Invariants are checked after
/// every committed entry and whenever a node catches up.
/// </summary>
internal sealed class ClusterSim
{
    private readonly Random _rng;
    private readonly List<ClusterMap> _maps = [];
    private readonly Dictionary<string, SimNode> _nodes = new();
    private readonly Dictionary<(string From, string To), Queue<Frame>> _links = new();
    private readonly Dictionary<string, Queue<(ClusterCommand Cmd, List<(int Slot, long Tag)> Tags)>> _proposals = new();
    private readonly List<(string Key, int Slot)> _pending = new();
    private readonly Dictionary<string, int> _acked = new();
    private readonly Dictionary<(int, long), long> _handOffSeen = new();
    private long _planVersion = -1;
    private List<SlotMove> _plan = [];
    private int _nextKey, _nextNode, _joins, _leaves;
    private string _step = "start";

    public ClusterSim(SimOptions options)
    {
        Options = options;
        _rng = new Random(options.Seed);
        _maps.Add(ClusterMap.Empty);
        var first = NewNode();
        Commit(new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = "sim", Member = Member(first.Id) });
        first.View = Committed;
        first.Applied = _maps.Count - 1;
        for (var i = 1; i < options.InitialNodes; i++) Join();
        _joins = 0;
        // Start from a balanced cluster (no data yet): the plan's moves committed directly.
        foreach (var group in Rebalancer.Plan(Committed).GroupBy(m => (m.From!, m.To)))
        {
            var slots = group.Select(m => (m.Slot, m.From!)).ToList();
            Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots, Source = group.Key.Item1, Target = group.Key.To, TimeMs = Now });
            Commit(new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = slots, Source = group.Key.Item1, Target = group.Key.To });
        }
        Completions = 0;
        foreach (var node in _nodes.Values)
        {
            node.View = Committed;
            node.Applied = _maps.Count - 1;
        }
    }

    public SimOptions Options { get; }
    public long Now { get; private set; } = 1_000;
    public ClusterMap Committed => _maps[^1];
    public int Acked => _acked.Count;
    public int Entries => _maps.Count - 1;
    public int Aborts { get; private set; }
    public int Completions { get; private set; }

    private static Member Member(string id) => new(id, "127.0.0.1", 7000, 17000, 27000, MemberState.Up);

    private SimNode NewNode()
    {
        var node = new SimNode((++_nextNode * 0x9e3779b1L).ToString("x40"), this);
        _nodes[node.Id] = node;
        _proposals[node.Id] = new();
        return node;
    }

    // ---- plumbing used by the nodes ----

    public void Send(string from, string to, Frame f)
    {
        if (!Committed.Members.ContainsKey(to)) return; // a removed node is gone
        if (!_links.TryGetValue((from, to), out var q)) _links[(from, to)] = q = new Queue<Frame>();
        q.Enqueue(f);
    }

    public void Retry(string key, int slot) => _pending.Add((key, slot));

    public void ProposeCompletion(string from, string target, List<(int Slot, long Tag)> slots) =>
        _proposals[from].Enqueue((new ClusterCommand
        {
            Op = ClusterOp.CompleteHandOff, Slots = slots.Select(s => (s.Slot, target)).ToList(), Source = from, Target = target,
        }, slots));

    // ---- the log ----

    private void Commit(ClusterCommand cmd, List<(int Slot, long Tag)>? tags = null)
    {
        var map = Committed;
        if (tags is not null && Options.FenceStaleCompletions)
        {
            var fenced = tags.Where(t => map.HandOffs.TryGetValue(t.Slot, out var m) && m.StartedAtMs == t.Tag).Select(t => (t.Slot, cmd.Target)).ToList();
            cmd = cmd with { Slots = fenced };
        }
        if (cmd.Op == ClusterOp.CompleteHandOff)
            foreach (var (slot, _) in cmd.Slots)
                if (map.HandOffs.TryGetValue(slot, out var m) && m.Source == cmd.Source && m.Target == cmd.Target) Completions++;
        if (cmd.Op == ClusterOp.AbortHandOff) Aborts += cmd.Slots.Count(x => map.HandOffs.ContainsKey(x.Slot));
        _maps.Add(ClusterMapStateMachine.Apply(map, _maps.Count, cmd));
        _step = $"entry {_maps.Count - 1} {cmd.Op}";
        CheckCommitted();
    }

    // ---- invariants ----

    private void Fail(string what) => throw new SimFailure($"seed {Options.Seed}, after {_step} (t={Now}): {what}");

    /// <summary>Every slot has exactly one owner among the members; no acknowledged key is missing from its owner;
    /// owners hold nothing that was not acknowledged.</summary>
    private void CheckCommitted()
    {
        var map = Committed;
        string? lastOk = null;
        for (var s = 0; s < HashSlot.Count; s++)
        {
            var p = map[s]?.Primary;
            if (p is null) Fail($"slot {s} has no owner");
            if (ReferenceEquals(p, lastOk)) continue;
            if (!map.Members.ContainsKey(p!)) Fail($"slot {s} is owned by non-member {p}");
            lastOk = p;
        }
        foreach (var handOff in map.HandOffs.Values)
            if (map.PrimaryOf(handOff.Slot) != handOff.Source) Fail($"hand-off of slot {handOff.Slot} from a non-owner");
        foreach (var (key, slot) in _acked)
        {
            var owner = _nodes[map.PrimaryOf(slot)!];
            if (!owner.Store.TryGetValue(slot, out var keys) || !keys.Contains(key))
                Fail($"acknowledged {key} (slot {slot}) is not at its owner {owner.Id[^6..]}" + Where(key, slot));
        }
        foreach (var id in map.Members.Keys)
            foreach (var (slot, keys) in _nodes[id].Store)
                if (map.PrimaryOf(slot) == id)
                    foreach (var k in keys)
                        if (!_acked.ContainsKey(k)) Fail($"{id[^6..]} owns slot {slot} with unacknowledged {k}");
    }

    private string Where(string key, int slot) =>
        " (held by " + string.Join(",", _nodes.Values.Where(n => n.Store.TryGetValue(slot, out var k) && k.Contains(key)).Select(n => n.Id[^6..])) + ")";

    /// <summary>A node that has applied the whole log holds keys only for slots it owns or is receiving.</summary>
    private void CheckCaughtUp(SimNode node)
    {
        var map = Committed;
        foreach (var (slot, keys) in node.Store)
        {
            if (keys.Count == 0 || map.PrimaryOf(slot) == node.Id) continue;
            if (map.HandOffs.TryGetValue(slot, out var m) && m.Target == node.Id) continue;
            Fail($"{node.Id[^6..]} keeps {keys.Count} keys of slot {slot} owned by {map.PrimaryOf(slot)?[^6..]}");
        }
    }

    // ---- events ----

    private void ClientWrite()
    {
        var map = Committed;
        int slot;
        var roll = _rng.Next(4);
        if (roll < 2 && map.HandOffs.Count > 0) slot = map.HandOffs.Keys.ElementAt(_rng.Next(map.HandOffs.Count));
        else if (roll == 2) slot = _rng.Next(64) * 256; // a few hot slots
        else slot = _rng.Next(HashSlot.Count);
        _pending.Add(($"k{++_nextKey}", slot));
        RetryPending(1);
    }

    private void RetryPending(int max)
    {
        for (var n = 0; n < max && _pending.Count > 0; n++)
        {
            var i = _rng.Next(_pending.Count);
            var (key, slot) = _pending[i];
            _pending.RemoveAt(i);
            // Clients mostly route by the committed map; sometimes by a stale one (then MOVED).
            var members = Committed.Members.Keys;
            var to = _rng.Next(5) > 0 ? Committed.PrimaryOf(slot)! : members.ElementAt(_rng.Next(Committed.Members.Count));
            switch (_nodes[to].Write(key, slot))
            {
                case SimNode.WriteResult.Acked:
                    _acked.Add(key, slot);
                    break;
                case SimNode.WriteResult.Moved:
                    _pending.Add((key, slot));
                    break;
            }
        }
    }

    private void Deliver()
    {
        var live = _links.Where(l => l.Value.Count > 0).ToList();
        if (live.Count == 0) return;
        var ((from, to), q) = live[_rng.Next(live.Count)];
        var n = _rng.Next(3) == 0 ? q.Count : _rng.Next(1, q.Count + 1);
        for (var i = 0; i < n && q.Count > 0; i++)
        {
            var f = q.Dequeue();
            _step = $"frame {f.Kind} slot {f.Slot} {from[^6..]}→{to[^6..]}";
            if (Committed.Members.ContainsKey(to)) _nodes[to].OnFrame(from, f);
        }
    }

    private void DropLink()
    {
        var live = _links.Where(l => l.Value.Count > 0).ToList();
        if (live.Count > 0) live[_rng.Next(live.Count)].Value.Clear();
    }

    private void CatchUp(SimNode node, bool all)
    {
        if (node.Applied == _maps.Count - 1) return;
        node.Applied = all ? _maps.Count - 1 : _rng.Next(node.Applied + 1, _maps.Count);
        node.View = _maps[node.Applied];
        _step = $"{node.Id[^6..]} applies up to entry {node.Applied}";
        node.OnMap(node.View);
        if (node.Applied == _maps.Count - 1) CheckCaughtUp(node);
    }

    private void DeliverProposal()
    {
        var queued = _proposals.Where(p => p.Value.Count > 0 && Committed.Members.ContainsKey(p.Key)).ToList();
        if (queued.Count == 0) return;
        var (cmd, tags) = queued[_rng.Next(queued.Count)].Value.Dequeue();
        Commit(cmd, tags);
    }

    private void Tick()
    {
        Now += _rng.Next(10, 150);
        foreach (var id in Committed.Members.Keys.ToList()) _nodes[id].OnTick(Now);
    }

    /// <summary>The leader's coordinator: hand-off timeouts and aborts, removal of drained members, rebalancing.</summary>
    private void Coordinate()
    {
        Now++; // a BeginHandOff's time tags its attempt
        var map = Committed;
        // Timeouts and hand-offs with a side no longer up are aborted; one entry per (source, target) here
        // (the real coordinator sends one per slot; the state machine treats both alike).
        var aborts = new Dictionary<(string, string), List<(int, string)>>();
        foreach (var handOff in map.HandOffs.Values)
        {
            var key = (handOff.Slot, handOff.StartedAtMs);
            if (!_handOffSeen.TryGetValue(key, out var seen)) _handOffSeen[key] = seen = Now;
            var src = map.Find(handOff.Source)?.State;
            var stuck = Now - seen > Options.PhaseTimeoutMs;
            if (src is not (MemberState.Up or MemberState.Leaving) || map.Find(handOff.Target)?.State != MemberState.Up || stuck)
            {
                if (!aborts.TryGetValue((handOff.Source, handOff.Target), out var list)) aborts[(handOff.Source, handOff.Target)] = list = [];
                list.Add((handOff.Slot, handOff.Source));
            }
        }
        foreach (var ((source, target), slots) in aborts)
            Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = slots, Source = source, Target = target });
        map = Committed;
        foreach (var m in map.Members.Values)
            if (m.State == MemberState.Leaving && !map.HandOffs.Values.Any(x => x.Source == m.Id) && map.SlotsOf(m.Id).Count == 0)
                Commit(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = m.Id });
        map = Committed;
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
        var room = Options.MaxConcurrent - map.HandOffs.Count;
        var batches = new Dictionary<(string From, string To), List<(int, string)>>();
        foreach (var move in _plan)
        {
            if (room <= 0) break;
            if (move.From is null || map.HandOffs.ContainsKey(move.Slot)) continue;
            if (!batches.TryGetValue((move.From, move.To), out var list)) batches[(move.From, move.To)] = list = [];
            list.Add((move.Slot, move.From));
            room--;
        }
        foreach (var ((from, to), slots) in batches)
            Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots, Source = from, Target = to, TimeMs = Now });
    }

    private void RandomAbort()
    {
        var migs = Committed.HandOffs;
        if (migs.Count == 0) return;
        var n = _rng.Next(1, Math.Min(migs.Count, 8) + 1);
        foreach (var handOff in migs.Values.Skip(_rng.Next(migs.Count)).Take(n).ToList())
            Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(handOff.Slot, handOff.Source)], Source = handOff.Source, Target = handOff.Target });
    }

    private void Join()
    {
        var node = NewNode();
        Commit(new ClusterCommand { Op = ClusterOp.AddMember, Member = Member(node.Id) });
        node.View = Committed; // a joiner starts from a snapshot of the map
        node.Applied = _maps.Count - 1;
        _joins++;
    }

    private void Leave()
    {
        var up = Committed.Members.Values.Where(m => m.State == MemberState.Up).ToList();
        if (up.Count < 2) return;
        Commit(new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = up[_rng.Next(up.Count)].Id, State = MemberState.Leaving });
        _leaves++;
    }

    private SimNode AnyMember()
    {
        var ids = Committed.Members.Keys;
        return _nodes[ids.ElementAt(_rng.Next(Committed.Members.Count))];
    }

    /// <summary>Runs the chaos phase, then settles without faults until everything is done; throws <see cref="SimFailure"/>.</summary>
    public void Run()
    {
        for (var step = 0; step < Options.ChaosSteps; step++)
        {
            var r = _rng.Next(100 + Options.AbortWeight + Options.DropWeight + 2);
            if (r < 22) ClientWrite();
            else if (r < 30) RetryPending(3);
            else if (r < 60) Deliver();
            else if (r < 76) CatchUp(AnyMember(), _rng.Next(3) > 0);
            else if (r < 86) DeliverProposal();
            else if (r < 97) Tick();
            else if (r < 100) Coordinate();
            else if (r < 100 + Options.AbortWeight) RandomAbort();
            else if (r < 100 + Options.AbortWeight + Options.DropWeight) DropLink();
            else if (r == 100 + Options.AbortWeight + Options.DropWeight && _joins < Options.MaxJoins) Join();
            else if (_leaves < Options.MaxLeaves) Leave();
        }
        Settle();
    }

    private void Settle()
    {
        _step = "settling";
        for (var round = 0; round < 400; round++)
        {
            Coordinate();
            for (var i = 0; i < 20; i++)
            {
                foreach (var id in Committed.Members.Keys.ToList()) CatchUp(_nodes[id], all: true);
                while (_links.Any(l => l.Value.Count > 0)) Deliver();
                while (_proposals.Any(p => p.Value.Count > 0 && Committed.Members.ContainsKey(p.Key))) DeliverProposal();
                RetryPending(_pending.Count);
            }
            Tick();
            if (Quiescent()) break;
        }
        if (!Quiescent())
            Fail($"did not settle: {Committed.HandOffs.Count} hand-offs, {_pending.Count} writes pending, plan {Rebalancer.Plan(Committed).Count}");
        foreach (var id in Committed.Members.Keys) CheckCaughtUp(_nodes[id]);
        // Every key in exactly one place: its owner.
        var copies = new Dictionary<string, int>();
        foreach (var id in Committed.Members.Keys)
            foreach (var keys in _nodes[id].Store.Values)
                foreach (var k in keys) copies[k] = copies.GetValueOrDefault(k) + 1;
        foreach (var (k, c) in copies)
            if (c != 1) Fail($"{k} is in {c} places");
        if (copies.Count != _acked.Count) Fail($"{copies.Count} keys stored, {_acked.Count} acknowledged");
        PlanKit.AssertBalanced(Committed, $"seed {Options.Seed} at the end");
        if (Committed.Members.Values.Any(m => m.State != MemberState.Up)) Fail("a leaving member was not removed");
    }

    private bool Quiescent()
    {
        var map = Committed;
        if (map.HandOffs.Count > 0 || _pending.Count > 0 || _links.Any(l => l.Value.Count > 0)) return false;
        if (map.Members.Values.Any(m => m.State == MemberState.Leaving)) return false;
        foreach (var id in map.Members.Keys)
            if (_nodes[id].Applied != _maps.Count - 1 || _nodes[id].Busy) return false;
        if (_planVersion != map.Version) return false;
        return _plan.Count == 0;
    }

    // ---- scripting, for tests that drive one exact interleaving ----

    public IReadOnlyList<string> MemberIds => Committed.Members.Keys.ToList();

    public SimNode Node(string id) => _nodes[id];

    public bool WriteAt(string node, string key, int slot)
    {
        if (_nodes[node].Write(key, slot) != SimNode.WriteResult.Acked) return false;
        _acked.Add(key, slot);
        return true;
    }

    public void BeginMove(int slot, string from, string to)
    {
        Now++;
        Commit(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = [(slot, from)], Source = from, Target = to, TimeMs = Now });
    }

    public void AbortMove(int slot, string from, string to) =>
        Commit(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(slot, from)], Source = from, Target = to });

    public void CatchUpAll()
    {
        foreach (var id in Committed.Members.Keys.ToList()) CatchUp(_nodes[id], all: true);
    }

    public int InFlight(string from, string to) => _links.TryGetValue((from, to), out var q) ? q.Count : 0;

    public void DeliverAll(string from, string to)
    {
        if (!_links.TryGetValue((from, to), out var q)) return;
        while (q.Count > 0) _nodes[to].OnFrame(from, q.Dequeue());
    }

    public void BreakLink(string from, string to)
    {
        if (_links.TryGetValue((from, to), out var q)) q.Clear();
    }

    public void Advance(long ms)
    {
        Now += ms;
        foreach (var id in Committed.Members.Keys.ToList()) _nodes[id].OnTick(Now);
    }

    public void DeliverProposals()
    {
        while (_proposals.Any(p => p.Value.Count > 0)) DeliverProposal();
    }
}
