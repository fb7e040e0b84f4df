using System.Text;
using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;

namespace QuorumCache.Tests.Cluster.Raft;

/// <summary>PreVote, CheckQuorum, leader stickiness and vote durability.</summary>
public sealed class RaftElectionTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static SimCluster Healthy(int seed, params string[] ids)
    {
        var c = new SimCluster(seed, SimCluster.FastOptions()) { MaxDelayMs = 5 };
        c.AddVoters(ids);
        Assert.True(c.CommitEverywhere(B("warmup"), 5000));
        return c;
    }

    [Fact]
    public void PartitionedFollowerRejoiningDoesNotDeposeTheLeader()
    {
        var c = Healthy(1, "n1", "n2", "n3", "n4", "n5");
        var leader = c.Leader()!;
        var term = leader.Raft.CurrentTerm;
        var f = c.Nodes.Keys.First(k => k != leader.Id);
        c.Isolate([f]);
        for (var i = 0; i < 50; i++) { c.ProposeAtLeader(B($"p{i}")); c.RunFor(100); }
        // It pre-voted over and over without ever raising its term.
        Assert.Equal(term, c.Nodes[f].Raft.CurrentTerm);
        Assert.NotEqual(RaftRole.Leader, c.Nodes[f].Raft.Role);
        c.HealNetwork();
        Assert.True(c.CommitEverywhere(B("after-heal"), 5000));
        Assert.Same(leader, c.Leader());
        foreach (var n in c.Nodes.Values) Assert.Equal(term, n.Raft.CurrentTerm);
    }

    [Fact]
    public void OneWayCutToAFollowerDoesNotDisruptTheCluster()
    {
        var c = Healthy(2, "n1", "n2", "n3");
        var leader = c.Leader()!;
        var term = leader.Raft.CurrentTerm;
        var f = c.Nodes.Keys.First(k => k != leader.Id);
        // f stops hearing the leader but can still talk to everyone.
        c.Block(leader.Id, f);
        for (var i = 0; i < 30; i++) { c.ProposeAtLeader(B($"p{i}")); c.RunFor(100); }
        Assert.Same(leader, c.Leader());
        Assert.Equal(term, leader.Raft.CurrentTerm);
        Assert.True(leader.Raft.HasQuorumContact(c.Now));
    }

    [Fact]
    public void IsolatedLeaderStepsDownAndLosesQuorumContact()
    {
        var c = Healthy(3, "n1", "n2", "n3", "n4", "n5");
        var old = c.Leader()!;
        Assert.True(old.Raft.HasQuorumContact(c.Now));
        c.Isolate([old.Id]);
        var cut = c.Now;
        // No longer provably the owner once ElectionTimeoutMin passed without acknowledgements...
        Assert.True(c.RunUntil(() => !old.Raft.HasQuorumContact(c.Now), 1000));
        Assert.True(c.Now - cut <= c.Options.ElectionTimeoutMinMs + c.Options.HeartbeatIntervalMs);
        // ...and it steps down once a whole election timeout passed (CheckQuorum).
        Assert.True(c.RunUntil(() => old.Raft.Role != RaftRole.Leader, 1000));
        Assert.True(c.Now - cut <= c.Options.ElectionTimeoutMaxMs + c.Options.HeartbeatIntervalMs + 20);
        Assert.Equal(ProposeStatus.NotLeader, c.Propose(old.Id, B("refused")).Status);
        // The majority elected someone else, and no new leader could be elected before the old one lost its lease.
        Assert.True(c.RunUntil(() => c.Leader() is { } l && l != old, 2000));
        c.HealNetwork();
        Assert.True(c.CommitEverywhere(B("after"), 5000));
    }

    [Fact]
    public void NoOtherLeaderWhileTheOldOneHasQuorumContact()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            var c = Healthy(seed, "n1", "n2", "n3");
            var old = c.Leader()!;
            c.Isolate([old.Id]);
            var ok = c.RunUntil(() =>
            {
                var l = c.Leader();
                return l != null && l != old && old.Raft.HasQuorumContact(c.Now);
            }, 3000);
            Assert.False(ok, $"seed {seed}: a new leader was elected while the old one still claimed quorum contact");
        }
    }

    [Fact]
    public void LeadershipTransferIsPromptAndRefusedForLearnersOrLaggards()
    {
        var c = Healthy(4, "n1", "n2", "n3");
        var old = c.Leader()!;
        var target = c.Nodes.Keys.First(k => k != old.Id);
        Assert.False(old.Raft.TransferLeadership("nobody", c.Now));
        Assert.False(c.Nodes[target].Raft.TransferLeadership(old.Id, c.Now)); // not the leader
        Assert.True(c.RunUntil(() => old.Raft.TransferLeadership(target, c.Now), 1000));
        Assert.True(c.RunUntil(() => c.Leader()?.Id == target, 100), "transfer did not complete before an election timeout");
        Assert.True(c.CommitEverywhere(B("after-transfer"), 5000));
    }

    [Fact]
    public void VoteSurvivesRestart()
    {
        var storage = new MemoryRaftStorage();
        var sent = new List<RaftMessage>();
        var outbox = new ListOutbox(sent);
        var opt = SimCluster.FastOptions();
        var voters = new[] { "a", "b", "c" };
        var node = new RaftNode(opt, storage, new TestStateMachine("c"), new Random(1), "c", outbox);
        node.Bootstrap(voters);
        node.Receive(new RequestVote { From = "a", To = "c", Term = 5, LastLogIndex = 1, LastLogTerm = 1 }, 0);
        Assert.True(((RequestVoteReply)sent[^1]).Granted);
        Assert.Equal(5, node.CurrentTerm);

        // Crash and restart: the vote for "a" in term 5 is remembered.
        node = new RaftNode(opt, storage, new TestStateMachine("c"), new Random(2), "c", outbox);
        Assert.Equal(5, node.CurrentTerm);
        Assert.Equal("a", node.VotedFor);
        node.Receive(new RequestVote { From = "b", To = "c", Term = 5, LastLogIndex = 1, LastLogTerm = 1 }, 10);
        Assert.False(((RequestVoteReply)sent[^1]).Granted);
        node.Receive(new RequestVote { From = "a", To = "c", Term = 5, LastLogIndex = 1, LastLogTerm = 1 }, 20);
        Assert.True(((RequestVoteReply)sent[^1]).Granted);
    }

    [Fact]
    public void VotesOnlyForUpToDateLogsAndPreVoteNeverChangesTerm()
    {
        var sent = new List<RaftMessage>();
        var node = new RaftNode(SimCluster.FastOptions(), new MemoryRaftStorage(), new TestStateMachine("c"), new Random(1), "c", new ListOutbox(sent));
        node.Bootstrap(["a", "b", "c"]);
        node.Receive(new AppendEntries
        {
            From = "a", To = "c", Term = 3, PrevLogIndex = 1, PrevLogTerm = 1,
            Entries = [new LogEntry(2, 3, RaftEntryKind.Noop, []), new LogEntry(3, 3, RaftEntryKind.Command, [1])],
        }, 0);
        Assert.Equal(3, node.LastLogIndex);
        // Pre-vote for a future term: refused while the leader is fresh, and the term is untouched either way.
        node.Receive(new RequestVote { From = "b", To = "c", Term = 4, PreVote = true, LastLogIndex = 3, LastLogTerm = 3 }, 10);
        Assert.False(((RequestVoteReply)sent[^1]).Granted);
        node.Receive(new RequestVote { From = "b", To = "c", Term = 4, PreVote = true, LastLogIndex = 3, LastLogTerm = 3 }, 10_000);
        Assert.True(((RequestVoteReply)sent[^1]).Granted);
        Assert.Equal(3, node.CurrentTerm);
        // Real votes: a shorter log or an older last term loses.
        node.Receive(new RequestVote { From = "b", To = "c", Term = 4, LastLogIndex = 2, LastLogTerm = 3 }, 10_001);
        Assert.False(((RequestVoteReply)sent[^1]).Granted);
        Assert.Equal(4, node.CurrentTerm);
        node.Receive(new RequestVote { From = "b", To = "c", Term = 5, LastLogIndex = 9, LastLogTerm = 2 }, 10_002);
        Assert.False(((RequestVoteReply)sent[^1]).Granted);
        node.Receive(new RequestVote { From = "b", To = "c", Term = 5, LastLogIndex = 3, LastLogTerm = 3 }, 10_003);
        Assert.True(((RequestVoteReply)sent[^1]).Granted);
    }

    private sealed class ListOutbox(List<RaftMessage> list) : IRaftOutbox
    {
        public void Send(string to, RaftMessage m) => list.Add(m);
    }
}
