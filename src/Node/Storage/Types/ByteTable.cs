using System.Numerics;

namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// The "hashtable" encoding of hashes and sets, and the member index of sorted sets: a chained hash
/// table of byte-string keys (with optional values: byte strings for hashes, scores for sorted sets)
/// kept in parallel arrays, with a power-of-two bucket array.
/// <para>
/// Why not <c>Dictionary</c>: SPOP/SRANDMEMBER/HRANDFIELD need O(1) access to a random element, and
/// SSCAN/HSCAN/ZSCAN need a cursor that survives inserts, deletes and resizes between calls. Both come from
/// owning the layout: a random entry is a random live slot of the entry arrays (the table shrinks when
/// it falls under 1/8 full, so a few probes find one), and the scan cursor walks the buckets in
/// Redis's reverse-binary order, which visits every bucket of any power-of-two table size that a
/// bucket of the cursor's table maps to. An element present for the whole scan is therefore returned
/// at least once, even if the table grew or shrank meanwhile (a shrink can return some twice).
/// </para>
/// Lookups take a span and hash with <see cref="KeyComparer.Hash"/>: no allocation.
/// </summary>
public sealed class ByteTable<TValue>
{
    private const int MinCapacity = 8;

    private int[] _buckets;      // entry index + 1; 0 = empty
    private byte[]?[] _keys;     // null = free entry
    private TValue[]? _values;   // null for sets
    private int[] _hashes;
    private int[] _next;         // chain link (entry index, -1 = end); for free entries the free list
    private int _count;
    private int _end;            // entries [0, _end) have been used
    private int _free = -1;

