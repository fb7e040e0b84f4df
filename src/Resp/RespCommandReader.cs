using System.Buffers;

namespace QuorumCache.Resp;

/// <summary>
/// Reads client commands, multibulk (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>) or inline
/// (<c>GET k\r\n</c>), from a byte sequence of any segmentation. Parsing is incremental:
/// a multibulk whose arguments have partly arrived keeps its progress in the
/// <see cref="CommandBuffer"/> and the consumed bytes can be released.
/// </summary>
public static class RespCommandReader
{
    /// <summary>
    /// Tries to complete one command. Returns false when more bytes are needed (everything
    /// before <c>reader.Position</c> may be released). Throws <see cref="RespProtocolException"/>
    /// on malformed input. Empty commands (<c>*0</c>, <c>*-1</c>, blank lines) are skipped, as Redis does.
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, CommandBuffer cmd, RespLimits limits)
    {
        while (true)
        {
            if (cmd.Expected < 0)
            {
                cmd.Reset();
                if (!reader.TryPeek(out var first)) return false;
                if (first != (byte)'*')
                {
                    if (!TryReadInline(ref reader, cmd, limits)) return false;
                    if (cmd.Count == 0) continue;
                    return true;
                }
                if (!TryReadHeader(ref reader, limits, "Protocol error: too big mbulk count string", out var line)) return false;
                if (!TryParseInt64(line.Slice(1), out var n) || n > limits.MaxMultibulkLength)
                    throw new RespProtocolException("Protocol error: invalid multibulk length");
                if (n > RespLimits.UnauthenticatedMultibulkLength && limits.Unauthenticated)
                    throw new RespProtocolException("Protocol error: unauthenticated multibulk length");
                if (n <= 0) continue;
                cmd.Expected = (int)n;
            }

            while (cmd.Count < cmd.Expected)
            {
                if (cmd.PendingBulk < 0)
                {
                    if (!reader.TryPeek(out var b)) return false;
                    if (b != (byte)'$')
                        throw new RespProtocolException($"Protocol error: expected '$', got '{(char)b}'");
                    if (!TryReadHeader(ref reader, limits, "Protocol error: too big bulk count string", out var line)) return false;
                    if (!TryParseInt64(line.Slice(1), out var len) || len < 0 || len > limits.MaxBulkLength || len > Array.MaxLength)
                        throw new RespProtocolException("Protocol error: invalid bulk length");
                    if (len > RespLimits.UnauthenticatedBulkLength && limits.Unauthenticated)
                        throw new RespProtocolException("Protocol error: unauthenticated bulk length");
                    cmd.PendingBulk = len;
                }
                // Wait for the body and its CRLF (not checked, as Redis does not check it).
                if (reader.Remaining < cmd.PendingBulk + 2) return false;
                var dest = cmd.AddArgument((int)cmd.PendingBulk);
                reader.UnreadSequence.Slice(0, dest.Length).CopyTo(dest);
                reader.Advance(cmd.PendingBulk + 2);
                cmd.PendingBulk = -1;
            }
            cmd.Expected = -1;
            return true;
        }
    }

    // A header line "*N\r\n" or "$N\r\n", returned without its CRLF, copied to a small stack-free buffer.
    private static bool TryReadHeader(ref SequenceReader<byte> reader, RespLimits limits, string tooBig, out ReadOnlySpan<byte> line)
    {
        var unread = reader.UnreadSpan;
        var idx = unread.IndexOf("\r\n"u8);
        if (idx >= 0)
        {
            line = unread.Slice(0, idx);
            reader.Advance(idx + 2);
            return true;
        }
        if (!reader.TryReadTo(out ReadOnlySequence<byte> seq, "\r\n"u8, advancePastDelimiter: true))
        {
            if (reader.Remaining > limits.MaxInlineLength) throw new RespProtocolException(tooBig);
            line = default;
            return false;
        }
        // Rare: the line straddles segments. A valid count is at most 21 bytes; a longer
        // line is cut so that parsing it fails with the "invalid ... length" error.
        line = (seq.Length > 32 ? seq.Slice(0, 32) : seq).ToArray();
        return true;
    }

    private static bool TryReadInline(ref SequenceReader<byte> reader, CommandBuffer cmd, RespLimits limits)
    {
        ReadOnlySequence<byte> seq;
        if (!reader.TryReadTo(out seq, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > limits.MaxInlineLength)
                throw new RespProtocolException("Protocol error: too big inline request");
            return false;
        }
        if (seq.Length > limits.MaxInlineLength)
            throw new RespProtocolException("Protocol error: too big inline request");
        var len = (int)seq.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(len, 1));
        try
        {
            seq.CopyTo(rented);
            var line = rented.AsSpan(0, len);
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            InlineSplitter.Split(line, cmd);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        return true;
    }

    /// <summary>Parses a signed decimal the way Redis's string2ll does: no sign '+', no leading zeros, no spaces.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 20) return false;
        if (s.Length == 1 && s[0] == (byte)'0') return true;
        var neg = s[0] == (byte)'-';
        var i = neg ? 1 : 0;
        if (i == s.Length || s[i] < (byte)'1' || s[i] > (byte)'9') return false;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - (byte)'0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (neg)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }
}
