using System.Collections.Immutable;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.Map;

/// <summary>A member's state in the committed map. Persisted and sent on the wire: values are append-only.</summary>
public enum MemberState : byte
{
    Up = 1,
    /// <summary>Declared failed by the coordinator; kept in the map (its slots stay its own until healed).</summary>
    Failed = 2,
    /// <summary>Draining: its slots move away, then it is removed.</summary>
    Leaving = 3,
}

/// <summary>
/// A cluster member: 40-hex id, where clients reach it (<see cref="Port"/>), its cluster bus port (Akka
/// remoting, Redis's "cport"), its data-link port (hand-off and pub/sub frames), and its state.
/// </summary>
public sealed record Member(string Id, string Host, int Port, int BusPort, int DataPort, MemberState State)
{
    public string Endpoint => $"{Host}:{Port}";

    /// <summary>The member's binary form, shared by map changes and map snapshots.</summary>
    internal void WriteTo(BinaryWriter w)
    {
        w.Write(Id);
        w.Write(Host);
        w.Write(Port);
        w.Write(BusPort);
        w.Write(DataPort);
        w.Write((byte)State);
    }

    internal static Member ReadFrom(BinaryReader r) =>
        new(r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), (MemberState)r.ReadByte());
}

/// <summary>
/// The copies of one slot: its primary, its replicas (none until replication lands), and the
/// group's epoch, raised on every change of primary (a fence for deposed primaries).
/// </summary>
public sealed record SlotCopies(string Primary, ImmutableArray<string> Replicas, long Epoch)
{
    public static SlotCopies Of(string primary, long epoch) => new(primary, ImmutableArray<string>.Empty, epoch);
}

/// <summary>Phases of a slot hand-off. Persisted: values are append-only.</summary>
public enum HandOffPhase : byte
{
    /// <summary>The target loads the slot (snapshot, then the stream of writes) while the source serves.</summary>
    Copying = 1,
}

/// <summary>A slot moving from <see cref="Source"/> to <see cref="Target"/>, recorded before any data moves.</summary>
public sealed record HandOffEntry(int Slot, string Source, string Target, HandOffPhase Phase, long StartedAtMs);

/// <summary>
/// The committed cluster map: members, every slot's group, and slot hand-offs in progress. Immutable:
/// a change builds a new map (conventions: swapped whole). <see cref="Version"/> is the Raft index of
/// the last change applied; the coordinator numbers changes, so two nodes with the same version (and
/// coordinator term) have the same map.
/// </summary>
public sealed class ClusterMap
{
    public static readonly ClusterMap Empty = new(0, "", ImmutableSortedDictionary<string, Member>.Empty,
        new SlotCopies?[HashSlot.Count], ImmutableSortedDictionary<int, HandOffEntry>.Empty, 0);

    private readonly SlotCopies?[] _slots;

    public ClusterMap(long version, string clusterId, ImmutableSortedDictionary<string, Member> members,
        SlotCopies?[] slots, ImmutableSortedDictionary<int, HandOffEntry> handOffs, long currentEpoch)
    {
        if (slots.Length != HashSlot.Count) throw new ArgumentException("a map has 16384 slots", nameof(slots));
        Version = version;
        ClusterId = clusterId;
        Members = members;
        _slots = slots;
        HandOffs = handOffs;
        CurrentEpoch = currentEpoch;
    }

    public long Version { get; }
    public string ClusterId { get; }
    public ImmutableSortedDictionary<string, Member> Members { get; }
    public ImmutableSortedDictionary<int, HandOffEntry> HandOffs { get; }
    /// <summary>The highest group epoch handed out so far.</summary>
    public long CurrentEpoch { get; }

    public bool IsBootstrapped => ClusterId.Length > 0;

    public SlotCopies? this[int slot] => _slots[slot];

    public string? PrimaryOf(int slot) => _slots[slot]?.Primary;

    public Member? Find(string? id) => id is not null && Members.TryGetValue(id, out var m) ? m : null;

    /// <summary>A copy of the slot table (for building the next map).</summary>
    public SlotCopies?[] CopySlots() => (SlotCopies?[])_slots.Clone();

    public int AssignedSlots
    {
        get
        {
            var n = 0;
            foreach (var g in _slots)
                if (g is not null) n++;
            return n;
        }
    }

    /// <summary>Slots whose primary is <paramref name="nodeId"/>, ascending.</summary>
    public List<int> SlotsOf(string nodeId)
    {
        var list = new List<int>();
        for (var s = 0; s < _slots.Length; s++)
            if (_slots[s]?.Primary == nodeId) list.Add(s);
        return list;
    }

