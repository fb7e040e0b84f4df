namespace QuorumCache.Node.Storage;

/// <summary>
/// Glob-style matching as Redis's KEYS, SCAN MATCH, PSUBSCRIBE, CLIENT KILL and CONFIG GET use:
/// <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^a]</c>, <c>[a-z]</c> and backslash escapes, with Redis's
/// reading of malformed patterns (an unterminated class runs to the end of the pattern, a trailing
/// backslash is a literal backslash, a range's ends may come in either order).
/// </summary>
/// <remarks>
/// No recursion and no exponential case: every element but <c>*</c> matches exactly one byte, so
/// when a later element fails only the most recent star needs to take one more byte (an earlier
/// star's choices are covered by the later star's). The matcher keeps that one restart point,
/// so it does at most |pattern| × (|text| + 1) element tests. Redis's recursive matcher
/// needed a special guard against patterns like <c>a*a*a*…b</c>; this one does not.
/// </remarks>
public static class GlobMatcher
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool noCase = false)
    {
        // Redis matches nothing against an empty text but an empty pattern (KEYS * and SCAN with
        // MATCH * take a short cut of their own and do return an empty key).
        if (text.Length == 0) return pattern.Length == 0;
        int p = 0, s = 0;
        var starP = -1; // pattern index just after the last star seen
        var starS = 0;  // text index that star's match currently ends at
        while (s < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                while (p < pattern.Length && pattern[p] == (byte)'*') p++;
                if (p == pattern.Length) return true; // a trailing star takes the rest
                starP = p;
                starS = s;
                continue;
            }
            if (p < pattern.Length && MatchOne(pattern, p, text[s], noCase, out var next))
            {
                p = next;
                s++;
                continue;
            }
            if (starP < 0) return false;
            // Let the last star take one more byte and try the rest of the pattern again.
            p = starP;
            s = ++starS;
        }
        while (p < pattern.Length && pattern[p] == (byte)'*') p++;
        return p == pattern.Length;
    }

    /// <summary>
    /// Tests one non-star element at <paramref name="p"/> against <paramref name="c"/>; sets
    /// <paramref name="next"/> to the index after the element.
    /// </summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, int p, byte c, bool noCase, out int next)
    {
        switch (pattern[p])
        {
            case (byte)'?':
                next = p + 1;
                return true;
            case (byte)'[':
                return MatchClass(pattern, p + 1, c, noCase, out next);
            case (byte)'\\' when p + 1 < pattern.Length:
                next = p + 2;
                return Eq(pattern[p + 1], c, noCase);
            default:
                next = p + 1;
                return Eq(pattern[p], c, noCase);
        }
    }

    /// <summary>A class starting just after its '['; an unterminated class ends with the pattern.</summary>
    private static bool MatchClass(ReadOnlySpan<byte> pattern, int p, byte c, bool noCase, out int next)
    {
        var not = p < pattern.Length && pattern[p] == (byte)'^';
        if (not) p++;
        var match = false;
        while (p < pattern.Length && pattern[p] != (byte)']')
        {
            if (pattern[p] == (byte)'\\' && p + 1 < pattern.Length)
            {
                p++;
                if (Eq(pattern[p], c, noCase)) match = true;
            }
            else if (p + 2 < pattern.Length && pattern[p + 1] == (byte)'-')
            {
                int start = pattern[p], end = pattern[p + 2], x = c;
                if (start > end) (start, end) = (end, start);
                if (noCase)
                {
                    start = Lower((byte)start);
                    end = Lower((byte)end);
                    x = Lower(c);
                }
                if (x >= start && x <= end) match = true;
                p += 2;
            }
            else if (Eq(pattern[p], c, noCase))
            {
                match = true;
            }
            p++;
        }
        next = p < pattern.Length ? p + 1 : p; // past the ']'
        return match != not;
    }

    private static bool Eq(byte a, byte b, bool noCase) => a == b || (noCase && Lower(a) == Lower(b));
    private static int Lower(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? c | 0x20 : c;
}
