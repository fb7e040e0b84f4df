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

    private long _averageTtlMs;

    /// <summary>
    /// Estimated mean remaining TTL of keys with one, in ms (INFO keyspace avg_ttl): as Redis does, a
    /// moving average of what the active expiry passes see; 0 when no key has a TTL.
    /// </summary>
    public long AverageTtlMs => Volatile.Read(ref _averageTtlMs);

    /// <summary>Folds one active expiry pass's sample into <see cref="AverageTtlMs"/> (one caller at a time).</summary>
    public void UpdateAverageTtl(TtlSample sample)
    {
        if (sample.Count == 0)
        {
            // (Counting walks every slot: only when there is an average to reset.)
            if (Volatile.Read(ref _averageTtlMs) != 0 && ExpiresCount == 0) Volatile.Write(ref _averageTtlMs, 0);
            return;
        }
        var current = Volatile.Read(ref _averageTtlMs);
        var mean = sample.SumMs / sample.Count;
        Volatile.Write(ref _averageTtlMs, current == 0 ? mean : current / 50 * 49 + mean / 50);
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
