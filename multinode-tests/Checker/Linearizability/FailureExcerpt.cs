using System.Globalization;
using System.Text;

namespace QuorumCache.MultiNode.Checker;

/// <summary>Builds the readable explanation of a non-linearizable key: which op could not be
/// placed, the state the register was in, and the few ops around it, in time order.</summary>
internal static class FailureExcerpt
{
    private const string Legend =
        "  (time order, ms; Ln = n-th op of the longest linearizable prefix, !! = could not be linearized, " +
        ">> = later op that contradicts it, .. = concurrent op not placed yet)\n";

    /// <summary>The ops overlapping <paramref name="op"/> in time and the last <paramref name="before"/>
    /// ops that completed before it was invoked, plus the op itself, in time order.</summary>
    internal static IReadOnlyList<Operation> Around(History history, List<Operation> ops, Operation op, int before)
    {
        long start = op.InvokeTicks, end = op.CompleteTicks ?? long.MaxValue;
        var overlapping = new List<Operation>();
        var earlier = new List<Operation>();
        foreach (var o in ops)
        {
            if (ReferenceEquals(o, op)) continue;
            long oEnd = o.Outcome == Outcome.Ok ? o.CompleteTicks ?? long.MaxValue : long.MaxValue;
            if (oEnd < start) earlier.Add(o);
            else if (o.InvokeTicks <= end) overlapping.Add(o);
        }
        earlier.Sort((a, b) => (b.CompleteTicks ?? 0).CompareTo(a.CompleteTicks ?? 0));
        var window = new List<Operation> { op };
        for (int i = 0; i < earlier.Count && i < before; i++) window.Add(earlier[i]);
        for (int i = 0; i < overlapping.Count && i < 2 * before; i++) window.Add(overlapping[i]);
        SortByTime(window);
        return window;
    }

    /// <summary>Tail of the longest linearizable prefix, the culprit, and the concurrent ops that
    /// were not placed (closest to the culprit first, acknowledged ops preferred).</summary>
    internal static IReadOnlyList<Operation> SearchWindow(List<Operation> ops, SearchResult r, int maxPending)
    {
        var culprit = ops[r.Culprit];
        var window = new List<Operation> { culprit };
        foreach (int i in r.LinearizedTail) window.Add(ops[i]);
        foreach (int i in r.Blockers) window.Add(ops[i]);
        var pending = new List<Operation>();
        foreach (int i in r.Pending) pending.Add(ops[i]);
        pending.Sort((a, b) =>
        {
            int c = (a.Outcome == Outcome.Ok ? 0 : 1).CompareTo(b.Outcome == Outcome.Ok ? 0 : 1);
            if (c != 0) return c;
            return Math.Abs(a.InvokeTicks - culprit.InvokeTicks).CompareTo(Math.Abs(b.InvokeTicks - culprit.InvokeTicks));
        });
        for (int i = 0; i < pending.Count && i < maxPending; i++)
            if (!window.Contains(pending[i])) window.Add(pending[i]);
        SortByTime(window);
        return window;
    }

