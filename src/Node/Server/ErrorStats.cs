using System.Text;

namespace QuorumCache.Node.Server;

/// <summary>
/// Error replies by code (the first word: ERR, WRONGTYPE, MOVED...), for INFO errorstats and stats's
/// total_error_replies. As Redis does, at most 128 codes are told apart; errors with a code beyond
/// those are still counted in the total.
/// </summary>
public sealed class ErrorStats
{
    public const int MaxCodes = 128;
    private readonly Dictionary<string, long> _byCode = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Record(ReadOnlySpan<byte> code)
    {
        Interlocked.Increment(ref _total);
        if (code.Length > 64) code = code[..64];
        lock (_gate)
        {
            var lookup = _byCode.GetAlternateLookup<ReadOnlySpan<char>>();
            Span<char> chars = stackalloc char[code.Length];
            var n = Encoding.Latin1.GetChars(code, chars);
            if (lookup.TryGetValue(chars[..n], out var count)) lookup[chars[..n]] = count + 1;
            else if (_byCode.Count < MaxCodes) _byCode[new string(chars[..n])] = 1;
        }
    }

    public List<KeyValuePair<string, long>> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<KeyValuePair<string, long>>(_byCode);
            list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return list;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _byCode.Clear();
            Interlocked.Exchange(ref _total, 0);
        }
    }
}
