namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// A hash value. Small hashes (at most <c>hash-max-listpack-entries</c> fields, every field and value
/// at most <c>hash-max-listpack-value</c> bytes: <see cref="EncodingLimits"/>, read when the hash is
/// written) live in one packed array ("listpack", insertion order, like Redis); anything larger moves
/// for good to a <see cref="ByteTable{TValue}"/> ("hashtable"). As in Redis, a hash never moves back
/// to the packed form.
/// </summary>
public sealed class RedisHash : RedisObject
{
    /// <summary>Pairs per rebuild command (<see cref="WriteRestore"/>).</summary>
    private const int RestoreBatch = 128;

    // One field for both forms (a byte[] of packed field, value, field, value... or a ByteTable<byte[]>):
    // small hashes are the common case and every reference costs 8 bytes per key.
    private object _data = Array.Empty<byte>();
    private int _packedCount;       // fields in the packed form

    private byte[]? _packed => _data as byte[];
    private ByteTable<byte[]>? _table => _data as ByteTable<byte[]>;

    public override string TypeName => "hash";
    public override string EncodingName => _table is null ? "listpack" : "hashtable";
    public override bool IsEmpty => Count == 0;
    public int Count => _table?.Count ?? _packedCount;
    public bool IsPacked => _table is null;

