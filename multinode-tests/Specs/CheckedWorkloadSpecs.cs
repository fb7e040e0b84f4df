using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;
using QuorumCache.MultiNode.Harness.Workloads;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// The C# workloads (registers, sets, counters) against the healthy shared cluster, each history
/// judged by its checker: linearizable registers, no lost set element, counters within bounds.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class CheckedWorkloadSpecs(SharedClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public Task Registers_sets_and_counters_on_a_healthy_cluster_pass_their_checkers() =>
        Scenario.RunAsync("checked workloads on a healthy cluster", output, async s =>
        {
            var ports = s.Cluster.Running.Select(n => n.Port).ToArray();
            var useSadd = await s.StepAsync("ask whether the node has SADD", TimeSpan.FromSeconds(5),
                _ => SetWorkload.NodeHasSaddAsync(s.Role("A")));
            s.Log(useSadd ? "sets: SADD/SMEMBERS" : "sets: SADD missing, modelled with APPEND/GET");
            var regRec = new HistoryRecorder();
            var setRec = new HistoryRecorder();
            var ctrRec = new HistoryRecorder();
            var reg = new RegisterWorkload(regRec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"hw{s.Seed}", Processes = 3, Keys = 8 });
            var set = new SetWorkload(setRec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"hw{s.Seed}", Processes = 2, Keys = 4 }, useSadd);
            var ctr = new CounterWorkload(ctrRec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"hw{s.Seed}", Processes = 2, Keys = 4 });
            s.NoteOnFailure(() => $"registers: {reg.Stats}\nsets: {set.Stats}\ncounters: {ctr.Stats}");

            using var stop = new CancellationTokenSource();
            var tasks = new[] { reg.RunAsync(stop.Token), set.RunAsync(stop.Token), ctr.RunAsync(stop.Token) };
            await s.BarrierAsync("each workload completed 1000 operations", TimeSpan.FromSeconds(40), _ =>
                Task.FromResult(reg.Stats.Ok >= 1000 && set.Stats.Ok >= 1000 && ctr.Stats.Ok >= 300
                    ? Observation.Yes() : Observation.No($"ok: registers {reg.Stats.Ok}, sets {set.Stats.Ok}, counters {ctr.Stats.Ok}")));
            await s.StepAsync("stop the workloads and read every set and counter once more", TimeSpan.FromSeconds(40), async _ =>
            {
                await SpecHelpers.StopAsync(stop, tasks);
                await set.FinalReadsAsync(TimeSpan.FromSeconds(5));
                await ctr.FinalReadsAsync(TimeSpan.FromSeconds(5));
            });
            await s.StepAsync("no operation failed on a healthy cluster", TimeSpan.FromSeconds(5), _ =>
            {
                Assert.True(reg.Stats.Errors == 0, reg.Stats.ToString());
                Assert.True(set.Stats.Errors == 0, set.Stats.ToString());
                Assert.True(ctr.Stats.Errors == 0, ctr.Stats.ToString());
                return Task.CompletedTask;
            });
            await s.StepAsync("register history is linearizable", TimeSpan.FromSeconds(60), _ =>
            {
                SpecHelpers.AssertLinearizable(s, regRec.Snapshot(), "registers");
                return Task.CompletedTask;
            });
            await s.StepAsync("no acknowledged set element is lost, none appears from nowhere", TimeSpan.FromSeconds(30), _ =>
            {
                var h = setRec.Snapshot();
                var report = SetChecker.Check(h);
                Assert.True(report.Verdict == CheckVerdict.Valid && report.LostCount == 0,
                    $"{report.Describe()}\nhistory: {SpecHelpers.SaveHistory(s, h, "sets")}");
                return Task.CompletedTask;
            });
            await s.StepAsync("every counter read lies within the bounds of the increments", TimeSpan.FromSeconds(30), _ =>
            {
                var h = ctrRec.Snapshot();
                var report = CounterChecker.Check(h);
                Assert.True(report.Verdict == CheckVerdict.Valid, $"{report.Describe()}\nhistory: {SpecHelpers.SaveHistory(s, h, "counters")}");
                return Task.CompletedTask;
            });
        }, fixture.Cluster);
}
