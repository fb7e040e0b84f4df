namespace QuorumCache.Node.Storage;

/// <summary>
/// The keys of one hash slot: values, absolute expiry times (ms since the Unix epoch), and the
/// clients that watch or block on its keys. Guarded by <see cref="Gate"/>: one writer per slot at a
/// time, all slots in parallel. Values are <c>byte[]</c> for strings, otherwise a data-type object.
/// This class knows nothing about expiry semantics; the command context applies them.
/// </summary>
public sealed class SlotStore
{
    private Dictionary<byte[], object>? _data;
    private Dictionary<byte[], long>? _expires;

    public SlotStore(int slot) => Slot = slot;

    public int Slot { get; }

    /// <summary>The slot's lock. Held for the whole execution of a command (or a transaction) on the slot.</summary>
    public readonly Lock Gate = new();

    /// <summary>Changes applied to this slot (Redis's "dirty"), for INFO and persistence.</summary>
    public long Dirty;

    /// <summary>Clients WATCHing keys of this slot, by key. Null when nobody watches.</summary>
    public Dictionary<byte[], List<object>>? Watchers;

    /// <summary>Clients blocked on keys of this slot (BLPOP...), by key, in the order they blocked.</summary>
    public Dictionary<byte[], LinkedList<object>>? Blocked;

    public int Count => _data?.Count ?? 0;

    public int ExpiresCount => _expires?.Count ?? 0;

    public bool TryGet(ReadOnlySpan<byte> key, out object value)
    {
        if (_data is not null && _data.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out value!)) return true;
        value = null!;
        return false;
    }

    /// <summary>The stored key instance equal to <paramref name="key"/> (to reuse its array), or null.</summary>
    public byte[]? GetStoredKey(ReadOnlySpan<byte> key) =>
        _data is not null && _data.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var k, out _) ? k : null;

    /// <summary>Stores a value, keeping any expiry the key has. True when the key was added (not replaced).</summary>
    public bool Set(ReadOnlySpan<byte> key, object value)
    {
        _data ??= new Dictionary<byte[], object>(KeyComparer.Instance);
        var before = _data.Count;
        _data.GetAlternateLookup<ReadOnlySpan<byte>>()[key] = value;
        return _data.Count != before;
    }

    /// <summary>Stores a value under an existing key array (no copy of the key).</summary>
    public void Set(byte[] key, object value)
    {
        _data ??= new Dictionary<byte[], object>(KeyComparer.Instance);
        _data[key] = value;
    }

    /// <summary>Adds a key that must not exist yet. Returns false if it exists.</summary>
    public bool Add(ReadOnlySpan<byte> key, object value)
    {
        _data ??= new Dictionary<byte[], object>(KeyComparer.Instance);
        return _data.GetAlternateLookup<ReadOnlySpan<byte>>().TryAdd(key, value);
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        if (_data is null || !_data.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key)) return false;
        if (_expires is { Count: > 0 }) _expires.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);
        return true;
    }

    /// <summary>Absolute expiry of a key in ms, or -1 when it has none.</summary>
    public long GetExpiry(ReadOnlySpan<byte> key) =>
        _expires is { Count: > 0 } && _expires.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var at) ? at : -1;

    /// <summary>Sets the expiry of an existing key; the key instance is shared with the data table.</summary>
    public void SetExpiry(ReadOnlySpan<byte> key, long atMs)
    {
        var stored = GetStoredKey(key) ?? throw new InvalidOperationException("expiry on a missing key");
        _expires ??= new Dictionary<byte[], long>(KeyComparer.Instance);
        _expires[stored] = atMs;
    }

    public bool RemoveExpiry(ReadOnlySpan<byte> key) =>
        _expires is { Count: > 0 } && _expires.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(key);

    public bool HasExpiries => _expires is { Count: > 0 };

    /// <summary>All entries (for SCAN, KEYS, snapshots). Do not modify the slot while enumerating.</summary>
    public Dictionary<byte[], object>.Enumerator GetEnumerator() =>
        (_data ??= new Dictionary<byte[], object>(KeyComparer.Instance)).GetEnumerator();

    public IEnumerable<KeyValuePair<byte[], long>> Expiries =>
        _expires ?? (IEnumerable<KeyValuePair<byte[], long>>)Array.Empty<KeyValuePair<byte[], long>>();

    /// <summary>
    /// Copies up to <paramref name="max"/> keys that expire at or before <paramref name="nowMs"/>, and
    /// adds the remaining TTLs of the live keys it passed to <paramref name="ttl"/> (INFO's avg_ttl estimate).
    /// </summary>
    public int CollectExpired(long nowMs, List<byte[]> into, int max, ref TtlSample ttl)
    {
        if (_expires is null) return 0;
        var n = 0;
        foreach (var (k, at) in _expires)
        {
            if (at > nowMs)
            {
                ttl.SumMs += at - nowMs;
                ttl.Count++;
                continue;
            }
            into.Add(k);
            if (++n >= max) break;
        }
        return n;
    }

    /// <summary>The i-th key in table order (for RANDOMKEY); null when out of range.</summary>
    public byte[]? KeyAt(int index)
    {
        if (_data is null) return null;
        foreach (var k in _data.Keys)
            if (index-- == 0) return k;
        return null;
    }

    public void Clear()
    {
        _data = null;
        _expires = null;
    }
}

/// <summary>Remaining TTLs seen by one active expiry pass.</summary>
public struct TtlSample
{
    public long SumMs;
    public long Count;
}
