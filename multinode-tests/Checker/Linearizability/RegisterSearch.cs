namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// Linearizability search for one register (one key): Wing &amp; Gong's algorithm with Lowe's
/// just-in-time linearization and memoization of (set of linearized ops, register value), as in
/// Porcupine. Operations are events in a doubly linked list sorted by time; the search
/// linearizes a pending call whenever the model allows it and the resulting configuration is
/// new, and backtracks when it reaches the return of an operation it has not linearized.
/// Values are interned to ints (0 = nil). Unknown-outcome ops return at +infinity, so they can
/// always be postponed past everything else, which is the same as never having happened.
/// </summary>
internal sealed class RegisterSearch
{
    internal const int Nil = 0;

    // Per operation (index into the key's op list).
    private readonly OperationKind[] _kind;
    private readonly int[] _value;     // value written / read / CAS new value
    private readonly int[] _expected;  // CAS expected value
    private readonly bool[] _unknown;  // outcome Unknown: return at +infinity, CAS may find a mismatch

    // Event list: node 0 is the head; nodes 1..2n are events; -1 ends the list.
    private readonly int[] _next, _prev, _opOf, _match;
    private readonly bool[] _isCall;

    internal RegisterSearch(IReadOnlyList<Operation> ops, Func<string?, int> intern)
    {
        int n = ops.Count;
        _kind = new OperationKind[n];
        _value = new int[n];
        _expected = new int[n];
        _unknown = new bool[n];
        var events = new (long Time, int Call, int Op)[2 * n];
        for (int i = 0; i < n; i++)
        {
            var op = ops[i];
            _kind[i] = op.Kind;
            _value[i] = op.Kind == OperationKind.Read ? intern(op.Output) : intern(op.Value);
            _expected[i] = op.Kind == OperationKind.Cas ? intern(op.Expected) : Nil;
            _unknown[i] = op.Outcome != Outcome.Ok;
            long ret = _unknown[i] || op.CompleteTicks is not long done ? long.MaxValue : Math.Max(done, op.InvokeTicks);
            events[2 * i] = (op.InvokeTicks, 0, i);   // calls sort before returns at equal times
            events[2 * i + 1] = (ret, 1, i);
        }
        Array.Sort(events);
        int m = 2 * n;
        _next = new int[m + 1];
        _prev = new int[m + 1];
        _opOf = new int[m + 1];
        _match = new int[m + 1];
        _isCall = new bool[m + 1];
        var callNode = new int[n];
        for (int k = 0; k < m; k++)
        {
            int node = k + 1;
            _prev[node] = k;
            _next[k] = node;
            _opOf[node] = events[k].Op;
            _isCall[node] = events[k].Call == 0;
            if (_isCall[node]) callNode[events[k].Op] = node;
            else { _match[node] = callNode[events[k].Op]; _match[callNode[events[k].Op]] = node; }
        }
        _next[m] = -1;
        if (m == 0) _next[0] = -1;
    }

    internal int Count => _kind.Length;

    /// <summary>Applies op to state; false if the op cannot happen in that state.</summary>
    private bool Step(int op, int state, out int next)
    {
        switch (_kind[op])
        {
            case OperationKind.Read:
                next = state;
                return state == _value[op];
            case OperationKind.Write:
                next = _value[op];
                return true;
            default: // Cas
                if (state == _expected[op]) { next = _value[op]; return true; }
                next = state;
                return _unknown[op]; // an unknown CAS placed where it mismatches just failed there
        }
    }

    private void Lift(int call)
    {
        int ret = _match[call];
        _next[_prev[call]] = _next[call];
        if (_next[call] != -1) _prev[_next[call]] = _prev[call];
        _next[_prev[ret]] = _next[ret];
        if (_next[ret] != -1) _prev[_next[ret]] = _prev[ret];
    }

    private void Unlift(int call)
    {
        int ret = _match[call];
        _next[_prev[ret]] = ret;
        if (_next[ret] != -1) _prev[_next[ret]] = ret;
        _next[_prev[call]] = call;
        if (_next[call] != -1) _prev[_next[call]] = call;
    }

    internal SearchResult Run(int initialState, long maxSteps, Func<bool> outOfTime, int tailLength)
    {
        int n = Count;
        var result = new SearchResult();
        if (n == 0) { result.Verdict = CheckVerdict.Valid; return result; }

        var bits = new ulong[(n + 63) >> 6];
        var zobrist = new ulong[n];
        ulong seed = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < n; i++) zobrist[i] = SplitMix(ref seed);
        ulong hash = 0;
        var cache = new HashSet<CacheKey>(CacheKeyComparer.Instance);
        var stackNode = new int[n];
        var stackState = new int[n];
        int depth = 0;
        int state = initialState;
        int entry = _next[0];
        long steps = 0;

