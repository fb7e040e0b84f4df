namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// Checks that the register operations (Read, Write, Cas) of a history are linearizable, key by
/// key (a history is linearizable iff each key's sub-history is). Per key: failed ops are dropped
/// (they did not happen), Unknown reads are dropped (they say nothing), Unknown writes and CAS may
/// take effect at any time after their invocation or never. Other op kinds are ignored.
/// </summary>
public static class LinearizabilityChecker
{
    public static LinearizabilityReport Check(History history, LinearizabilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= new LinearizabilityOptions();
        var byKey = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        var keyOrder = new List<string>();
        foreach (var op in history.Operations)
        {
            if (op.Kind is not (OperationKind.Read or OperationKind.Write or OperationKind.Cas)) continue;
            if (!byKey.TryGetValue(op.Key, out var list))
            {
                byKey[op.Key] = list = new List<Operation>();
                keyOrder.Add(op.Key);
            }
            list.Add(op);
        }
        var results = new List<KeyLinearizability>(keyOrder.Count);
        foreach (var key in keyOrder) results.Add(CheckKey(history, key, byKey[key], options));
        return new LinearizabilityReport(results);
    }

    /// <summary>Checks one key's register ops (all of <paramref name="ops"/> must be on <paramref name="key"/>).</summary>
    public static KeyLinearizability CheckKey(History history, string key, IReadOnlyList<Operation> ops, LinearizabilityOptions options)
    {
        long started = options.Clock.GetTimestamp();
        int droppedFailed = 0, droppedReads = 0, pruned = 0;
        var kept = new List<Operation>(ops.Count);
        var failedWrites = new List<Operation>();
        foreach (var op in ops)
        {
            if (op.Outcome == Outcome.Fail)
            {
                droppedFailed++;
                if (op.Kind != OperationKind.Read) failedWrites.Add(op);
            }
            else if (op.Kind == OperationKind.Read && op.Outcome != Outcome.Ok) droppedReads++;
            else kept.Add(op);
        }

        if (options.PruneUnobservedUnknownWrites) pruned = PruneUnobserved(kept);
        // The search numbers ops in invocation order (its memo relies on it).
        kept.Sort((a, b) => a.InvokeTicks != b.InvokeTicks ? a.InvokeTicks.CompareTo(b.InvokeTicks) : a.Id.CompareTo(b.Id));

        if (options.QuickChecks && FindReadOfUnwrittenValue(kept, options.InitialValue) is Operation phantom)
        {
            var window = FailureExcerpt.Around(history, kept, phantom, options.ExcerptPrefixOps);
            return new KeyLinearizability
            {
                Key = key, Verdict = CheckVerdict.Invalid, CheckedOps = kept.Count,
                DroppedFailed = droppedFailed, DroppedUnknownReads = droppedReads, PrunedUnknownWrites = pruned,
                Elapsed = options.Clock.GetElapsedTime(started), Culprit = phantom, Window = window,
                Excerpt = FailureExcerpt.FormatPhantomRead(history, FailureExcerpt.Header(key, kept.Count, droppedFailed, droppedReads, pruned),
                    phantom, window, failedWrites, options.InitialValue),
            };
        }

        if (options.QuickChecks && StaleReadCheck.Find(kept, options.InitialValue) is { } stale)
        {
            var window = FailureExcerpt.Around(history, kept, stale.Read, 2);
            var full = new List<Operation>(window);
            foreach (var extra in new[] { stale.Source, stale.Overwrite })
                if (extra is not null && !full.Contains(extra)) full.Add(extra);
            full.Sort((a, b) => a.InvokeTicks != b.InvokeTicks ? a.InvokeTicks.CompareTo(b.InvokeTicks) : a.Id.CompareTo(b.Id));
            return new KeyLinearizability
            {
                Key = key, Verdict = CheckVerdict.Invalid, CheckedOps = kept.Count,
                DroppedFailed = droppedFailed, DroppedUnknownReads = droppedReads, PrunedUnknownWrites = pruned,
                Elapsed = options.Clock.GetElapsedTime(started), Culprit = stale.Read, Window = full,
                Excerpt = FailureExcerpt.FormatStaleRead(history, FailureExcerpt.Header(key, kept.Count, droppedFailed, droppedReads, pruned),
                    stale, full),
            };
        }

        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string?> { null };
        int Intern(string? v)
        {
            if (v is null) return RegisterSearch.Nil;
            if (!values.TryGetValue(v, out int id))
            {
                id = names.Count;
                values[v] = id;
                names.Add(v);
            }
            return id;
        }
        int initial = Intern(options.InitialValue);
        var search = new RegisterSearch(kept, Intern, initial);
        var budget = options.TimeBudgetPerKey;
        var clock = options.Clock;
        bool OutOfTime() => clock.GetElapsedTime(started) > budget;
        var r = search.Run(initial, options.MaxStepsPerKey, OutOfTime, options.ExcerptPrefixOps);

        if (r.Verdict != CheckVerdict.Invalid)
        {
            return new KeyLinearizability
            {
                Key = key, Verdict = r.Verdict, CheckedOps = kept.Count, Steps = r.Steps, Reason = r.Reason,
                DroppedFailed = droppedFailed, DroppedUnknownReads = droppedReads, PrunedUnknownWrites = pruned,
                Elapsed = clock.GetElapsedTime(started),
                Excerpt = r.Verdict == CheckVerdict.Unknown
                    ? $"key {HistoryText.Value(key)}: UNKNOWN (inconclusive): {r.Reason} after {r.Steps:N0} steps over {kept.Count} ops"
                    : null,
            };
        }

        var culprit = kept[r.Culprit];
        var windowOps = FailureExcerpt.SearchWindow(kept, r, options.ExcerptPendingOps);
        return new KeyLinearizability
        {
            Key = key, Verdict = CheckVerdict.Invalid, CheckedOps = kept.Count, Steps = r.Steps,
            DroppedFailed = droppedFailed, DroppedUnknownReads = droppedReads, PrunedUnknownWrites = pruned,
            Elapsed = clock.GetElapsedTime(started), Culprit = culprit, Window = windowOps,
            Excerpt = FailureExcerpt.FormatSearchFailure(history, key, kept, r, windowOps, names[r.BestState],
                droppedFailed, droppedReads, pruned),
        };
    }

    /// <summary>Removes Unknown writes/CAS whose written value no kept read returned and no kept
    /// CAS expected. If such a write took effect, nothing could have observed it before the next
    /// change of the register, so dropping it cannot change the verdict.</summary>
    private static int PruneUnobserved(List<Operation> ops)
    {
        var observed = new HashSet<string?>();
        foreach (var op in ops)
        {
            if (op.Kind == OperationKind.Read) observed.Add(op.Output);
            else if (op.Kind == OperationKind.Cas) observed.Add(op.Expected);
        }
        return ops.RemoveAll(op => op.Outcome == Outcome.Unknown && op.Kind != OperationKind.Read && !observed.Contains(op.Value));
    }

    /// <summary>The earliest ok read whose value is neither the initial value nor written by any
    /// kept (ok or unknown) write or CAS.</summary>
    private static Operation? FindReadOfUnwrittenValue(List<Operation> ops, string? initial)
    {
        var written = new HashSet<string?> { initial };
        foreach (var op in ops)
            if (op.Kind != OperationKind.Read) written.Add(op.Value);
        Operation? first = null;
        foreach (var op in ops)
            if (op.Kind == OperationKind.Read && !written.Contains(op.Output) && (first is null || op.InvokeTicks < first.InvokeTicks))
                first = op;
        return first;
    }
}
