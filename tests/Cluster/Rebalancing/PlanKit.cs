using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Tests.Cluster.Map;

namespace QuorumCache.Tests.Cluster.Rebalancing;

/// <summary>Applies plans as the coordinator does and checks the balancing properties independently of the policy.</summary>
internal static class PlanKit
{
    /// <summary>AssignSlots for unowned slots, then one BeginHandOff + CompleteHandOff per (from, to) batch.</summary>
    public static ClusterMap ApplyPlan(MapKit kit, List<SlotMove> plan)
    {
        foreach (var group in plan.Where(p => p.From is null).GroupBy(p => p.To))
            kit.Assign(group.Select(p => p.Slot), group.Key);
        foreach (var group in plan.Where(p => p.From is not null).GroupBy(p => (p.From!, p.To)))
            kit.Move(group.Select(p => p.Slot), group.Key.Item1, group.Key.To);
        return kit.Map;
    }

    /// <summary>Completes every hand-off in flight (the map the plan was made for, once they land).</summary>
    public static void CompleteInFlight(MapKit kit)
    {
        foreach (var group in kit.Map.HandOffs.Values.GroupBy(m => (m.Source, m.Target)).ToList())
            kit.Complete(group.Select(m => m.Slot), group.Key.Source, group.Key.Target);
    }

    /// <summary>Group counts per member, by where each group lives once the hand-offs in flight land (its home).</summary>
    public static Dictionary<string, int> GroupCounts(ClusterMap map)
    {
        var counts = map.Members.Keys.ToDictionary(k => k, _ => 0);
        for (var g = 0; g < SlotGroup.Count; g++)
            if (map.GroupHome(g) is { } h) counts[h]++;
        return counts;
    }

    public static int FailedGroups(ClusterMap map)
    {
        var counts = GroupCounts(map);
        return map.Members.Values.Where(m => m.State == MemberState.Failed).Sum(m => counts[m.Id]);
    }

    /// <summary>The fewest group moves that balance the map, computed from scratch: Leaving members give all,
    /// Up members give what exceeds an even share, the odd groups going to the largest holders.</summary>
    public static int MinimumGroupMoves(ClusterMap map)
    {
        var counts = GroupCounts(map);
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).Select(m => counts[m.Id]).OrderDescending().ToList();
        if (up.Count == 0) return 0;
        var owned = SlotGroup.Count - FailedGroups(map);
        var share = owned / up.Count;
        var extra = owned % up.Count;
        var moves = map.Members.Values.Where(m => m.State == MemberState.Leaving).Sum(m => counts[m.Id]);
        for (var i = 0; i < up.Count; i++) moves += Math.Max(0, up[i] - (share + (i < extra ? 1 : 0)));
        return moves;
    }

    /// <summary>Groups the plan sends away from their home (not counting assignments or the repair of stray slots).</summary>
    public static int GroupsMoved(ClusterMap map, List<SlotMove> plan) =>
        plan.Where(m => m.From is not null && map.GroupHome(SlotGroup.Of(m.Slot)) is { } home && m.To != home)
            .Select(m => SlotGroup.Of(m.Slot)).Distinct().Count();

    public static int Unowned(ClusterMap map)
    {
        var n = 0;
        for (var s = 0; s < HashSlot.Count; s++)
            if (map[s] is not { } g || !map.Members.ContainsKey(g.Primary)) n++;
        return n;
    }

    /// <summary>Every slot owned by a member; every group whole (but for slots a Failed member keeps); every Up member
    /// within one group of even over the groups not homed at Failed members; Leaving members own nothing.</summary>
    public static void AssertBalanced(ClusterMap map, string context)
    {
        Assert.True(Unowned(map) == 0, $"{context}: {Unowned(map)} slots unowned");
        for (var g = 0; g < SlotGroup.Count; g++)
        {
            var home = map.GroupHome(g);
            foreach (var s in SlotGroup.Slots(g))
            {
                var owner = map.PrimaryOf(s)!;
                Assert.True(owner == home || map.Members[owner].State == MemberState.Failed || map.Members[home!].State == MemberState.Failed,
                    $"{context}: slot {s} of group {g} is {owner[^4..]}'s, the group's home is {home?[^4..]}");
            }
        }
        var counts = GroupCounts(map);
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).ToList();
        foreach (var m in map.Members.Values.Where(m => m.State == MemberState.Leaving))
            Assert.True(map.SlotsOf(m.Id).Count == 0 || up.Count == 0, $"{context}: leaving {m.Id[^4..]} still owns {map.SlotsOf(m.Id).Count} slots");
        if (up.Count == 0) return;
        var owned = SlotGroup.Count - FailedGroups(map);
        var share = owned / up.Count;
        foreach (var m in up)
            Assert.True(counts[m.Id] == share || counts[m.Id] == share + 1,
                $"{context}: {m.Id[^4..]} holds {counts[m.Id]} groups, even is {share}..{share + 1} ({string.Join(",", up.Select(u => counts[u.Id]))})");
    }

    public static void AssertNoSlotTwice(List<SlotMove> plan, string context)
    {
        var seen = new HashSet<int>();
        foreach (var m in plan)
            Assert.True(seen.Add(m.Slot), $"{context}: slot {m.Slot} planned twice");
    }
}
