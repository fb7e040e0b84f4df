using System.Collections.Concurrent;
using System.Diagnostics;
using QuorumCache.Tests.Cluster.Rebalancing.Sim;
using QuorumCache.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QuorumCache.Tests.Cluster.Rebalancing;

public class RebalancingSimulationTests(ITestOutputHelper output)
{
    private sealed record Outcome(int Seed, string? Failure, int Acked, int Reads, int Frames, int Entries, int Completions, int Aborts);

    /// <summary>Runs the seeds on every core (own threads, see <see cref="SeedRunner"/>); each seed is deterministic on its own.</summary>
    private async Task<List<Outcome>> RunSeeds(IEnumerable<int> seeds, Func<int, SimOptions> options)
    {
        var results = new ConcurrentBag<Outcome>();
        var sw = Stopwatch.StartNew();
        await SeedRunner.RunAsync(seeds, seed =>
        {
            var sim = new ClusterSim(options(seed));
            try
            {
                sim.Run();
                results.Add(new Outcome(seed, null, sim.Acked, sim.Reads, sim.Frames, sim.Entries, sim.Completions, sim.Aborts));
            }
            catch (Exception ex) when (ex is SimFailure or Xunit.Sdk.XunitException)
            {
                results.Add(new Outcome(seed, ex.Message, sim.Acked, sim.Reads, sim.Frames, sim.Entries, sim.Completions, sim.Aborts));
            }
        });
        var list = results.OrderBy(r => r.Seed).ToList();
        output.WriteLine($"{list.Count} seeds in {sw.ElapsedMilliseconds} ms: {list.Sum(r => r.Acked)} writes acknowledged, {list.Sum(r => r.Reads)} reads served, {list.Sum(r => r.Frames)} frames, " +
            $"{list.Sum(r => r.Entries)} entries, {list.Sum(r => r.Completions)} hand-offs completed, {list.Sum(r => r.Aborts)} aborted");
        return list;
    }

    private static void AssertPassed(List<Outcome> outcomes)
    {
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} seeds failed; first: {failed.FirstOrDefault()?.Failure}");
    }

    private static void AssertAllPassed(List<Outcome> outcomes)
    {
        AssertPassed(outcomes);
        // The runs did exercise what they claim to.
        Assert.True(outcomes.Sum(o => o.Acked) > outcomes.Count * 30 && outcomes.Sum(o => o.Reads) > outcomes.Count * 5, "too few writes or reads");
        Assert.True(outcomes.Sum(o => o.Completions) > 0 && outcomes.Sum(o => o.Aborts) > 0, "no hand-off completed or aborted");
    }

    /// <summary>
    /// QC_SIM_SEEDS overrides the seed count (e.g. 2000 for a long local run: a seed costs about 0.4 s of CPU). The
    /// counts here keep this folder near 20 s on a 2-core machine; the hand-off fixes of December 2026 were found
    /// and checked by sweeps of 150-500 seeds per setting.
    /// </summary>
    private static int SeedCount(int ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("QC_SIM_SEEDS"), out var n) && n > 0 ? n : ci;

    private static SimOptions Varied(int seed) => new()
    {
        Seed = seed,
        InitialNodes = 1 + seed % 3,
        MaxJoins = 1 + seed % 2,
        MaxLeaves = seed % 2,
    };

    [Fact]
    public async Task Random_joins_leaves_writes_and_aborts_lose_nothing_and_end_balanced()
    {
        AssertAllPassed(await RunSeeds(Enumerable.Range(1, SeedCount(16)), Varied));
    }

    [Fact]
    public async Task Frequent_aborts_at_every_phase_lose_nothing()
    {
        AssertAllPassed(await RunSeeds(Enumerable.Range(1000, SeedCount(6)), seed => Varied(seed) with { AbortWeight = 25 }));
    }

    [Fact]
    public async Task Small_concurrency_limit_still_converges()
    {
        AssertAllPassed(await RunSeeds(Enumerable.Range(2000, SeedCount(2)), seed => Varied(seed) with { MaxConcurrent = 300, ChaosSteps = 800 }));
    }

    [Fact]
    public async Task Link_breaks_and_lost_proposals_lose_nothing()
    {
        AssertAllPassed(await RunSeeds(Enumerable.Range(3000, SeedCount(8)), seed => Varied(seed) with { DropWeight = 4 }));
    }
}
