using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

public class LinearizabilityCheckerTests
{
    private static LinearizabilityReport Check(History h, LinearizabilityOptions? o = null) => LinearizabilityChecker.Check(h, o);

    private static void AssertLinearizable(History h, LinearizabilityOptions? o = null)
    {
        var r = Check(h, o);
        Assert.True(r.Verdict == CheckVerdict.Valid, r.Describe() + "\n" + h);
    }

    private static KeyLinearizability AssertNotLinearizable(History h, LinearizabilityOptions? o = null)
    {
        var r = Check(h, o);
        Assert.True(r.Verdict == CheckVerdict.Invalid, r.Describe() + "\n" + h);
        return Assert.Single(r.Failures);
    }

    [Fact]
    public void SequentialHistoryIsLinearizable() =>
        AssertLinearizable(new HistoryBuilder()
            .Read(1, "k", null, 0, 1)
            .Write(1, "k", "1", 2, 3)
            .Read(2, "k", "1", 4, 5)
            .Write(2, "k", "2", 6, 7)
            .Read(1, "k", "2", 8, 9)
            .Write(1, "k", null, 10, 11)   // delete
            .Read(2, "k", null, 12, 13)
            .Build());

    [Fact]
    public void ConcurrentOpsLinearizeInNonObviousOrder()
    {
        // p1's write of 1 is invoked first but must take effect after p2's write of 2:
        // a read sees 2 at [15,25], later reads see 1.
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 100)
            .Write(2, "k", "2", 10, 20)
            .Read(3, "k", "2", 15, 25)
            .Read(4, "k", "1", 30, 40)
            .Read(3, "k", "1", 50, 60)
            // A read that returns a value written by a write invoked after the read began.
            .Read(5, "k", "3", 110, 130)
            .Write(6, "k", "3", 115, 120)
            .Build();
        AssertLinearizable(h);
    }

    [Fact]
    public void NonObviousOrderBecomesInvalidWhenRealTimeForbidsIt()
    {
        // Same shape, but the write of 1 completed before the read of 2 began and a later read sees 1.
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 12)
            .Write(2, "k", "2", 10, 20)
            .Read(3, "k", "2", 15, 25)
            .Read(4, "k", "1", 30, 40)
            .Build();
        AssertNotLinearizable(h);
    }

    [Fact]
    public void StaleReadIsNotLinearizable()
    {
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Write(2, "k", "2", 2, 3)
            .Read(3, "k", "1", 4, 5)
            .Build();
        // The quick check names the read, the only write of its value and the write wholly between.
        var f = AssertNotLinearizable(h);
        Assert.Equal(2, f.Culprit!.Id);
        Assert.Contains("stale read", f.Excerpt);
        Assert.Contains("src   [0.000..1.000] p1 write k = 1 -> ok", f.Excerpt);
        Assert.Contains("new   [2.000..3.000] p2 write k = 2 -> ok", f.Excerpt);
        Assert.Contains("!!    [4.000..5.000] p3 read k -> ok: 1", f.Excerpt);

        // The search alone: the acknowledged write of 2 cannot take effect before the read of 1 that follows it.
        var s = AssertNotLinearizable(h, new LinearizabilityOptions { QuickChecks = false });
        Assert.Equal(1, s.Culprit!.Id);
        Assert.Contains(s.Window, o => o.Id == 2);
        Assert.Contains(">>    [4.000..5.000] p3 read k -> ok: 1", s.Excerpt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LostAcknowledgedWriteIsNotLinearizable(bool quickChecks)
    {
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Read(2, "k", "1", 2, 3)
            .Write(1, "k", "2", 4, 5)      // acknowledged ...
            .Read(2, "k", "1", 6, 7)       // ... but never visible
            .Read(3, "k", "1", 8, 9)
            .Build();
        var f = AssertNotLinearizable(h, new LinearizabilityOptions { QuickChecks = quickChecks });
        Assert.Contains(f.Window, o => o.Id == 2);
        Assert.Contains(f.Window, o => o.Id == 3);
        Assert.Contains("[4.000..5.000] p1 write k = 2 -> ok", f.Excerpt);
        Assert.Contains("[6.000..7.000] p2 read k -> ok: 1", f.Excerpt);
        Assert.Contains(quickChecks ? "the new write was lost" : "a lost write or a stale read", f.Excerpt);
    }

    [Fact]
    public void ReadBeforeTheOnlyWriteOfItsValueIsNotLinearizable()
    {
        var h = new HistoryBuilder()
            .Read(1, "k", "1", 0, 1)
            .Write(2, "k", "1", 5, 6)
            .Build();
        var f = AssertNotLinearizable(h);
        Assert.Contains("a read saw a value before it was written", f.Excerpt);
        AssertNotLinearizable(h, new LinearizabilityOptions { QuickChecks = false });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadOfValueNeverWrittenIsNotLinearizable(bool quickChecks)
    {
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Read(2, "k", "9", 2, 3)
            .Build();
        var f = AssertNotLinearizable(h, new LinearizabilityOptions { QuickChecks = quickChecks });
        Assert.Equal(1, f.Culprit!.Id);
        Assert.Contains("read k -> ok: 9", f.Excerpt);
    }

    [Fact]
    public void UnknownWriteMayNeverTakeEffect() =>
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .WriteUnknown(2, "k", "2", 2, 5)
            .Read(3, "k", "1", 6, 7)
            .Read(3, "k", "1", 8, 9)
            .Build());

    [Fact]
    public void UnknownWriteMayTakeEffect() =>
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .WriteUnknown(2, "k", "2", 2, 5)
            .Read(3, "k", "2", 6, 7)
            .Build());

    [Fact]
    public void UnknownWriteMayTakeEffectLongAfterTheClientGaveUp() =>
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .WriteUnknown(2, "k", "2", 2, 5)
            .Read(3, "k", "1", 6, 7)
            .Read(3, "k", "2", 100, 101)
            .Build());

    [Fact]
    public void UnknownWriteTakesEffectAtMostOnce()
    {
        var h = new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .WriteUnknown(2, "k", "2", 2)
            .Read(3, "k", "2", 6, 7)
            .Read(3, "k", "1", 8, 9)   // back to 1 with no write of 1 after: impossible
            .Build();
        AssertNotLinearizable(h);
    }

    [Fact]
    public void UnknownWriteCannotTakeEffectBeforeItsInvocation()
    {
        var h = new HistoryBuilder()
            .Read(3, "k", "2", 0, 1)
            .WriteUnknown(2, "k", "2", 2, 5)
            .Build();
        AssertNotLinearizable(h, new LinearizabilityOptions { QuickChecks = false });
    }

    [Fact]
    public void FailedWritesAreIgnored()
    {
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Write(2, "k", "2", 2, 3, Outcome.Fail)
            .Read(3, "k", "1", 4, 5)
            .Build());

        var bad = new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Write(2, "k", "2", 2, 3, Outcome.Fail)
            .Read(3, "k", "2", 4, 5)
            .Build();
        var f = AssertNotLinearizable(bad);
        Assert.Contains("FAILED", f.Excerpt);
        Assert.Contains("write k = 2 -> fail", f.Excerpt);
        Assert.Equal(1, f.DroppedFailed);
    }

    [Fact]
    public void UnknownReadsCarryNoInformation() =>
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Add(2, OperationKind.Read, "k", 2, 3, Outcome.Unknown, output: "garbage")
            .Read(3, "k", "1", 4, 5)
            .Build());

    [Fact]
    public void CompareAndSetFollowsTheRegister()
    {
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Cas(2, "k", "1", "2", 2, 3)
            .Cas(1, "k", "1", "3", 4, 5, Outcome.Fail)   // mismatch: dropped
            .Read(3, "k", "2", 6, 7)
            .Build());

        AssertNotLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Cas(2, "k", "1", "2", 2, 3)
            .Cas(1, "k", "1", "3", 4, 5)   // claims success though the register holds 2
            .Read(3, "k", "3", 6, 7)
            .Build());

        // An unknown CAS may apply (the read of 2 needs it) ...
        AssertLinearizable(new HistoryBuilder()
            .Write(1, "k", "1", 0, 1)
            .Cas(2, "k", "1", "2", 2, null, Outcome.Unknown)
            .Read(3, "k", "2", 6, 7)
            .Build());
        // ... but only where the register holds the expected value.
        AssertNotLinearizable(new HistoryBuilder()
            .Write(1, "k", "0", 0, 1)
            .Cas(2, "k", "1", "2", 2, null, Outcome.Unknown)
            .Read(3, "k", "2", 6, 7)
            .Build(), new LinearizabilityOptions { QuickChecks = false });
    }

    [Fact]
    public void KeysAreCheckedIndependently()
    {
        var h = new HistoryBuilder()
            .Write(1, "a", "1", 0, 1)
            .Write(2, "b", "1", 0, 1)
            .Write(1, "a", "2", 2, 3)
            .Read(2, "b", "1", 2, 3)
            .Read(1, "a", "1", 4, 5)   // stale on a
            .Read(2, "b", "1", 4, 5)
            .Add(3, OperationKind.Add, "s", 0, 1, Outcome.Ok, value: "e1")   // not a register op: ignored
            .Build();
        var r = LinearizabilityChecker.Check(h);
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
        Assert.Equal(2, r.Keys.Count);
        Assert.Equal("a", Assert.Single(r.Failures).Key);
        Assert.Equal(CheckVerdict.Valid, r.Keys.Single(k => k.Key == "b").Verdict);
    }

    [Fact]
    public void InitialValueIsConfigurable()
    {
        var h = new HistoryBuilder().Read(1, "k", "0", 0, 1).Build();
        AssertNotLinearizable(h);
        AssertLinearizable(h, new LinearizabilityOptions { InitialValue = "0" });
    }

    [Fact]
    public void EmptyHistoryIsLinearizable() =>
        Assert.Equal(CheckVerdict.Valid, LinearizabilityChecker.Check(new HistoryBuilder().Build()).Verdict);
}
