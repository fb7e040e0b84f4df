using QuorumCache.Cluster.Replication;
using QuorumCache.MultiNode.Checker;

namespace QuorumCache.Tests.Cluster.Replication.Sim;

internal sealed class ReplicationSimFailure(string message) : Exception(message);

internal sealed record ReplicationSimOptions
{
    public int Seed { get; init; }
    public int Nodes { get; init; } = 5;
    public int Copies { get; init; } = 3;
    public int Clients { get; init; } = 4;
    /// <summary>Clients that only read and keep reading from the node they last found primary until it refuses: a
    /// primary cut off from its group that served them after its lease would be caught by a stale read.</summary>
    public int StickyReaders { get; init; } = 3;
    public int Keys { get; init; } = 4;
    public int SlotsPerGroup { get; init; } = 4;
    /// <summary>Virtual time with faults, then quiet time for healing and the final reads.</summary>
    public long ChaosMs { get; init; } = 6_000;
    public long QuietMs { get; init; } = 6_000;
    public double DropRate { get; init; } = 0.05;
    public double DuplicateRate { get; init; } = 0.03;
    public int MaxDelayMs { get; init; } = 15;
    /// <summary>Per coordinator step (50 ms): the chance it takes a live primary for failed.</summary>
    public double FalseSuspicionRate { get; init; } = 0.01;
    /// <summary>Per 100 ms: the chance of a new fault (crash, pause, partition).</summary>
    public double FaultRate { get; init; } = 0.08;
    /// <summary>How long the coordinator takes to notice a failure; 0 picks 100-800 ms by the seed (shorter than the
    /// lease in some runs, so only the lease keeps a cut-off primary from serving stale reads).</summary>
    public long DetectMs { get; init; }
    public long ReplaceAfterMs { get; init; } = 1_500;
    public long EpochTimeoutMs { get; init; } = 2_000;
    public long ClientTimeoutMs { get; init; } = 1_500;
    public ReplicationOptions Replication { get; init; } = new()
    {
        HeartbeatMs = 50, LeaseMs = 300, ClockDriftMs = 30, RetryMs = 80, MaxBatchBytes = 200, MaxLogEntries = 50,
    };
}

/// <summary>
/// A deterministic simulation of one slot group replicated on <see cref="ReplicationSimOptions.Copies"/> of
/// <see cref="ReplicationSimOptions.Nodes"/> nodes, every node running the real <see cref="GroupReplica"/>. Faults:
/// message loss, delay, reordering and duplication, partitions, crashes that lose a process's memory, pauses, and a
/// coordinator that suspects live primaries. Clients write and read registers through whichever node the coordinator
/// last named primary, waiting for the commit as the node's connections do.
/// <para>Checked at every event: at most one primary per epoch; no two copies commit different entries at one
/// sequence. At the end, after healing: the history (including a final read of every key) is linearizable, so no
/// acknowledged write was lost and no read was stale; the group has an established primary and every member holds
/// the same keyspace.</para>
/// </summary>
internal sealed class ReplicationSim
{
    private const int Group = 0;
    private readonly List<SimReplicaNode> _nodes = new();
    private readonly Dictionary<string, SimReplicaNode> _byReplica = new();
    private readonly Dictionary<long, string> _primaryOfEpoch = new();
    private readonly Dictionary<long, LogEntry> _committed = new();
    private readonly Dictionary<string, long> _checkedThrough = new();
    private readonly List<Waiter> _waiters = new();
    private readonly List<Operation> _ops = new();
    private readonly List<string> _trace = new();
    private readonly Dictionary<int, string> _views = new();
    private int _runs;

    private sealed record Waiter(SimReplicaNode Node, long Epoch, long Seq, Action<bool> Done);

    public ReplicationSim(ReplicationSimOptions options)
    {
        Options = options;
        World = new SimWorld(options.Seed);
        Network = new SimNetwork(this);
        Coordinator = new SimCoordinator(this, Group);
        DetectMs = options.DetectMs > 0 ? options.DetectMs : World.Between(100, 800);
        for (var i = 1; i <= options.Nodes; i++) AddNode($"n{i}");
    }

