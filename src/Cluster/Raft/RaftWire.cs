using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace QuorumCache.Cluster.Raft;

/// <summary>Appends the primitive values of the Raft binary formats (messages, snapshot and log files).</summary>
internal sealed class RaftWireWriter
{
    private readonly ArrayBufferWriter<byte> _buf;

    public RaftWireWriter(int initialCapacity = 64) => _buf = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buf.WrittenCount;
    public ReadOnlySpan<byte> Written => _buf.WrittenSpan;
    public byte[] ToArray() => _buf.WrittenSpan.ToArray();

    public void Byte(byte b)
    {
        _buf.GetSpan(1)[0] = b;
        _buf.Advance(1);
    }

    public void Bool(bool b) => Byte(b ? (byte)1 : (byte)0);

    /// <summary>Unsigned LEB128 of a non-negative long.</summary>
    public void VarLong(long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "Raft wire integers are non-negative.");
        var v = (ulong)value;
        var span = _buf.GetSpan(10);
        var n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[n++] = (byte)v;
        _buf.Advance(n);
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.GetSpan(4), value);
        _buf.Advance(4);
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        VarLong(data.Length);
        Raw(data);
    }

    public void Raw(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_buf.GetSpan(data.Length));
        _buf.Advance(data.Length);
    }

    public void String(string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        VarLong(n);
        Encoding.UTF8.GetBytes(s, _buf.GetSpan(n));
        _buf.Advance(n);
    }

    public void NullableString(string? s)
    {
        Bool(s != null);
        if (s != null) String(s);
    }
}

/// <summary>Reads what <see cref="RaftWireWriter"/> wrote; throws <see cref="RaftFormatException"/> on anything malformed.</summary>
internal ref struct RaftWireReader
{
    /// <summary>Node ids are 40 hex characters in production; anything far longer is garbage.</summary>
    public const int MaxStringBytes = 1024;

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public RaftWireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public int Remaining => _data.Length - _pos;

    public byte Byte()
    {
        if (_pos >= _data.Length) throw Truncated();
        return _data[_pos++];
    }

    public bool Bool()
    {
        var b = Byte();
        if (b > 1) throw new RaftFormatException($"Invalid boolean byte {b} at offset {_pos - 1}.");
        return b == 1;
    }

    public long VarLong()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = Byte();
            if (shift == 63 && b > 0) throw new RaftFormatException("Varint overflows a non-negative 64-bit integer.");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
            shift += 7;
            if (shift > 63) throw new RaftFormatException("Varint is longer than 10 bytes.");
        }
        return (long)result;
    }

    /// <summary>A count or length that must fit in the remaining bytes, given each item takes at least <paramref name="minItemBytes"/>.</summary>
    public int Count(int minItemBytes)
    {
        var n = VarLong();
        if (n > int.MaxValue || n * Math.Max(1, minItemBytes) > Remaining)
            throw new RaftFormatException($"Length {n} exceeds the {Remaining} bytes remaining.");
        return (int)n;
    }

    public uint UInt32()
    {
        if (Remaining < 4) throw Truncated();
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos, 4));
        _pos += 4;
        return v;
    }

    public byte[] Bytes()
    {
        var n = Count(1);
        var r = _data.Slice(_pos, n).ToArray();
        _pos += n;
        return r;
    }

    public string String()
    {
        var n = Count(1);
        if (n > MaxStringBytes) throw new RaftFormatException($"String of {n} bytes is too long.");
        var s = _data.Slice(_pos, n);
        _pos += n;
        try
        {
            return Utf8Strict.GetString(s);
        }
        catch (DecoderFallbackException)
        {
            throw new RaftFormatException("String is not valid UTF-8.");
        }
    }

    public string? NullableString() => Bool() ? String() : null;

    public void End()
    {
        if (Remaining != 0) throw new RaftFormatException($"{Remaining} unexpected trailing bytes.");
    }

    private readonly RaftFormatException Truncated() => new($"Unexpected end of data at offset {_pos}.");

    private static readonly UTF8Encoding Utf8Strict = new(false, true);
}