    internal static string FormatSearchFailure(History history, string key, List<Operation> ops, SearchResult r,
        IReadOnlyList<Operation> window, string? stateAfterPrefix, int droppedFailed, int droppedReads, int pruned)
    {
        var culprit = ops[r.Culprit];
        var sb = new StringBuilder();
        sb.Append(Header(key, ops.Count, droppedFailed, droppedReads, pruned)).Append('\n');
        sb.Append($"  longest linearizable prefix: {r.BestDepth} ops, leaving the register at {HistoryText.Value(stateAfterPrefix)}\n");
        sb.Append("  could not linearize: ").Append(HistoryText.FormatOperation(culprit, history)).Append('\n');
        sb.Append("  why: ").Append(Why(history, culprit, r, stateAfterPrefix)).Append('\n');
        if (r.Pending.Length > 0)
            sb.Append($"  {r.Pending.Length} other ops were invoked before it returned and not placed either" +
                      (r.Pending.Length > window.Count - 1 - r.LinearizedTail.Length - r.Blockers.Length ? " (closest shown)" : "") + "\n");
        sb.Append(Legend);
        var position = new Dictionary<Operation, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < r.LinearizedTail.Length; i++)
            position[ops[r.LinearizedTail[i]]] = r.BestDepth - r.LinearizedTail.Length + i + 1;
        foreach (var op in window)
        {
            string mark = ReferenceEquals(op, culprit) ? "!!"
                : position.TryGetValue(op, out int p) ? "L" + p.ToString(CultureInfo.InvariantCulture)
                : IsBlocker(ops, r, op) ? ">>"
                : "..";
            sb.Append("    ").Append(mark.PadRight(6)).Append(HistoryText.FormatOperation(op, history)).Append('\n');
        }
        return sb.ToString();
    }

    internal static string FormatPhantomRead(History history, string header, Operation read, IReadOnlyList<Operation> window,
        List<Operation> failedWrites, string? initial)
    {
        var sb = new StringBuilder();
        sb.Append(header).Append(": a read returned a value no operation could have written\n");
        sb.Append("  could not linearize: ").Append(HistoryText.FormatOperation(read, history)).Append('\n');
        sb.Append($"  why: {HistoryText.Value(read.Output)} is not the initial value ({HistoryText.Value(initial)}) and no acknowledged or unknown write of this key wrote it\n");
        foreach (var f in failedWrites)
            if (f.Value == read.Output)
                sb.Append("  (only written by a FAILED op, which must not take effect: ").Append(HistoryText.FormatOperation(f, history)).Append(")\n");
        sb.Append("  (time order, ms; !! = the read, .. = ops just before and during it)\n");
        foreach (var op in window)
            sb.Append("    ").Append((ReferenceEquals(op, read) ? "!!" : "..").PadRight(6)).Append(HistoryText.FormatOperation(op, history)).Append('\n');
        return sb.ToString();
    }

    /// <summary>First line of every excerpt: the key, how many ops were checked and what was dropped.</summary>
    internal static string Header(string key, int checkedOps, int droppedFailed, int droppedReads, int pruned)
    {
        string s = $"key {HistoryText.Value(key)}: NOT linearizable ({checkedOps} ops checked";
        if (droppedFailed + droppedReads + pruned > 0)
            s += $"; dropped {droppedFailed} failed ops, {droppedReads} unknown reads, {pruned} unobserved unknown writes";
        return s + ")";
    }

    internal static string FormatStaleRead(History history, string header, StaleReadCheck.Finding f, IReadOnlyList<Operation> window)
    {
        var sb = new StringBuilder();
        string v = HistoryText.Value(f.Read.Output);
        string source = f.Source is null
            ? $"{v} is the initial value and no op writes it"
            : $"{v} is written only by the op marked src";
        if (f.Overwrite is null)
        {
            sb.Append(header).Append(": a read saw a value before it was written\n");
            sb.Append("  could not linearize: ").Append(HistoryText.FormatOperation(f.Read, history)).Append('\n');
            sb.Append($"  why: {source}, which began only after the read had returned\n");
        }
        else
        {
            sb.Append(header).Append(": stale read\n");
            sb.Append("  could not linearize: ").Append(HistoryText.FormatOperation(f.Read, history)).Append('\n');
            sb.Append($"  why: {source}; the acknowledged op marked new began after ")
              .Append(f.Source is null ? "the start" : "that write returned")
              .Append(" and returned before the read began, so the register no longer held ").Append(v)
              .Append(" (a stale read, or the new write was lost)\n");
        }
        sb.Append("  (time order, ms; !! = the read, src = only source of its value, new = acknowledged write wholly between, .. = ops around the read)\n");
        foreach (var op in window)
        {
            string mark = ReferenceEquals(op, f.Read) ? "!!" : ReferenceEquals(op, f.Source) ? "src" : ReferenceEquals(op, f.Overwrite) ? "new" : "..";
            sb.Append("    ").Append(mark.PadRight(6)).Append(HistoryText.FormatOperation(op, history)).Append('\n');
        }
        return sb.ToString();
    }

    private static bool IsBlocker(List<Operation> ops, SearchResult r, Operation op)
    {
        foreach (int i in r.Blockers) if (ReferenceEquals(ops[i], op)) return true;
        return false;
    }

    private static string Why(History history, Operation culprit, SearchResult r, string? state)
    {
        if (r.Blockers.Length == 0) return Why(culprit);
        string by = culprit.Outcome == Outcome.Ok && culprit.CompleteTicks is long done
            ? $"it was acknowledged, so it took effect by {history.FormatTime(done)}"
            : "it took effect at the latest when a read saw its value";
        return $"{by}; that overwrites {HistoryText.Value(state)}, which {r.Blockers.Length} op(s) marked >> still " +
               "read afterwards, and no other op writes that value again (a lost write or a stale read)";
    }

    private static string Why(Operation culprit) => culprit.Kind switch
    {
        OperationKind.Read =>
            $"it returned {HistoryText.Value(culprit.Output)}, but no order of the ops that could precede it " +
            "(respecting real time) leaves that value in the register when it ran",
        OperationKind.Cas =>
            $"it succeeded expecting {HistoryText.Value(culprit.Expected)}, but no order of the ops that could precede it " +
            "(respecting real time) leaves that value in the register when it ran",
        _ => "no order of the ops around it that respects real time lets it take effect where it did",
    };

    private static void SortByTime(List<Operation> ops) =>
        ops.Sort((a, b) => a.InvokeTicks != b.InvokeTicks ? a.InvokeTicks.CompareTo(b.InvokeTicks) : a.Id.CompareTo(b.Id));
}
