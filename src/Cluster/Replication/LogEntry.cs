namespace QuorumCache.Cluster.Replication;

/// <summary>
/// One committed-or-pending change of a slot group: the effects (RESP commands that reproduce the change)
/// of one command or one EXEC on one slot, numbered by the group's sequence. Immutable.
/// </summary>
public sealed record LogEntry(long Seq, int Slot, byte[] Effects);

/// <summary>The state of one slot of a group at a point of the group's log: every entry of that slot up to
/// <see cref="SeqAt"/> is in <see cref="Data"/> (and no later one).</summary>
public sealed record SlotImage(int Slot, long SeqAt, byte[] Data);

/// <summary>
/// A whole group's state for a copy that cannot be brought up to date from the log: each slot's image,
/// taken one slot at a time (so each at its own sequence), then the entries after the oldest image.
/// </summary>
public sealed record GroupSnapshot(SlotImage[] Slots)
{
    public long MinSeq => Slots.Length == 0 ? 0 : Slots.Min(s => s.SeqAt);
    public long MaxSeq => Slots.Length == 0 ? 0 : Slots.Max(s => s.SeqAt);
}
