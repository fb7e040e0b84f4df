using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace QuorumCache.Resp;

/// <summary>
/// Writes RESP2 or RESP3 replies into an <see cref="IBufferWriter{T}"/> (a connection's PipeWriter).
/// RESP3-only types degrade to their RESP2 forms when <see cref="Protocol"/> is 2, as Redis does:
/// maps and sets become arrays, doubles and big numbers bulk strings, booleans integers.
/// Call <see cref="Commit"/> before flushing the underlying writer.
/// </summary>
public sealed class RespWriter
{
    private IBufferWriter<byte> _output;
    private Memory<byte> _buffer;
    private int _pos;
    private long _committed;

    /// <summary>Told the code (first word) of each error reply written, for INFO errorstats.</summary>
    public delegate void ErrorObserver(ReadOnlySpan<byte> code);

    public RespWriter(IBufferWriter<byte> output, int protocol = 2)
    {
        _output = output;
        Protocol = protocol;
    }

    /// <summary>2 or 3, as chosen by HELLO.</summary>
    public int Protocol { get; set; }

    public bool IsResp3 => Protocol >= 3;

    /// <summary>Bytes written and not yet committed to the underlying writer.</summary>
    public int Pending => _pos;

    /// <summary>Bytes written since this writer was made, committed or not: compare two readings to
    /// learn whether anything was written in between.</summary>
    public long Position => _committed + _pos;

    /// <summary>Error replies written since this writer was made.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>The <see cref="Position"/> at which the latest error reply began (-1: none yet).</summary>
    public long LastErrorAt { get; private set; } = -1;

    /// <summary>Called with the code of every error reply (null: nobody counts them).</summary>
    public ErrorObserver? OnError { get; set; }

    private void NoteError(ReadOnlySpan<byte> message)
    {
        ErrorCount++;
        LastErrorAt = Position;
        if (OnError is { } observer)
        {
            var space = message.IndexOf((byte)' ');
            observer(space < 0 ? message : message[..space]);
        }
    }

    /// <summary>Switches to another output (used by MULTI/EXEC capture and tests).</summary>
    public void Reset(IBufferWriter<byte> output)
    {
        Commit();
        _output = output;
    }

