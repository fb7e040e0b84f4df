using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Tests.Cluster.Map;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Cluster.Rebalancing.PlanKit;

namespace QuorumCache.Tests.Cluster.Rebalancing;

public class RebalancerTests
{
    /// <summary>Plans, checks the plan's shape against the map, applies it, checks the result and that re-planning is a no-op.</summary>
    private static List<SlotMove> PlanApplyCheck(MapKit kit, string context)
    {
        var map = kit.Map;
        var plan = Rebalancer.Plan(map);
        AssertNoSlotTwice(plan, context);
        foreach (var m in plan)
        {
            Assert.False(map.HandOffs.ContainsKey(m.Slot), $"{context}: slot {m.Slot} is already in a hand-off");
            Assert.Equal(MemberState.Up, map.Members[m.To].State);
            if (m.From is null)
                Assert.True(map[m.Slot] is not { } g || !map.Members.ContainsKey(g.Primary), $"{context}: slot {m.Slot} assigned but owned");
            else
            {
                Assert.Equal(m.From, map.PrimaryOf(m.Slot));
                Assert.NotEqual(MemberState.Failed, map.Members[m.From].State);
                Assert.NotEqual(m.From, m.To);
            }
        }
        var unowned = Unowned(map);
        var minimum = MinimumGroupMoves(map);
        var moved = GroupsMoved(map, plan);
        Assert.True(plan.Count(p => p.From is null) == unowned, $"{context}: {plan.Count(p => p.From is null)} assignments for {unowned} unowned slots");
        Assert.True(moved == minimum, $"{context}: {moved} groups moved, the minimum is {minimum}");
        foreach (var g in plan.GroupBy(m => SlotGroup.Of(m.Slot)))
            Assert.True(g.Select(m => m.To).Distinct().Count() == 1, $"{context}: group {g.Key} is split between receivers");
        var failedBefore = map.Members.Values.Where(m => m.State == MemberState.Failed).ToDictionary(m => m.Id, m => map.SlotsOf(m.Id));
        var after = ApplyPlan(kit, plan);
        AssertBalanced(after, context);
        foreach (var (id, slots) in failedBefore) Assert.Equal(slots, after.SlotsOf(id)); // a failed member keeps its slots
        Assert.Empty(Rebalancer.Plan(after)); // idempotent: a balanced map needs nothing
        return plan;
    }

    [Fact]
    public void Joins_one_to_ten_each_move_the_minimum_and_end_even()
    {
        var ids = Enumerable.Range(1, 10).Select(MapKit.Id).ToList();
        var kit = MapKit.Bootstrapped(ids[0]);
        Assert.Empty(Rebalancer.Plan(kit.Map));
        for (var n = 2; n <= 10; n++)
        {
            kit.Add(ids[n - 1]);
            var plan = PlanApplyCheck(kit, $"join {n}");
            // Everything moves to the newcomer, about 1/n of the groups, each whole.
            Assert.All(plan, m => Assert.Equal(ids[n - 1], m.To));
            Assert.Equal(0, plan.Count % SlotGroup.Size);
            Assert.InRange(plan.Count / SlotGroup.Size, SlotGroup.Count / n, SlotGroup.Count / n + 1);
        }
    }

    [Fact]
    public void Leaves_ten_down_to_one_drain_the_leaver_only()
    {
        var ids = Enumerable.Range(1, 10).Select(MapKit.Id).ToList();
        var kit = MapKit.Bootstrapped(ids[0]);
        foreach (var id in ids.Skip(1)) kit.Add(id);
        PlanApplyCheck(kit, "ten");
        for (var n = 10; n > 1; n--)
        {
            var leaver = kit.Map.Members.Keys.ElementAt(n / 2);
            var owned = kit.Map.SlotsOf(leaver).Count;
            kit.SetState(leaver, MemberState.Leaving);
            var plan = PlanApplyCheck(kit, $"leave at {n}");
            Assert.Equal(owned, plan.Count);
            Assert.All(plan, m => Assert.Equal(leaver, m.From));
            Assert.Empty(kit.Map.SlotsOf(leaver));
            kit.Remove(leaver);
            Assert.Equal(0, Unowned(kit.Map));
            Assert.Empty(Rebalancer.Plan(kit.Map));
        }
        Assert.Single(kit.Map.Members);
    }

