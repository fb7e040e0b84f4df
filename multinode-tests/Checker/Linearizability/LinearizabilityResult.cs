using System.Text;

namespace QuorumCache.MultiNode.Checker;

/// <summary>The verdict for one key (one register).</summary>
public sealed class KeyLinearizability
{
    public required string Key { get; init; }
    public required CheckVerdict Verdict { get; init; }
    /// <summary>Ops the search considered (after dropping failed ops, unknown reads, pruned writes).</summary>
    public int CheckedOps { get; init; }
    public int DroppedFailed { get; init; }
    public int DroppedUnknownReads { get; init; }
    public int PrunedUnknownWrites { get; init; }
    public long Steps { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>For Unknown: which budget ran out.</summary>
    public string? Reason { get; init; }
    /// <summary>For Invalid: the op that could not be linearized.</summary>
    public Operation? Culprit { get; init; }
    /// <summary>For Invalid: the ops of the excerpt, in time order (culprit included).</summary>
    public IReadOnlyList<Operation> Window { get; init; } = Array.Empty<Operation>();
    /// <summary>For Invalid: readable explanation with the window of ops; for Unknown: the reason.</summary>
    public string? Excerpt { get; init; }

    public override string ToString() => Verdict switch
    {
        CheckVerdict.Valid => $"key {HistoryText.Value(Key)}: linearizable ({CheckedOps} ops, {Steps} steps)",
        CheckVerdict.Unknown => $"key {HistoryText.Value(Key)}: UNKNOWN, {Reason} ({CheckedOps} ops, {Steps} steps, {Elapsed.TotalMilliseconds:0} ms)",
        _ => Excerpt ?? $"key {HistoryText.Value(Key)}: NOT linearizable",
    };
}

/// <summary>The verdict for a whole history: Invalid if any key is, else Unknown if any key is, else Valid.</summary>
public sealed class LinearizabilityReport
{
    public LinearizabilityReport(IReadOnlyList<KeyLinearizability> keys)
    {
        Keys = keys;
        var verdict = CheckVerdict.Valid;
        foreach (var k in keys)
        {
            if (k.Verdict == CheckVerdict.Invalid) { verdict = CheckVerdict.Invalid; break; }
            if (k.Verdict == CheckVerdict.Unknown) verdict = CheckVerdict.Unknown;
        }
        Verdict = verdict;
    }

    public CheckVerdict Verdict { get; }
    public bool IsLinearizable => Verdict == CheckVerdict.Valid;
    public IReadOnlyList<KeyLinearizability> Keys { get; }

    public IEnumerable<KeyLinearizability> Failures
    {
        get { foreach (var k in Keys) if (k.Verdict == CheckVerdict.Invalid) yield return k; }
    }

    public IEnumerable<KeyLinearizability> Inconclusive
    {
        get { foreach (var k in Keys) if (k.Verdict == CheckVerdict.Unknown) yield return k; }
    }

    /// <summary>A summary line plus the excerpt of every failing key and the reason of every
    /// inconclusive one; meant to be the message of a failed assertion.</summary>
    public string Describe()
    {
        int ops = 0, bad = 0, unknown = 0;
        foreach (var k in Keys)
        {
            ops += k.CheckedOps;
            if (k.Verdict == CheckVerdict.Invalid) bad++;
            else if (k.Verdict == CheckVerdict.Unknown) unknown++;
        }
        var sb = new StringBuilder();
        sb.Append(Verdict switch
        {
            CheckVerdict.Valid => "linearizable",
            CheckVerdict.Invalid => "NOT linearizable",
            _ => "linearizability UNKNOWN (inconclusive)",
        });
        sb.Append($": {Keys.Count} keys, {ops} ops checked, {bad} keys not linearizable, {unknown} keys inconclusive\n");
        foreach (var k in Failures) sb.Append(k.Excerpt).Append('\n');
        foreach (var k in Inconclusive) sb.Append(k).Append('\n');
        return sb.ToString();
    }

    public override string ToString() => Describe();
}