    /// <summary>
    /// What HSET/HMSET/HSETNX check before writing (Redis's hashTypeTryConversion): more new fields
    /// than a listpack holds, or any argument longer than a listpack entry, converts at once.
    /// </summary>
    public void PrepareFor(int pairs, int maxArgLength, EncodingLimits limits)
    {
        if (_table is null && (pairs > limits.HashMaxListpackEntries || maxArgLength > limits.HashMaxListpackValue)) Convert(pairs);
    }

    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (_table is { } t)
        {
            var i = t.Find(field);
            value = i >= 0 ? t.ValueAt(i) : default;
            return i >= 0;
        }
        var o = Packed.Find(_packed!, field, 2);
        value = o >= 0 ? Packed.At(_packed!, Packed.Next(_packed!, o)) : default;
        return o >= 0;
    }

    public bool Contains(ReadOnlySpan<byte> field) => _table is { } t ? t.Find(field) >= 0 : Packed.Find(_packed!, field, 2) >= 0;

    /// <summary>Sets a field; returns true when the field is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, EncodingLimits limits)
    {
        if (_table is null && (field.Length > limits.HashMaxListpackValue || value.Length > limits.HashMaxListpackValue)) Convert(0);
        if (_table is { } t)
        {
            var i = t.Find(field);
            if (i >= 0)
            {
                t.SetValueAt(i, value.ToArray());
                return false;
            }
            t.AddNew(field.ToArray(), value.ToArray());
            return true;
        }
        var buf = _packed!;
        var o = Packed.Find(buf, field, 2);
        if (o >= 0)
        {
            _data = Packed.Replace(buf, Packed.Next(buf, o), value);
            return false;
        }
        _data = Packed.Append(buf, field, value);
        if (++_packedCount > limits.HashMaxListpackEntries) Convert(0);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        if (_table is { } t) return t.Remove(field);
        var o = Packed.Find(_packed!, field, 2);
        if (o < 0) return false;
        _data = Packed.Remove(_packed!, o, 2);
        _packedCount--;
        return true;
    }

    private void Convert(int sizeHint)
    {
        var t = new ByteTable<byte[]>(withValues: true, Math.Max(sizeHint, _packedCount));
        var e = GetEnumerator();
        while (e.MoveNext()) t.AddNew(e.Field.ToArray(), e.Value.ToArray());
        _data = t;
        _packedCount = 0;
    }

    /// <summary>Fields and values in the hash's order (listpack: insertion order). Do not modify while enumerating.</summary>
    public Enumerator GetEnumerator() => new(this);

    public ref struct Enumerator
    {
        private readonly RedisHash _h;
        private int _pos; // packed: offset of the next field; table: next index
        private ReadOnlySpan<byte> _field, _value;

        internal Enumerator(RedisHash h)
        {
            _h = h;
            _pos = 0;
        }

        public readonly ReadOnlySpan<byte> Field => _field;
        public readonly ReadOnlySpan<byte> Value => _value;

        public bool MoveNext()
        {
            if (_h._table is { } t)
            {
                while (_pos < t.End)
                {
                    var i = _pos++;
                    if (t.KeyAt(i) is { } k)
                    {
                        _field = k;
                        _value = t.ValueAt(i);
                        return true;
                    }
                }
                return false;
            }
            var buf = _h._packed!;
            if (_pos >= buf.Length) return false;
            _field = Packed.At(buf, _pos);
            var v = Packed.Next(buf, _pos);
            _value = Packed.At(buf, v);
            _pos = Packed.Next(buf, v);
            return true;
        }
    }

    /// <summary>The field and value at a uniformly random position.</summary>
    public (byte[] Field, byte[] Value) RandomEntry(Random rng)
    {
        if (_table is { } t)
        {
            var i = t.RandomIndex(rng);
            return (t.KeyAt(i)!, t.ValueAt(i));
        }
        return EntryAt(rng.Next(_packedCount));
    }

    /// <summary>The entry at position <paramref name="index"/> of the enumeration order (packed form: linear).</summary>
    public (byte[] Field, byte[] Value) EntryAt(int index)
    {
        if (_table is not null)
        {
            var e = GetEnumerator();
            while (e.MoveNext())
                if (index-- == 0) return (e.Field.ToArray(), e.Value.ToArray());
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var buf = _packed!;
        var o = Packed.Seek(buf, index * 2);
        return (Packed.At(buf, o).ToArray(), Packed.At(buf, Packed.Next(buf, o)).ToArray());
    }

    /// <summary>
    /// One HSCAN step. The packed form returns everything with cursor 0 (as Redis does for listpacks);
    /// the table walks its buckets (see <see cref="ByteTable{TValue}.Scan"/>).
    /// </summary>
    public ulong Scan(ulong cursor, long count, List<(byte[] Field, byte[] Value)> into)
    {
        if (_table is { } t) return t.Scan(cursor, count, i => into.Add((t.KeyAt(i)!, t.ValueAt(i))));
        var e = GetEnumerator();
        while (e.MoveNext()) into.Add((e.Field.ToArray(), e.Value.ToArray()));
        return 0;
    }

    public override RedisObject Clone() => new RedisHash
    {
        _data = _data is ByteTable<byte[]> t ? t.Clone() : ((byte[])_data).Clone(),
        _packedCount = _packedCount,
    };

    /// <summary>
    /// HSET commands of up to 128 pairs, in the hash's order. A hashtable-encoded hash small enough to
    /// fit a listpack under the default limit gets its first command padded (the first pair repeated)
    /// past that limit, so the rebuilt hash converts up front and reports the same encoding. The node
    /// that replays the commands applies its own limits, as any HSET there would.
    /// </summary>
    public override int WriteRestore(ReadOnlySpan<byte> key, Resp.RespWriter w)
    {
        const int batch = RestoreBatch;
        var limit = EncodingLimits.Default.HashMaxListpackEntries;
        var total = Count;
        var pad = _table is not null && total <= limit ? limit + 1 - total : 0;
        var commands = 0;
        var left = 0;
        var first = true;
        var e = GetEnumerator();
        var written = 0;
        while (e.MoveNext())
        {
            if (left == 0)
            {
                left = Math.Min(batch, total - written);
                w.WriteArrayHeader(2 + 2 * (left + (first ? pad : 0)));
                w.WriteBulk("HSET"u8);
                w.WriteBulk(key);
                if (first)
                    for (var i = 0; i < pad; i++)
                    {
                        w.WriteBulk(e.Field);
                        w.WriteBulk(e.Value);
                    }
                first = false;
                commands++;
            }
            w.WriteBulk(e.Field);
            w.WriteBulk(e.Value);
            left--;
            written++;
        }
        return commands;
    }

    public override long MemoryUsage() => 40 + (_table?.MemoryUsage() ?? 24 + _packed!.Length);
}