    [Fact]
    public void A_failed_member_keeps_its_slots_and_the_rest_balance_around_it()
    {
        var ids = Enumerable.Range(1, 4).Select(MapKit.Id).ToList();
        var kit = MapKit.Bootstrapped(ids[0]);
        foreach (var id in ids.Skip(1)) kit.Add(id);
        PlanApplyCheck(kit, "four");
        kit.SetState(ids[1], MemberState.Failed);
        Assert.Empty(Rebalancer.Plan(kit.Map)); // the others are already even over the rest
        kit.Add(MapKit.Id(5));
        var plan = PlanApplyCheck(kit, "join while failed");
        Assert.DoesNotContain(plan, m => m.From == ids[1]);
        Assert.Equal(4096, kit.Map.SlotsOf(ids[1]).Count);
        kit.SetState(ids[1], MemberState.Up); // it recovers: now five share evenly
        PlanApplyCheck(kit, "recovered");
    }

    [Fact]
    public void Slots_left_unowned_by_RemoveMember_are_assigned_without_moving_data()
    {
        var ids = Enumerable.Range(1, 5).Select(MapKit.Id).ToList();
        var kit = MapKit.Bootstrapped(ids[0]);
        foreach (var id in ids.Skip(1)) kit.Add(id);
        PlanApplyCheck(kit, "five");
        var orphaned = kit.Map.SlotsOf(ids[2]);
        kit.Remove(ids[2]); // removed without draining (e.g. forgotten): its slots have no owner
        Assert.Equal(orphaned.Count, Unowned(kit.Map));
        var plan = PlanApplyCheck(kit, "orphans");
        Assert.All(plan, m => Assert.Null(m.From));
        Assert.Equal(orphaned, plan.Select(m => m.Slot).Order().ToList());
    }

    [Fact]
    public void A_group_split_between_owners_is_made_whole_at_its_home()
    {
        var a = MapKit.Id(1);
        var b = MapKit.Id(2);
        var kit = MapKit.Bootstrapped(a);
        kit.Add(b);
        PlanApplyCheck(kit, "two");
        // An old map (from before groups) split group 3: 40 slots stay with its owner, 24 went to the other.
        var owner = kit.Map.PrimaryOf(SlotGroup.FirstSlot(3))!;
        var other = owner == a ? b : a;
        var strays = SlotGroup.Slots(3).Skip(40).ToList();
        kit.Move(strays, owner, other);
        Assert.Equal(owner, kit.Map.GroupHome(3));
        var plan = Rebalancer.Plan(kit.Map);
        Assert.Equal(strays, plan.Select(m => m.Slot).Order().ToList());
        Assert.All(plan, m => Assert.Equal((other, owner), (m.From, m.To)));
        ApplyPlan(kit, plan);
        AssertBalanced(kit.Map, "healed");
    }

    [Fact]
    public void No_up_members_means_no_plan()
    {
        var kit = MapKit.Bootstrapped(MapKit.Id(1));
        kit.Add(MapKit.Id(2));
        kit.SetState(MapKit.Id(1), MemberState.Failed);
        kit.SetState(MapKit.Id(2), MemberState.Leaving);
        Assert.Empty(Rebalancer.Plan(kit.Map));
        Assert.Empty(Rebalancer.Plan(ClusterMap.Empty));
    }

    [Fact]
    public void Slots_in_a_hand_off_are_not_planned_again()
    {
        var a = MapKit.Id(1);
        var b = MapKit.Id(2);
        var kit = MapKit.Bootstrapped(a);
        kit.Add(b);
        kit.Begin(Enumerable.Range(16000, 384), a, b);
        var plan = Rebalancer.Plan(kit.Map);
        Assert.DoesNotContain(plan, m => m.Slot >= 16000);
    }

