using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;
using QuorumCache.MultiNode.Harness.Workloads;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// A partition isolates one node's bus links: it must stop claiming its slots (CLUSTERDOWN), never
/// acknowledge a write after that, and the whole history must stay linearizable across the heal.
/// </summary>
public sealed class PartitionSpec(ITestOutputHelper output)
{
    [Fact]
    public Task An_isolated_node_stops_serving_and_the_history_stays_linearizable() =>
        Scenario.RunAsync("partition isolates one node", output, async s =>
        {
            await s.StartClusterAsync(new ClusterOptions { Names = new[] { "A", "B", "C" } });
            var leader = await s.Cluster.CoordinatorAsync(s.Role("A")) ?? s.Role("A");
            var isolated = s.Cluster.Running.Last(n => n != leader);
            var majority = s.Cluster.Running.Where(n => n != isolated).ToArray();
            s.Log($"isolated {isolated}, majority {string.Join(", ", majority.Select(n => n.Name))}");
            var isolatedKey = await Conditions.KeyOwnedByAsync(isolated, majority[0], $"part{s.Seed}:iso");
            var majorityKey = await Conditions.KeyOwnedByAsync(majority[0], majority[0], $"part{s.Seed}:maj");

            var ports = s.Cluster.Running.Select(n => n.Port).ToArray();
            var rec = new HistoryRecorder();
            var reg = new RegisterWorkload(rec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"part{s.Seed}", Processes = 3, Keys = 15, OpTimeout = TimeSpan.FromSeconds(2) });
            s.NoteOnFailure(() => $"registers: {reg.Stats}");
            using var stop = new CancellationTokenSource();
            var task = reg.RunAsync(stop.Token);
            await s.BarrierAsync("the workload completed 200 operations", TimeSpan.FromSeconds(20), _ =>
                Task.FromResult(reg.Stats.Ok >= 200 ? Observation.Yes() : Observation.No($"{reg.Stats.Ok} ok")));

            await s.StepAsync($"cut every bus link of {isolated.Name}", TimeSpan.FromSeconds(10), _ => s.Cluster.IsolateAsync(isolated));
            await s.BarrierAsync($"{isolated.Name} answers CLUSTERDOWN for its own slots", TimeSpan.FromSeconds(10), async _ =>
            {
                var r = await isolated.CommandAsync("SET", isolatedKey, "probe");
                return r.IsError && r.Text!.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
                    ? Observation.Yes() : Observation.No($"SET {isolatedKey} on {isolated.Name} answered {r}");
            });
            await s.StepAsync($"from then on {isolated.Name} acknowledges no write (2 s of probes)", TimeSpan.FromSeconds(10), async _ =>
            {
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
                for (int i = 0; DateTime.UtcNow < until; i++)
                {
                    var r = await isolated.CommandAsync("SET", isolatedKey, $"late-{i}");
                    Assert.True(r.IsError, $"isolated {isolated.Name} acknowledged SET {isolatedKey} late-{i}: {r}");
                    var info = await TestCluster.InfoOfAsync(isolated);
                    Assert.Equal("0", info["cluster_can_serve"]);
                    await Task.Delay(100);
                }
            });
            await s.BarrierAsync($"the majority flags {isolated.Name} as fail", TimeSpan.FromSeconds(10),
                Conditions.FlaggedFailed(majority, isolated));
            await s.StepAsync("the majority keeps serving its own slots", TimeSpan.FromSeconds(10), async _ =>
            {
                await using var c = new ClusterClient(majority.Select(n => n.Port).ToArray());
                var r = await c.ExecuteAsync(majorityKey, "SET", majorityKey, "during-partition");
                Assert.True(r.IsOk, $"SET {majorityKey} during the partition: {r}");
            });

            await s.StepAsync("heal the partition", TimeSpan.FromSeconds(10), _ => s.Cluster.HealAsync());
            await s.BarrierAsync($"nobody flags {isolated.Name} as failing any more", TimeSpan.FromSeconds(15),
                Conditions.FlaggedFailed(s.Cluster.Running, isolated, failed: false));
            await s.BarrierAsync($"{isolated.Name} serves its slots again", TimeSpan.FromSeconds(15), async _ =>
            {
                var r = await isolated.CommandAsync("SET", isolatedKey, "healed");
                return r.IsError ? Observation.No(r.ToString()) : Observation.Yes();
            });
            int okAtHeal = reg.Stats.Ok;
            await s.BarrierAsync("the workload makes progress after the heal", TimeSpan.FromSeconds(15), _ =>
                Task.FromResult(reg.Stats.Ok >= okAtHeal + 100 ? Observation.Yes() : Observation.No($"{reg.Stats.Ok - okAtHeal} more")));
            await s.StepAsync("stop the clients", TimeSpan.FromSeconds(30), _ => SpecHelpers.StopAsync(stop, task));
            await s.StepAsync("the register history across partition and heal is linearizable", TimeSpan.FromSeconds(60), _ =>
            {
                SpecHelpers.AssertLinearizable(s, rec.Snapshot(), "registers");
                return Task.CompletedTask;
            });
        });
}