    public ByteTable(bool withValues, int capacity = MinCapacity)
    {
        var cap = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, MinCapacity));
        _buckets = new int[cap];
        _keys = new byte[]?[cap];
        _values = withValues ? new TValue[cap] : null;
        _hashes = new int[cap];
        _next = new int[cap];
    }

    public int Count => _count;

    /// <summary>Entries are addressed by index in [0, End); <see cref="KeyAt"/> is null for free ones.</summary>
    public int End => _end;

    public byte[]? KeyAt(int index) => _keys[index];

    public TValue ValueAt(int index) => _values![index];

    public void SetValueAt(int index, TValue value) => _values![index] = value;

    /// <summary>Index of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        var h = KeyComparer.Hash(key);
        for (var i = _buckets[h & (_buckets.Length - 1)] - 1; i >= 0; i = _next[i])
            if (_hashes[i] == h && key.SequenceEqual(_keys[i]))
                return i;
        return -1;
    }

    /// <summary>Adds a key known to be absent (call <see cref="Find"/> first). Returns its index.</summary>
    public int AddNew(byte[] key, TValue value)
    {
        int i;
        if (_free >= 0)
        {
            i = _free;
            _free = _next[i];
        }
        else
        {
            if (_end == _keys.Length) Resize(_keys.Length * 2, compact: false);
            i = _end++;
        }
        var h = KeyComparer.Hash(key);
        _keys[i] = key;
        if (_values is not null) _values[i] = value;
        _hashes[i] = h;
        ref var bucket = ref _buckets[h & (_buckets.Length - 1)];
        _next[i] = bucket - 1;
        bucket = i + 1;
        _count++;
        return i;
    }

    /// <summary>Removes <paramref name="key"/>; returns whether it was present.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        var i = Find(key);
        if (i < 0) return false;
        RemoveAt(i);
        return true;
    }

    public void RemoveAt(int index)
    {
        var h = _hashes[index];
        ref var link = ref _buckets[h & (_buckets.Length - 1)];
        if (link - 1 == index) link = _next[index] + 1;
        else
        {
            var p = link - 1;
            while (_next[p] != index) p = _next[p];
            _next[p] = _next[index];
        }
        _keys[index] = null;
        if (_values is not null) _values[index] = default!;
        _next[index] = _free;
        _free = index;
        _count--;
        if (_keys.Length > MinCapacity && _count < _keys.Length / 8)
            Resize((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(_count * 2, MinCapacity)), compact: true);
    }

    /// <summary>
    /// Grows keeping entry indexes (so an index held by a caller stays valid), or compacts into a
    /// smaller table. Buckets are rebuilt from the stored hashes either way.
    /// </summary>
    private void Resize(int capacity, bool compact)
    {
        var keys = new byte[]?[capacity];
        var values = _values is null ? null : new TValue[capacity];
        var hashes = new int[capacity];
        var next = new int[capacity];
        var buckets = new int[capacity];
        var n = 0;
        for (var i = 0; i < _end; i++)
        {
            var k = _keys[i];
            if (k is null && compact) continue;
            var j = compact ? n : i;
            keys[j] = k;
            if (values is not null) values[j] = _values![i];
            hashes[j] = _hashes[i];
            n++;
        }
        var end = compact ? n : _end;
        var free = -1;
        for (var j = end - 1; j >= 0; j--)
        {
            if (keys[j] is null)
            {
                next[j] = free;
                free = j;
                continue;
            }
            ref var bucket = ref buckets[hashes[j] & (capacity - 1)];
            next[j] = bucket - 1;
            bucket = j + 1;
        }
        _keys = keys;
        _values = values;
        _hashes = hashes;
        _next = next;
        _buckets = buckets;
        _end = end;
        _free = free;
    }

    /// <summary>Index of a uniformly chosen live entry (the table must not be empty).</summary>
    public int RandomIndex(Random rng)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var i = rng.Next(_end);
            if (_keys[i] is not null) return i;
        }
        var start = rng.Next(_end);
        for (var k = 0; k < _end; k++)
        {
            var i = (start + k) % _end;
            if (_keys[i] is not null) return i;
        }
        throw new InvalidOperationException("random entry of an empty table");
    }

    /// <summary>
    /// One SCAN step: visits buckets from <paramref name="cursor"/> in reverse-binary order and calls
    /// <paramref name="visit"/> with each entry index, until about <paramref name="count"/> entries
    /// were visited (whole buckets at a time). Returns the next cursor, 0 when done.
    /// </summary>
    public ulong Scan(ulong cursor, long count, Action<int> visit)
    {
        var mask = (ulong)(_buckets.Length - 1);
        long seen = 0;
        var maxBuckets = Math.Max(count * 10, 10);
        do
        {
            for (var i = _buckets[(int)(cursor & mask)] - 1; i >= 0; i = _next[i])
            {
                visit(i);
                seen++;
            }
            // Increment the reversed cursor over the bits of the mask (Redis's dictScan order).
            cursor |= ~mask;
            cursor = Reverse(cursor);
            cursor++;
            cursor = Reverse(cursor);
        } while (cursor != 0 && seen < count && --maxBuckets > 0);
        return cursor;
    }

    private static ulong Reverse(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        v = ((v >> 8) & 0x00FF00FF00FF00FFUL) | ((v & 0x00FF00FF00FF00FFUL) << 8);
        v = ((v >> 16) & 0x0000FFFF0000FFFFUL) | ((v & 0x0000FFFF0000FFFFUL) << 16);
        return (v >> 32) | (v << 32);
    }

    public ByteTable<TValue> Clone()
    {
        var c = (ByteTable<TValue>)MemberwiseClone();
        c._buckets = (int[])_buckets.Clone();
        c._keys = (byte[]?[])_keys.Clone(); // byte strings are never mutated in place: sharing is safe
        c._values = (TValue[]?)_values?.Clone();
        c._hashes = (int[])_hashes.Clone();
        c._next = (int[])_next.Clone();
        return c;
    }

    /// <summary>Approximate bytes: the arrays plus every key and value.</summary>
    public long MemoryUsage()
    {
        long bytes = 64 + (long)_keys.Length * (_values is null ? 20 : 28);
        var strings = _values as byte[]?[]; // hashes: count each value's bytes too
        for (var i = 0; i < _end; i++)
        {
            if (_keys[i] is not { } k) continue;
            bytes += 24 + k.Length;
            if (strings is not null) bytes += 24 + strings[i]!.Length;
        }
        return bytes;
    }
}