    public ReplicationSimOptions Options { get; }
    public SimWorld World { get; }
    public SimNetwork Network { get; }
    public SimCoordinator Coordinator { get; }
    public bool Chaos { get; private set; }
    public long DetectMs { get; }
    public IReadOnlyList<SimReplicaNode> Nodes => _nodes;
    public IReadOnlyCollection<string> NodeNames => _nodes.Select(n => n.Name).ToList();
    public IReadOnlyList<Operation> Operations => _ops;
    public int Faults { get; private set; }

    public SimReplicaNode? NodeByReplica(string replica) => _byReplica.GetValueOrDefault(replica);

    public IEnumerable<int> SlotsOf(int group) => Enumerable.Range(group * Options.SlotsPerGroup, Options.SlotsPerGroup);

    public void Trace(string line)
    {
        _trace.Add($"{World.Now,6} {line}");
        if (_trace.Count > 400) _trace.RemoveAt(0);
    }

    public string RecentTrace => string.Join("\n", _trace.TakeLast(60));

    private SimReplicaNode AddNode(string name)
    {
        var node = new SimReplicaNode(this, name, _runs++);
        _byReplica[node.Me] = node;
        var index = _nodes.FindIndex(n => n.Name == name);
        if (index >= 0) _nodes[index] = node;
        else _nodes.Add(node);
        ScheduleTicks(node);
        return node;
    }

    private void ScheduleTicks(SimReplicaNode node)
    {
        World.After(World.Between(1, 5), () =>
        {
            if (node.Crashed) return;
            if (!node.Paused) node.Tick();
            ScheduleTicks(node);
        });
    }

    /// <summary>Runs the whole scenario and throws <see cref="ReplicationSimFailure"/> on the first broken invariant.</summary>
    public void Run()
    {
        Coordinator.Start(_nodes.Take(Options.Copies).Select(n => n.Me).ToList());
        CoordinatorLoop();
        Chaos = true;
        FaultLoop();
        for (var c = 0; c < Options.Clients; c++) ClientLoop(c, 0);
        for (var c = 0; c < Options.StickyReaders; c++) ReaderLoop(50 + c);
        World.RunUntil(Options.ChaosMs);

        // Heal: every process runs, every link works, nothing is lost any more.
        Chaos = false;
        Network.HealAll();
        foreach (var n in _nodes.ToList())
        {
            if (n.Crashed) AddNode(n.Name);
            else if (n.Paused) n.Resume();
        }
        World.RunUntil(Options.ChaosMs + Options.QuietMs);
        for (var k = 0; k < Options.Keys; k++) FinalRead(k);
        World.RunUntil(Options.ChaosMs + Options.QuietMs + 3_000);
        CheckEnd();
    }

    private void CoordinatorLoop()
    {
        World.After(50, () =>
        {
            Coordinator.Step();
            CoordinatorLoop();
        });
    }

    private void FaultLoop()
    {
        World.After(100, () =>
        {
            if (!Chaos) return;
            if (World.Chance(Options.FaultRate)) InjectFault();
            FaultLoop();
        });
    }

    private void InjectFault()
    {
        Faults++;
        var node = _nodes[World.Rng.Next(_nodes.Count)];
        switch (World.Rng.Next(5))
        {
            case 3:
                // Cut the primary off from every other node; clients still reach it (the dangerous case for reads).
                var p = NodeByReplica(Coordinator.Issued!.Primary);
                if (p is null) break;
                Trace($"isolate primary {p}");
                foreach (var o in _nodes)
                    if (o.Name != p.Name) Network.Cut(p.Name, o.Name);
                // Half the time the coordinator notices at once (and the map moves on while the old primary's lease
                // may still run): only the lease promises keep it from serving reads the new primary has overtaken.
                if (World.Chance(0.5)) Coordinator.SuspectPrimary();
                break;
            // A crash loses the process's copy for good (no persistence yet): allowed only while the group can afford
            // it, every copy of its last configuration alive and that configuration established, so a majority of
            // copies survives (losing a majority makes the group unavailable by design, which is not what this tests).
            case 0 when !node.Crashed && CanAffordCrash():
                Trace($"crash {node}");
                node.Crashed = true;
                World.After(World.Between(300, 3_000), () => { if (Chaos) { Trace($"restart {node.Name}"); AddNode(node.Name); } });
                break;
            case 1 when !node.Crashed && !node.Paused:
                Trace($"pause {node}");
                node.Pause();
                World.After(World.Between(200, 2_500), () => { Trace($"resume {node}"); node.Resume(); });
                break;
            case 2:
                var other = _nodes[World.Rng.Next(_nodes.Count)];
                if (other == node) break;
                Trace($"cut {node.Name} - {other.Name}");
                Network.Cut(node.Name, other.Name);
                break;
            default:
                Trace("heal links");
                Network.HealAll();
                break;
        }
    }

