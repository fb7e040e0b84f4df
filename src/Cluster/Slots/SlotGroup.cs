namespace QuorumCache.Cluster.Slots;

/// <summary>
/// Slot groups: the unit of placement, hand-off and (later) replication. The 16384 hash slots form
/// <see cref="Count"/> groups of <see cref="Size"/> contiguous slots; each group is one Akka.Cluster.Sharding
/// shard (and entity) hosted on the node that serves it. Sharding carries a few hundred shards well on this
/// machine (256: allocated in 2.5 s, rebalanced in 5.9 s) but not one per slot (16,384: unusable), hence
/// groups; the figures are in docs/ARCHITECTURE.md.
/// </summary>
public static class SlotGroup
{
    public const int Count = 256;
    public const int Size = HashSlot.Count / Count;

    public static int Of(int slot) => slot / Size;

    public static int FirstSlot(int group) => group * Size;

    /// <summary>The group's slots, ascending.</summary>
    public static IEnumerable<int> Slots(int group) => Enumerable.Range(group * Size, Size);
}
