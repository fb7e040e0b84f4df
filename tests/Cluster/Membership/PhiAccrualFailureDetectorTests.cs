using QuorumCache.Cluster.Membership;

namespace QuorumCache.Tests.Cluster.Membership;

public class PhiAccrualFailureDetectorTests
{
    private static readonly PhiAccrualOptions Defaults = new();

    /// <summary>Feeds heartbeats every <paramref name="intervalMs"/> and returns the time of the last one.</summary>
    private static long Steady(PhiAccrualFailureDetector fd, string node, long startMs, int count, long intervalMs)
    {
        var t = startMs;
        for (var i = 0; i < count; i++, t += intervalMs)
            fd.Heartbeat(node, t);
        return t - intervalMs;
    }

    /// <summary>The first millisecond after <paramref name="lastMs"/> at which the node is suspected.</summary>
    private static long SuspectedAfter(PhiAccrualFailureDetector fd, string node, long lastMs)
    {
        for (var t = lastMs; t < lastMs + 60_000; t++)
            if (!fd.IsAvailable(node, t))
                return t - lastMs;
        throw new Xunit.Sdk.XunitException("never suspected");
    }

    [Fact]
    public void Steady_heartbeats_keep_phi_low()
    {
        var fd = new PhiAccrualFailureDetector();
        var last = Steady(fd, "n", 1000, 100, 100);
        Assert.True(fd.Phi("n", last + 100) < 0.5, $"phi {fd.Phi("n", last + 100)}");
        Assert.True(fd.Phi("n", last + 500) < 1, $"phi {fd.Phi("n", last + 500)}");
        Assert.True(fd.IsAvailable("n", last + 1000));
    }

    [Fact]
    public void Silence_crosses_the_threshold_after_about_the_pause_plus_a_few_intervals()
    {
        var fd = new PhiAccrualFailureDetector();
        var last = Steady(fd, "n", 0, 50, 100);
        var after = SuspectedAfter(fd, "n", last);
        // mean 100 + pause 1000, then ~5 floored std deviations (100 ms) for phi 8.
        Assert.InRange(after, Defaults.AcceptableHeartbeatPauseMs + 300, Defaults.AcceptableHeartbeatPauseMs + 800);
        Assert.True(fd.Phi("n", last + 3000) > 20);
    }

    [Fact]
    public void Phi_grows_with_silence()
    {
        var fd = new PhiAccrualFailureDetector();
        var last = Steady(fd, "n", 0, 20, 100);
        var previous = -1.0;
        for (var t = last; t < last + 5000; t += 7)
        {
            var phi = fd.Phi("n", t);
            Assert.True(phi >= previous, $"phi fell from {previous} to {phi} at +{t - last} ms");
            previous = phi;
        }
    }

    [Fact]
    public void Unknown_node_is_available_with_phi_zero()
    {
        var fd = new PhiAccrualFailureDetector();
        Assert.Equal(0, fd.Phi("x", 123));
        Assert.True(fd.IsAvailable("x", 123));
        Assert.False(fd.IsMonitoring("x"));
        fd.Heartbeat("x", 100);
        Assert.True(fd.IsMonitoring("x"));
        Assert.Equal(100, fd.LastHeartbeatMs("x"));
        fd.Remove("x");
        Assert.False(fd.IsMonitoring("x"));
    }

    [Fact]
    public void After_one_heartbeat_the_first_estimate_is_used()
    {
        var fd = new PhiAccrualFailureDetector();
        fd.Heartbeat("n", 0);
        Assert.True(fd.IsAvailable("n", 100));
        Assert.True(fd.IsAvailable("n", 1000));
        Assert.False(fd.IsAvailable("n", 3000));
    }

    [Fact]
    public void Phi_at_the_mean_is_log10_of_two()
    {
        Assert.Equal(-Math.Log10(0.5), PhiAccrualFailureDetector.ComputePhi(500, 500, 100), 3);
        Assert.True(PhiAccrualFailureDetector.ComputePhi(100, 500, 100) < 0.001);
        Assert.True(double.IsPositiveInfinity(PhiAccrualFailureDetector.ComputePhi(1e9, 500, 100)) || PhiAccrualFailureDetector.ComputePhi(1e9, 500, 100) > 100);
    }

    [Fact]
    public void A_long_outage_is_not_learned_as_a_normal_interval()
    {
        var fd = new PhiAccrualFailureDetector();
        var last = Steady(fd, "n", 0, 50, 100);
        var before = SuspectedAfter(fd, "n", last);
        var resumed = last + 10_000;
        last = Steady(fd, "n", resumed, 3, 100);
        Assert.True(fd.IsAvailable("n", last + 100));
        var after = SuspectedAfter(fd, "n", last);
        Assert.InRange(after, before - 50, before + 50);
    }

    [Fact]
    public void Randomized_jitter_never_suspects_a_live_node_and_always_catches_a_dead_one()
    {
        for (var seed = 1; seed <= 50; seed++)
        {
            var rng = new Random(seed);
            var fd = new PhiAccrualFailureDetector();
            long t = rng.Next(0, 1_000_000);
            fd.Heartbeat("n", t);
            for (var i = 0; i < 400; i++)
            {
                // 100 ms nominal, +-60 ms jitter, and now and then a GC-like pause up to 600 ms.
                var gap = 100 + rng.Next(-60, 61) + (rng.Next(50) == 0 ? rng.Next(200, 600) : 0);
                var arrival = t + gap;
                Assert.True(fd.IsAvailable("n", arrival - 1), $"seed {seed}: suspected a live node at beat {i} (gap {gap} ms, phi {fd.Phi("n", arrival - 1):F2})");
                fd.Heartbeat("n", arrival);
                t = arrival;
            }
            var detected = SuspectedAfter(fd, "n", t);
            Assert.True(detected is > 1000 and < 2500, $"seed {seed}: dead node detected after {detected} ms");
        }
    }

    [Fact]
    public void History_mean_and_variance_match_a_direct_computation_over_the_window()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        var history = new HeartbeatHistory(50);
        var all = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var v = rng.Next(1, 1000);
            history.Add(v);
            all.Add(v);
            var window = all.Skip(Math.Max(0, all.Count - 50)).ToList();
            var mean = window.Average();
            var variance = window.Select(x => (x - mean) * (x - mean)).Average();
            Assert.True(Math.Abs(mean - history.Mean) < 1e-6, $"seed {seed}: mean {history.Mean} vs {mean}");
            Assert.True(Math.Abs(variance - history.Variance) < 1e-3, $"seed {seed}: variance {history.Variance} vs {variance}");
        }
        Assert.Equal(50, history.Count);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhiAccrualFailureDetector(new PhiAccrualOptions { Threshold = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhiAccrualFailureDetector(new PhiAccrualOptions { MaxSampleSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhiAccrualFailureDetector(new PhiAccrualOptions { MinStdDeviationMs = 0 }));
    }
}
