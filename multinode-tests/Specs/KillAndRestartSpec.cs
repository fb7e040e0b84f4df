using QuorumCache.MultiNode.Checker;
using QuorumCache.MultiNode.Harness;
using QuorumCache.MultiNode.Harness.Workloads;
using Xunit.Abstractions;

namespace QuorumCache.MultiNode.Specs;

/// <summary>
/// kill -9 of one node under load, then its restart with the same data directory. Today (no
/// replication) the dead node's slots may lose their acknowledged writes; with
/// <see cref="Expectations.ExpectReplication"/> nothing acknowledged may be lost anywhere.
/// </summary>
public sealed class KillAndRestartSpec(ITestOutputHelper output)
{
    [Fact]
    public Task Kill_9_under_load_then_restart_with_the_same_data_directory() =>
        Scenario.RunAsync("kill -9 under load, restart", output, s => KillAndRestartAsync(s, killLeader: false));

    /// <summary>
    /// The same with the coordinator's node as the victim: the coordinator singleton must move to a
    /// survivor (a new term) before anyone can mark the victim failed in the map, and the restarted old
    /// coordinator must come back as a member following the new term.
    /// </summary>
    [Fact]
    public Task Kill_9_of_the_coordinator_under_load_then_restart() =>
        Scenario.RunAsync("kill -9 of the coordinator under load, restart", output, s => KillAndRestartAsync(s, killLeader: true));

    private static async Task KillAndRestartAsync(Scenario s, bool killLeader)
    {
        await s.StartClusterAsync(new ClusterOptions { Names = new[] { "A", "B", "C" } });
        var leader = await s.Cluster.CoordinatorAsync(s.Role("A")) ?? throw new InvalidOperationException("no coordinator after formation");
        var victim = killLeader ? leader : s.Cluster.Running.First(n => n != leader);
        var survivors = s.Cluster.Running.Where(n => n != victim).ToArray();
        s.Log($"victim {victim}, survivors {string.Join(", ", survivors.Select(n => n.Name))}, leader {leader.Name}");
        var termBefore = long.Parse((await TestCluster.InfoOfAsync(survivors[0]))["cluster_coordinator_term"]);
        var victimId = victim.NodeId!;
        var victimSlots = await SpecHelpers.SlotsOfAsync(victim, survivors[0]);

        var ports = s.Cluster.Running.Select(n => n.Port).ToArray();
        var writer = new UniqueKeyWriter(ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"kill{s.Seed}", Processes = 3, OpTimeout = TimeSpan.FromSeconds(2) });
        var rec = new HistoryRecorder();
        var reg = new RegisterWorkload(rec, ports, new WorkloadOptions { Seed = s.Seed, Prefix = $"kill{s.Seed}", Processes = 3, Keys = 18, OpTimeout = TimeSpan.FromSeconds(2) });
        s.NoteOnFailure(() => $"writer: {writer.Stats}\nregisters: {reg.Stats}");
        using var stop = new CancellationTokenSource();
        var tasks = new[] { writer.RunAsync(stop.Token), reg.RunAsync(stop.Token) };
        await s.BarrierAsync("the writer has 150 acknowledged keys", TimeSpan.FromSeconds(20), _ =>
            Task.FromResult(writer.Acknowledged.Count >= 150 ? Observation.Yes() : Observation.No($"{writer.Acknowledged.Count} acked")));

        await s.StepAsync($"kill -9 {victim.Name}", TimeSpan.FromSeconds(15), _ => victim.KillAsync());
        if (killLeader)
        {
            await s.BarrierAsync("the survivors agree on a new coordinator among them, in a later term", TimeSpan.FromSeconds(15), async _ =>
            {
                var infos = await Task.WhenAll(survivors.Select(n => TestCluster.InfoOfAsync(n)));
                var leaders = infos.Select(i => i["cluster_coordinator"]).ToArray();
                var agreed = leaders.All(l => l == leaders[0] && l != victimId && survivors.Any(n => n.NodeId == l))
                             && infos.All(i => long.Parse(i["cluster_coordinator_term"]) > termBefore);
                return agreed
                    ? Observation.Yes()
                    : Observation.No(string.Join("; ", survivors.Zip(infos, (n, i) => $"{n.Name}: coordinator {i["cluster_coordinator"]} term {i["cluster_coordinator_term"]}")));
            });
        }
        await s.BarrierAsync($"the survivors flag {victim.Name} as fail", TimeSpan.FromSeconds(10),
            Conditions.FlaggedFailed(survivors, victim));