        while (_next[0] != -1)
        {
            if (++steps > maxSteps) return Inconclusive(result, steps, $"step budget of {maxSteps:N0} exhausted");
            if ((steps & 4095) == 0 && outOfTime()) return Inconclusive(result, steps, "time budget exhausted");

            if (_isCall[entry])
            {
                int op = _opOf[entry];
                if (Step(op, state, out int newState))
                {
                    bits[op >> 6] |= 1UL << op;
                    hash ^= zobrist[op];
                    var probe = new CacheKey(bits, newState, hash);
                    if (!cache.Contains(probe))
                    {
                        cache.Add(new CacheKey((ulong[])bits.Clone(), newState, hash));
                        stackNode[depth] = entry;
                        stackState[depth] = state;
                        depth++;
                        state = newState;
                        Lift(entry);
                        entry = _next[0];
                        continue;
                    }
                    bits[op >> 6] &= ~(1UL << op);
                    hash ^= zobrist[op];
                }
                entry = _next[entry];
            }
            else
            {
                // The return of an op not linearized yet: this branch is dead, backtrack.
                if (depth > result.BestDepth || result.Culprit < 0)
                    RecordBest(result, depth, state, entry, stackNode, tailLength);
                if (depth == 0)
                {
                    result.Verdict = CheckVerdict.Invalid;
                    result.Steps = steps;
                    return result;
                }
                depth--;
                entry = stackNode[depth];
                state = stackState[depth];
                int op = _opOf[entry];
                bits[op >> 6] &= ~(1UL << op);
                hash ^= zobrist[op];
                Unlift(entry);
                entry = _next[entry];
            }
        }
        result.Verdict = CheckVerdict.Valid;
        result.Steps = steps;
        return result;
    }

    private void RecordBest(SearchResult r, int depth, int state, int returnNode, int[] stackNode, int tailLength)
    {
        r.BestDepth = depth;
        r.BestState = state;
        r.Culprit = _opOf[returnNode];
        int from = Math.Max(0, depth - tailLength);
        r.LinearizedTail = new int[depth - from];
        for (int i = from; i < depth; i++) r.LinearizedTail[i - from] = _opOf[stackNode[i]];
        // Calls still pending before the culprit's return: the ops that could have gone next.
        var pending = new List<int>();
        for (int node = _next[0]; node != -1 && node != returnNode; node = _next[node])
            if (_isCall[node] && _opOf[node] != r.Culprit) pending.Add(_opOf[node]);
        r.Pending = pending.ToArray();
    }

    private static SearchResult Inconclusive(SearchResult r, long steps, string reason)
    {
        r.Verdict = CheckVerdict.Unknown;
        r.Steps = steps;
        r.Reason = reason;
        return r;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private readonly struct CacheKey(ulong[] bits, int state, ulong hash)
    {
        public readonly ulong[] Bits = bits;
        public readonly int State = state;
        public readonly ulong Hash = hash ^ ((ulong)(uint)state * 0xD6E8FEB86659FD93UL);
    }

    private sealed class CacheKeyComparer : IEqualityComparer<CacheKey>
    {
        public static readonly CacheKeyComparer Instance = new();
        public bool Equals(CacheKey a, CacheKey b) =>
            a.Hash == b.Hash && a.State == b.State && a.Bits.AsSpan().SequenceEqual(b.Bits);
        public int GetHashCode(CacheKey k) => (int)(k.Hash ^ (k.Hash >> 32));
    }
}

/// <summary>Raw outcome of <see cref="RegisterSearch.Run"/>; indices refer to the key's op list.</summary>
internal sealed class SearchResult
{
    public CheckVerdict Verdict;
    public long Steps;
    public string? Reason;
    /// <summary>Length of the longest linearizable prefix found.</summary>
    public int BestDepth = -1;
    /// <summary>Register value (interned) after that prefix.</summary>
    public int BestState;
    /// <summary>The op whose return was reached without it being linearizable there; -1 if none.</summary>
    public int Culprit = -1;
    /// <summary>Last ops of that prefix, in linearization order.</summary>
    public int[] LinearizedTail = Array.Empty<int>();
    /// <summary>Ops invoked before the culprit returned that were not placed either.</summary>
    public int[] Pending = Array.Empty<int>();
}
