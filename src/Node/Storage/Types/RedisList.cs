namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// A Redis list: a ring buffer of element arrays (a deque). Pushing and popping at either end and
/// reading or replacing by index are O(1); inserting or removing in the middle shifts elements,
/// O(n), as Redis's own listpack does. The only per-element object is the element's own
/// <c>byte[]</c> (elements are never mutated in place, so clones share them). The buffer doubles
/// when full and halves when a quarter full.
/// Not thread-safe: used under its slot's lock.
/// </summary>
public sealed class RedisList : RedisObject
{
    private const int MinCapacity = 4;

    private byte[][] _items;
    private int _head;
    private int _count;
    private long _listpackBytes = ListpackSize.Empty;
    private bool _quicklist;

    public RedisList() => _items = new byte[MinCapacity][];

    public RedisList(int capacity) => _items = new byte[Math.Max(MinCapacity, capacity)][];

    public int Count => _count;

    public override bool IsEmpty => _count == 0;

    public override string TypeName => "list";

    /// <summary>"listpack" while the list would fit one listpack under list-max-listpack-size, else "quicklist" (see <see cref="ListpackSize"/>).
    /// Mutations take the node's <see cref="EncodingLimits"/> of the moment, so a list changes encoding only when written.</summary>
    public override string EncodingName => _quicklist ? "quicklist" : "listpack";

    /// <summary>The element at <paramref name="index"/> (0 = head), which must be in range.</summary>
    public byte[] this[int index] => _items[Physical(index)];

    /// <summary>Replaces the element at <paramref name="index"/> (LSET).</summary>
    public void Set(int index, byte[] value, EncodingLimits limits)
    {
        var p = Physical(index);
        var old = _items[p];
        _items[p] = value;
        _listpackBytes += ListpackSize.Entry(value) - ListpackSize.Entry(old);
        if (value.Length >= old.Length) Grew(limits);
        else Shrank(limits);
    }

    public byte[] First => _items[_head];

    public byte[] Last => _items[Physical(_count - 1)];

    public void PushFirst(byte[] value, EncodingLimits limits)
    {
        if (_count == _items.Length) Resize(_items.Length * 2);
        _head = _head == 0 ? _items.Length - 1 : _head - 1;
        _items[_head] = value;
        _count++;
        Added(value, limits);
    }

    public void PushLast(byte[] value, EncodingLimits limits)
    {
        if (_count == _items.Length) Resize(_items.Length * 2);
        _items[Physical(_count)] = value;
        _count++;
        Added(value, limits);
    }

    public void Push(byte[] value, bool head, EncodingLimits limits)
    {
        if (head) PushFirst(value, limits);
        else PushLast(value, limits);
    }

    /// <summary>Removes and returns the head element; the list must not be empty.</summary>
    public byte[] PopFirst(EncodingLimits limits)
    {
        var v = _items[_head];
        _items[_head] = null!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
        Removed(v, limits);
        MaybeShrinkBuffer();
        return v;
    }

    /// <summary>Removes and returns the tail element; the list must not be empty.</summary>
    public byte[] PopLast(EncodingLimits limits)
    {
        var p = Physical(_count - 1);
        var v = _items[p];
        _items[p] = null!;
        _count--;
        Removed(v, limits);
        MaybeShrinkBuffer();
        return v;
    }

    public byte[] Pop(bool head, EncodingLimits limits) => head ? PopFirst(limits) : PopLast(limits);

    /// <summary>Inserts <paramref name="value"/> so that it ends up at <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] value, EncodingLimits limits)
    {
        if (index == 0)
        {
            PushFirst(value, limits);
            return;
        }
        if (index == _count)
        {
            PushLast(value, limits);
            return;
        }
        if (_count == _items.Length) Resize(_items.Length * 2);
        else Linearize();
        Array.Copy(_items, index, _items, index + 1, _count - index);
        _items[index] = value;
        _count++;
        Added(value, limits);
    }

    /// <summary>
    /// Removes elements equal to <paramref name="value"/>: the first <paramref name="limit"/> from the
    /// head when positive, from the tail when negative, all when 0 (LREM). Returns how many.
    /// </summary>
    public int RemoveAll(ReadOnlySpan<byte> value, long limit, EncodingLimits limits)
    {
        Linearize();
        var items = _items;
        var n = _count;
        var removed = 0;
        var max = limit == 0 ? long.MaxValue : Math.Abs(limit);
        if (limit >= 0)
        {
            var w = 0;
            for (var r = 0; r < n; r++)
            {
                var e = items[r];
                if (removed < max && value.SequenceEqual(e))
                {
                    removed++;
                    _listpackBytes -= ListpackSize.Entry(e);
                    continue;
                }
                items[w++] = e;
            }
            Array.Clear(items, w, n - w);
        }
        else
        {
            // Compact toward the tail, then the survivors start at 'removed'.
            var w = n - 1;
            for (var r = n - 1; r >= 0; r--)
            {
                var e = items[r];
                if (removed < max && value.SequenceEqual(e))
                {
                    removed++;
                    _listpackBytes -= ListpackSize.Entry(e);
                    continue;
                }
                items[w--] = e;
            }
            Array.Clear(items, 0, removed);
            _head = removed == items.Length ? 0 : removed;
        }
        _count -= removed;
        if (removed > 0)
        {
            Shrank(limits);
            MaybeShrinkBuffer();
        }
        return removed;
    }

