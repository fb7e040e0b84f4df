using QuorumCache.Cluster.Raft;

namespace QuorumCache.Tests.Cluster.Raft.Sim;

/// <summary>
/// Deterministic Raft cluster in virtual time: an in-memory network (a priority queue of deliveries)
/// with seeded drops, delays (hence reordering), duplicates, directed link cuts, and crash-restart
/// (the node is rebuilt from its storage; volatile state and state machine are lost). Every message
/// goes through Serialize/Deserialize. Invariants are checked after every event.
/// </summary>
public sealed class SimCluster
{
    public sealed class SimNode
    {
        public required string Id { get; init; }
        /// <summary>Gives the storage for a new incarnation (the same object for memory storage; a fresh reader of the same directory for files).</summary>
        public required Func<IRaftStorage> StorageFactory { get; init; }
        public IRaftStorage Storage { get; set; } = null!;
        public RaftNode Raft { get; set; } = null!;
        public TestStateMachine Sm { get; set; } = null!;
        public bool Up { get; set; } = true;
        public long Incarnation { get; set; }
    }

    private sealed class Outbox(SimCluster c, SimNode n) : IRaftOutbox
    {
        public void Send(string to, RaftMessage m) => c.Enqueue(n, to, m);
    }

    private readonly record struct Delivery(string From, string To, byte[] Bytes, long SenderIncarnation);

    public readonly Random Rng;
    public RaftOptions Options { get; }
    public long Now { get; private set; }
    public int TickMs { get; set; } = 5;
    public double DropRate { get; set; }
    public double DuplicateRate { get; set; }
    public int MinDelayMs { get; set; } = 1;
    public int MaxDelayMs { get; set; } = 10;
    public long MessagesDelivered { get; private set; }
    public SimInvariants Check { get; }

    public readonly SortedDictionary<string, SimNode> Nodes = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _blocked = new();
    private readonly PriorityQueue<Delivery, (long, long)> _queue = new();
    private long _seq;
    private long _nextTick;

    public SimCluster(int seed, RaftOptions options)
    {
        Rng = new Random(seed);
        Options = options;
        Check = new SimInvariants(this);
    }

    public static RaftOptions FastOptions(int snapshotThreshold = 1000, int maxEntries = 16) => new()
    {
        ElectionTimeoutMinMs = 150, ElectionTimeoutMaxMs = 300, HeartbeatIntervalMs = 30,
        MaxEntriesPerMessage = maxEntries, SnapshotThresholdEntries = snapshotThreshold,
    };

    public SimNode AddNode(string id, IEnumerable<string>? bootstrapVoters = null, Func<IRaftStorage>? storageFactory = null)
    {
        if (storageFactory == null)
        {
            var mem = new MemoryRaftStorage();
            storageFactory = () => mem;
        }
        var n = new SimNode { Id = id, StorageFactory = storageFactory };
        Nodes[id] = n;
        Build(n);
        if (bootstrapVoters != null) n.Raft.Bootstrap(bootstrapVoters);
        return n;
    }

    /// <summary>A fresh cluster whose members all bootstrap with the same voters.</summary>
    public void AddVoters(params string[] ids)
    {
        foreach (var id in ids) AddNode(id, ids);
    }

    private void Build(SimNode n)
    {
        n.Incarnation++;
        (n.Storage as IDisposable)?.Dispose();
        n.Storage = n.StorageFactory();
        n.Sm = new TestStateMachine(n.Id, Check.OnApply);
        // Each incarnation gets its own deterministic random stream.
        n.Raft = new RaftNode(Options, n.Storage, n.Sm, new Random(Rng.Next()), n.Id, new Outbox(this, n));
        Check.OnRestart(n);
    }

    public void Crash(string id) => Nodes[id].Up = false;

    public void Restart(string id)
    {
        var n = Nodes[id];
        Build(n);
        n.Up = true;
    }

    public void Block(string from, string to) => _blocked.Add((from, to));
    public void Unblock(string from, string to) => _blocked.Remove((from, to));

    /// <summary>Cut every link between <paramref name="group"/> and the other nodes, both ways.</summary>
    public void Isolate(IEnumerable<string> group)
    {
        var set = new HashSet<string>(group);
        foreach (var a in Nodes.Keys)
        foreach (var b in Nodes.Keys)
            if (set.Contains(a) != set.Contains(b)) _blocked.Add((a, b));
    }

