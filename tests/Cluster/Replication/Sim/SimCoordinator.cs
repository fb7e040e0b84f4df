using System.Collections.Immutable;
using QuorumCache.Cluster.Replication;

namespace QuorumCache.Tests.Cluster.Replication.Sim;

/// <summary>
/// The cluster's coordinator as the replication protocol sees it (in the product: the map's coordinator fed by
/// Akka's failure detector). It is not trusted for safety: it notices failures late, suspects live primaries at
/// random, and its orders reach candidates late or never. It follows the two rules the protocol relies on:
/// epochs are never reused, and the member set changes (joint: the candidate seals a majority of the old and the
/// new members) only when the last epoch it issued was confirmed established.
/// </summary>
internal sealed class SimCoordinator(ReplicationSim sim, int group)
{
    private readonly Dictionary<string, long> _downSince = new();
    private long _epochs;

    public GroupConfig? Issued { get; private set; }
    public bool Confirmed { get; private set; }
    private long _issuedAt;
    public int Failovers { get; private set; }
    public int MemberChanges { get; private set; }

    public void Start(IReadOnlyList<string> members) =>
        Issue(new GroupConfig(++_epochs, members[0], [.. members], [.. members]));

    /// <summary>A primary reports its epoch established (the message may come late or never).</summary>
    public void Confirm(long epoch)
    {
        if (Issued is not null && epoch == Issued.Epoch) Confirmed = true;
    }

    /// <summary>Takes the primary for failed now (a false or very fast suspicion).</summary>
    public void SuspectPrimary() => _suspectNow = true;

    private bool _suspectNow;

    /// <summary>The coordinator's loop step (every 50 ms).</summary>
    public void Step()
    {
        var now = sim.World.Now;
        foreach (var n in sim.Nodes)
        {
            var down = n.Crashed || n.Paused || sim.Network.IsIsolated(n.Name, sim.NodeNames);
            if (down) _downSince.TryAdd(n.Me, now);
            else _downSince.Remove(n.Me);
        }
        var c = Issued!;
        var o = sim.Options;
        bool Suspected(string replica, long forMs) =>
            sim.NodeByReplica(replica) is not { Crashed: false } || (_downSince.TryGetValue(replica, out var t) && now - t >= forMs);

        var falseAlarm = sim.Chaos && (sim.World.Chance(o.FalseSuspicionRate) || _suspectNow);
        _suspectNow = false;
        if (Suspected(c.Primary, sim.DetectMs) || (!Confirmed && now - _issuedAt > o.EpochTimeoutMs) || falseAlarm)
        {
            var candidates = c.Members.Where(m => m != c.Primary && !Suspected(m, 0)).ToList();
            if (candidates.Count == 0) candidates = c.Members.Where(m => !Suspected(m, 0)).ToList();
            if (candidates.Count == 0) return;
            Failovers++;
            Issue(c with { Epoch = NextEpoch(), Primary = candidates[sim.World.Rng.Next(candidates.Count)], PreviousMembers = c.Members });
            return;
        }
        if (!Confirmed) return;
        // Replace a member whose process is gone, or long unreachable, by a live node that holds no copy.
        var dead = c.Members.FirstOrDefault(m => Suspected(m, o.ReplaceAfterMs));
        if (dead is null) return;
        var used = c.Members.Select(m => sim.NodeByReplica(m)?.Name).ToHashSet();
        var spare = sim.Nodes.Where(n => !n.Crashed && !used.Contains(n.Name) && !_downSince.ContainsKey(n.Me)).Select(n => n.Me).ToList();
        if (spare.Count == 0) return;
        var members = c.Members.Remove(dead).Add(spare[sim.World.Rng.Next(spare.Count)]);
        var primary = c.Primary == dead ? members[0] : c.Primary;
        MemberChanges++;
        Issue(new GroupConfig(NextEpoch(), primary, members, c.Members));
    }

    private long NextEpoch() => ++_epochs;

    private void Issue(GroupConfig config)
    {
        Issued = config;
        Confirmed = false;
        _issuedAt = sim.World.Now;
        sim.Trace($"coordinator issues {config}");
        var node = sim.NodeByReplica(config.Primary);
        if (node is null) return;
        var delay = sim.Chaos ? sim.World.Between(1, 30) : 1;
        if (sim.Chaos && sim.World.Chance(sim.Options.DropRate)) return;
        sim.World.After(delay, () => node.Run(() => node.Replica(group).BeginEpoch(config)));
    }
}
