using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.Runtime;

/// <summary>One planned change: assign an unowned slot, or move an owned one.</summary>
public readonly record struct SlotMove(int Slot, string? From, string To);

/// <summary>
/// The balancing policy, a pure function of the map: every Up member ends within one slot of even,
/// Leaving members end with none, and the plan moves as few slots as possible (only from members
/// above their target to members below it). Failed members keep their slots (their data is there;
/// replication brings them back). Slots already in a hand-off are left alone.
/// </summary>
public static class Rebalancer
{
    public static List<SlotMove> Plan(ClusterMap map)
    {
        var moves = new List<SlotMove>();
        var up = map.Members.Values.Where(m => m.State == MemberState.Up).Select(m => m.Id).ToList(); // sorted by id
        if (up.Count == 0) return moves;
        var counts = map.SlotCounts();
        ProjectHandOffs(map, counts);
        // Slots nobody owns (their owner was removed) are assigned without moving data.
        var unowned = new List<int>();
        for (var s = 0; s < HashSlot.Count; s++)
            if (map[s] is null || !map.Members.ContainsKey(map[s]!.Primary)) unowned.Add(s);

        // Targets: an even share, the remainder going to the members that hold the most now (fewest moves).
        var owned = HashSlot.Count - map.Members.Values.Where(m => m.State == MemberState.Failed).Sum(m => counts[m.Id]);
        var share = owned / up.Count;
        var extra = owned % up.Count;
        var target = new Dictionary<string, int>();
        foreach (var id in up.OrderByDescending(id => counts.GetValueOrDefault(id)).ThenBy(id => id, StringComparer.Ordinal))
            target[id] = share + (extra-- > 0 ? 1 : 0);

        var deficit = up.Where(id => counts.GetValueOrDefault(id) < target[id]).ToList();
        int Need(string id) => target[id] - counts.GetValueOrDefault(id);

        foreach (var slot in unowned)
        {
            var to = deficit.FirstOrDefault(id => Need(id) > 0) ?? up.OrderBy(id => counts.GetValueOrDefault(id)).First();
            moves.Add(new SlotMove(slot, null, to));
            counts[to] = counts.GetValueOrDefault(to) + 1;
        }

        // Donors: Leaving members give everything; Up members give what is above target.
        var donors = map.Members.Values
            .Where(m => m.State == MemberState.Leaving || (m.State == MemberState.Up && counts[m.Id] > target[m.Id]))
            .Select(m => m.Id).ToList();
        foreach (var from in donors)
        {
            var give = map.Members[from].State == MemberState.Leaving ? counts[from] : counts[from] - target[from];
            if (give <= 0) continue;
            // Give the highest slots first so each receiver ends with contiguous ranges where possible.
            var slots = map.SlotsOf(from);
            for (var i = slots.Count - 1; i >= 0 && give > 0; i--)
            {
                var slot = slots[i];
                if (map.Migrations.ContainsKey(slot)) continue;
                var to = deficit.FirstOrDefault(id => Need(id) > 0);
                if (to is null) break;
                moves.Add(new SlotMove(slot, from, to));
                counts[to]++;
                counts[from]--;
                give--;
            }
        }
        return moves;
    }

    /// <summary>
    /// Counts every hand-off in flight as done (its slot is its target's already). The coordinator re-plans
    /// while hand-offs run; without this a donor's excess would be planned again with other slots and the
    /// receivers would overshoot, then give slots back. Hand-offs the coordinator will abort (a side not
    /// Up, or a leaving target) are not counted.
    /// </summary>
    private static void ProjectHandOffs(ClusterMap map, Dictionary<string, int> counts)
    {
        foreach (var mig in map.Migrations.Values)
        {
            if (map.Find(mig.Source)?.State is not (MemberState.Up or MemberState.Leaving) || map.Find(mig.Target)?.State != MemberState.Up) continue;
            counts[mig.Source]--;
            counts[mig.Target]++;
        }
    }
}
