using System.Text;
using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;

namespace QuorumCache.Tests.Cluster.Raft;

public sealed class RaftSnapshotTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void FollowerFarBehindGetsInstallSnapshotAndConverges()
    {
        var c = new SimCluster(3, SimCluster.FastOptions(snapshotThreshold: 20, maxEntries: 8)) { MaxDelayMs = 5 };
        c.AddVoters("n1", "n2", "n3");
        Assert.True(c.CommitEverywhere(B("first"), 5000));
        var lagger = c.Nodes.Keys.First(k => k != c.Leader()!.Id);
        c.Crash(lagger);
        for (var i = 0; i < 200; i++)
        {
            c.ProposeAtLeader(B($"cmd-{i}"));
            c.RunFor(2);
        }
        c.RunFor(200);
        var leader = c.Leader()!;
        Assert.True(leader.Raft.SnapshotIndex > c.Nodes[lagger].Raft.LastLogIndex, "leader did not compact past the lagging follower");
        Assert.True(leader.Raft.Log.Count <= 40, $"leader log not compacted: {leader.Raft.Log.Count} entries");

        c.Restart(lagger);
        var restoresBefore = c.Nodes[lagger].Sm.Restores;
        Assert.True(c.CommitEverywhere(B("last"), 5000));
        var l = c.Nodes[lagger];
        Assert.True(l.Sm.Restores > restoresBefore, "lagging follower was not sent a snapshot");
        Assert.Equal(c.Leader()!.Sm.History.Select(h => Encoding.UTF8.GetString(h.Command)), l.Sm.History.Select(h => Encoding.UTF8.GetString(h.Command)));
        c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values);
    }

    [Fact]
    public void RestartedNodeRecoversStateFromItsSnapshotAndLog()
    {
        var c = new SimCluster(4, SimCluster.FastOptions(snapshotThreshold: 25)) { MaxDelayMs = 5 };
        c.AddVoters("n1", "n2", "n3");
        Assert.True(c.RunUntil(() => c.Leader() != null, 5000));
        for (var i = 0; i < 60; i++) { c.ProposeAtLeader(B($"c{i}")); c.RunFor(3); }
        Assert.True(c.CommitEverywhere(B("end"), 5000));
        var before = c.Nodes["n2"].Sm.History.Select(h => (h.Index, Encoding.UTF8.GetString(h.Command))).ToList();
        Assert.True(c.Nodes["n2"].Raft.SnapshotIndex > 0);
        // Crash the whole cluster, then bring it back: state comes from snapshot + log replay.
        foreach (var id in c.Nodes.Keys) c.Crash(id);
        foreach (var id in c.Nodes.Keys) c.Restart(id);
        Assert.True(c.CommitEverywhere(B("after"), 5000));
        var after = c.Nodes["n2"].Sm.History.Select(h => (h.Index, Encoding.UTF8.GetString(h.Command))).ToList();
        Assert.Equal(before, after.Take(before.Count));
    }
}