        bool Surviving(string key) => !SpecHelpers.KeyIn(victimSlots, key);
        int survivingAcked = writer.Acknowledged.Keys.Count(Surviving);
        await s.BarrierAsync("writes to the survivors' slots keep being acknowledged", TimeSpan.FromSeconds(15), _ =>
        {
            int now = writer.Acknowledged.Keys.Count(Surviving);
            return Task.FromResult(now >= survivingAcked + 100 ? Observation.Yes() : Observation.No($"{now - survivingAcked} more"));
        });
        await s.StepAsync("stop the clients", TimeSpan.FromSeconds(30), _ => SpecHelpers.StopAsync(stop, tasks));
        var history = rec.Snapshot();

        var livePorts = survivors.Select(n => n.Port).ToArray();
        await s.StepAsync(Expectations.ExpectReplication
                ? "every acknowledged key is readable (replication)"
                : "every acknowledged key of the survivors' slots is readable", TimeSpan.FromSeconds(60), async _ =>
        {
            var lost = await writer.FindLostAsync(livePorts, Expectations.ExpectReplication ? null : Surviving);
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged keys lost:\n{string.Join('\n', lost.Take(20))}");
        });
        await s.StepAsync("register histories are linearizable" + (Expectations.ExpectReplication ? "" : " on the survivors' keys"),
            TimeSpan.FromSeconds(60), _ =>
            {
                var h = Expectations.ExpectReplication ? history : SpecHelpers.Filter(history, Surviving);
                SpecHelpers.AssertLinearizable(s, h, "registers");
                return Task.CompletedTask;
            });

        await s.StepAsync($"restart {victim.Name} with the same data directory", TimeSpan.FromSeconds(40),
            ct => victim.RestartAsync(TimeSpan.FromSeconds(30), ct));
        await s.StepAsync($"{victim.Name} kept its node id", TimeSpan.FromSeconds(5), _ =>
        {
            Assert.Equal(victimId, victim.NodeId);
            return Task.CompletedTask;
        });
        var everyone = s.Cluster.Running.ToArray();
        await s.BarrierAsync($"nobody flags {victim.Name} as failing any more", TimeSpan.FromSeconds(15),
            Conditions.FlaggedFailed(everyone, victim, failed: false));
        await s.BarrierAsync("all nodes see 3 members", TimeSpan.FromSeconds(10), Conditions.AllSeeMembers(everyone, 3));
        await s.StepAsync("the cluster is ready again", TimeSpan.FromSeconds(70),
            ct => s.Cluster.WaitReadyAsync(TimeSpan.FromSeconds(60), ct));
        if (killLeader)
        {
            await s.BarrierAsync($"{victim.Name} follows the coordinator the survivors follow", TimeSpan.FromSeconds(15), async _ =>
            {
                var mine = await TestCluster.InfoOfAsync(victim);
                var theirs = await s.Cluster.CoordinatorAsync(survivors[0]);
                return mine["cluster_is_coordinator"] == "0" && theirs is not null && mine["cluster_coordinator"] == theirs.NodeId
                    ? Observation.Yes()
                    : Observation.No($"{victim.Name}: coordinator {mine["cluster_coordinator"]} (is it: {mine["cluster_is_coordinator"]}); survivors' coordinator {theirs?.Name ?? "none"}");
            });
        }
        await s.StepAsync($"{victim.Name} serves its slots again", TimeSpan.FromSeconds(15), async _ =>
        {
            await using var c = new ClusterClient(new[] { victim.Port });
            var key = await Conditions.KeyOwnedByAsync(victim, victim, $"back{s.Seed}");
            var w = await c.ExecuteAsync(key, "SET", key, "after-restart");
            Assert.True(w.IsOk, $"SET {key} after restart: {w}");
            Assert.Equal(0, w.Redirects);
        });
        if (Expectations.ExpectReplication)
        {
            await s.StepAsync("after the restart every acknowledged key is still readable", TimeSpan.FromSeconds(60), async _ =>
            {
                var lost = await writer.FindLostAsync(s.Cluster.Running.Select(n => n.Port).ToArray());
                Assert.True(lost.Count == 0, $"{lost.Count} acknowledged keys lost:\n{string.Join('\n', lost.Take(20))}");
            });
        }
    }
}
