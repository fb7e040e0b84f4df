using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Tests.Cluster.Map;

namespace QuorumCache.Tests.Cluster.Rebalancing;

/// <summary>Applies plans as the coordinator does and checks the balancing properties independently of the policy.</summary>
internal static class PlanKit
{
    /// <summary>AssignSlots for unowned slots, then one BeginMigration + CompleteMigration per (from, to) batch.</summary>
    public static ClusterMap ApplyPlan(MapKit kit, List<SlotMove> plan)
    {
        var assign = plan.Where(p => p.From is null).Select(p => p.Slot).ToList();
        foreach (var group in plan.Where(p => p.From is null).GroupBy(p => p.To))
            kit.Assign(group.Select(p => p.Slot), group.Key);
        foreach (var group in plan.Where(p => p.From is not null).GroupBy(p => (p.From!, p.To)))
            kit.Move(group.Select(p => p.Slot), group.Key.Item1, group.Key.To);
        return kit.Map;
    }

    /// <summary>Completes every hand-off in flight (the map the plan was made for, once they land).</summary>
    public static void CompleteInFlight(MapKit kit)
    {
        foreach (var group in kit.Map.Migrations.Values.GroupBy(m => (m.Source, m.Target)).ToList())
            kit.Complete(group.Select(m => m.Slot), group.Key.Source, group.Key.Target);
    }

    public static int FailedOwned(ClusterMap map) =>
        map.Members.Values.Where(m => m.State == MemberState.Failed).Sum(m => map.SlotsOf(m.Id).Count);

    /// <summary>The fewest data moves that balance the map, computed from scratch: Leaving members give all,
    /// Up members give what exceeds an even share, the odd slots going to the largest holders.</summary>
    public static int MinimumMoves(ClusterMap map, bool countInFlight = false)
    {
        var counts = map.SlotCounts();
        if (countInFlight)
            foreach (var m in map.Migrations.Values)
            {
                counts[m.Source]--;
                counts[m.Target]++;
            }
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).Select(m => counts[m.Id]).OrderDescending().ToList();
        if (up.Count == 0) return 0;
        var owned = HashSlot.Count - FailedOwned(map);
        var share = owned / up.Count;
        var extra = owned % up.Count;
        var moves = map.Members.Values.Where(m => m.State == MemberState.Leaving).Sum(m => counts[m.Id]);
        for (var i = 0; i < up.Count; i++) moves += Math.Max(0, up[i] - (share + (i < extra ? 1 : 0)));
        return moves;
    }

    public static int Unowned(ClusterMap map)
    {
        var n = 0;
        for (var s = 0; s < HashSlot.Count; s++)
            if (map[s] is not { } g || !map.Members.ContainsKey(g.Primary)) n++;
        return n;
    }

    /// <summary>Every Up member within one slot of even over the slots not owned by Failed members; Leaving members own nothing;
    /// every slot owned by a member.</summary>
    public static void AssertBalanced(ClusterMap map, string context)
    {
        var counts = map.SlotCounts();
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).ToList();
        Assert.True(Unowned(map) == 0, $"{context}: {Unowned(map)} slots unowned");
        foreach (var m in map.Members.Values.Where(m => m.State == MemberState.Leaving))
            Assert.True(counts[m.Id] == 0 || up.Count == 0, $"{context}: leaving {m.Id[^4..]} still owns {counts[m.Id]}");
        if (up.Count == 0) return;
        var owned = HashSlot.Count - FailedOwned(map);
        var share = owned / up.Count;
        foreach (var m in up)
            Assert.True(counts[m.Id] == share || counts[m.Id] == share + 1,
                $"{context}: {m.Id[^4..]} owns {counts[m.Id]}, even is {share}..{share + 1} ({string.Join(",", up.Select(u => counts[u.Id]))})");
    }

    public static void AssertNoSlotTwice(List<SlotMove> plan, string context)
    {
        var seen = new HashSet<int>();
        foreach (var m in plan)
            Assert.True(seen.Add(m.Slot), $"{context}: slot {m.Slot} planned twice");
    }
}
