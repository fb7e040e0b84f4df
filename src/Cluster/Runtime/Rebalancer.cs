using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.Runtime;

/// <summary>One planned change: assign an unowned slot, or move an owned one.</summary>
public readonly record struct SlotMove(int Slot, string? From, string To);

/// <summary>
/// The balancing policy, a pure function of the map, in whole slot groups (<see cref="SlotGroup"/>): every
/// Up member ends within one group of even, Leaving members end with none, and the plan moves as few groups
/// as possible (only from members above their target to members below it). Failed members keep their
/// groups (their data is there; replication brings them back). Hand-offs in flight count as landed
/// (<see cref="ClusterMap.GroupHome"/>) and their slots are left alone. A group whose slots have different
/// owners (an old map) is made whole again by moving its stray slots to its home. The plan lists the
/// slots of each group together, groups in ascending order.
/// </summary>
public static class Rebalancer
{
    public static List<SlotMove> Plan(ClusterMap map)
    {
        var moves = new List<SlotMove>();
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).Select(m => m.Id).ToList(); // sorted by id
        if (up.Count == 0) return moves;

        var counts = map.Members.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        var homes = new string?[SlotGroup.Count];
        for (var g = 0; g < homes.Length; g++)
            if ((homes[g] = map.GroupHome(g)) is { } h) counts[h]++;

        // Targets: an even share of the groups not held by Failed members, the remainder going to the
        // members that hold the most now (fewest moves).
        var owned = SlotGroup.Count - map.Members.Values.Where(m => m.State == MemberState.Failed).Sum(m => counts[m.Id]);
        var share = owned / up.Count;
        var extra = owned % up.Count;
        var target = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in up.OrderByDescending(id => counts[id]).ThenBy(id => id, StringComparer.Ordinal))
            target[id] = share + (extra-- > 0 ? 1 : 0);
        var deficit = up.Where(id => counts[id] < target[id]).ToList();
        int Need(string id) => target[id] - counts[id];
        string Receiver() => deficit.FirstOrDefault(id => Need(id) > 0) ?? up.OrderBy(id => counts[id]).First();

        // Where each group should end: groups nobody holds go to the members below target; Leaving
        // members give everything and Up members what is above target, highest groups first (so each
        // receiver ends with contiguous ranges where possible); the rest stay home.
        var dest = (string?[])homes.Clone();
        for (var g = 0; g < dest.Length; g++)
        {
            if (homes[g] is not null) continue;
            var to = Receiver();
            dest[g] = to;
            counts[to]++;
        }
        foreach (var from in map.Members.Values.Where(m => m.State is MemberState.Up or MemberState.Leaving).Select(m => m.Id))
        {
            var leaving = map.Members[from].State == MemberState.Leaving;
            var give = leaving ? counts[from] : counts[from] - target[from];
            for (var g = dest.Length - 1; g >= 0 && give > 0; g--)
            {
                if (homes[g] != from) continue;
                var to = deficit.FirstOrDefault(id => Need(id) > 0);
                if (to is null) break;
                dest[g] = to;
                counts[to]++;
                counts[from]--;
                give--;
            }
        }

        for (var g = 0; g < dest.Length; g++)
        {
            var to = dest[g]!;
            var failedHome = map.Find(to)?.State == MemberState.Failed;
            foreach (var slot in SlotGroup.Slots(g))
            {
                if (map.HandOffs.ContainsKey(slot)) continue;
                var owner = map.PrimaryOf(slot);
                if (owner is not null && !map.Members.ContainsKey(owner)) owner = null;
                if (owner == to) continue;
                if (owner is null)
                    moves.Add(new SlotMove(slot, null, failedHome ? Receiver() : to)); // a Failed member receives nothing
                else if (!failedHome && map.Members[owner].State != MemberState.Failed)
                    moves.Add(new SlotMove(slot, owner, to));
            }
        }
        return moves;
    }
}
