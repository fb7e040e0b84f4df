namespace QuorumCache.Node.Storage;

/// <summary>
/// Glob-style matching as Redis's KEYS, SCAN MATCH and PSUBSCRIBE use: <c>*</c>, <c>?</c>,
/// <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and backslash escapes.
/// </summary>
public static class GlobMatcher
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool noCase = false) =>
        Match(pattern, text, noCase, 0);

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool noCase, int depth)
    {
        if (depth > 1000) return false; // pathological patterns
        while (p.Length > 0)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == (byte)'*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (var i = 0; i <= s.Length; i++)
                        if (Match(p[1..], s[i..], noCase, depth + 1)) return true;
                    return false;
                case (byte)'?':
                    if (s.Length == 0) return false;
                    s = s[1..];
                    p = p[1..];
                    break;
                case (byte)'[':
                {
                    if (s.Length == 0) return false;
                    p = p[1..];
                    var not = p.Length > 0 && p[0] == (byte)'^';
                    if (not) p = p[1..];
                    var match = false;
                    while (true)
                    {
                        if (p.Length == 0) break;
                        if (p[0] == (byte)'\\' && p.Length >= 2)
                        {
                            p = p[1..];
                            if (Eq(p[0], s[0], noCase)) match = true;
                        }
                        else if (p[0] == (byte)']') break;
                        else if (p.Length >= 3 && p[1] == (byte)'-')
                        {
                            int start = p[0], end = p[2];
                            if (start > end) (start, end) = (end, start);
                            int c = s[0];
                            if (noCase)
                            {
                                start = Lower((byte)start);
                                end = Lower((byte)end);
                                c = Lower(s[0]);
                            }
                            p = p[2..];
                            if (c >= start && c <= end) match = true;
                        }
                        else if (Eq(p[0], s[0], noCase)) match = true;
                        p = p[1..];
                    }
                    if (not) match = !match;
                    if (!match) return false;
                    s = s[1..];
                    if (p.Length > 0) p = p[1..]; // skip ']'
                    break;
                }
                case (byte)'\\' when p.Length >= 2:
                    p = p[1..];
                    goto default;
                default:
                    if (s.Length == 0 || !Eq(p[0], s[0], noCase)) return false;
                    s = s[1..];
                    p = p[1..];
                    break;
            }
            if (s.Length == 0)
            {
                while (p.Length > 0 && p[0] == (byte)'*') p = p[1..];
                return p.Length == 0;
            }
        }
        return s.Length == 0;
    }

    private static bool Eq(byte a, byte b, bool noCase) => a == b || (noCase && Lower(a) == Lower(b));
    private static int Lower(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? c | 0x20 : c;
}