    private bool CanAffordCrash()
    {
        var c = Coordinator.Issued!;
        return Coordinator.Confirmed && c.Voters().All(m => NodeByReplica(m) is { Crashed: false });
    }

    // ---- clients ----

    private void ClientLoop(int client, int n)
    {
        World.After(World.Between(1, 25), () =>
        {
            if (!Chaos) return;
            var key = $"k{World.Rng.Next(Options.Keys)}";
            // Half the clients mostly read (a read that waits on an uncommitted write cannot be stale, so stale reads
            // need readers that write rarely).
            if (World.Chance(client % 2 == 0 ? 0.5 : 0.1)) Invoke(client, key, OperationKind.Write, $"c{client}.{n}", () => ClientLoop(client, n + 1));
            else Invoke(client, key, OperationKind.Read, null, () => ClientLoop(client, n + 1));
        });
    }

    private void ReaderLoop(int client)
    {
        World.After(World.Between(1, 10), () =>
        {
            if (!Chaos) return;
            Invoke(client, $"k{World.Rng.Next(Options.Keys)}", OperationKind.Read, null, () => ReaderLoop(client), sticky: true);
        });
    }

    private void FinalRead(int k) => Invoke(100 + k, $"k{k}", OperationKind.Read, null, () => { });

    private int SlotOf(string key) => SlotsOf(Group).ElementAt(key.Sum(ch => ch) % Options.SlotsPerGroup);

    private void Invoke(int client, string key, OperationKind kind, string? value, Action next, bool sticky = false)
    {
        var id = _ops.Count;
        var invoked = World.Now;
        _ops.Add(new Operation { Id = id, Process = client, Key = key, Kind = kind, Value = value, InvokeTicks = invoked, Outcome = Outcome.Unknown });
        var done = false;
        void Complete(Outcome outcome, string? output, string? error)
        {
            if (done) return;
            done = true;
            if (outcome != Outcome.Ok) _views.Remove(client);
            _ops[id] = _ops[id] with { CompleteTicks = World.Now, Outcome = outcome, Output = output, Error = error };
            next();
        }
        World.After(Options.ClientTimeoutMs, () => Complete(Outcome.Unknown, null, "timeout"));

        // Clients route by the coordinator's map, except sticky readers, which keep the node they last found primary
        // until it refuses them.
        if (!_views.TryGetValue(client, out var view) || !Chaos || !sticky) _views[client] = view = Coordinator.Issued!.Primary;
        var node = NodeByReplica(view) ?? _nodes[0];
        if (Chaos && !sticky && World.Chance(0.05)) node = _nodes[World.Rng.Next(_nodes.Count)];
        var delay = Chaos ? World.Between(0, Options.MaxDelayMs) : 1;
        World.After(delay, () => node.Run(() => Serve(node, key, kind, value, (outcome, output, error) =>
            World.After(Chaos ? World.Between(0, Options.MaxDelayMs) : 1, () => Complete(outcome, output, error)))));
    }

    /// <summary>A node serving one client command, as a connection does: execute under the primary's role, then wait for the commit.</summary>
    private void Serve(SimReplicaNode node, string key, OperationKind kind, string? value, Action<Outcome, string?, string?> reply)
    {
        var r = node.Replica(Group);
        var slot = SlotOf(key);
        if (kind == OperationKind.Write)
        {
            if (!r.CanServe)
            {
                reply(Outcome.Fail, null, "MOVED");
                return;
            }
            node.Slot(slot)[key] = value!;
            var seq = r.Append(slot, SimReplicaNode.Encode(key, value!));
            Wait(node, r, seq, ok => reply(ok ? Outcome.Ok : Outcome.Unknown, null, ok ? null : "outcome unknown"));
        }
        else
        {
            if (!r.CanRead(node.NowMs))
            {
                reply(Outcome.Fail, null, r.CanServe ? "no lease" : "MOVED");
                return;
            }
            var read = node.Slot(slot).GetValueOrDefault(key);
            Wait(node, r, r.LogEnd, ok => reply(ok ? Outcome.Ok : Outcome.Fail, read, ok ? null : "deposed"));
        }
    }

