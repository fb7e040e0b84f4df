using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Tests.Cluster.Map;

public class ClusterMapTests
{
    private static readonly string A = MapKit.Id(0xa);
    private static readonly string B = MapKit.Id(0xb);
    private static readonly string C = MapKit.Id(0xc);

    [Fact]
    public void Empty_map_has_no_ranges_and_no_members()
    {
        var map = ClusterMap.Empty;
        Assert.False(map.IsBootstrapped);
        Assert.Empty(map.Ranges());
        Assert.Empty(map.RangesOf(A));
        Assert.Empty(map.SlotCounts());
        Assert.Equal(0, map.AssignedSlots);
        Assert.Null(map.Find(null));
        Assert.Throws<ArgumentException>(() => new ClusterMap(0, "", map.Members, new SlotCopies?[10], map.HandOffs, 0));
    }

    [Fact]
    public void Ranges_merge_consecutive_slots_of_one_primary_and_skip_unowned()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Add(C);
        kit.Move(Enumerable.Range(100, 100), A, B); // 100..199 → B
        kit.Move([500], A, C);
        kit.Move(Enumerable.Range(16000, 384), A, C);
        kit.Remove(B); // 100..199 unowned
        var ranges = kit.Map.Ranges().Select(r => (r.Start, r.End, r.Group.Primary)).ToList();
        Assert.Equal([(0, 99, A), (200, 499, A), (500, 500, C), (501, 15999, A), (16000, 16383, C)], ranges);
        Assert.Equal([(0, 99), (200, 499), (501, 15999)], kit.Map.RangesOf(A));
        Assert.Equal([(500, 500), (16000, 16383)], kit.Map.RangesOf(C));
        Assert.Empty(kit.Map.RangesOf(B));
    }

    [Fact]
    public void SlotCounts_list_every_member_with_zero_included()
    {
        var kit = MapKit.Bootstrapped(A);
        kit.Add(B);
        kit.Add(C);
        kit.Move(Enumerable.Range(0, 10), A, B);
        var counts = kit.Map.SlotCounts();
        Assert.Equal(3, counts.Count);
        Assert.Equal(HashSlot.Count - 10, counts[A]);
        Assert.Equal(10, counts[B]);
        Assert.Equal(0, counts[C]);
    }

    [Fact]
    public void Helpers_agree_with_each_other_on_random_maps()
    {
        for (var seed = 1; seed <= 15; seed++)
        {
            var rng = new Random(seed);
            var ids = Enumerable.Range(1, rng.Next(2, 7)).Select(MapKit.Id).ToList();
            var kit = MapKit.Bootstrapped(ids[0]);
            foreach (var id in ids.Skip(1)) kit.Add(id);
            for (var i = 0; i < 30; i++)
            {
                var start = rng.Next(HashSlot.Count);
                var len = rng.Next(1, 600);
                var from = ids[rng.Next(ids.Count)];
                var to = ids[rng.Next(ids.Count)];
                kit.Move(Enumerable.Range(start, Math.Min(len, HashSlot.Count - start)), from, to);
            }
            if (rng.Next(2) == 0) kit.Remove(ids[^1]);
            var map = kit.Map;
            var counts = map.SlotCounts();
            var ranges = map.Ranges();
            // Ranges cover every owned slot once, in order, maximal (neighbours differ).
            var covered = 0;
            for (var r = 0; r < ranges.Count; r++)
            {
                var (s, e, g) = ranges[r];
                Assert.True(s <= e, $"seed {seed}");
                if (r > 0) Assert.True(ranges[r - 1].End < s, $"seed {seed}: ranges overlap or are unordered");
                for (var x = s; x <= e; x++) Assert.Equal(g.Primary, map.PrimaryOf(x));
                if (s > 0) Assert.NotEqual(g.Primary, map.PrimaryOf(s - 1));
                if (e < HashSlot.Count - 1) Assert.NotEqual(g.Primary, map.PrimaryOf(e + 1));
                covered += e - s + 1;
            }
            Assert.Equal(map.AssignedSlots, covered);
            foreach (var id in map.Members.Keys)
            {
                var own = map.RangesOf(id);
                Assert.Equal(counts[id], own.Sum(r => r.End - r.Start + 1));
                Assert.Equal(map.SlotsOf(id).Count, counts[id]);
                Assert.Equal(ranges.Where(r => r.Group.Primary == id).Select(r => (r.Start, r.End)), own);
            }
            Assert.Equal(map.AssignedSlots, counts.Values.Sum());
        }
    }

    /// <summary>
    /// A group's home is the owner most of its slots project to (ProjectedOwner: the target of a hand-off
    /// both of whose sides are up, else the primary while a member; ties go to the owner reached first in
    /// slot order), on random maps with hand-offs, failed and leaving members and removed owners.
    /// </summary>
    [Fact]
    public void Group_home_is_the_majority_of_the_projected_owners()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var rng = new Random(seed);
            var ids = Enumerable.Range(1, 5).Select(MapKit.Id).ToArray();
            var kit = MapKit.Bootstrapped(ids[0]);
            foreach (var id in ids[1..]) kit.Add(id);
            for (var s = 0; s < HashSlot.Count; s += rng.Next(1, 200))
                kit.Assign(Enumerable.Range(s, Math.Min(rng.Next(1, 300), HashSlot.Count - s)), ids[rng.Next(ids.Length)]);
            for (var m = 0; m < 30; m++)
            {
                var slot = rng.Next(HashSlot.Count);
                var from = kit.Map.PrimaryOf(slot);
                var to = ids[rng.Next(ids.Length)];
                if (from is null || from == to || kit.Map.HandOffs.ContainsKey(slot)) continue;
                var run = Enumerable.Range(slot, Math.Min(rng.Next(1, 100), HashSlot.Count - slot))
                    .TakeWhile(x => kit.Map.PrimaryOf(x) == from && !kit.Map.HandOffs.ContainsKey(x)).ToList();
                kit.Begin(run, from, to, timeMs: m + 1);
            }
            kit.SetState(ids[rng.Next(1, ids.Length)], MemberState.Failed);
            kit.SetState(ids[rng.Next(1, ids.Length)], MemberState.Leaving);
            if (rng.Next(2) == 0) kit.Remove(ids[rng.Next(1, ids.Length)]);
            var map = kit.Map;
            for (var g = 0; g < SlotGroup.Count; g++)
            {
                string? best = null;
                var bestCount = 0;
                var tally = new Dictionary<string, int>();
                foreach (var slot in SlotGroup.Slots(g))
                    if (map.ProjectedOwner(slot) is { } owner && (tally[owner] = tally.GetValueOrDefault(owner) + 1) > bestCount)
                        (best, bestCount) = (owner, tally[owner]);
                Assert.True(best == map.GroupHome(g), $"seed {seed}, group {g}: home {map.GroupHome(g)}, expected {best}");
            }
        }
    }
}
