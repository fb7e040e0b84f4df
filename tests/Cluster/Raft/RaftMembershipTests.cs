using System.Text;
using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;

namespace QuorumCache.Tests.Cluster.Raft;

public sealed class RaftMembershipTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static SimCluster NewCluster(int seed = 1) => new(seed, SimCluster.FastOptions(snapshotThreshold: 30, maxEntries: 8))
    {
        DropRate = 0.02, MinDelayMs = 1, MaxDelayMs = 8,
    };

    /// <summary>Propose a change at the current leader, retrying while another change is in flight, and wait for it to commit.</summary>
    private static void Change(SimCluster c, ConfigChange change)
    {
        ProposeResult r = default;
        Assert.True(c.RunUntil(() => c.Leader() is { } l && (r = c.ProposeConfigChange(l.Id, change)).IsAccepted, 10_000), $"{change} not accepted: {r}");
        Assert.True(c.RunUntil(() => c.Leader() is { } l && l.Raft.CommitIndex >= r.Index, 10_000), $"{change} not committed");
    }

    private static void AddCaughtUpVoter(SimCluster c, string id)
    {
        c.AddNode(id);
        Assert.Equal(RaftRole.Learner, c.Nodes[id].Raft.Role);
        Change(c, ConfigChange.AddLearner(id));
        // Caller's policy: promote only once the learner's match index reached the leader's commit index.
        Assert.True(c.RunUntil(() => c.Leader() is { } l && l.Raft.MatchIndexOf(id) >= l.Raft.CommitIndex, 10_000), $"{id} never caught up");
        Assert.Equal(RaftRole.Learner, c.Nodes[id].Raft.Role);
        Change(c, ConfigChange.AddVoter(id));
    }

    [Fact]
    public void GrowsFromOneToFiveVotersThroughLearners()
    {
        var c = NewCluster();
        c.AddNode("n1");
        c.Nodes["n1"].Raft.Bootstrap();
        Assert.True(c.RunUntil(() => c.Leader() != null, 2000));
        for (var i = 0; i < 40; i++) c.ProposeAtLeader(B($"before-{i}"));
        foreach (var id in new[] { "n2", "n3", "n4", "n5" })
        {
            AddCaughtUpVoter(c, id);
            c.ProposeAtLeader(B($"after-{id}"));
        }
        var cfg = c.Leader()!.Raft.Configuration;
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], cfg.Voters);
        Assert.Empty(cfg.Learners);
        Assert.True(c.CommitEverywhere(B("done"), 10_000));
        foreach (var n in c.Nodes.Values)
        {
            Assert.Equal(cfg, n.Raft.Configuration);
            Assert.True(n.Raft.Role is RaftRole.Follower or RaftRole.Leader);
            Assert.True(n.Sm.History.Count >= 45, $"{n.Id} applied {n.Sm.History.Count}");
        }
        c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values);
        // Five voters now tolerate two failures.
        var leader = c.Leader()!.Id;
        foreach (var id in c.Nodes.Keys.Where(k => k != leader).Take(2)) c.Crash(id);
        Assert.True(c.CommitEverywhere(B("with-two-down"), 10_000));
    }

    [Fact]
    public void OneChangeAtATime()
    {
        var c = NewCluster();
        c.AddVoters("n1", "n2", "n3");
        c.AddNode("n4");
        c.AddNode("n5");
        Assert.True(c.RunUntil(() => c.Leader() is { } l && l.Raft.CommitIndex >= l.Raft.LastLogIndex, 5000));
        var leader = c.Leader()!.Id;
        Assert.True(c.ProposeConfigChange(leader, ConfigChange.AddLearner("n4")).IsAccepted);
        Assert.Equal(ProposeStatus.ConfigChangeInProgress, c.ProposeConfigChange(leader, ConfigChange.AddLearner("n5")).Status);
        Assert.Equal(ProposeStatus.NotLeader, c.ProposeConfigChange(leader == "n1" ? "n2" : "n1", ConfigChange.AddLearner("n5")).Status);
        Assert.True(c.RunUntil(() => c.ProposeConfigChange(leader, ConfigChange.AddLearner("n5")).IsAccepted, 3000));
        Assert.True(c.RunUntil(() => c.Nodes["n5"].Raft.Configuration.IsLearner("n5"), 3000));
        Assert.Equal(ProposeStatus.Invalid, c.RunUntilStatus(leader, ConfigChange.AddLearner("n4")));
    }

    [Fact]
    public void RemovedVoterStopsCountingAndReceiving()
    {
        var c = NewCluster();
        c.AddVoters("n1", "n2", "n3", "n4", "n5");
        Assert.True(c.CommitEverywhere(B("x"), 5000));
        var victim = c.Nodes.Keys.First(k => k != c.Leader()!.Id);
        Change(c, ConfigChange.RemoveNode(victim));
        Assert.Equal(4, c.Leader()!.Raft.Configuration.Voters.Count);
        Assert.True(c.CommitEverywhere(B("after-removal"), 5000));
        var victimApplied = c.Nodes[victim].Raft.LastApplied;
        var term = c.Leader()!.Raft.CurrentTerm;
        // The removed node hears nothing more; its pre-votes must not disturb the others.
        for (var i = 0; i < 20; i++) { c.ProposeAtLeader(B($"y{i}")); c.RunFor(100); }
        Assert.True(c.Nodes[victim].Raft.LastApplied <= victimApplied + 1);
        Assert.Equal(term, c.Leader()!.Raft.CurrentTerm);
        // Quorum is now 3 of 4: two more failures would block, one does not.
        c.Crash(c.Nodes.Keys.First(k => k != victim && k != c.Leader()!.Id));
        Assert.True(c.CommitEverywhere(B("one-down"), 5000));
    }

    [Fact]
    public void ReplacesACrashedVoter()
    {
        var c = NewCluster();
        c.AddVoters("n1", "n2", "n3");
        Assert.True(c.CommitEverywhere(B("x"), 5000));
        var dead = c.Nodes.Keys.First(k => k != c.Leader()!.Id);
        c.Crash(dead);
        for (var i = 0; i < 50; i++) c.ProposeAtLeader(B($"p{i}"));
        AddCaughtUpVoter(c, "n4");
        Change(c, ConfigChange.RemoveNode(dead));
        var cfg = c.Leader()!.Raft.Configuration;
        Assert.False(cfg.Contains(dead));
        Assert.Equal(3, cfg.Voters.Count);
        // With the dead node gone, losing one more voter still leaves a majority (2 of 3).
        c.Crash(c.Nodes.Keys.First(k => k != dead && k != c.Leader()!.Id));
        Assert.True(c.CommitEverywhere(B("after-replace"), 10_000));
        c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values.Where(n => n.Up));
    }

    [Fact]
    public void LearnersReceiveEntriesButNeverVoteOrCountTowardQuorum()
    {
        var c = NewCluster();
        c.AddVoters("n1", "n2", "n3");
        c.AddNode("n4");
        c.AddNode("n5");
        Change(c, ConfigChange.AddLearner("n4"));
        Change(c, ConfigChange.AddLearner("n5"));
        Assert.True(c.CommitEverywhere(B("x"), 5000));
        Assert.Equal(RaftRole.Learner, c.Nodes["n4"].Raft.Role);
        var leader = c.Leader()!.Id;
        // Two of three voters fail; the leader keeps two live learners.
        foreach (var v in new[] { "n1", "n2", "n3" }.Where(v => v != leader)) c.Crash(v);
        var commit = c.Nodes[leader].Raft.CommitIndex;
        var r = c.Propose(leader, B("cannot-commit"));
        Assert.True(r.IsAccepted);
        c.RunFor(200);
        Assert.True(c.Nodes["n4"].Raft.LastLogIndex >= r.Index, "learner did not receive the entry");
        Assert.Equal(commit, c.Nodes[leader].Raft.CommitIndex);
        // CheckQuorum: learners' replies do not keep the leader in office.
        Assert.True(c.RunUntil(() => c.Nodes[leader].Raft.Role != RaftRole.Leader, 1000));
        var learnerTerms = (c.Nodes["n4"].Raft.CurrentTerm, c.Nodes["n5"].Raft.CurrentTerm);
        c.RunFor(5000);
        Assert.Null(c.Leader());
        Assert.Equal(commit, c.Nodes[leader].Raft.CommitIndex);
        foreach (var l in new[] { "n4", "n5" })
            Assert.Equal(RaftRole.Learner, c.Nodes[l].Raft.Role);
        Assert.Equal(learnerTerms, (c.Nodes["n4"].Raft.CurrentTerm, c.Nodes["n5"].Raft.CurrentTerm));
    }

    [Fact]
    public void LeaderRemovingItselfHandsOver()
    {
        var c = NewCluster();
        c.AddVoters("n1", "n2", "n3");
        Assert.True(c.CommitEverywhere(B("x"), 5000));
        var old = c.Leader()!.Id;
        var r = c.ProposeConfigChange(old, ConfigChange.RemoveVoter(old));
        Assert.True(r.IsAccepted);
        // TimeoutNow hands over at once, well before any election timeout (150 ms) could fire.
        Assert.True(c.RunUntil(() => c.Leader() is { } l && l.Id != old, 120), "no prompt new leader after the old one removed itself");
        Assert.Equal(RaftRole.Learner, c.Nodes[old].Raft.Role);
        Assert.True(c.Nodes[old].Raft.Configuration.IsLearner(old));
        Assert.True(c.CommitEverywhere(B("y"), 5000));
        Assert.Contains(c.Nodes[old].Sm.History, h => h.Command.AsSpan().SequenceEqual(B("y")));
    }
}

internal static class SimClusterMembershipExtensions
{
    public static ProposeStatus RunUntilStatus(this SimCluster c, string leader, ConfigChange change)
    {
        ProposeResult r = default;
        c.RunUntil(() => (r = c.ProposeConfigChange(leader, change)).Status != ProposeStatus.ConfigChangeInProgress, 3000);
        return r.Status;
    }
}
