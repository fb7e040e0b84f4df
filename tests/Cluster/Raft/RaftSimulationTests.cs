using System.Text;
using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;
using QuorumCache.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QuorumCache.Tests.Cluster.Raft;

/// <summary>
/// Randomized fault schedules over a simulated cluster, several hundred seeds per run. A failure
/// names its seed; <see cref="ReplaySeed"/> reruns exactly that seed.
/// </summary>
public sealed class RaftSimulationTests(ITestOutputHelper output)
{
    /// <summary>300 per CI run; set RAFT_SIM_SEEDS / RAFT_SIM_FIRST_SEED for a longer soak.</summary>
    private static readonly int Seeds = EnvInt("RAFT_SIM_SEEDS", 300);
    private static readonly int FirstSeed = EnvInt("RAFT_SIM_FIRST_SEED", 1);

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    [Fact]
    public async Task ManySeedsKeepSafetyAndRecover()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<(int Seed, string Error)>();
        long messages = 0, terms = 0, acked = 0, snapshotNodes = 0;
        await SeedRunner.RunAsync(Enumerable.Range(FirstSeed, Seeds), seed =>
        {
            try
            {
                var c = RunScenario(seed);
                Interlocked.Add(ref messages, c.MessagesDelivered);
                Interlocked.Add(ref terms, c.Nodes.Values.Max(n => n.Raft.CurrentTerm));
                Interlocked.Add(ref acked, c.Check.Acknowledged.Count);
                Interlocked.Add(ref snapshotNodes, c.Nodes.Values.Count(n => n.Raft.SnapshotIndex > 0));
            }
            catch (Exception e)
            {
                failures.Add((seed, e.ToString()));
            }
        });
        output.WriteLine($"{Seeds} seeds: {messages} messages delivered, mean final term {terms / (double)Seeds:F1}, " +
                         $"mean acknowledged commands {acked / (double)Seeds:F0}, nodes with a snapshot {snapshotNodes}");
        if (!failures.IsEmpty)
        {
            var first = failures.OrderBy(f => f.Seed).First();
            Assert.Fail($"{failures.Count} seed(s) failed: {string.Join(", ", failures.Select(f => f.Seed).Order())}. " +
                        $"Replay with ReplaySeed({first.Seed}). First failure: {first.Error}");
        }
    }

    /// <summary>Reruns one seed deterministically (add a failing seed here to debug it).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    public void ReplaySeed(int seed)
    {
        var c = RunScenario(seed);
        output.WriteLine($"seed {seed}: {c.MessagesDelivered} messages, acknowledged {c.Check.Acknowledged.Count}, t={c.Now}ms");
        foreach (var n in c.Nodes.Values) output.WriteLine(n.Raft.ToString());
    }

    [Fact]
    public void SameSeedReplaysIdentically()
    {
        var a = RunScenario(7);
        var b = RunScenario(7);
        Assert.Equal(a.MessagesDelivered, b.MessagesDelivered);
        foreach (var id in a.Nodes.Keys)
        {
            Assert.Equal(a.Nodes[id].Raft.CurrentTerm, b.Nodes[id].Raft.CurrentTerm);
            Assert.Equal(a.Nodes[id].Raft.LastLogIndex, b.Nodes[id].Raft.LastLogIndex);
        }
    }

    /// <summary>
    /// One scenario: 3 or 5 nodes (sometimes with learners that get promoted and demoted), a chaotic
    /// phase of drops, delays, duplicates, partitions (symmetric and one-way) and crash-restarts
    /// while clients propose, then healing, after which a leader must commit on every node in
    /// bounded virtual time and every acknowledged command must be everywhere.
    /// </summary>
    public static SimCluster RunScenario(int seed)
    {
        var setup = new Random(seed);
        var options = SimCluster.FastOptions(snapshotThreshold: setup.Next(15, 80), maxEntries: setup.Next(1, 12));
        var c = new SimCluster(setup.Next(), options)
        {
            DropRate = setup.NextDouble() * 0.15,
            DuplicateRate = setup.NextDouble() * 0.03,
            MinDelayMs = 1,
            MaxDelayMs = setup.Next(4) == 0 ? setup.Next(60, 140) : setup.Next(2, 40),
        };
        var size = setup.Next(2) == 0 ? 3 : 5;
        var ids = new string[size];
        for (var i = 0; i < size; i++) ids[i] = "n" + (i + 1);
        var withLearners = size == 5 && setup.Next(3) == 0;
        var voters = withLearners ? ids[..3] : ids;
        foreach (var id in ids) c.AddNode(id, voters.Contains(id) ? voters : null);

        try
        {
            if (withLearners)
            {
                // The learners must be added by the leader before they hear anything.
                Assert.True(c.RunUntil(() => c.Leader() is { } l && l.Raft.CommitIndex >= 2, 20_000), "no leader to add learners");
                foreach (var l in ids[3..])
                    Assert.True(c.RunUntil(() => c.Leader() is { } ld && c.ProposeConfigChange(ld.Id, ConfigChange.AddLearner(l)).IsAccepted, 20_000), "cannot add learner");
            }
            Chaos(c, setup, ids, durationMs: 8000);
            Heal(c);
            var final = Encoding.UTF8.GetBytes($"final-{seed}");
            Assert.True(c.CommitEverywhere(final, 30_000), $"liveness: no commit on every node within 30 s after healing at t={c.Now}");
            c.Check.CheckLogMatching();
            c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values);
            return c;
        }
        catch (Exception e)
        {
            var state = string.Join("\n  ", c.Nodes.Values.Select(n => (n.Up ? "" : "[down] ") + n.Raft));
            throw new Exception($"seed {seed} failed at t={c.Now}ms: {e.Message}\n  {state}", e);
        }
    }

    private static void Chaos(SimCluster c, Random setup, string[] ids, long durationMs)
    {
        var end = c.Now + durationMs;
        var nextFault = c.Now + setup.Next(200, 800);
        var counter = 0;
        while (c.Now < end)
        {
            c.RunFor(c.Rng.Next(5, 40));
            // Clients: mostly the leader, sometimes any node (which must refuse unless leading).
            var target = c.Rng.Next(4) == 0 ? ids[c.Rng.Next(ids.Length)] : c.Leader()?.Id;
            if (target != null) c.Propose(target, Encoding.UTF8.GetBytes($"c{counter++}"));
            // Crash-restart nodes in the middle of elections: votes and terms must survive.
            if (c.Rng.Next(8) == 0)
            {
                var busy = c.Nodes.Values.Where(n => n.Up && (n.Raft.Role is RaftRole.Candidate or RaftRole.PreCandidate || n.Raft.LeaderId == null)).ToList();
                if (busy.Count > 0) c.Restart(busy[c.Rng.Next(busy.Count)].Id);
            }
            if (c.Now < nextFault) continue;
            nextFault = c.Now + setup.Next(200, 900);
            Fault(c, setup, ids);
        }
    }

    private static void Fault(SimCluster c, Random r, string[] ids)
    {
        var down = c.Nodes.Values.Count(n => !n.Up);
        switch (r.Next(7))
        {
            case 0:
            {
                var group = ids.Where(_ => r.Next(2) == 0).ToArray();
                c.HealNetwork();
                c.Isolate(group);
                break;
            }
            case 1:
                c.Block(ids[r.Next(ids.Length)], ids[r.Next(ids.Length)]);
                break;
            case 2:
                if (down < ids.Length / 2)
                {
                    var victim = c.Leader()?.Id is { } l && r.Next(2) == 0 ? l : ids[r.Next(ids.Length)];
                    c.Crash(victim);
                }
                break;
            case 3:
                foreach (var n in c.Nodes.Values.Where(n => !n.Up).ToList()) c.Restart(n.Id);
                break;
            case 4:
                c.HealNetwork();
                break;
            case 5:
            {
                // Membership churn: promote a learner or demote a voter, keeping at least 3 voters.
                var leader = c.Leader();
                if (leader == null) break;
                var cfg = leader.Raft.Configuration;
                if (cfg.Learners.Count > 0 && r.Next(2) == 0)
                    c.ProposeConfigChange(leader.Id, ConfigChange.AddVoter(cfg.Learners[r.Next(cfg.Learners.Count)]));
                else if (cfg.Voters.Count > 3)
                    c.ProposeConfigChange(leader.Id, ConfigChange.RemoveVoter(cfg.Voters[r.Next(cfg.Voters.Count)]));
                break;
            }
            default:
            {
                // Crash and restart at once: loses volatile state only.
                var n = ids[r.Next(ids.Length)];
                if (c.Nodes[n].Up) c.Restart(n);
                break;
            }
        }
    }

    private static void Heal(SimCluster c)
    {
        c.HealNetwork();
        foreach (var n in c.Nodes.Values.Where(n => !n.Up).ToList()) c.Restart(n.Id);
        c.DropRate = Math.Min(c.DropRate, 0.05);
    }
}