    /// <summary>Drops <paramref name="fromHead"/> elements at the head and <paramref name="fromTail"/> at the tail (LTRIM).</summary>
    public void TrimEnds(int fromHead, int fromTail, EncodingLimits limits)
    {
        for (var i = 0; i < fromHead; i++) RemovedNoShrink(PopFirstRaw());
        for (var i = 0; i < fromTail; i++) RemovedNoShrink(PopLastRaw());
        if (fromHead + fromTail > 0)
        {
            Shrank(limits);
            MaybeShrinkBuffer();
        }
    }

    /// <summary>Index of the first element equal to <paramref name="value"/> from the head, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < _count; i++)
            if (value.SequenceEqual(_items[Physical(i)])) return i;
        return -1;
    }

    public override RedisObject Clone()
    {
        var c = new RedisList(_count);
        for (var i = 0; i < _count; i++) c._items[i] = _items[Physical(i)];
        c._count = _count;
        c._listpackBytes = _listpackBytes;
        c._quicklist = _quicklist;
        return c;
    }

    /// <summary>Object header, the buffer of references, and each element's array (header + data, 8-byte aligned).</summary>
    public override long MemoryUsage()
    {
        long total = 64 + 24 + 8L * _items.Length;
        for (var i = 0; i < _count; i++) total += (24 + _items[Physical(i)].Length + 7) & ~7L;
        return total;
    }

    /// <summary>
    /// RPUSH batches of 128 elements. A "quicklist" that RPUSH alone would rebuild as a "listpack"
    /// under the default list-max-listpack-size (between 4 and 8 KB: Redis's hysteresis) is first
    /// forced over the limit by a padding element that an LPOP removes at the end, so the copy reports
    /// the same encoding. The node that replays the commands applies its own limits.
    /// </summary>
    public override int WriteRestore(ReadOnlySpan<byte> key, Resp.RespWriter w)
    {
        const int batch = 128;
        var commands = 0;
        var pad = _quicklist && _listpackBytes <= ListpackSize.MaxBytes;
        if (pad)
        {
            w.WriteArrayHeader(3);
            w.WriteBulk("LPUSH"u8);
            w.WriteBulk(key);
            w.WriteBulk(new byte[ListpackSize.MaxBytes + 1]);
            commands++;
        }
        for (var start = 0; start < _count; start += batch)
        {
            var n = Math.Min(batch, _count - start);
            w.WriteArrayHeader(2 + n);
            w.WriteBulk("RPUSH"u8);
            w.WriteBulk(key);
            for (var i = 0; i < n; i++) w.WriteBulk(_items[Physical(start + i)]);
            commands++;
        }
        if (pad)
        {
            w.WriteArrayHeader(2);
            w.WriteBulk("LPOP"u8);
            w.WriteBulk(key);
            commands++;
        }
        return commands;
    }

    // ---------------- internals ----------------

    private int Physical(int index)
    {
        var p = _head + index;
        return p >= _items.Length ? p - _items.Length : p;
    }

    private byte[] PopFirstRaw()
    {
        var v = _items[_head];
        _items[_head] = null!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
        return v;
    }

    private byte[] PopLastRaw()
    {
        var p = Physical(_count - 1);
        var v = _items[p];
        _items[p] = null!;
        _count--;
        return v;
    }

    private void Added(byte[] value, EncodingLimits limits)
    {
        _listpackBytes += ListpackSize.Entry(value);
        Grew(limits);
    }

    private void Removed(byte[] value, EncodingLimits limits)
    {
        _listpackBytes -= ListpackSize.Entry(value);
        Shrank(limits);
    }

    private void RemovedNoShrink(byte[] value) => _listpackBytes -= ListpackSize.Entry(value);

    /// <summary>
    /// Makes the list a quicklist whatever its size, as lists Redis 7.0 builds without a conversion check
    /// (SORT ... STORE) are; later shrinking converts it back as usual.
    /// </summary>
    public void MarkQuicklist() => _quicklist = true;

    private void Grew(EncodingLimits limits)
    {
        if (!_quicklist && ListpackSize.Exceeds(limits.ListMaxListpackSize, _listpackBytes, _count)) _quicklist = true;
    }

    private void Shrank(EncodingLimits limits)
    {
        if (_quicklist && ListpackSize.FitsAfterShrink(limits.ListMaxListpackSize, _listpackBytes, _count)) _quicklist = false;
    }

    private void MaybeShrinkBuffer()
    {
        if (_items.Length > 16 && _count < _items.Length / 4) Resize(_items.Length / 2);
    }

    /// <summary>Moves the elements to a new buffer of <paramref name="capacity"/>, head at index 0.</summary>
    private void Resize(int capacity)
    {
        var next = new byte[capacity][];
        CopyTo(next);
        _items = next;
        _head = 0;
    }

    /// <summary>Makes the elements contiguous from index 0 of the current buffer.</summary>
    private void Linearize()
    {
        if (_head == 0) return;
        if (_head + _count <= _items.Length)
        {
            Array.Copy(_items, _head, _items, 0, _count);
            Array.Clear(_items, _count, _items.Length - _count);
        }
        else
        {
            var next = new byte[_items.Length][];
            CopyTo(next);
            _items = next;
        }
        _head = 0;
    }

    private void CopyTo(byte[][] target)
    {
        var firstPart = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, target, 0, firstPart);
        Array.Copy(_items, 0, target, firstPart, _count - firstPart);
    }
}
