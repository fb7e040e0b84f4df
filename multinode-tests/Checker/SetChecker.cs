using System.Text;

namespace QuorumCache.MultiNode.Checker;

/// <summary>Result of <see cref="SetChecker"/> for one set key.</summary>
public sealed class SetKeyResult
{
    public required string Key { get; init; }
    public required CheckVerdict Verdict { get; init; }
    /// <summary>The read judged (the last acknowledged read of the key), if any.</summary>
    public Operation? FinalRead { get; init; }
    public int Attempted { get; init; }
    public int Acknowledged { get; init; }
    public int UnknownAdds { get; init; }
    public int FailedAdds { get; init; }
    /// <summary>Acknowledged before the final read began, yet missing from it.</summary>
    public IReadOnlyList<Operation> Lost { get; init; } = Array.Empty<Operation>();
    /// <summary>Elements in the final read that no add ever attempted.</summary>
    public IReadOnlyList<string> Unexpected { get; init; } = Array.Empty<string>();
    /// <summary>Elements in the final read whose only adds failed (must not have taken effect).</summary>
    public IReadOnlyList<Operation> FailedButPresent { get; init; } = Array.Empty<Operation>();
    /// <summary>Unknown adds that are present: they did take effect.</summary>
    public IReadOnlyList<Operation> Recovered { get; init; } = Array.Empty<Operation>();
    /// <summary>Acknowledged adds that completed after the final read began; not judged.</summary>
    public int ConcurrentWithRead { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Result of <see cref="SetChecker"/> for a whole history.</summary>
public sealed class SetReport(IReadOnlyList<SetKeyResult> keys, History history)
{
    public IReadOnlyList<SetKeyResult> Keys { get; } = keys;

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

    public int LostCount { get { int n = 0; foreach (var k in Keys) n += k.Lost.Count; return n; } }

    public string Describe(int maxListed = 10)
    {
        var sb = new StringBuilder();
        sb.Append($"set workload: {Verdict}, {Keys.Count} keys, {LostCount} lost acknowledged adds\n");
        foreach (var k in Keys)
        {
            sb.Append($"  key {HistoryText.Value(k.Key)}: {k.Verdict}; attempted {k.Attempted} (ok {k.Acknowledged}, unknown {k.UnknownAdds}, " +
                      $"failed {k.FailedAdds}); lost {k.Lost.Count}, unexpected {k.Unexpected.Count}, failed-but-present " +
                      $"{k.FailedButPresent.Count}, recovered {k.Recovered.Count}, not judged (concurrent with final read) {k.ConcurrentWithRead}");
            if (k.Reason is not null) sb.Append("; ").Append(k.Reason);
            sb.Append('\n');
            if (k.FinalRead is not null) sb.Append("    final read: ").Append(HistoryText.FormatOperation(k.FinalRead, history)).Append('\n');
            for (int i = 0; i < k.Lost.Count && i < maxListed; i++)
                sb.Append("    LOST: ").Append(HistoryText.FormatOperation(k.Lost[i], history)).Append('\n');
            for (int i = 0; i < k.Unexpected.Count && i < maxListed; i++)
                sb.Append("    UNEXPECTED element never added: ").Append(HistoryText.Value(k.Unexpected[i])).Append('\n');
            for (int i = 0; i < k.FailedButPresent.Count && i < maxListed; i++)
                sb.Append("    PRESENT though the add failed: ").Append(HistoryText.FormatOperation(k.FailedButPresent[i], history)).Append('\n');
        }
        return sb.ToString();
    }

    public override string ToString() => Describe();
}

/// <summary>
/// Checks a set workload: clients add unique elements to set keys (Add ok / fail / unknown) and
/// read the whole set at the end (ReadSet). The last acknowledged read of each key is the final
/// read. Lost = acknowledged adds completed before that read began but missing from it;
/// unexpected = elements never attempted; elements whose adds all failed must be absent;
/// recovered = unknown adds that are present (fine, just reported).
/// </summary>
public static class SetChecker
{
    public static SetReport Check(History history)
    {
        var keys = new List<string>();
        var adds = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        var finals = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var op in history.Operations)
        {
            if (op.Kind == OperationKind.Add)
            {
                if (!adds.TryGetValue(op.Key, out var l))
                {
                    adds[op.Key] = l = new List<Operation>();
                    if (!finals.ContainsKey(op.Key)) keys.Add(op.Key);
                }
                l.Add(op);
            }
            else if (op.Kind == OperationKind.ReadSet && op.Outcome == Outcome.Ok)
            {
                if (!finals.TryGetValue(op.Key, out var prev))
                {
                    if (!adds.ContainsKey(op.Key)) keys.Add(op.Key);
                    finals[op.Key] = op;
                }
                else if (Later(op, prev)) finals[op.Key] = op;
            }
        }
        var results = new List<SetKeyResult>(keys.Count);
        foreach (var key in keys)
            results.Add(CheckKey(key, adds.TryGetValue(key, out var a) ? a : new List<Operation>(), finals.GetValueOrDefault(key)));
        return new SetReport(results, history);
    }

    private static bool Later(Operation a, Operation b) =>
        (a.CompleteTicks ?? a.InvokeTicks) > (b.CompleteTicks ?? b.InvokeTicks);

    private static SetKeyResult CheckKey(string key, List<Operation> adds, Operation? final)
    {
        int ok = 0, unknown = 0, failed = 0;
        foreach (var a in adds)
        {
            if (a.Outcome == Outcome.Ok) ok++;
            else if (a.Outcome == Outcome.Unknown) unknown++;
            else failed++;
        }
        if (final is null)
        {
            return new SetKeyResult
            {
                Key = key, Verdict = CheckVerdict.Unknown, Attempted = adds.Count, Acknowledged = ok,
                UnknownAdds = unknown, FailedAdds = failed, Reason = "no acknowledged read of this key",
            };
        }

        var present = new HashSet<string>(final.Elements ?? Array.Empty<string>(), StringComparer.Ordinal);
        // Per element: could it have been added (an ok or unknown add exists)?
        var mayExist = new HashSet<string>(StringComparer.Ordinal);
        var attempted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in adds)
        {
            if (a.Value is null) continue;
            attempted.Add(a.Value);
            if (a.Outcome != Outcome.Fail) mayExist.Add(a.Value);
        }
        var lost = new List<Operation>();
        var recovered = new List<Operation>();
        var failedPresent = new List<Operation>();
        int concurrent = 0;
        foreach (var a in adds)
        {
            if (a.Value is null) continue;
            bool isPresent = present.Contains(a.Value);
            switch (a.Outcome)
            {
                case Outcome.Ok when !isPresent:
                    if (a.CompleteTicks is long done && done < final.InvokeTicks) lost.Add(a);
                    else concurrent++;
                    break;
                case Outcome.Ok when isPresent && !(a.CompleteTicks is long d && d < final.InvokeTicks):
                    concurrent++;
                    break;
                case Outcome.Unknown when isPresent:
                    recovered.Add(a);
                    break;
                case Outcome.Fail when isPresent && !mayExist.Contains(a.Value):
                    failedPresent.Add(a);
                    break;
            }
        }
        var unexpected = new List<string>();
        foreach (var e in present)
            if (!attempted.Contains(e)) unexpected.Add(e);
        unexpected.Sort(StringComparer.Ordinal);

        bool bad = lost.Count > 0 || unexpected.Count > 0 || failedPresent.Count > 0;
        return new SetKeyResult
        {
            Key = key, Verdict = bad ? CheckVerdict.Invalid : CheckVerdict.Valid, FinalRead = final,
            Attempted = adds.Count, Acknowledged = ok, UnknownAdds = unknown, FailedAdds = failed,
            Lost = lost, Unexpected = unexpected, FailedButPresent = failedPresent, Recovered = recovered,
            ConcurrentWithRead = concurrent,
        };
    }
}