    private void Wait(SimReplicaNode node, GroupReplica r, long seq, Action<bool> done)
    {
        if (r.Committed >= seq)
        {
            done(true);
            return;
        }
        _waiters.Add(new Waiter(node, r.Epoch, seq, done));
    }

    // ---- invariants ----

    public void OnCommitAdvanced(SimReplicaNode node, GroupReplica r, long seq)
    {
        _checkedThrough.TryGetValue(node.Me, out var from);
        for (var s = from + 1; s <= seq; s++)
        {
            var e = r.EntryAt(s);
            if (e is null) continue;
            if (_committed.TryGetValue(s, out var known))
            {
                if (known.Slot != e.Slot || !known.Effects.AsSpan().SequenceEqual(e.Effects))
                    Fail($"{node.Me} committed {Describe(e)} at {s} where another copy committed {Describe(known)}");
            }
            else _committed[s] = e;
        }
        _checkedThrough[node.Me] = Math.Max(from, seq);
        if (r.Role != ReplicaRole.Primary) return;
        foreach (var w in _waiters.ToList())
        {
            if (w.Node != node || w.Seq > seq) continue;
            _waiters.Remove(w);
            w.Done(w.Epoch == r.Epoch);
        }
    }

    public void OnStateChanged(SimReplicaNode node, GroupReplica r)
    {
        Trace($"{r}");
        if (r.CanServe)
        {
            if (_primaryOfEpoch.TryGetValue(r.Epoch, out var other) && other != node.Me)
                Fail($"two primaries in epoch {r.Epoch}: {other} and {node.Me}");
            _primaryOfEpoch[r.Epoch] = node.Me;
            var delay = Chaos ? World.Between(1, 40) : 1;
            var epoch = r.Epoch;
            if (!(Chaos && World.Chance(Options.DropRate))) World.After(delay, () => Coordinator.Confirm(epoch));
        }
        // Commands waiting on a copy that is no longer the primary of their epoch end with an unknown outcome.
        foreach (var w in _waiters.ToList())
        {
            if (w.Node != node || (r.CanServe && r.Epoch == w.Epoch)) continue;
            _waiters.Remove(w);
            w.Done(false);
        }
    }

    private static string Describe(LogEntry e) => $"[{e.Seq} slot {e.Slot} {System.Text.Encoding.UTF8.GetString(e.Effects)}]";

    private void Fail(string message) =>
        throw new ReplicationSimFailure($"seed {Options.Seed} at {World.Now} ms: {message}\n--- recent trace ---\n{RecentTrace}");

    private void CheckEnd()
    {
        var c = Coordinator.Issued!;
        var primary = NodeByReplica(c.Primary);
        if (primary is null || !primary.Replica(Group).CanServe || primary.Replica(Group).Epoch != c.Epoch)
            Fail($"no established primary after healing: issued {c}; {string.Join("; ", _nodes.Select(n => n.Replica(Group).ToString()))}");
        var p = primary!.Replica(Group);
        foreach (var m in c.Members)
        {
            var node = NodeByReplica(m)!;
            var r = node.Replica(Group);
            if (r.Epoch != c.Epoch || r.Committed != p.Committed || r.Applied != p.Committed)
                Fail($"member {r} has not caught up with primary {p}");
            foreach (var slot in SlotsOf(Group))
            {
                var mine = string.Join(",", node.Slot(slot).OrderBy(kv => kv.Key).Select(kv => kv.Key + "=" + kv.Value));
                var theirs = string.Join(",", primary.Slot(slot).OrderBy(kv => kv.Key).Select(kv => kv.Key + "=" + kv.Value));
                if (mine != theirs) Fail($"slot {slot}: member {m} holds {mine}, primary {c.Primary} holds {theirs}");
            }
        }
        foreach (var op in _ops.Where(o => o.Process >= 100))
            if (op.Outcome != Outcome.Ok) Fail($"final read of {op.Key} failed after healing: {op.Error}");
        var report = LinearizabilityChecker.Check(new History(_ops));
        foreach (var key in report.Keys)
            if (key.Verdict != CheckVerdict.Valid) Fail($"history of {key.Key} is {key.Verdict}:\n{key.Excerpt}");
    }
}