    public void HealNetwork() => _blocked.Clear();

    public bool CanReach(string from, string to) => !_blocked.Contains((from, to));

    private void Enqueue(SimNode from, string to, RaftMessage m)
    {
        if (m.From != from.Id || m.To != to) throw new InvalidOperationException($"Misaddressed message {m}.");
        if (!CanReach(from.Id, to) || Rng.NextDouble() < DropRate) return;
        var bytes = m.Serialize();
        var copies = Rng.NextDouble() < DuplicateRate ? 2 : 1;
        for (var i = 0; i < copies; i++)
            _queue.Enqueue(new Delivery(from.Id, to, bytes, from.Incarnation), (Now + Rng.Next(MinDelayMs, MaxDelayMs + 1), _seq++));
    }

    /// <summary>Advance virtual time by <paramref name="ms"/>, delivering messages and ticking nodes in time order.</summary>
    public void RunFor(long ms) => RunUntil(() => false, ms);

    /// <summary>Run until <paramref name="done"/> holds (checked after every event) or <paramref name="maxMs"/> passes.</summary>
    public bool RunUntil(Func<bool> done, long maxMs)
    {
        var end = Now + maxMs;
        while (true)
        {
            if (done()) return true;
            var nextDelivery = _queue.TryPeek(out _, out var pri) ? pri.Item1 : long.MaxValue;
            var next = Math.Min(nextDelivery, _nextTick);
            if (next > end)
            {
                Now = end;
                return done();
            }
            Now = Math.Max(Now, next);
            if (nextDelivery <= _nextTick)
            {
                var d = _queue.Dequeue();
                Deliver(d);
            }
            else
            {
                _nextTick = Now + TickMs;
                foreach (var n in Nodes.Values)
                {
                    if (!n.Up) continue;
                    n.Raft.Tick(Now);
                    Check.AfterEvent(n);
                }
            }
        }
    }

    private void Deliver(Delivery d)
    {
        var n = Nodes[d.To];
        if (!n.Up || !CanReach(d.From, d.To)) return;
        var m = RaftMessage.Deserialize(d.Bytes);
        MessagesDelivered++;
        n.Raft.Receive(m, Now);
        Check.AfterEvent(n);
    }

    /// <summary>The up leader with the highest term, if any.</summary>
    public SimNode? Leader()
    {
        SimNode? best = null;
        foreach (var n in Nodes.Values)
            if (n.Up && n.Raft.Role == RaftRole.Leader && (best == null || n.Raft.CurrentTerm > best.Raft.CurrentTerm)) best = n;
        return best;
    }

    /// <summary>Propose at the leader (if any) and remember the proposal for the durability checks.</summary>
    public ProposeResult ProposeAtLeader(byte[] cmd)
    {
        var l = Leader();
        return l == null ? new ProposeResult(ProposeStatus.NotLeader, 0, 0, null) : Propose(l.Id, cmd);
    }

    public ProposeResult Propose(string id, byte[] cmd)
    {
        var n = Nodes[id];
        if (!n.Up) return new ProposeResult(ProposeStatus.NotLeader, 0, 0, null);
        var r = n.Raft.Propose(cmd, Now);
        if (r.IsAccepted) Check.OnProposed(r.Index, r.Term, cmd);
        Check.AfterEvent(n);
        return r;
    }

    public ProposeResult ProposeConfigChange(string id, ConfigChange change)
    {
        var n = Nodes[id];
        var r = n.Raft.ProposeConfigChange(change, Now);
        Check.AfterEvent(n);
        return r;
    }

    /// <summary>Wait until a leader exists, propose <paramref name="cmd"/> there and wait until every up node in the configuration applied it.</summary>
    public bool CommitEverywhere(byte[] cmd, long maxMs)
    {
        var end = Now + maxMs;
        while (Now < end)
        {
            if (!RunUntil(() => Leader() != null, end - Now)) return false;
            var members = Leader()!.Raft.Configuration;
            var r = ProposeAtLeader(cmd);
            if (!r.IsAccepted) continue;
            var ok = RunUntil(() =>
            {
                foreach (var n in Nodes.Values)
                {
                    if (!n.Up || !members.Contains(n.Id)) continue;
                    if (!n.Sm.Contains(r.Index, cmd)) return false;
                }
                return true;
            }, Math.Min(end - Now, 3000));
            if (ok) return true;
        }
        return false;
    }
}

