using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Tests.Cluster.Map;

/// <summary>Builds maps by applying commands through the real state machine, as the Raft log would.</summary>
internal sealed class MapKit
{
    public ClusterMap Map { get; private set; } = ClusterMap.Empty;
    private long _index;

    public static string Id(int i) => i.ToString("x40");

    public static Member MemberOf(string id, MemberState state = MemberState.Up, int port = 7000) =>
        new(id, "10.0.0." + (id.GetHashCode() & 0x7f), port, port + 10000, port + 20000, state);

    public ClusterMap Apply(ClusterCommand cmd) => Map = ClusterMapStateMachine.Apply(Map, ++_index, cmd);

    public static MapKit Bootstrapped(string first, string clusterId = "cluster-1")
    {
        var kit = new MapKit();
        kit.Apply(new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = clusterId, Member = MemberOf(first) });
        return kit;
    }

    public ClusterMap Add(string id) => Apply(new ClusterCommand { Op = ClusterOp.AddMember, Member = MemberOf(id) });

    public ClusterMap Remove(string id) => Apply(new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = id });

    public ClusterMap SetState(string id, MemberState state) =>
        Apply(new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = id, State = state });

    public ClusterMap Assign(IEnumerable<int> slots, string primary) =>
        Apply(new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = slots.Select(s => (s, primary)).ToList() });

    public ClusterMap Begin(IEnumerable<int> slots, string from, string to, long timeMs = 1) =>
        Apply(new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = slots.Select(s => (s, from)).ToList(), Source = from, Target = to, TimeMs = timeMs });

    /// <summary>CompleteHandOff; <paramref name="attempt"/> is the BeginHandOff time it is for (0 = any).</summary>
    public ClusterMap Complete(IEnumerable<int> slots, string from, string to, long attempt = 0) =>
        Apply(new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = slots.Select(s => (s, to)).ToList(), Source = from, Target = to, TimeMs = attempt });

    public ClusterMap Abort(IEnumerable<int> slots, string from, string to, long attempt = 0) =>
        Apply(new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = slots.Select(s => (s, from)).ToList(), Source = from, Target = to, TimeMs = attempt });

    /// <summary>Moves slots as the coordinator and hand-off do: BeginHandOff, then CompleteHandOff.</summary>
    public ClusterMap Move(IEnumerable<int> slots, string from, string to)
    {
        var list = slots.ToList();
        Begin(list, from, to);
        return Complete(list, from, to);
    }

    /// <summary>Field-by-field equality of two maps (ClusterMap has reference equality).</summary>
    public static void AssertSameMap(ClusterMap expected, ClusterMap actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.ClusterId, actual.ClusterId);
        Assert.Equal(expected.CurrentEpoch, actual.CurrentEpoch);
        Assert.Equal(expected.Members.Values.ToList(), actual.Members.Values.ToList());
        Assert.Equal(expected.HandOffs.Values.ToList(), actual.HandOffs.Values.ToList());
        for (var s = 0; s < HashSlot.Count; s++)
        {
            var e = expected[s];
            var a = actual[s];
            var same = e is null || a is null
                ? e is null && a is null
                : e.Primary == a.Primary && e.Epoch == a.Epoch && e.Replicas.SequenceEqual(a.Replicas);
            if (!same) Assert.Fail($"slot {s}: {e} vs {a}");
        }
    }
}
