using QuorumCache.Node.Messaging;

namespace QuorumCache.Tests.Node.PubSub;

public class OutputLimitPolicyTests
{
    private static readonly OutputLimits Limits = new(HardBytes: 1000, SoftBytes: 500, SoftSeconds: 2);

    [Fact]
    public void HardLimitDisconnectsAtOnce()
    {
        Assert.True(OutputLimitPolicy.Evaluate(1000, 0, -1, Limits).Disconnect);
        Assert.False(OutputLimitPolicy.Evaluate(999, 0, -1, Limits).Disconnect);
    }

    [Fact]
    public void SoftLimitNeedsToHoldLongerThanTheSoftPeriod()
    {
        var v = OutputLimitPolicy.Evaluate(600, 10_000, -1, Limits);
        Assert.Equal(new OutputLimitVerdict(false, 10_000), v);
        Assert.False(OutputLimitPolicy.Evaluate(700, 12_000, v.SoftSinceMs, Limits).Disconnect);
        Assert.True(OutputLimitPolicy.Evaluate(700, 12_001, v.SoftSinceMs, Limits).Disconnect);
        // Dropping below the soft limit restarts the period.
        Assert.Equal(new OutputLimitVerdict(false, -1), OutputLimitPolicy.Evaluate(499, 12_001, v.SoftSinceMs, Limits));
    }

    [Fact]
    public void ZeroLimitsAreDisabled()
    {
        var none = new OutputLimits(0, 0, 0);
        Assert.False(OutputLimitPolicy.Evaluate(long.MaxValue / 2, 1_000_000, 0, none).Disconnect);
    }

    /// <summary>
    /// Random backlog histories: the policy must disconnect exactly when the backlog reaches the hard
    /// limit, or when every observation since the start of the current run at or above the soft
    /// limit was, and that run began more than the soft period ago.
    /// </summary>
    [Fact]
    public void RandomHistoriesMatchTheRule()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        for (var run = 0; run < 2000; run++)
        {
            var limits = new OutputLimits(rng.Next(0, 3) == 0 ? 0 : rng.Next(100, 2000), rng.Next(0, 3) == 0 ? 0 : rng.Next(50, 1000), rng.Next(0, 5));
            long now = rng.Next(0, 1_000_000), since = -1, runStart = -1;
            for (var step = 0; step < 50; step++)
            {
                now += rng.Next(0, 1500);
                long backlog = rng.Next(0, 2500);
                var v = OutputLimitPolicy.Evaluate(backlog, now, since, limits);
                var aboveSoft = limits.SoftBytes > 0 && backlog >= limits.SoftBytes;
                var prevRunStart = runStart;
                runStart = aboveSoft ? (runStart < 0 ? now : runStart) : -1;
                var expected = (limits.HardBytes > 0 && backlog >= limits.HardBytes)
                    || (aboveSoft && prevRunStart >= 0 && now - prevRunStart > limits.SoftSeconds * 1000L);
                Assert.True(expected == v.Disconnect, $"seed {seed}, run {run}, step {step}: backlog {backlog} at {now}, limits {limits}, run since {prevRunStart}");
                if (v.Disconnect) break;
                Assert.True(runStart == v.SoftSinceMs, $"seed {seed}, run {run}, step {step}: soft since {v.SoftSinceMs}, expected {runStart}");
                since = v.SoftSinceMs;
            }
        }
    }
}
