namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// The memo of the linearizability search: configurations (set of linearized ops, register
/// value) already explored. Ops are numbered in invocation order, so a linearized set is a run
/// of all-ones words, a short window of mixed words, then zeros; only the window is stored,
/// which keeps memory near the concurrency of the history rather than its length. The hash
/// is supplied by the caller (Zobrist hashing, updated incrementally).
/// </summary>
internal sealed class ConfigurationCache
{
    private readonly HashSet<Entry> _set = new(Comparer.Instance);

    public int Count => _set.Count;

    /// <summary>Adds the configuration; false if it was already there. <paramref name="bits"/> is copied.</summary>
    public bool TryAdd(ulong[] bits, int state, ulong hash)
    {
        int low = 0;
        while (low < bits.Length && bits[low] == ulong.MaxValue) low++;
        int high = bits.Length - 1;
        while (high >= low && bits[high] == 0) high--;
        int len = high - low + 1;
        var probe = new Entry(bits, low, low, len, state, hash);
        if (_set.Contains(probe)) return false;
        var window = len == 0 ? Array.Empty<ulong>() : bits.AsSpan(low, len).ToArray();
        _set.Add(new Entry(window, 0, low, len, state, hash));
        return true;
    }

    /// <param name="words">Array holding the window.</param>
    /// <param name="from">Index in <paramref name="words"/> where the window starts.</param>
    /// <param name="low">Word index of the window in the full bitset (all words before it are all ones).</param>
    private readonly struct Entry(ulong[] words, int from, int low, int len, int state, ulong hash)
    {
        public readonly ulong[] Words = words;
        public readonly int From = from;
        public readonly int Low = low;
        public readonly int Len = len;
        public readonly int State = state;
        public readonly ulong Hash = hash ^ ((ulong)(uint)state * 0xD6E8FEB86659FD93UL);
    }

    private sealed class Comparer : IEqualityComparer<Entry>
    {
        public static readonly Comparer Instance = new();

        public bool Equals(Entry a, Entry b) =>
            a.Hash == b.Hash && a.State == b.State && a.Low == b.Low && a.Len == b.Len &&
            a.Words.AsSpan(a.From, a.Len).SequenceEqual(b.Words.AsSpan(b.From, b.Len));

        public int GetHashCode(Entry e) => (int)(e.Hash ^ (e.Hash >> 32));
    }
}
