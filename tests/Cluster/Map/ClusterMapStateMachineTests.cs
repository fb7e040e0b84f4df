using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Tests.Cluster.Map;

public class ClusterMapStateMachineTests
{
    private static readonly string A = MapKit.Id(0xa);
    private static readonly string B = MapKit.Id(0xb);
    private static readonly string C = MapKit.Id(0xc);

    [Fact]
    public void Bootstrap_gives_every_slot_to_the_first_member_at_epoch_one()
    {
        var kit = MapKit.Bootstrapped(A, "c-9");
        var map = kit.Map;
        Assert.True(map.IsBootstrapped);
        Assert.Equal("c-9", map.ClusterId);
        Assert.Equal(1, map.Version);
        Assert.Equal(1, map.CurrentEpoch);
        Assert.Equal(MemberState.Up, map.Members[A].State);
        Assert.Equal(HashSlot.Count, map.AssignedSlots);
        for (var s = 0; s < HashSlot.Count; s++) Assert.Equal(1, map[s]!.Epoch);
        // A second bootstrap is ignored.
        var again = kit.Apply(new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = "other", Member = MapKit.MemberOf(B) });
        Assert.Equal("c-9", again.ClusterId);
        Assert.False(again.Members.ContainsKey(B));
        Assert.Equal(HashSlot.Count, again.SlotsOf(A).Count);
    }

    [Fact]
    public void AddMember_joins_up_and_owns_nothing_and_SetMemberState_changes_state()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Apply(new ClusterCommand { Op = ClusterOp.AddMember, Member = MapKit.MemberOf(B, MemberState.Failed) });
        Assert.Equal(MemberState.Up, kit.Map.Members[B].State); // a joiner is always Up
        Assert.Empty(kit.Map.SlotsOf(B));
        kit.SetState(B, MemberState.Leaving);
        Assert.Equal(MemberState.Leaving, kit.Map.Members[B].State);
        var before = kit.Map;
        var after = kit.SetState(C, MemberState.Failed); // unknown member: ignored
        Assert.False(after.Members.ContainsKey(C));
        Assert.Equal(before.Members, after.Members);
        Assert.Equal(before.Version + 1, after.Version); // the index still advances
    }

    [Fact]
    public void RemoveMember_unassigns_its_slots_and_drops_its_hand_offs()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Add(C);
        kit.Move(Enumerable.Range(0, 100), A, B);
        kit.Begin([200, 201], A, B);
        kit.Begin([300], A, C);
        kit.Begin([5], B, C);
        var map = kit.Remove(B);
        Assert.False(map.Members.ContainsKey(B));
        for (var s = 0; s < 100; s++) Assert.Null(map[s]);
        Assert.Equal(HashSlot.Count - 100, map.AssignedSlots);
        Assert.Equal([300], map.HandOffs.Keys);
        var same = kit.Remove(B); // again: ignored
        Assert.Equal(map.AssignedSlots, same.AssignedSlots);
    }

    [Fact]
    public void AssignSlots_sets_the_primary_with_a_new_epoch_each()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Remove(A);
        Assert.Equal(0, kit.Map.AssignedSlots);
        var map = kit.Assign([10, 11, 12], B);
        Assert.Equal(B, map.PrimaryOf(10));
        Assert.Equal([2L, 3L, 4L], new[] { map[10]!.Epoch, map[11]!.Epoch, map[12]!.Epoch });
        Assert.Equal(4, map.CurrentEpoch);
    }

    [Fact]
    public void AssignSlots_to_an_unknown_member_or_a_slot_in_hand_off_is_ignored()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Begin([7], A, B);
        var before = kit.Map;
        var map = kit.Assign([1, 2], C);
        Assert.Equal(A, map.PrimaryOf(1));
        map = kit.Assign([7], B);
        Assert.Equal(A, map.PrimaryOf(7));
        Assert.Equal(before.CurrentEpoch, map.CurrentEpoch);
        Assert.Equal(1, map[7]!.Epoch);
    }

    [Fact]
    public void Begin_then_Complete_moves_the_slot_with_a_higher_epoch()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        var map = kit.Begin([3, 4], A, B, timeMs: 42);
        Assert.Equal(new HandOffEntry(3, A, B, HandOffPhase.Copying, 42), map.HandOffs[3]);
        Assert.Equal(A, map.PrimaryOf(3)); // the source serves while copying
        map = kit.Complete([3], A, B);
        Assert.Equal(B, map.PrimaryOf(3));
        Assert.Equal(2, map[3]!.Epoch);
        Assert.False(map.HandOffs.ContainsKey(3));
        Assert.True(map.HandOffs.ContainsKey(4));
        map = kit.Abort([4], A, B);
        Assert.Empty(map.HandOffs);
        Assert.Equal(A, map.PrimaryOf(4));
        Assert.Equal(1, map[4]!.Epoch); // an abort changes no owner and no epoch
    }

    [Fact]
    public void BeginHandOff_of_a_slot_the_source_does_not_own_or_to_an_unknown_target_is_ignored()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        Assert.Empty(kit.Begin([1], B, A).HandOffs); // B owns nothing
        Assert.Empty(kit.Begin([1], A, C).HandOffs); // C is not a member
        kit.Begin([1], A, B, timeMs: 5);
        var map = kit.Begin([1, 2], A, B, timeMs: 9); // slot 1 already in a hand-off: only 2 starts
        Assert.Equal(5, map.HandOffs[1].StartedAtMs);
        Assert.Equal(9, map.HandOffs[2].StartedAtMs);
    }

    [Fact]
    public void Complete_or_Abort_for_a_slot_not_in_hand_off_or_another_pair_is_ignored()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Add(C);
        var map = kit.Complete([9], A, B); // not in a hand-off
        Assert.Equal(A, map.PrimaryOf(9));
        kit.Begin([9], A, B);
        map = kit.Complete([9], A, C); // wrong target
        Assert.Equal(A, map.PrimaryOf(9));
        map = kit.Abort([9], C, B); // wrong source
        Assert.True(map.HandOffs.ContainsKey(9));
        Assert.Equal(1, map.CurrentEpoch);
        map = kit.Complete([9], A, B);
        Assert.Equal(B, map.PrimaryOf(9));
        map = kit.Complete([9], A, B); // a repeated completion is idempotent
        Assert.Equal(B, map.PrimaryOf(9));
        Assert.Equal(2, map.CurrentEpoch);
    }

    /// <summary>
    /// A completion names its attempt (the BeginHandOff time): a late completion of an aborted attempt
    /// must not complete a newer attempt of the same (slot, source, target) whose target has not loaded the
    /// slot yet; the completion of the current attempt does. Aborts are fenced the same way.
    /// </summary>
    [Fact]
    public void A_stale_completion_or_abort_does_not_touch_a_newer_attempt()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Begin([9], A, B, timeMs: 100);
        kit.Abort([9], A, B, attempt: 100);
        kit.Begin([9], A, B, timeMs: 200);
        var map = kit.Complete([9], A, B, attempt: 100); // requested for the aborted attempt
        Assert.Equal(A, map.PrimaryOf(9));
        Assert.True(map.HandOffs.ContainsKey(9));
        map = kit.Abort([9], A, B, attempt: 100);
        Assert.True(map.HandOffs.ContainsKey(9));
        map = kit.Complete([9], A, B, attempt: 200);
        Assert.Equal(B, map.PrimaryOf(9));
        Assert.False(map.HandOffs.ContainsKey(9));
    }

    [Fact]
    public void Unknown_ops_advance_the_version_and_change_nothing()
    {
        var kit = MapKit.Bootstrapped(A);
        var before = kit.Map;
        var map = kit.Apply(new ClusterCommand { Op = (ClusterOp)200, NodeId = A });
        Assert.Equal(before.Version + 1, map.Version);
        Assert.Equal(before.Members, map.Members);
        Assert.Equal(before.CurrentEpoch, map.CurrentEpoch);
    }

    [Fact]
    public void Apply_never_mutates_the_previous_map()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        var before = kit.Map;
        var copy = ClusterMapStateMachine.Restore(ClusterMapStateMachine.Snapshot(before));
        kit.Move(Enumerable.Range(0, 50), A, B);
        kit.Remove(A);
        MapKit.AssertSameMap(copy, before);
    }

    [Fact]
    public void Random_logs_keep_epochs_increasing_per_slot_change_and_snapshots_exact()
    {
        for (var seed = 1; seed <= 12; seed++)
        {
            var rng = new Random(seed);
            var ids = Enumerable.Range(1, 6).Select(MapKit.Id).ToList();
            var kit = MapKit.Bootstrapped(ids[0]);
            for (var step = 0; step < 120; step++)
            {
                var before = kit.Map;
                var cmd = RandomCommand(rng, ids, before);
                var after = kit.Apply(cmd);
                var changed = 0;
                for (var s = 0; s < HashSlot.Count; s++)
                {
                    var g0 = before[s];
                    var g1 = after[s];
                    if (ReferenceEquals(g0, g1) || g1 is null) continue;
                    changed++;
                    Assert.True(g1.Epoch > before.CurrentEpoch, $"seed {seed} step {step} {cmd.Op}: slot {s} epoch {g1.Epoch} not above {before.CurrentEpoch}");
                    Assert.True(g1.Epoch <= after.CurrentEpoch, $"seed {seed} step {step}: epoch above CurrentEpoch");
                }
                Assert.True(after.CurrentEpoch >= before.CurrentEpoch, $"seed {seed} step {step}: CurrentEpoch went down");
                Assert.True(after.CurrentEpoch - before.CurrentEpoch >= changed, $"seed {seed} step {step}: two changed slots share an epoch");
                foreach (var handOff in after.HandOffs.Values)
                {
                    Assert.True(after.Members.ContainsKey(handOff.Source) && after.Members.ContainsKey(handOff.Target), $"seed {seed}: hand-off of a non-member");
                    Assert.Equal(handOff.Source, after.PrimaryOf(handOff.Slot));
                }
                if (step % 20 == 0)
                    MapKit.AssertSameMap(after, ClusterMapStateMachine.Restore(ClusterMapStateMachine.Snapshot(after)));
            }
        }
    }

    private static ClusterCommand RandomCommand(Random rng, List<string> ids, ClusterMap map)
    {
        string Any() => ids[rng.Next(ids.Count)];
        List<int> SomeSlots(int max) => Enumerable.Range(0, rng.Next(1, max)).Select(_ => rng.Next(HashSlot.Count)).Distinct().ToList();
        List<int> OwnedBy(string id)
        {
            var owned = map.SlotsOf(id);
            return owned.Count == 0 ? [] : Enumerable.Range(0, rng.Next(1, 30)).Select(_ => owned[rng.Next(owned.Count)]).Distinct().ToList();
        }
        var (from, to) = (Any(), Any());
        switch (rng.Next(9))
        {
            case 0: return new ClusterCommand { Op = ClusterOp.AddMember, Member = MapKit.MemberOf(Any()) };
            case 1: return new ClusterCommand { Op = ClusterOp.RemoveMember, NodeId = rng.Next(4) == 0 ? Any() : "none" };
            case 2: return new ClusterCommand { Op = ClusterOp.SetMemberState, NodeId = Any(), State = (MemberState)rng.Next(1, 4) };
            case 3: return new ClusterCommand { Op = ClusterOp.AssignSlots, Slots = SomeSlots(40).Select(s => (s, Any())).ToList() };
            case 4:
            case 5: return new ClusterCommand { Op = ClusterOp.BeginHandOff, Slots = OwnedBy(from).Concat(SomeSlots(5)).Select(s => (s, from)).ToList(), Source = from, Target = to, TimeMs = rng.Next() };
            case 6:
            case 7:
            {
                var migs = map.HandOffs.Values.OrderBy(_ => rng.Next()).Take(rng.Next(1, 20)).ToList();
                if (migs.Count == 0) return new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = [(1, to)], Source = from, Target = to };
                var m = migs[0];
                return new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = migs.Select(x => (x.Slot, x.Target)).ToList(), Source = m.Source, Target = m.Target };
            }
            default:
            {
                var m = map.HandOffs.Values.FirstOrDefault();
                return m is null
                    ? new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(2, from)], Source = from, Target = to }
                    : new ClusterCommand { Op = ClusterOp.AbortHandOff, Slots = [(m.Slot, m.Source)], Source = m.Source, Target = m.Target };
            }
        }
    }

    [Fact]
    public void Snapshot_and_Restore_round_trip_a_map_with_everything()
    {
        var kit = MapKit.Bootstrapped(A, "snap");
        kit.Add(B);
        kit.Add(C);
        kit.Move(Enumerable.Range(100, 900), A, B);
        kit.Begin([5, 6], A, C, timeMs: 77);
        kit.SetState(C, MemberState.Leaving);
        kit.Remove(B); // leaves slots unowned
        kit.Assign([100, 101], C);
        var map = kit.Map;
        var restored = ClusterMapStateMachine.Restore(ClusterMapStateMachine.Snapshot(map));
        MapKit.AssertSameMap(map, restored);
        // The restored map keeps evolving exactly like the original.
        var next = ClusterMapStateMachine.Apply(restored, map.Version + 1, new ClusterCommand { Op = ClusterOp.CompleteHandOff, Slots = [(5, C)], Source = A, Target = C });
        MapKit.AssertSameMap(kit.Complete([5], A, C), next);
        Assert.Throws<InvalidDataException>(() => ClusterMapStateMachine.Restore([9, 0, 0]));
    }
}
