using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;
using QuorumCache.MultiNode.Harness.Workloads;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>A fourth node joins while clients write: slots move live, nothing acknowledged is lost.</summary>
public sealed class JoinUnderLoadSpec(ITestOutputHelper output)
{
    [Fact]
    public Task A_node_joins_under_load_without_losing_a_key() =>
        Scenario.RunAsync("join under load", output, async s =>
        {
            await s.StartClusterAsync(new ClusterOptions { Names = new[] { "A", "B", "C" } });
            var ports = s.Cluster.Running.Select(n => n.Port).ToArray();
            var writer = new UniqueKeyWriter(ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"join{s.Seed}", Processes = 3 });
            var rec = new HistoryRecorder();
            var reg = new RegisterWorkload(rec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"join{s.Seed}", Processes = 2, Keys = 12 });
            s.NoteOnFailure(() => $"writer: {writer.Stats}\nregisters: {reg.Stats}");
            using var stop = new CancellationTokenSource();
            var tasks = new[] { writer.RunAsync(stop.Token), reg.RunAsync(stop.Token) };

            await s.BarrierAsync("the writer has 200 acknowledged keys", TimeSpan.FromSeconds(20), _ =>
                Task.FromResult(writer.Acknowledged.Count >= 200 ? Observation.Yes() : Observation.No($"{writer.Acknowledged.Count} acked")));

            var joiner = await s.StepAsync("node D joins through B", TimeSpan.FromSeconds(40),
                ct => s.Cluster.AddNodeAsync("D", s.Role("B"), ct));
            var all = s.Cluster.Running.ToArray();
            await s.BarrierAsync("all nodes see 4 members", TimeSpan.FromSeconds(15), Conditions.AllSeeMembers(all, 4));
            await s.StepAsync("the cluster rebalances onto D: ready, D owns slots", TimeSpan.FromSeconds(100),
                ct => s.Cluster.WaitReadyAsync(TimeSpan.FromSeconds(90), ct));

            int ackedAtReady = writer.Acknowledged.Count;
            await s.BarrierAsync("writes keep being acknowledged after the rebalance", TimeSpan.FromSeconds(20), _ =>
                Task.FromResult(writer.Acknowledged.Count >= ackedAtReady + 100
                    ? Observation.Yes() : Observation.No($"{writer.Acknowledged.Count - ackedAtReady} more")));
            await s.StepAsync("stop the clients", TimeSpan.FromSeconds(30), _ => SpecHelpers.StopAsync(stop, tasks));

            await s.StepAsync("the writers saw no error other than redirects they followed", TimeSpan.FromSeconds(5), _ =>
            {
                Assert.True(writer.Stats.Errors == 0, writer.Stats.ToString());
                Assert.True(reg.Stats.Errors == 0, reg.Stats.ToString());
                Assert.True(writer.Stats.Redirects + reg.Stats.Redirects > 0, "no MOVED was followed although slots moved to D");
                return Task.CompletedTask;
            });
            await s.StepAsync($"all acknowledged keys are readable with their values", TimeSpan.FromSeconds(60), async _ =>
            {
                var lost = await writer.FindLostAsync(s.Cluster.Running.Select(n => n.Port).ToArray());
                Assert.True(lost.Count == 0, $"{lost.Count} of {writer.Acknowledged.Count} acknowledged keys lost:\n{string.Join('\n', lost.Take(20))}");
            });
            await s.StepAsync("D holds some of the keys", TimeSpan.FromSeconds(5), async _ =>
            {
                var size = await joiner.CommandAsync("DBSIZE");
                Assert.True(size.Integer > 0, $"D's DBSIZE is {size}");
            });
            await s.StepAsync("register history across the join is linearizable", TimeSpan.FromSeconds(60), _ =>
            {
                SpecHelpers.AssertLinearizable(s, rec.Snapshot(), "registers");
                return Task.CompletedTask;
            });
        });
}