    /// <summary>Hands the bytes written so far to the underlying writer.</summary>
    public void Commit()
    {
        if (_pos > 0)
        {
            _output.Advance(_pos);
            _committed += _pos;
            _pos = 0;
        }
        _buffer = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _pos < size) Grow(size);
        return _buffer.Span.Slice(_pos);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        Commit();
        _buffer = _output.GetMemory(Math.Max(size, 4096));
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var span = Reserve(Math.Min(bytes.Length, 65536));
            var n = Math.Min(span.Length, bytes.Length);
            bytes.Slice(0, n).CopyTo(span);
            _pos += n;
            bytes = bytes.Slice(n);
        }
    }

    private void WritePrefixedNumber(byte prefix, long value)
    {
        var span = Reserve(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span.Slice(1), out var n);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        _pos += n + 3;
    }

    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    public void WriteSimpleString(ReadOnlySpan<byte> s)
    {
        var span = Reserve(s.Length + 3);
        span[0] = (byte)'+';
        s.CopyTo(span.Slice(1));
        span[s.Length + 1] = (byte)'\r';
        span[s.Length + 2] = (byte)'\n';
        _pos += s.Length + 3;
    }

    public void WriteSimpleString(string s) => WriteSimpleString(Encoding.UTF8.GetBytes(Sanitize(s)));

    /// <summary>An array of simple strings, as the HELP subcommands answer.</summary>
    public void WriteSimpleStrings(ReadOnlySpan<string> lines)
    {
        WriteArrayHeader(lines.Length);
        foreach (var line in lines) WriteSimpleString(line);
    }

    /// <summary>An error reply; <paramref name="message"/> carries its own code ("ERR ...", "WRONGTYPE ...").</summary>
    public void WriteError(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(Sanitize(message));
        NoteError(bytes);
        var span = Reserve(bytes.Length + 3);
        span[0] = (byte)'-';
        bytes.CopyTo(span.Slice(1));
        span[bytes.Length + 1] = (byte)'\r';
        span[bytes.Length + 2] = (byte)'\n';
        _pos += bytes.Length + 3;
    }

    public void WriteError(ReadOnlySpan<byte> message)
    {
        NoteError(message);
        var span = Reserve(message.Length + 3);
        span[0] = (byte)'-';
        message.CopyTo(span.Slice(1));
        span[message.Length + 1] = (byte)'\r';
        span[message.Length + 2] = (byte)'\n';
        _pos += message.Length + 3;
    }

    private static string Sanitize(string s) =>
        s.AsSpan().IndexOfAny('\r', '\n') < 0 ? s : s.Replace('\r', ' ').Replace('\n', ' ');

    public void WriteInteger(long value)
    {
        if ((ulong)value < 10)
        {
            var span = Reserve(4);
            span[0] = (byte)':';
            span[1] = (byte)('0' + value);
            span[2] = (byte)'\r';
            span[3] = (byte)'\n';
            _pos += 4;
            return;
        }
        WritePrefixedNumber((byte)':', value);
    }

    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        if (value.Length <= 4096)
        {
            var span = Reserve(value.Length + 16);
            span[0] = (byte)'$';
            Utf8Formatter.TryFormat(value.Length, span.Slice(1), out var n);
            var p = n + 1;
            span[p++] = (byte)'\r';
            span[p++] = (byte)'\n';
            value.CopyTo(span.Slice(p));
            p += value.Length;
            span[p++] = (byte)'\r';
            span[p++] = (byte)'\n';
            _pos += p;
            return;
        }
        WritePrefixedNumber((byte)'$', value.Length);
        WriteRaw(value);
        WriteRaw("\r\n"u8);
    }

    public void WriteBulkString(string value) => WriteBulk(Encoding.UTF8.GetBytes(value));

    /// <summary>A bulk string holding the decimal form of <paramref name="value"/>.</summary>
    public void WriteBulkInteger(long value)
    {
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, tmp, out var n);
        WriteBulk(tmp.Slice(0, n));
    }

    /// <summary>The null reply: RESP2 null bulk string, RESP3 null.</summary>
    public void WriteNull() => WriteRaw(IsResp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array: RESP2 <c>*-1</c>, RESP3 null.</summary>
    public void WriteNullArray() => WriteRaw(IsResp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteArrayHeader(int count) => WritePrefixedNumber((byte)'*', count);

    public void WriteMapHeader(int pairs)
    {
        if (IsResp3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2L);
    }

    public void WriteSetHeader(int count) => WritePrefixedNumber(IsResp3 ? (byte)'~' : (byte)'*', count);

    public void WritePushHeader(int count) => WritePrefixedNumber(IsResp3 ? (byte)'>' : (byte)'*', count);

    public void WriteBoolean(bool value)
    {
        if (IsResp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>A double: RESP3 <c>,</c> type, RESP2 bulk string, in Redis's shortest form.</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        var n = RespFormat.FormatDouble(value, tmp);
        if (IsResp3)
        {
            var span = Reserve(n + 3);
            span[0] = (byte)',';
            tmp.Slice(0, n).CopyTo(span.Slice(1));
            span[n + 1] = (byte)'\r';
            span[n + 2] = (byte)'\n';
            _pos += n + 3;
        }
        else WriteBulk(tmp.Slice(0, n));
    }

    /// <summary>A verbatim string (RESP3 <c>=</c> with a 3-letter format such as "txt"), RESP2 bulk string.</summary>
    public void WriteVerbatim(string format, ReadOnlySpan<byte> text)
    {
        if (!IsResp3)
        {
            WriteBulk(text);
            return;
        }
        WritePrefixedNumber((byte)'=', text.Length + 4);
        WriteRaw(Encoding.ASCII.GetBytes(format));
        WriteRaw(":"u8);
        WriteRaw(text);
        WriteRaw("\r\n"u8);
    }

    /// <summary>A big number: RESP3 <c>(</c> type, RESP2 bulk string.</summary>
    public void WriteBigNumber(string digits)
    {
        if (!IsResp3)
        {
            WriteBulkString(digits);
            return;
        }
        WriteRaw("("u8);
        WriteRaw(Encoding.ASCII.GetBytes(digits));
        WriteRaw("\r\n"u8);
    }
}