    /// <summary>The highest group epoch among the slots <paramref name="nodeId"/> is primary of (its "config epoch"), 0 if none.</summary>
    public long EpochOf(string nodeId)
    {
        long epoch = 0;
        foreach (var g in _slots)
            if (g is not null && g.Primary == nodeId && g.Epoch > epoch) epoch = g.Epoch;
        return epoch;
    }

    /// <summary>Slot counts per primary, for every member (zero included).</summary>
    public Dictionary<string, int> SlotCounts()
    {
        var counts = Members.Keys.ToDictionary(k => k, _ => 0);
        foreach (var g in _slots)
            if (g is not null && counts.ContainsKey(g.Primary)) counts[g.Primary]++;
        return counts;
    }

    private string?[]? _homes;

    /// <summary>
    /// Where slot group <paramref name="group"/> lives once the hand-offs in flight land: the member most of
    /// its slots belong to, counting a slot in a hand-off as its target's (unless a side of that hand-off is
    /// not Up, or Leaving for the source, so the coordinator will abort it); null if no member owns any of
    /// its slots. Groups move whole, so outside a hand-off every slot of a group has this owner.
    /// </summary>
    public string? GroupHome(int group)
    {
        var homes = Volatile.Read(ref _homes);
        if (homes is null) Volatile.Write(ref _homes, homes = ComputeHomes());
        return homes[group];
    }

    private string?[] ComputeHomes()
    {
        // ProjectedOwner for every slot, in one pass over the slots and one over the hand-offs (this runs
        // on every new map, dozens of times a second while a rebalance runs).
        var owners = new string?[_slots.Length];
        string? member = null, notMember = null;
        for (var s = 0; s < owners.Length; s++)
        {
            var p = _slots[s]?.Primary;
            if (p is null) continue;
            if (p == member) owners[s] = p;
            else if (p == notMember) continue;
            else if (Members.ContainsKey(p)) owners[s] = member = p;
            else notMember = p;
        }
        foreach (var handOff in HandOffs.Values)
            if (Find(handOff.Source)?.State is MemberState.Up or MemberState.Leaving && Find(handOff.Target)?.State == MemberState.Up)
                owners[handOff.Slot] = handOff.Target;
        var homes = new string?[Slots.SlotGroup.Count];
        var tally = new List<(string Id, int Count)>(4);
        for (var g = 0; g < homes.Length; g++)
        {
            tally.Clear();
            string? best = null;
            var bestCount = 0;
            var first = Slots.SlotGroup.FirstSlot(g);
            for (var s = first; s < first + Slots.SlotGroup.Size; s++)
            {
                var owner = owners[s];
                if (owner is null) continue;
                var i = tally.FindIndex(t => t.Id == owner);
                var n = i < 0 ? 1 : tally[i].Count + 1;
                if (i < 0) tally.Add((owner, 1));
                else tally[i] = (owner, n);
                if (n > bestCount) (best, bestCount) = (owner, n);
            }
            homes[g] = best;
        }
        return homes;
    }

    /// <summary>The slot's owner once a hand-off that will complete has: its target; else its primary (if still a member).</summary>
    public string? ProjectedOwner(int slot)
    {
        if (HandOffs.TryGetValue(slot, out var handOff)
            && Find(handOff.Source)?.State is MemberState.Up or MemberState.Leaving && Find(handOff.Target)?.State == MemberState.Up)
            return handOff.Target;
        var primary = _slots[slot]?.Primary;
        return primary is not null && Members.ContainsKey(primary) ? primary : null;
    }

    /// <summary>Consecutive ranges of slots with the same group, as CLUSTER SLOTS lists them.</summary>
    public List<(int Start, int End, SlotCopies Group)> Ranges()
    {
        var ranges = new List<(int, int, SlotCopies)>();
        var s = 0;
        while (s < _slots.Length)
        {
            var g = _slots[s];
            if (g is null)
            {
                s++;
                continue;
            }
            var e = s;
            while (e + 1 < _slots.Length && _slots[e + 1] is { } n && n.Primary == g.Primary && n.Replicas.SequenceEqual(g.Replicas)) e++;
            ranges.Add((s, e, g));
            s = e + 1;
        }
        return ranges;
    }

    /// <summary>Ranges of slots owned by one node, e.g. for CLUSTER NODES.</summary>
    public List<(int Start, int End)> RangesOf(string nodeId)
    {
        var list = new List<(int, int)>();
        var slots = SlotsOf(nodeId);
        for (var i = 0; i < slots.Count; i++)
        {
            var start = slots[i];
            while (i + 1 < slots.Count && slots[i + 1] == slots[i] + 1) i++;
            list.Add((start, slots[i]));
        }
        return list;
    }
}