    /// <summary>
    /// The coordinator re-plans every 100 ms while hand-offs are in flight. The plan must count a group in a
    /// hand-off as its target's already, else it moves other groups for the same excess and overshoots (and
    /// then moves groups back).
    /// </summary>
    [Fact]
    public void Replanning_with_hand_offs_in_flight_does_not_overshoot()
    {
        var a = MapKit.Id(1);
        var b = MapKit.Id(2);
        var c = MapKit.Id(3);
        var kit = MapKit.Bootstrapped(a);
        kit.Add(b);
        var first = Rebalancer.Plan(kit.Map);
        kit.Begin(first.Take(128).Select(m => m.Slot), a, b); // the first batch is in flight
        var second = Rebalancer.Plan(kit.Map);
        Assert.Equal(first.Count - 128, second.Count);
        Assert.Equal(MinimumGroupMoves(kit.Map), GroupsMoved(kit.Map, second));
        kit.Add(c); // and a join while they are still in flight
        var third = Rebalancer.Plan(kit.Map);
        Assert.Equal(MinimumGroupMoves(kit.Map), GroupsMoved(kit.Map, third));
        foreach (var group in third.GroupBy(m => (m.From!, m.To)))
            kit.Begin(group.Select(m => m.Slot), group.Key.Item1, group.Key.To);
        CompleteInFlight(kit);
        AssertBalanced(kit.Map, "after in-flight and re-planned hand-offs");
    }

    [Fact]
    public Task Random_maps_plan_the_minimum_and_end_even() =>
        SeedRunner.RunAsync(Enumerable.Range(1, 30), seed =>
        {
            var rng = new Random(seed);
            var ctx = $"seed {seed}";
            var ids = Enumerable.Range(1, rng.Next(1, 13)).Select(i => MapKit.Id(i * 7919)).ToList();
            var kit = MapKit.Bootstrapped(ids[0]);
            foreach (var id in ids.Skip(1)) kit.Add(id);
            // Skewed ownership: random ranges moved between random members.
            for (var i = rng.Next(0, 25); i > 0; i--)
            {
                var start = rng.Next(HashSlot.Count);
                var len = Math.Min(rng.Next(1, 3000), HashSlot.Count - start);
                kit.Move(Enumerable.Range(start, len), ids[rng.Next(ids.Count)], ids[rng.Next(ids.Count)]);
            }
            foreach (var id in ids.Skip(1))
            {
                var roll = rng.Next(10);
                if (roll == 0) kit.SetState(id, MemberState.Leaving);
                else if (roll == 1) kit.SetState(id, MemberState.Failed);
                else if (roll == 2) kit.Remove(id);
            }
            if (kit.Map.Members.Values.All(m => m.State != MemberState.Up)) kit.Add(MapKit.Id(99));
            PlanApplyCheck(kit, ctx);
        });

    [Fact]
    public Task Random_joins_and_leaves_stay_even_after_each_step() =>
        SeedRunner.RunAsync(Enumerable.Range(1, 12), seed =>
        {
            var rng = new Random(seed);
            var next = 1;
            var kit = MapKit.Bootstrapped(MapKit.Id(next++));
            for (var step = 0; step < 15; step++)
            {
                var up = kit.Map.Members.Values.Where(m => m.State == MemberState.Up).Select(m => m.Id).ToList();
                if (up.Count > 1 && rng.Next(3) == 0)
                {
                    var leaver = up[rng.Next(up.Count)];
                    kit.SetState(leaver, MemberState.Leaving);
                    PlanApplyCheck(kit, $"seed {seed} step {step} leave");
                    kit.Remove(leaver);
                }
                else
                {
                    for (var j = rng.Next(1, 3); j > 0; j--) kit.Add(MapKit.Id(next++));
                    PlanApplyCheck(kit, $"seed {seed} step {step} join");
                }
            }
        });
}
