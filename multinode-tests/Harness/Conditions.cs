using QuorumCache.Cluster.Slots;

namespace QuorumCache.MultiNode.Harness;

/// <summary>Probes for barriers: each looks once and says what it saw.</summary>
public static class Conditions
{
    /// <summary>Every observer lists exactly <paramref name="members"/> members in CLUSTER NODES.</summary>
    public static Func<CancellationToken, Task<Observation>> AllSeeMembers(IEnumerable<NodeProcess> observers, int members) => async _ =>
    {
        foreach (var o in observers)
        {
            var lines = await TestCluster.NodesSeenByAsync(o).ConfigureAwait(false);
            if (lines.Count != members) return Observation.No($"{o.Name} sees {lines.Count} members");
        }
        return Observation.Yes();
    };

    /// <summary>Every observer flags <paramref name="target"/> as <c>fail</c> (or, with false, not fail / not fail?).</summary>
    public static Func<CancellationToken, Task<Observation>> FlaggedFailed(IEnumerable<NodeProcess> observers, NodeProcess target, bool failed = true) => async _ =>
    {
        foreach (var o in observers)
        {
            var line = (await TestCluster.NodesSeenByAsync(o).ConfigureAwait(false)).FirstOrDefault(l => l.Id == target.NodeId);
            if (line is null) return Observation.No($"{o.Name} does not list {target.Name}");
            bool isFailed = line.IsFailed;
            bool clear = !line.IsFailed && !line.IsSuspected;
            if (failed ? !isFailed : !clear)
                return Observation.No($"{o.Name} flags {target.Name} as {string.Join(',', line.Flags)}");
        }
        return Observation.Yes();
    };

    /// <summary>A key (among <paramref name="candidates"/>) whose slot <paramref name="owner"/> owns in <paramref name="observer"/>'s map.</summary>
    public static async Task<string> KeyOwnedByAsync(NodeProcess owner, NodeProcess observer, string prefix)
    {
        var lines = await TestCluster.NodesSeenByAsync(observer).ConfigureAwait(false);
        var line = lines.First(l => l.Id == owner.NodeId);
        for (int i = 0; i < 100_000; i++)
        {
            var key = $"{prefix}:{i}";
            if (line.OwnsSlot(HashSlot.Of(key))) return key;
        }
        throw new InvalidOperationException($"no key found for {owner.Name}'s slots");
    }
}
