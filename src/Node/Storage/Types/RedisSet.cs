using System.Buffers.Text;

namespace QuorumCache.Node.Storage.Types;

/// <summary>
/// A set value with Redis 7.2's three encodings and thresholds (<see cref="EncodingLimits"/>, read
/// when the set is written): "intset" (a sorted array of 64-bit integers, at most
/// <c>set-max-intset-entries</c>, while every member is an integer in canonical form), "listpack"
/// (one packed array in insertion order, at most <c>set-max-listpack-entries</c> members of at most
/// <c>set-max-listpack-value</c> bytes) and "hashtable" (<see cref="ByteTable{TValue}"/>). Conversions
/// only go towards larger encodings, as in Redis, and happen at the same points, so OBJECT ENCODING
/// and the order of SMEMBERS for small sets match Redis. With set-max-listpack-entries 0 the rules
/// are Redis 7.0's (no listpack sets).
/// </summary>
public sealed class RedisSet : RedisObject, IMemberSet
{
    /// <summary>Members per rebuild command (<see cref="WriteRestore"/>).</summary>
    private const int RestoreBatch = 128;

    // One field for the three forms: long[] (intset, sorted, exactly sized), byte[] (listpack) or
    // ByteTable<byte[]?>; every reference costs 8 bytes per key.
    private object _data = null!;
    private int _packedCount;

    private long[]? _ints => _data as long[];
    private byte[]? _packed => _data as byte[];
    private ByteTable<byte[]?>? _table => _data as ByteTable<byte[]?>;

    private RedisSet() { }

    /// <summary>
    /// A new empty set sized for <paramref name="sizeHint"/> members, the first being
    /// <paramref name="first"/> (Redis's setTypeCreate).
    /// </summary>
    public static RedisSet Create(ReadOnlySpan<byte> first, int sizeHint, EncodingLimits limits)
    {
        if (sizeHint <= limits.SetMaxIntsetEntries && ArgParse.TryInt64(first, out _)) return new RedisSet { _data = Array.Empty<long>() };
        if (sizeHint <= limits.SetMaxListpackEntries) return new RedisSet { _data = Array.Empty<byte>() };
        return new RedisSet { _data = new ByteTable<byte[]?>(withValues: false, sizeHint) };
    }

    /// <summary>The empty set STORE commands fill (Redis starts them as an intset).</summary>
    public static RedisSet CreateEmpty() => new() { _data = Array.Empty<long>() };

    public override string TypeName => "set";
    public override string EncodingName => _ints is not null ? "intset" : _packed is not null ? "listpack" : "hashtable";
    public override bool IsEmpty => Count == 0;
    public int Count => _ints?.Length ?? _table?.Count ?? _packedCount;

