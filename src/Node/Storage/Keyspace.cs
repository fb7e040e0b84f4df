using QuorumCache.Cluster.Slots;

namespace QuorumCache.Node.Storage;

/// <summary>The node's keyspace: one <see cref="SlotStore"/> per hash slot.</summary>
public sealed class Keyspace
{
    private readonly SlotStore[] _slots = new SlotStore[HashSlot.Count];

    public Keyspace()
    {
        for (var i = 0; i < _slots.Length; i++) _slots[i] = new SlotStore(i);
    }

    public SlotStore this[int slot] => _slots[slot];

    public IReadOnlyList<SlotStore> Slots => _slots;

    /// <summary>Keys in all slots (not atomic across slots, as DBSIZE on a busy server).</summary>
    public long Count
    {
        get
        {
            long n = 0;
            foreach (var s in _slots) n += s.Count;
            return n;
        }
    }

    public long ExpiresCount
    {
        get
        {
            long n = 0;
            foreach (var s in _slots) n += s.ExpiresCount;
            return n;
        }
    }

    public long Dirty
    {
        get
        {
            long n = 0;
            foreach (var s in _slots) n += Volatile.Read(ref s.Dirty);
            return n;
        }
    }
}
