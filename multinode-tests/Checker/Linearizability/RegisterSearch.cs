namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// Linearizability search for one register (one key): Wing &amp; Gong's algorithm with Lowe's
/// just-in-time linearization and memoization of (set of linearized ops, register value), as in
/// Porcupine. Operations are events in a doubly linked list sorted by time; the search
/// linearizes a pending call whenever the model allows it and the resulting configuration is
/// new, and backtracks when it reaches the return of an operation it has not linearized.
/// Values are interned to ints (0 = nil). Unknown-outcome ops return at +infinity (or at the
/// first read that proves they happened): they may be linearized anywhere after their call, and
/// the search succeeds once every op with a finite return is linearized, so the rest never
/// happened. Two exact prunings keep it fast: a pending read that matches the register is
/// linearized at once and never backtracked over, and the register may not leave a value that
/// an unlinearized read still needs unless some unlinearized op can write it again.
/// </summary>
internal sealed class RegisterSearch
{
    internal const int Nil = 0;

    // Per operation (index into the key's op list).
    private readonly OperationKind[] _kind;
    private readonly int[] _value;     // value written / read / CAS new value
    private readonly int[] _expected;  // CAS expected value
    private readonly bool[] _unknown;  // outcome Unknown
    private readonly int _valueCount;  // interned values are 0 .. _valueCount - 1
    private readonly bool[] _returnsAtInfinity;  // optional ops: may never happen

    // Event list: node 0 is the head; nodes 1..2n are events; -1 ends the list.
    private readonly int[] _next, _prev, _opOf, _match;
    private readonly bool[] _isCall;

    internal RegisterSearch(IReadOnlyList<Operation> ops, Func<string?, int> intern, int initialState)
    {
        int n = ops.Count;
        _kind = new OperationKind[n];
        _value = new int[n];
        _expected = new int[n];
        _unknown = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var op = ops[i];
            _kind[i] = op.Kind;
            _value[i] = op.Kind == OperationKind.Read ? intern(op.Output) : intern(op.Value);
            _expected[i] = op.Kind == OperationKind.Cas ? intern(op.Expected) : Nil;
            _unknown[i] = op.Outcome != Outcome.Ok;
        }
        _valueCount = 1;
        for (int i = 0; i < n; i++) _valueCount = Math.Max(_valueCount, Math.Max(_value[i], _expected[i]) + 1);
        _valueCount = Math.Max(_valueCount, initialState + 1);
        _returnsAtInfinity = new bool[n];
        var deadline = UnknownWriteDeadlines(ops, initialState);
        var events = new (long Time, int Call, int Op)[2 * n];
        for (int i = 0; i < n; i++)
        {
            var op = ops[i];
            long ret = _unknown[i] ? deadline[i]
                : op.CompleteTicks is long done ? Math.Min(Math.Max(done, op.InvokeTicks), long.MaxValue - 1)
                : long.MaxValue - 1;   // acknowledged but no time recorded: must still happen
            _returnsAtInfinity[i] = ret == long.MaxValue;
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

    /// <summary>
    /// When the register can be in a value only through one op (the value's only writer, and not
    /// the initial value), an acknowledged read of that value, or CAS expecting it, proves the
    /// writer took effect before that read returned. So an Unknown writer gets the earliest such
    /// completion as its return time instead of +infinity. Exact, and it stops the search from
    /// trying every early placement of timed-out writes.
    /// </summary>
    private long[] UnknownWriteDeadlines(IReadOnlyList<Operation> ops, int initialState)
    {
        int n = ops.Count;
        var writers = new Dictionary<int, int>();         // value -> number of ops that write it
        var firstSeen = new Dictionary<int, long>();      // value -> earliest completion of an ok op that needs it
        for (int i = 0; i < n; i++)
        {
            if (_kind[i] != OperationKind.Read) writers[_value[i]] = writers.GetValueOrDefault(_value[i]) + 1;
            if (_unknown[i] || ops[i].CompleteTicks is not long done) continue;
            int needed = _kind[i] == OperationKind.Read ? _value[i] : _kind[i] == OperationKind.Cas ? _expected[i] : -1;
            if (needed < 0) continue;
            if (!firstSeen.TryGetValue(needed, out long t) || done < t) firstSeen[needed] = done;
        }
        var deadline = new long[n];
        for (int i = 0; i < n; i++)
        {
            deadline[i] = long.MaxValue;
            if (!_unknown[i] || _kind[i] == OperationKind.Read) continue;
            int v = _value[i];
            if (v != initialState && writers[v] == 1 && firstSeen.TryGetValue(v, out long seen))
                deadline[i] = Math.Max(seen, ops[i].InvokeTicks);
        }
        return deadline;
    }

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
            default: // Cas; an unknown CAS that would mismatch is the same as one that never happened
                next = _value[op];
                return state == _expected[op];
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
        var cache = new ConfigurationCache();
        // Outstanding demand for and supply of each value: a state change that leaves a value
        // some unlinearized read still needs, with no unlinearized op able to write it again,
        // can never lead to a linearization (exact pruning; it keeps the search near-linear
        // for histories of unique values).
        var readers = new int[_valueCount];
        var writers = new int[_valueCount];
        for (int i = 0; i < n; i++)
        {
            if (_kind[i] == OperationKind.Read) readers[_value[i]]++;
            else
            {
                writers[_value[i]]++;
                if (_kind[i] == OperationKind.Cas && !_unknown[i]) readers[_expected[i]]++;
            }
        }
        var stackNode = new int[n];
        var stackState = new int[n];
        var stackForced = new bool[n];
        int depth = 0;
        int state = initialState;
        int entry = _next[0];
        long steps = 0;
        bool forcedPass = true;
        // Ops with a finite return must all be linearized; the others (unknown outcome, never
        // observed as the only writer of a value) may be left out, i.e. never happened.
        int required = 0;
        for (int node = 1; node <= 2 * n; node++)
            if (!_isCall[node] && !IsOptional(node)) required++;

        while (required > 0)
        {
            if (++steps > maxSteps) return Inconclusive(result, steps, $"step budget of {maxSteps:N0} exhausted");
            if ((steps & 4095) == 0 && outOfTime()) return Inconclusive(result, steps, "time budget exhausted");

            bool dead = false;
            if (forcedPass)
            {
                // A pending read that matches the register can be linearized right now without
                // losing any solution (it changes nothing, and everything that must precede it
                // is already linearized), so it is not a choice point: no backtracking over it.
                forcedPass = false;
                entry = _next[0];
                int read = FindMatchingRead(state);
                if (read != -1)
                {
                    int op = _opOf[read];
                    bits[op >> 6] |= 1UL << op;
                    hash ^= zobrist[op];
                    if (cache.TryAdd(bits, state, hash))
                    {
                        readers[state]--;
                        if (!IsOptional(_match[read])) required--;
                        stackNode[depth] = read;
                        stackState[depth] = state;
                        stackForced[depth] = true;
                        depth++;
                        Lift(read);
                        forcedPass = true;
                        continue;
                    }
                    // Seen before and it failed: so does the configuration before the read.
                    bits[op >> 6] &= ~(1UL << op);
                    hash ^= zobrist[op];
                    dead = true;
                }
            }

            if (!dead && _isCall[entry])
            {
                int op = _opOf[entry];
                if (_kind[op] != OperationKind.Read && Step(op, state, out int newState)
                    && (newState == state || readers[state] - (IsAckedCasOn(op, state) ? 1 : 0) == 0 || writers[state] > 0))
                {
                    bits[op >> 6] |= 1UL << op;
                    hash ^= zobrist[op];
                    if (cache.TryAdd(bits, newState, hash))
                    {
                        stackNode[depth] = entry;
                        stackState[depth] = state;
                        stackForced[depth] = false;
                        depth++;
                        Consume(op, state, readers, writers, -1);
                        if (!IsOptional(_match[entry])) required--;
                        state = newState;
                        Lift(entry);
                        forcedPass = true;
                        continue;
                    }
                    bits[op >> 6] &= ~(1UL << op);
                    hash ^= zobrist[op];
                }
                entry = _next[entry];
                continue;
            }

            // The return of an op not linearized yet (or a known-dead configuration): backtrack
            // to the latest real choice and try the next candidate there.
            if (!dead && depth > result.BestDepth)
            {
                RecordBest(result, depth, state, entry, stackNode, tailLength);
                result.BestBits = (ulong[])bits.Clone();
            }
            while (true)
            {
                if (depth == 0)
                {
                    FindBlockers(result);
                    result.Verdict = CheckVerdict.Invalid;
                    result.Steps = steps;
                    return result;
                }
                depth--;
                int node = stackNode[depth];
                state = stackState[depth];
                int op = _opOf[node];
                if (stackForced[depth]) readers[state]++;
                else Consume(op, state, readers, writers, +1);
                bits[op >> 6] &= ~(1UL << op);
                hash ^= zobrist[op];
                Unlift(node);
                if (!IsOptional(_match[node])) required++;
                if (!stackForced[depth])
                {
                    entry = _next[node];
                    break;
                }
            }
        }
        result.Verdict = CheckVerdict.Valid;
        result.Steps = steps;
        return result;
    }

