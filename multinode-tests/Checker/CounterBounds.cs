using System.Globalization;

namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// For one counter key, the range of values a read may see: every increment acknowledged
/// before the read began must be included ("definite"), any increment (ok or unknown) invoked
/// before the read ended may be ("possible"). Prefix sums over sorted times answer each read in
/// O(log n).
/// </summary>
internal sealed class CounterBounds
{
    private readonly long _initial;
    private readonly long[] _okEnd;          // completion times of ok increments, sorted
    private readonly long[] _okPos, _okNeg;  // prefix sums (length + 1) of positive / negative deltas
    private readonly long[] _anyStart;       // invocation times of ok + unknown increments, sorted
    private readonly long[] _anyPos, _anyNeg;

    public CounterBounds(List<Operation> incrs, long initial)
    {
        _initial = initial;
        var ok = new List<(long T, long D)>();
        var any = new List<(long T, long D)>();
        foreach (var op in incrs)
        {
            if (op.Outcome == Outcome.Fail) continue;
            long d = long.Parse(op.Value ?? "1", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (d < 0) HasNegative = true;
            any.Add((op.InvokeTicks, d));
            if (op.Outcome == Outcome.Ok) ok.Add((op.CompleteTicks ?? long.MaxValue, d));
        }
        (_okEnd, _okPos, _okNeg) = Prefix(ok);
        (_anyStart, _anyPos, _anyNeg) = Prefix(any);
    }

    public bool HasNegative { get; }

    /// <summary>Lowest and highest value the read may return.</summary>
    public (long Lower, long Upper) For(Operation read)
    {
        int definite = CountBefore(_okEnd, read.InvokeTicks);             // ended strictly before the read began
        int possible = read.CompleteTicks is long end && end < long.MaxValue
            ? CountBefore(_anyStart, end + 1)                             // began no later than it ended
            : _anyStart.Length;
        long defSum = _okPos[definite] + _okNeg[definite];
        long lower = _initial + defSum + (_anyNeg[possible] - _okNeg[definite]);
        long upper = _initial + defSum + (_anyPos[possible] - _okPos[definite]);
        return (lower, upper);
    }

    private static (long[] Times, long[] Pos, long[] Neg) Prefix(List<(long T, long D)> items)
    {
        items.Sort((a, b) => a.T.CompareTo(b.T));
        var times = new long[items.Count];
        var pos = new long[items.Count + 1];
        var neg = new long[items.Count + 1];
        for (int i = 0; i < items.Count; i++)
        {
            times[i] = items[i].T;
            pos[i + 1] = pos[i] + Math.Max(0, items[i].D);
            neg[i + 1] = neg[i] + Math.Min(0, items[i].D);
        }
        return (times, pos, neg);
    }

    /// <summary>Number of sorted times strictly less than t.</summary>
    private static int CountBefore(long[] sorted, long t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
