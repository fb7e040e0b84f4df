using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;

namespace QuorumCache.Tests.Cluster.Raft;

/// <summary>Directed tests of single rules, driving one RaftNode by hand.</summary>
public sealed class RaftCommitRuleTests
{
    private sealed class ListOutbox : IRaftOutbox
    {
        public readonly List<RaftMessage> Sent = new();
        public void Send(string to, RaftMessage m) => Sent.Add(m);
    }

    /// <summary>Make "a" leader of {a,b,c} with an extra uncommitted entry of term 2 at index 2.</summary>
    private static (RaftNode Node, ListOutbox Out, TestStateMachine Sm) LeaderWithOldEntry()
    {
        var storage = new MemoryRaftStorage();
        var outbox = new ListOutbox();
        var sm = new TestStateMachine("a");
        var a = new RaftNode(SimCluster.FastOptions(), storage, sm, new Random(1), "a", outbox);
        a.Bootstrap(["a", "b", "c"]);
        a.Receive(new AppendEntries
        {
            From = "b", To = "a", Term = 2, PrevLogIndex = 1, PrevLogTerm = 1, LeaderCommit = 1,
            Entries = [new LogEntry(2, 2, RaftEntryKind.Command, [42])],
        }, 0);
        Assert.Equal(2, a.LastLogIndex);
        a.Tick(10_000); // election timer ran out: pre-vote
        Assert.Equal(RaftRole.PreCandidate, a.Role);
        Assert.Equal(2, a.CurrentTerm);
        a.Receive(new RequestVoteReply { From = "b", To = "a", Term = 2, PreVote = true, Granted = true }, 10_001);
        Assert.Equal(RaftRole.Candidate, a.Role);
        Assert.Equal(3, a.CurrentTerm);
        a.Receive(new RequestVoteReply { From = "c", To = "a", Term = 3, Granted = true }, 10_002);
        Assert.Equal(RaftRole.Leader, a.Role);
        Assert.Equal(3, a.LastLogIndex); // the no-op of term 3
        return (a, outbox, sm);
    }

    [Fact]
    public void LeaderDoesNotCommitOlderTermEntriesByCountingReplicas()
    {
        var (a, _, sm) = LeaderWithOldEntry();
        Assert.Equal(1, a.CommitIndex);
        // b stores index 2 (term 2): a majority has it, but it is not of the leader's term (§5.4.2).
        a.Receive(new AppendEntriesReply { From = "b", To = "a", Term = 3, Success = true, Index = 2, SentAtMs = 10_002 }, 10_003);
        Assert.Equal(1, a.CommitIndex);
        Assert.Empty(sm.History);
        // Once the term-3 no-op is on a majority, both commit together.
        a.Receive(new AppendEntriesReply { From = "b", To = "a", Term = 3, Success = true, Index = 3, SentAtMs = 10_002 }, 10_004);
        Assert.Equal(3, a.CommitIndex);
        Assert.Equal(2, sm.History.Single().Index);
    }

    [Fact]
    public void RejectionHintSkipsAWholeConflictingTerm()
    {
        var (a, outbox, _) = LeaderWithOldEntry();
        outbox.Sent.Clear();
        // c rejects prev=2 and says: my entry there has term 1... first index of that term is 1.
        a.Receive(new AppendEntriesReply { From = "c", To = "a", Term = 3, Success = false, Index = 2, ConflictTerm = 1, ConflictIndex = 1, SentAtMs = 10_002 }, 10_003);
        var retry = outbox.Sent.OfType<AppendEntries>().Single(m => m.To == "c");
        // The leader has term 1 up to index 1, so it resumes right after it.
        Assert.Equal(1, retry.PrevLogIndex);
        Assert.Equal([2L, 3], retry.Entries.Select(e => e.Index));
    }

    [Fact]
    public void FollowerTruncatesAConflictingUncommittedSuffix()
    {
        var outbox = new ListOutbox();
        var storage = new MemoryRaftStorage();
        var f = new RaftNode(SimCluster.FastOptions(), storage, new TestStateMachine("f"), new Random(1), "f", outbox);
        f.Bootstrap(["a", "b", "f"]);
        f.Receive(new AppendEntries
        {
            From = "a", To = "f", Term = 2, PrevLogIndex = 1, PrevLogTerm = 1, LeaderCommit = 1,
            Entries = [new LogEntry(2, 2, RaftEntryKind.Command, [1]), new LogEntry(3, 2, RaftEntryKind.Command, [2])],
        }, 0);
        f.Receive(new AppendEntries
        {
            From = "b", To = "f", Term = 3, PrevLogIndex = 1, PrevLogTerm = 1, LeaderCommit = 2,
            Entries = [new LogEntry(2, 3, RaftEntryKind.Command, [9])],
        }, 10);
        Assert.Equal(2, f.LastLogIndex);
        Assert.Equal(3, f.LastLogTerm);
        Assert.Equal(2, f.CommitIndex);
        var reloaded = storage.Load();
        Assert.Equal([1L, 2], reloaded.Entries.Select(e => e.Index));
        Assert.Equal(3, reloaded.Entries[^1].Term);
        var reply = (AppendEntriesReply)outbox.Sent[^1];
        Assert.True(reply.Success);
        Assert.Equal(2, reply.Index);
    }
}
