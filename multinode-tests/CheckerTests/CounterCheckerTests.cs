using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

public class CounterCheckerTests
{
    private static HistoryBuilder Incr(HistoryBuilder b, long delta, long invoke, long? complete, Outcome outcome) =>
        b.Add(1, OperationKind.Incr, "c", invoke, complete, outcome, value: delta.ToString());

    private static HistoryBuilder Read(HistoryBuilder b, string? value, long invoke, long complete, int process = 2) =>
        b.Add(process, OperationKind.ReadCounter, "c", invoke, complete, Outcome.Ok, output: value);

    private static HistoryBuilder Base()
    {
        var b = new HistoryBuilder();
        Incr(b, 1, 0, 1, Outcome.Ok);
        Incr(b, 1, 2, 3, Outcome.Ok);
        Incr(b, 5, 4, 5, Outcome.Unknown);
        Incr(b, 100, 6, 7, Outcome.Fail);
        return b;
    }

    [Theory]
    [InlineData("2", CheckVerdict.Valid)]     // unknown increment did not apply
    [InlineData("7", CheckVerdict.Valid)]     // it did
    [InlineData("1", CheckVerdict.Invalid)]   // an acknowledged increment is missing
    [InlineData("8", CheckVerdict.Invalid)]   // more than was ever attempted
    [InlineData("107", CheckVerdict.Invalid)] // the failed increment applied
    public void FinalReadMustLieBetweenAcknowledgedAndAttempted(string final, CheckVerdict expected)
    {
        var r = CounterChecker.Check(Read(Base(), final, 100, 101).Build());
        Assert.True(r.Verdict == expected, r.Describe());
        var k = Assert.Single(r.Keys);
        Assert.Equal((2L, 7L), (k.FinalLower, k.FinalUpper));
    }

    [Fact]
    public void ReadDuringTheRunSeesOnlyWhatCouldHaveHappened()
    {
        var b = new HistoryBuilder();
        Incr(b, 1, 0, 1, Outcome.Ok);
        Incr(b, 1, 10, 20, Outcome.Ok);    // concurrent with the first read
        Read(b, "2", 12, 15);              // may include it
        Read(b, "2", 30, 31);
        Assert.Equal(CheckVerdict.Valid, CounterChecker.Check(b.Build()).Verdict);

        var bad = new HistoryBuilder();
        Incr(bad, 1, 0, 1, Outcome.Ok);
        Read(bad, "2", 2, 3);              // an increment that has not been invoked yet
        Incr(bad, 1, 10, 20, Outcome.Ok);
        Read(bad, "2", 30, 31);
        var r = CounterChecker.Check(bad.Build());
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Contains("counts increments never made", r.Describe());
        Assert.Equal(CheckVerdict.Valid, CounterChecker.Check(bad.Build(), checkIntermediateReads: false).Verdict);
    }

    [Fact]
    public void ReadsMustNotGoBackwards()
    {
        var b = new HistoryBuilder();
        Incr(b, 1, 0, 1, Outcome.Ok);
        Incr(b, 1, 2, 100, Outcome.Ok);   // in flight during both reads
        Read(b, "2", 10, 11, process: 2);
        Read(b, "1", 12, 13, process: 3);  // within bounds alone, but after a read that saw 2
        Read(b, "2", 200, 201);
        var r = CounterChecker.Check(b.Build());
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Contains("went backwards", r.Describe());
    }

    [Fact]
    public void NilReadsAsZeroAndNoReadIsInconclusive()
    {
        var b = new HistoryBuilder();
        Read(b, null, 0, 1);
        Assert.Equal(CheckVerdict.Valid, CounterChecker.Check(b.Build()).Verdict);
        var none = new HistoryBuilder();
        Incr(none, 1, 0, 1, Outcome.Ok);
        Assert.Equal(CheckVerdict.Unknown, CounterChecker.Check(none.Build()).Verdict);
    }

    [Fact]
    public void RandomRunsOfARealCounterAreValid()
    {
        for (int seed = 1; seed <= 200; seed++)
        {
            var rng = new Random(seed);
            var events = new List<(double At, int Index)>();
            var drafts = new List<(OperationKind Kind, long Delta, long Invoke, long Complete, Outcome Outcome, bool Applies)>();
            var cursor = new long[1 + rng.Next(6)];
            for (int i = 0; i < 80; i++)
            {
                int p = rng.Next(cursor.Length);
                long inv = cursor[p] + rng.Next(3), done = inv + 1 + rng.Next(15);
                cursor[p] = done + 1;
                bool isRead = rng.Next(3) == 0;
                var outcome = isRead ? Outcome.Ok : rng.Next(10) switch { 0 => Outcome.Fail, 1 => Outcome.Unknown, _ => Outcome.Ok };
                bool applies = outcome == Outcome.Ok || (outcome == Outcome.Unknown && rng.Next(2) == 0);
                double at = inv + rng.NextDouble() * (done - inv) * (outcome == Outcome.Unknown ? 3 : 1);
                drafts.Add((isRead ? OperationKind.ReadCounter : OperationKind.Incr, 1 + rng.Next(5), inv, done, outcome, applies));
                events.Add((at, i));
            }
            events.Sort();
            long value = 0;
            var outputs = new long[drafts.Count];
            foreach (var (_, i) in events)
            {
                if (drafts[i].Kind == OperationKind.Incr && drafts[i].Applies) value += drafts[i].Delta;
                else if (drafts[i].Kind == OperationKind.ReadCounter) outputs[i] = value;
            }
            var b = new HistoryBuilder();
            for (int i = 0; i < drafts.Count; i++)
            {
                var d = drafts[i];
                if (d.Kind == OperationKind.Incr) Incr(b, d.Delta, d.Invoke, d.Complete, d.Outcome);
                else Read(b, outputs[i].ToString(), d.Invoke, d.Complete);
            }
            Read(b, value.ToString(), 10_000, 10_001);
            var r = CounterChecker.Check(b.Build());
            Assert.True(r.Verdict == CheckVerdict.Valid, $"seed {seed}: {r.Describe()}");

            // A final value just outside the allowed range, on either side, is caught.
            foreach (long wrong in new[] { r.Keys[0].FinalLower - 1, r.Keys[0].FinalUpper + 1 })
            {
                var bad = new HistoryBuilder();
                foreach (var op in b.Build().Operations.Take(drafts.Count))
                    bad.Add(op.Process, op.Kind, op.Key, op.InvokeTicks, op.CompleteTicks, op.Outcome, op.Value, op.Output);
                Read(bad, wrong.ToString(), 10_000, 10_001);
                Assert.True(CounterChecker.Check(bad.Build(), checkIntermediateReads: false).Verdict == CheckVerdict.Invalid,
                    $"seed {seed}: final value {wrong} outside [{r.Keys[0].FinalLower}, {r.Keys[0].FinalUpper}] not caught");
            }
        }
    }
}
