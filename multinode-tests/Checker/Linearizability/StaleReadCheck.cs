namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// Fast, exact-when-it-fires checks on one key's ops (failed ops and unknown reads already
/// dropped), run before the search: they find the usual anomalies in O(n log n) and name the
/// two or three ops that prove them. They need the read's value to have a single possible
/// source (one op writes it, or it is the initial value and no op writes it).
/// </summary>
internal static class StaleReadCheck
{
    /// <summary>A read contradicted by its value's only source (and, for a stale read, a write wholly between them).</summary>
    internal sealed record Finding(Operation Read, Operation? Source, Operation? Overwrite);

    private readonly record struct ValueKey(string? Value);

    internal static Finding? Find(List<Operation> ops, string? initial)
    {
        var sources = new Dictionary<ValueKey, (int Count, Operation Op)>();
        var acked = new List<Operation>();
        foreach (var op in ops)
        {
            if (op.Kind == OperationKind.Read) continue;
            var key = new ValueKey(op.Value);
            sources[key] = sources.TryGetValue(key, out var s) ? (s.Count + 1, s.Op) : (1, op);
            if (op.Outcome == Outcome.Ok && op.CompleteTicks is not null) acked.Add(op);
        }
        acked.Sort((a, b) => a.InvokeTicks.CompareTo(b.InvokeTicks));
        // suffixMin[i]: the acknowledged write with the earliest completion among acked[i..].
        var suffixMin = new int[acked.Count + 1];
        suffixMin[acked.Count] = -1;
        for (int i = acked.Count - 1; i >= 0; i--)
        {
            int best = suffixMin[i + 1];
            suffixMin[i] = best >= 0 && acked[best].CompleteTicks <= acked[i].CompleteTicks ? best : i;
        }

        Finding? first = null;
        foreach (var r in ops)
        {
            if (r.Kind != OperationKind.Read || r.Outcome != Outcome.Ok || r.CompleteTicks is not long readDone) continue;
            if (first is not null && r.InvokeTicks >= first.Read.InvokeTicks) continue;
            var key = new ValueKey(r.Output);
            bool fromInitial = r.Output == initial;
            sources.TryGetValue(key, out var src);
            if (src.Count + (fromInitial ? 1 : 0) != 1) continue;   // no single source: leave it to the search

            Operation? source = fromInitial ? null : src.Op;
            if (source is not null && readDone < source.InvokeTicks)
            {
                first = new Finding(r, source, null);   // read its value before anyone wrote it
                continue;
            }
            long sourceDone;
            if (source is null) sourceDone = long.MinValue;
            else if (source.Outcome == Outcome.Ok && source.CompleteTicks is long d) sourceDone = d;
            else continue;   // an unknown write may take effect late: no certain order

            int lo = 0, hi = acked.Count;   // first acknowledged write invoked after the source returned
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (acked[mid].InvokeTicks > sourceDone) hi = mid; else lo = mid + 1;
            }
            int w = suffixMin[lo];
            if (w >= 0 && acked[w].CompleteTicks < r.InvokeTicks)
                first = new Finding(r, source, acked[w]);
        }
        return first;
    }
}
