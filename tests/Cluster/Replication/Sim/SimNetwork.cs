using QuorumCache.Cluster.Replication;

namespace QuorumCache.Tests.Cluster.Replication.Sim;

/// <summary>
/// Messages between replicas: each one is delayed at random (so they reorder), may be dropped or duplicated, and is
/// lost across a cut link. A message to a process that no longer exists (crashed) is lost; one to a paused process
/// waits until it resumes.
/// </summary>
internal sealed class SimNetwork(ReplicationSim sim)
{
    private readonly HashSet<(string, string)> _cut = new();

    public long Sent { get; private set; }
    public long Dropped { get; private set; }

    public bool IsCut(string fromNode, string toNode) => _cut.Contains((fromNode, toNode));

    public void Cut(string a, string b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void HealAll() => _cut.Clear();

    /// <summary>Whether a node can reach at most a minority of the nodes (itself included).</summary>
    public bool IsIsolated(string node, IReadOnlyCollection<string> all) =>
        all.Count(other => other == node || !IsCut(node, other)) <= all.Count / 2;

    /// <summary>The delay of one message, or -1 if it is lost.</summary>
    public long Delay(string from, string to)
    {
        var o = sim.Options;
        if (from != to && IsCut(from, to)) return -1;
        if (sim.Chaos && sim.World.Chance(o.DropRate)) return -1;
        return sim.World.Between(0, sim.Chaos ? o.MaxDelayMs : 2);
    }

    public void Send(SimReplicaNode from, string toReplica, ReplicationMessage message)
    {
        Sent++;
        var to = sim.NodeByReplica(toReplica);
        if (to is null) return;
        var copies = sim.Chaos && sim.World.Chance(sim.Options.DuplicateRate) ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = Delay(from.Name, to.Name);
            if (delay < 0)
            {
                Dropped++;
                continue;
            }
            var sender = from.Me;
            sim.World.After(delay, () =>
            {
                if (IsCut(from.Name, to.Name)) return;
                to.Run(() => to.Replica(message.Group).Receive(sender, message));
            });
        }
    }
}
