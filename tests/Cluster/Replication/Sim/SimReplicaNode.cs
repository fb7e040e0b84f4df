using System.Text;
using QuorumCache.Cluster.Replication;

namespace QuorumCache.Tests.Cluster.Replication.Sim;

/// <summary>
/// One node process in the replication simulation: the real <see cref="GroupReplica"/> of each group, on a keyspace
/// of plain dictionaries (one per slot; an effect is <c>key=value</c>). A crash loses everything (no persistence): the
/// node comes back as a new process with a new replica id. A pause (SIGSTOP) stops its clock-driven work and defers
/// what it receives until it resumes.
/// </summary>
internal sealed class SimReplicaNode : IReplicaEnvironment, IReplicaHost
{
    private readonly ReplicationSim _sim;
    private readonly Dictionary<int, GroupReplica> _groups = new();
    private readonly List<Action> _deferred = new();

    public SimReplicaNode(ReplicationSim sim, string name, int run)
    {
        _sim = sim;
        Name = name;
        Me = $"{name}/{run}";
    }

    public string Name { get; }
    public string Me { get; }
    public bool Crashed { get; set; }
    public bool Paused { get; private set; }
    public long NowMs => _sim.World.Now;

    /// <summary>Keyspace: slot → key → value.</summary>
    public Dictionary<int, Dictionary<string, string>> Slots { get; } = new();

    public IEnumerable<GroupReplica> Replicas => _groups.Values;

    public GroupReplica Replica(int group)
    {
        if (!_groups.TryGetValue(group, out var r))
        {
            _groups[group] = r = new GroupReplica(group, this, this, _sim.Options.Replication);
            r.CommitAdvanced += (g, seq) => _sim.OnCommitAdvanced(this, g, seq);
            r.StateChanged += g => _sim.OnStateChanged(this, g);
        }
        return r;
    }

    /// <summary>Runs <paramref name="work"/> now, or when the node resumes; never on a crashed node.</summary>
    public void Run(Action work)
    {
        if (Crashed) return;
        if (Paused) _deferred.Add(work);
        else work();
    }

    public void Pause() => Paused = true;

    public void Resume()
    {
        Paused = false;
        var work = _deferred.ToArray();
        _deferred.Clear();
        foreach (var w in work) Run(w);
    }

    public void Tick()
    {
        foreach (var r in _groups.Values) r.Tick();
    }

    // ---- IReplicaEnvironment ----

    public void Send(string replicaId, ReplicationMessage message) => _sim.Network.Send(this, replicaId, message);

    public void Post(Action work) => _sim.World.After(0, () => Run(work));

    // ---- IReplicaHost ----

    public void Apply(LogEntry entry)
    {
        var (key, value) = Decode(entry.Effects);
        Slot(entry.Slot)[key] = value;
    }

    public SlotImage[] Snapshot(int group, Func<long> logEnd)
    {
        var images = new List<SlotImage>();
        foreach (var slot in _sim.SlotsOf(group))
        {
            var text = string.Join("\n", Slot(slot).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
            images.Add(new SlotImage(slot, logEnd(), Encoding.UTF8.GetBytes(text)));
        }
        return [.. images];
    }

    public void Clear(int group)
    {
        foreach (var slot in _sim.SlotsOf(group)) Slot(slot).Clear();
    }

    public void Load(SlotImage image)
    {
        var dict = Slot(image.Slot);
        dict.Clear();
        var text = Encoding.UTF8.GetString(image.Data);
        if (text.Length == 0) return;
        foreach (var line in text.Split('\n'))
        {
            var (k, v) = Decode(Encoding.UTF8.GetBytes(line));
            dict[k] = v;
        }
    }

    public Dictionary<string, string> Slot(int slot)
    {
        if (!Slots.TryGetValue(slot, out var d)) Slots[slot] = d = new Dictionary<string, string>(StringComparer.Ordinal);
        return d;
    }

    public static byte[] Encode(string key, string value) => Encoding.UTF8.GetBytes(key + "=" + value);

    public static (string, string) Decode(byte[] effects)
    {
        var s = Encoding.UTF8.GetString(effects);
        var i = s.IndexOf('=');
        return (s[..i], s[(i + 1)..]);
    }

    public override string ToString() => Me + (Crashed ? " (crashed)" : Paused ? " (paused)" : "");
}
