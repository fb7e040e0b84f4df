namespace QuorumCache.Resp;

/// <summary>
/// Splits an inline command line into arguments with the quoting rules redis-cli and Redis use:
/// double quotes with backslash escapes (\n \r \t \b \a \xHH), single quotes with \' only,
/// and a closing quote that must be followed by white space or the end of the line.
/// </summary>
internal static class InlineSplitter
{
    public static void Split(ReadOnlySpan<byte> line, CommandBuffer cmd)
    {
        Span<byte> small = stackalloc byte[256];
        byte[]? big = line.Length > small.Length ? new byte[line.Length] : null;
        var buf = big ?? small;
        var p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p])) p++;
            if (p >= line.Length) return;
            var n = 0;
            bool inDq = false, inSq = false, done = false;
            while (!done)
            {
                if (inDq)
                {
                    if (p >= line.Length) throw Unbalanced();
                    var c = line[p];
                    if (c == '\\' && p + 3 < line.Length && line[p + 1] == 'x' && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        buf[n++] = (byte)(Hex(line[p + 2]) * 16 + Hex(line[p + 3]));
                        p += 3;
                    }
                    else if (c == '\\' && p + 1 < line.Length)
                    {
                        p++;
                        buf[n++] = line[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) throw Unbalanced();
                        done = true;
                    }
                    else buf[n++] = c;
                }
                else if (inSq)
                {
                    if (p >= line.Length) throw Unbalanced();
                    var c = line[p];
                    if (c == '\\' && p + 1 < line.Length && line[p + 1] == '\'')
                    {
                        p++;
                        buf[n++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) throw Unbalanced();
                        done = true;
                    }
                    else buf[n++] = c;
                }
                else
                {
                    if (p >= line.Length) { done = true; break; }
                    var c = line[p];
                    if (IsSpace(c)) done = true;
                    else if (c == '"') inDq = true;
                    else if (c == '\'') inSq = true;
                    else buf[n++] = c;
                }
                if (p < line.Length) p++;
            }
            cmd.Add(buf[..n]);
        }
    }

    private static RespProtocolException Unbalanced() => new("Protocol error: unbalanced quotes in request");
    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    private static int Hex(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