    private bool IsOptional(int returnNode) => _returnsAtInfinity[_opOf[returnNode]];

    /// <summary>Adjusts the demand/supply counts when op (not a read) is linearized (-1) or undone (+1) in state.</summary>
    private void Consume(int op, int state, int[] readers, int[] writers, int delta)
    {
        writers[_value[op]] += delta;
        if (IsAckedCasOn(op, state)) readers[state] += delta;
    }

    /// <summary>An acknowledged CAS that succeeds in this state: it consumes one demand for the state's value.</summary>
    private bool IsAckedCasOn(int op, int state) => _kind[op] == OperationKind.Cas && !_unknown[op] && _expected[op] == state;

    /// <summary>The first pending read (before the first return in the list) that reads <paramref name="state"/>.</summary>
    private int FindMatchingRead(int state)
    {
        for (int node = _next[0]; node != -1 && _isCall[node]; node = _next[node])
        {
            int op = _opOf[node];
            if (_kind[op] == OperationKind.Read && _value[op] == state) return node;
        }
        return -1;
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

    /// <summary>If the culprit changes the register, the unlinearized ops that still need the
    /// value it would overwrite (the reason it could not go there), earliest first.</summary>
    private void FindBlockers(SearchResult r)
    {
        if (r.Culprit < 0 || r.BestBits is null || _kind[r.Culprit] == OperationKind.Read || _value[r.Culprit] == r.BestState) return;
        var blockers = new List<int>();
        for (int i = 0; i < Count && blockers.Count < 3; i++)   // ops are in invocation order
        {
            if ((r.BestBits[i >> 6] & (1UL << i)) != 0) continue;
            if ((_kind[i] == OperationKind.Read && _value[i] == r.BestState) ||
                (_kind[i] == OperationKind.Cas && !_unknown[i] && _expected[i] == r.BestState))
                blockers.Add(i);
        }
        r.Blockers = blockers.ToArray();
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
    /// <summary>Linearized set of the longest prefix (bit per op).</summary>
    public ulong[]? BestBits;
    /// <summary>Ops that still needed the register's value when the culprit would overwrite it.</summary>
    public int[] Blockers = Array.Empty<int>();
}