    /// <summary>Before adding <paramref name="sizeHint"/> members at once: go straight to a table when they cannot fit.</summary>
    public void MaybeConvert(int sizeHint, EncodingLimits limits)
    {
        if ((_packed is not null && sizeHint > limits.SetMaxListpackEntries) || (_ints is not null && sizeHint > limits.SetMaxIntsetEntries))
            ToTable(Count + sizeHint);
    }

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints is { } ints) return ArgParse.TryInt64(member, out var v) && Array.BinarySearch(ints, v) >= 0;
        if (_packed is { } p) return Packed.Find(p, member, 1) >= 0;
        return _table!.Find(member) >= 0;
    }

    /// <summary>Adds a member; returns whether it was new.</summary>
    public bool Add(ReadOnlySpan<byte> member, EncodingLimits limits)
    {
        if (_ints is { } ints)
        {
            if (ArgParse.TryInt64(member, out var v))
            {
                var at = Array.BinarySearch(ints, v);
                if (at >= 0) return false;
                at = ~at;
                var grown = new long[ints.Length + 1];
                Array.Copy(ints, grown, at);
                grown[at] = v;
                Array.Copy(ints, at, grown, at + 1, ints.Length - at);
                _data = grown;
                if (grown.Length > limits.SetMaxIntsetEntries) ToTable(grown.Length);
                return true;
            }
            // A non-integer member: a listpack if everything fits (the new member and the widest
            // integer already there within the value limit), else a table.
            if (ints.Length < limits.SetMaxListpackEntries && member.Length <= limits.SetMaxListpackValue
                && WidestInteger(ints) <= limits.SetMaxListpackValue) ToPacked();
            else ToTable(ints.Length + 1);
        }
        if (_packed is { } p)
        {
            if (Packed.Find(p, member, 1) >= 0) return false;
            if (_packedCount < limits.SetMaxListpackEntries && member.Length <= limits.SetMaxListpackValue)
            {
                _data = Packed.Append(p, member);
                _packedCount++;
                return true;
            }
            ToTable(_packedCount + 1);
        }
        var t = _table!;
        if (t.Find(member) >= 0) return false;
        t.AddNew(member.ToArray(), null);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_ints is { } ints)
        {
            if (!ArgParse.TryInt64(member, out var v)) return false;
            var at = Array.BinarySearch(ints, v);
            if (at < 0) return false;
            RemoveIntAt(at);
            return true;
        }
        if (_packed is { } p)
        {
            var o = Packed.Find(p, member, 1);
            if (o < 0) return false;
            _data = Packed.Remove(p, o, 1);
            _packedCount--;
            return true;
        }
        return _table!.Remove(member);
    }

    /// <summary>Characters of the longest integer in a sorted intset (its minimum or its maximum).</summary>
    private static int WidestInteger(long[] ints)
    {
        if (ints.Length == 0) return 0;
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(ints[0], tmp, out var a);
        Utf8Formatter.TryFormat(ints[^1], tmp, out var b);
        return Math.Max(a, b);
    }

    private void RemoveIntAt(int at)
    {
        var ints = _ints!;
        var shrunk = new long[ints.Length - 1];
        Array.Copy(ints, shrunk, at);
        Array.Copy(ints, at + 1, shrunk, at, ints.Length - at - 1);
        _data = shrunk;
    }

    /// <summary>Removes and returns a uniformly chosen member (the set must not be empty).</summary>
    public byte[] PopRandom(Random rng)
    {
        if (_ints is { } ints)
        {
            var at = rng.Next(ints.Length);
            var v = ints[at];
            RemoveIntAt(at);
            return ArgParse.FormatInt64(v);
        }
        if (_packed is { } p)
        {
            var o = Packed.Seek(p, rng.Next(_packedCount));
            var m = Packed.At(p, o).ToArray();
            _data = Packed.Remove(p, o, 1);
            _packedCount--;
            return m;
        }
        var t = _table!;
        var i = t.RandomIndex(rng);
        var key = t.KeyAt(i)!;
        t.RemoveAt(i);
        return key;
    }

    /// <summary>A uniformly chosen member (the set must not be empty).</summary>
    public byte[] RandomMember(Random rng)
    {
        if (_ints is { } ints) return ArgParse.FormatInt64(ints[rng.Next(ints.Length)]);
        if (_packed is { } p) return Packed.At(p, Packed.Seek(p, rng.Next(_packedCount))).ToArray();
        var t = _table!;
        return t.KeyAt(t.RandomIndex(rng))!;
    }

    private void ToPacked()
    {
        var ints = _ints!;
        var size = 0;
        Span<byte> tmp = stackalloc byte[24];
        foreach (var v in ints)
        {
            Utf8Formatter.TryFormat(v, tmp, out var n);
            size += 1 + n;
        }
        var buf = new byte[size];
        var o = 0;
        foreach (var v in ints)
        {
            Utf8Formatter.TryFormat(v, buf.AsSpan(o + 1), out var n);
            buf[o] = (byte)n;
            o += 1 + n;
        }
        _data = buf;
        _packedCount = ints.Length;
    }

    private void ToTable(int sizeHint)
    {
        var t = new ByteTable<byte[]?>(withValues: false, sizeHint);
        var e = GetEnumerator();
        while (e.MoveNext()) t.AddNew(e.Current.ToArray(), null);
        _data = t;
        _packedCount = 0;
    }

    /// <summary>Members in the set's order (intset: ascending; listpack: insertion). Do not modify while enumerating.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Lets sorted-set commands (ZUNION, ZINTER...) read a set as members with score 1.</summary>
    public void ForEachMember(Action<byte[]> visit)
    {
        var e = GetEnumerator();
        while (e.MoveNext()) visit(e.Current.ToArray());
    }

    public ref struct Enumerator
    {
        private readonly RedisSet _s;
        private readonly byte[]? _scratch;
        private int _pos;
        private ReadOnlySpan<byte> _current;

        internal Enumerator(RedisSet s)
        {
            _s = s;
            _pos = 0;
            _scratch = s._ints is not null ? new byte[24] : null;
        }

        public readonly ReadOnlySpan<byte> Current => _current;

        public bool MoveNext()
        {
            if (_s._ints is { } ints)
            {
                if (_pos >= ints.Length) return false;
                Utf8Formatter.TryFormat(ints[_pos++], _scratch, out var n);
                _current = _scratch.AsSpan(0, n);
                return true;
            }
            if (_s._packed is { } p)
            {
                if (_pos >= p.Length) return false;
                _current = Packed.At(p, _pos);
                _pos = Packed.Next(p, _pos);
                return true;
            }
            var t = _s._table!;
            while (_pos < t.End)
            {
                if (t.KeyAt(_pos++) is { } k)
                {
                    _current = k;
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// One SSCAN step. Intsets and listpacks return everything with cursor 0 (as Redis does); the table
    /// walks its buckets (see <see cref="ByteTable{TValue}.Scan"/>).
    /// </summary>
    public ulong Scan(ulong cursor, long count, List<byte[]> into)
    {
        if (_table is { } t) return t.Scan(cursor, count, i => into.Add(t.KeyAt(i)!));
        var e = GetEnumerator();
        while (e.MoveNext()) into.Add(e.Current.ToArray());
        return 0;
    }

    public override RedisObject Clone() => new RedisSet
    {
        _data = _data is ByteTable<byte[]?> t ? t.Clone() : ((Array)_data).Clone(),
        _packedCount = _packedCount,
    };

    /// <summary>
    /// SADD commands of up to 128 members, in the set's order (an intset's ascending order and a
    /// listpack's order rebuild the same way). A hashtable-encoded set small enough for a smaller
    /// encoding under the default limits gets its first command padded (the first member repeated)
    /// past the intset/listpack limit, so the rebuilt set converts up front and reports the same
    /// encoding. The node that replays the commands applies its own limits, as any SADD there would.
    /// </summary>
    public override int WriteRestore(ReadOnlySpan<byte> key, Resp.RespWriter w)
    {
        const int batch = RestoreBatch;
        var defaults = EncodingLimits.Default;
        var total = Count;
        var commands = 0;
        var left = 0;
        var written = 0;
        var first = true;
        var e = GetEnumerator();
        while (e.MoveNext())
        {
            if (left == 0)
            {
                left = Math.Min(batch, total - written);
                var pad = 0;
                if (first && _table is not null)
                {
                    var limit = ArgParse.TryInt64(e.Current, out _) ? defaults.SetMaxIntsetEntries : defaults.SetMaxListpackEntries;
                    if (total <= limit) pad = limit + 1 - left;
                }
                w.WriteArrayHeader(2 + left + pad);
                w.WriteBulk("SADD"u8);
                w.WriteBulk(key);
                for (var i = 0; i < pad; i++) w.WriteBulk(e.Current);
                first = false;
                commands++;
            }
            w.WriteBulk(e.Current);
            left--;
            written++;
        }
        return commands;
    }

    public override long MemoryUsage() =>
        40 + (_ints is not null ? 24 + 8L * _ints.Length : _packed is not null ? 24 + _packed.Length : _table!.MemoryUsage());
}
