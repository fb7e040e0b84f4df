using System.Globalization;
using System.Text;

namespace QuorumCache.MultiNode.Checker;

/// <summary>One counter read that falls outside what the increments allow.</summary>
public sealed record CounterViolation(Operation Read, long Value, long Lower, long Upper, string Why);

/// <summary>Result of <see cref="CounterChecker"/> for one counter key.</summary>
public sealed class CounterKeyResult
{
    public required string Key { get; init; }
    public required CheckVerdict Verdict { get; init; }
    public Operation? FinalRead { get; init; }
    public long? FinalValue { get; init; }
    /// <summary>Bounds for the final read: initial + acknowledged deltas (completed before it began),
    /// plus any subset of the unknown or concurrent ones.</summary>
    public long FinalLower { get; init; }
    public long FinalUpper { get; init; }
    public int AcknowledgedIncrements { get; init; }
    public int UnknownIncrements { get; init; }
    public IReadOnlyList<CounterViolation> Violations { get; init; } = Array.Empty<CounterViolation>();
    public string? Reason { get; init; }
}

/// <summary>Result of <see cref="CounterChecker"/> for a whole history.</summary>
public sealed class CounterReport(IReadOnlyList<CounterKeyResult> keys, History history)
{
    public IReadOnlyList<CounterKeyResult> Keys { get; } = keys;

    public CheckVerdict Verdict
    {
        get
        {
            var v = CheckVerdict.Valid;
            foreach (var k in Keys)
            {
                if (k.Verdict == CheckVerdict.Invalid) return CheckVerdict.Invalid;
                if (k.Verdict == CheckVerdict.Unknown) v = CheckVerdict.Unknown;
            }
            return v;
        }
    }

    public string Describe(int maxListed = 10)
    {
        var sb = new StringBuilder();
        sb.Append($"counter workload: {Verdict}, {Keys.Count} keys\n");
        foreach (var k in Keys)
        {
            sb.Append($"  key {HistoryText.Value(k.Key)}: {k.Verdict}; final value {(k.FinalValue?.ToString(CultureInfo.InvariantCulture) ?? "none")}, " +
                      $"allowed [{k.FinalLower}, {k.FinalUpper}]; {k.AcknowledgedIncrements} ok and {k.UnknownIncrements} unknown increments");
            if (k.Reason is not null) sb.Append("; ").Append(k.Reason);
            sb.Append('\n');
            for (int i = 0; i < k.Violations.Count && i < maxListed; i++)
            {
                var v = k.Violations[i];
                sb.Append($"    {v.Why}: read {v.Value}, allowed [{v.Lower}, {v.Upper}]: ")
                  .Append(HistoryText.FormatOperation(v.Read, history)).Append('\n');
            }
        }
        return sb.ToString();
    }

    public override string ToString() => Describe();
}

/// <summary>
/// Checks a counter workload: Incr ops (Value = delta, ok / fail / unknown) and ReadCounter ops.
/// A read must include every increment acknowledged before it began and may include any
/// increment (ok or unknown) invoked before it ended, nothing else; failed increments never
/// count. The last acknowledged read of a key is its final read and must be present. Optionally
/// every read during the run is checked the same way, and, when all deltas are non-negative,
/// a read that began after another ended must not see a smaller value.
/// </summary>
public static class CounterChecker
{
    public static CounterReport Check(History history, bool checkIntermediateReads = true, long initialValue = 0)
    {
        var keys = new List<string>();
        var incrs = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        var reads = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        foreach (var op in history.Operations)
        {
            Dictionary<string, List<Operation>>? map =
                op.Kind == OperationKind.Incr ? incrs
                : op.Kind == OperationKind.ReadCounter && op.Outcome == Outcome.Ok ? reads
                : null;
            if (map is null) continue;
            if (!incrs.ContainsKey(op.Key) && !reads.ContainsKey(op.Key)) keys.Add(op.Key);
            if (!map.TryGetValue(op.Key, out var l)) map[op.Key] = l = new List<Operation>();
            l.Add(op);
        }
        var results = new List<CounterKeyResult>(keys.Count);
        foreach (var key in keys)
            results.Add(CheckKey(key, incrs.GetValueOrDefault(key) ?? new List<Operation>(),
                reads.GetValueOrDefault(key) ?? new List<Operation>(), checkIntermediateReads, initialValue));
        return new CounterReport(results, history);
    }

    private static CounterKeyResult CheckKey(string key, List<Operation> incrs, List<Operation> reads, bool intermediate, long initial)
    {
        var bounds = new CounterBounds(incrs, initial);
        int ok = 0, unknown = 0;
        foreach (var i in incrs)
        {
            if (i.Outcome == Outcome.Ok) ok++;
            else if (i.Outcome == Outcome.Unknown) unknown++;
        }
        if (reads.Count == 0)
        {
            return new CounterKeyResult
            {
                Key = key, Verdict = CheckVerdict.Unknown, AcknowledgedIncrements = ok, UnknownIncrements = unknown,
                Reason = "no acknowledged read of this counter",
            };
        }
        reads.Sort((a, b) => (a.CompleteTicks ?? long.MaxValue).CompareTo(b.CompleteTicks ?? long.MaxValue));
        var final = reads[^1];
        var violations = new List<CounterViolation>();
        long finalValue = 0, finalLo = 0, finalHi = 0;
        Operation? maxEnded = null; // the read with the largest value among reads that ended so far
        long maxEndedValue = long.MinValue;
        var byStart = new List<Operation>(reads);
        byStart.Sort((a, b) => a.InvokeTicks.CompareTo(b.InvokeTicks));
        int endedIdx = 0;
        foreach (var r in byStart)
        {
            bool isFinal = ReferenceEquals(r, final);
            if (!isFinal && !intermediate) continue;
            var (lo, hi) = bounds.For(r);
            if (!TryValue(r, out long v))
            {
                violations.Add(new CounterViolation(r, 0, lo, hi, "not an integer"));
                continue;
            }
            if (isFinal) { finalValue = v; finalLo = lo; finalHi = hi; }
            if (v < lo || v > hi)
                violations.Add(new CounterViolation(r, v, lo, hi, v < lo ? "misses acknowledged increments" : "counts increments never made"));
            if (intermediate && !bounds.HasNegative)
            {
                // Reads (sorted by completion) that ended before r began must not exceed r.
                while (endedIdx < reads.Count && (reads[endedIdx].CompleteTicks ?? long.MaxValue) < r.InvokeTicks)
                {
                    if (TryValue(reads[endedIdx], out long ev) && ev > maxEndedValue) { maxEndedValue = ev; maxEnded = reads[endedIdx]; }
                    endedIdx++;
                }
                if (maxEnded is not null && v < maxEndedValue)
                    violations.Add(new CounterViolation(r, v, maxEndedValue, hi,
                        $"went backwards: an earlier read (p{maxEnded.Process}, id {maxEnded.Id}) saw {maxEndedValue}"));
            }
        }
        return new CounterKeyResult
        {
            Key = key, Verdict = violations.Count > 0 ? CheckVerdict.Invalid : CheckVerdict.Valid,
            FinalRead = final, FinalValue = finalValue, FinalLower = finalLo, FinalUpper = finalHi,
            AcknowledgedIncrements = ok, UnknownIncrements = unknown, Violations = violations,
        };
    }

    private static bool TryValue(Operation read, out long value)
    {
        if (read.Output is null) { value = 0; return true; }
        return long.TryParse(read.Output, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
