using QuorumCache.MultiNode.Checker;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// The specs are only as good as the checker's verdict on a real bug. This feeds it a recorded
/// history of a server that acknowledged a write before storing it (a later read returns the
/// older value) amid ordinary traffic, and checks the verdict and that the failure message is a
/// short, readable excerpt pointing at the culprit ops rather than a dump of the whole history.
/// </summary>
public sealed class CheckerCatchesBadHistorySpec(ITestOutputHelper output)
{
    private static int _id;

    private static Operation Op(int p, OperationKind kind, string key, string? value, string? output, long from, long to, Outcome outcome = Outcome.Ok) =>
        new()
        {
            Id = _id++, Process = p, Kind = kind, Key = key, Value = value, Output = output,
            InvokeTicks = from, CompleteTicks = to, Outcome = outcome,
        };

    [Fact]
    public void A_write_acknowledged_before_it_was_stored_is_reported_with_a_readable_excerpt()
    {
        _id = 0;
        var ops = new List<Operation>();
        long t = 0;
        // 40 ordinary, correct operations on the same key and on a neighbour: write then read back.
        for (int i = 0; i < 20; i++)
        {
            ops.Add(Op(1 + i % 3, OperationKind.Write, "acct", $"v{i}", null, t, t + 3)); t += 5;
            ops.Add(Op(1 + (i + 1) % 3, OperationKind.Read, "acct", null, $"v{i}", t, t + 2)); t += 5;
            ops.Add(Op(4, OperationKind.Write, "other", $"o{i}", null, t, t + 2)); t += 3;
        }
        // The bug: p2's SET acct bad-ack is acknowledged, but the server had not stored it...
        ops.Add(Op(2, OperationKind.Write, "acct", "bad-ack", null, t, t + 4)); t += 10;
        // ...so a read that starts strictly after the acknowledgement still sees the previous value.
        ops.Add(Op(3, OperationKind.Read, "acct", null, "v19", t, t + 3)); t += 10;
        ops.Add(Op(1, OperationKind.Read, "other", null, "o19", t, t + 3));
        var history = new History(ops, ticksPerSecond: 1000);

        var report = LinearizabilityChecker.Check(history);
        var message = report.Describe();
        output.WriteLine(message);

        Assert.False(report.IsLinearizable);
        Assert.Equal(CheckVerdict.Invalid, report.Verdict);
        var bad = Assert.Single(report.Failures);
        Assert.Equal("acct", bad.Key);
        Assert.Contains(report.Keys, k => k.Key == "other" && k.Verdict == CheckVerdict.Valid);
        // The excerpt names the acknowledged write and the stale read in the history's text form.
        Assert.Contains("p2 write acct = bad-ack -> ok", message);
        Assert.Contains("p3 read acct -> ok: v19", message);
        // Readable: a short excerpt, not the whole 63-op history, and none of the healthy key's ops.
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 25, $"excerpt has {lines.Length} lines:\n{message}");
        Assert.DoesNotContain("write acct = v0 ", message);
        Assert.DoesNotContain("other", message.Split('\n', 2)[1]);
    }
}
