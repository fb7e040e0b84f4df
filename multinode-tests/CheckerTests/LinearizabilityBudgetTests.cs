using QuorumCache.MultiNode.Checker;

namespace QuorumCache.MultiNode.CheckerTests;

public class LinearizabilityBudgetTests
{
    /// <summary>n fully concurrent writes, then reads that see 1, then 2, then 1 again: impossible,
    /// but proving it means trying every subset of the writes (2^n configurations).</summary>
    private static History Pathological(int writers = 16)
    {
        var b = new HistoryBuilder();
        for (int i = 1; i <= writers; i++) b.Write(i, "k", i.ToString(), 0, 100);
        b.Read(20, "k", "1", 200, 201).Read(20, "k", "2", 202, 203).Read(20, "k", "1", 204, 205);
        return b.Build();
    }

    [Fact]
    public void StepBudgetMakesTheVerdictUnknownInsteadOfHanging()
    {
        var r = LinearizabilityChecker.Check(Pathological(), new LinearizabilityOptions { MaxStepsPerKey = 5_000 });
        Assert.Equal(CheckVerdict.Unknown, r.Verdict);
        var k = Assert.Single(r.Inconclusive);
        Assert.Contains("step budget", k.Reason);
        Assert.Contains("UNKNOWN", r.Describe());
        Assert.True(k.Steps <= 5_001);
    }

    [Fact]
    public void TimeBudgetMakesTheVerdictUnknown()
    {
        // A clock that jumps a minute every time it is read: the budget is spent at the first look.
        var clock = new JumpingClock(TimeSpan.FromMinutes(1));
        var r = LinearizabilityChecker.Check(Pathological(), new LinearizabilityOptions { Clock = clock, TimeBudgetPerKey = TimeSpan.FromSeconds(1) });
        Assert.Equal(CheckVerdict.Unknown, r.Verdict);
        Assert.Contains("time budget", Assert.Single(r.Inconclusive).Reason);
    }

    [Fact]
    public void WithEnoughBudgetThePathologicalHistoryIsRejected()
    {
        var r = LinearizabilityChecker.Check(Pathological(10), new LinearizabilityOptions { MaxStepsPerKey = 50_000_000 });
        Assert.Equal(CheckVerdict.Invalid, r.Verdict);
    }

    private sealed class JumpingClock(TimeSpan jump) : TimeProvider
    {
        private long _now;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _now += jump.Ticks;
    }
}
