using System.Text;
using QuorumCache.Cluster.Raft;
using QuorumCache.Tests.Cluster.Raft.Sim;

namespace QuorumCache.Tests.Cluster.Raft;

public sealed class FileRaftStorageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qc-raft-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static LogEntry E(long i, long t, string s = "") => new(i, t, RaftEntryKind.Command, Encoding.UTF8.GetBytes(s.Length > 0 ? s : $"e{i}"));

    private FileRaftStorage Open(string? sub = null)
    {
        var s = new FileRaftStorage(sub == null ? _dir : Path.Combine(_dir, sub));
        return s;
    }

    [Fact]
    public void PersistsTermVoteLogTruncationAndSnapshot()
    {
        using (var s = Open())
        {
            var st = s.Load();
            Assert.Equal(0, st.CurrentTerm);
            Assert.Empty(st.Entries);
            s.SaveTermAndVote(3, "n2");
            s.Append([E(1, 1), E(2, 1), E(3, 2)]);
            s.Append([E(4, 2)]);
            s.TruncateFrom(3);
            s.Append([E(3, 3, "replaced")]);
        }
        using (var s = Open())
        {
            var st = s.Load();
            Assert.Equal(3, st.CurrentTerm);
            Assert.Equal("n2", st.VotedFor);
            Assert.Equal([1L, 2, 3], st.Entries.Select(e => e.Index));
            Assert.Equal("replaced", Encoding.UTF8.GetString(st.Entries[2].Data));
            Assert.Equal(3, st.Entries[2].Term);
            var cfg = new RaftConfiguration(["n1", "n2"], ["n3"]);
            s.SaveSnapshot(new RaftSnapshotMeta(2, 1, cfg), [1, 2, 3]);
            s.Append([E(4, 3)]);
            s.SaveTermAndVote(4, null);
        }
        using (var s = Open())
        {
            var st = s.Load();
            Assert.Equal(4, st.CurrentTerm);
            Assert.Null(st.VotedFor);
            Assert.Equal(2, st.SnapshotMeta!.LastIncludedIndex);
            Assert.Equal(1, st.SnapshotMeta.LastIncludedTerm);
            Assert.Equal(new RaftConfiguration(["n1", "n2"], ["n3"]), st.SnapshotMeta.Configuration);
            Assert.Equal(new byte[] { 1, 2, 3 }, st.SnapshotData);
            Assert.Equal([3L, 4], st.Entries.Select(e => e.Index));
        }
    }

    [Fact]
    public void TornOrCorruptFinalRecordIsDiscarded()
    {
        using (var s = Open())
        {
            s.Load();
            s.Append([E(1, 1), E(2, 1), E(3, 1, "last-record")]);
        }
        var log = Path.Combine(_dir, "raft-log");
        var full = File.ReadAllBytes(log);
        // Cut in the middle of the last record, as a crash during write would.
        File.WriteAllBytes(log, full[..^5]);
        using (var s = Open())
        {
            var st = s.Load();
            Assert.Equal([1L, 2], st.Entries.Select(e => e.Index));
            Assert.True(s.TornBytesDiscarded > 0);
            s.Append([E(3, 2, "rewritten")]);
        }
        using (var s = Open())
        {
            var st = s.Load();
            Assert.Equal(0, s.TornBytesDiscarded);
            Assert.Equal("rewritten", Encoding.UTF8.GetString(st.Entries[^1].Data));
        }
        // A flipped byte in the final record fails its CRC: the record is dropped too.
        var bytes = File.ReadAllBytes(log);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(log, bytes);
        using (var s = Open())
        {
            Assert.Equal([1L, 2], s.Load().Entries.Select(e => e.Index));
        }
        // A partial header only.
        File.AppendAllBytes(log, [7, 0]);
        using (var s = Open())
        {
            Assert.Equal([1L, 2], s.Load().Entries.Select(e => e.Index));
            Assert.Equal(2, s.TornBytesDiscarded);
        }
    }

    [Fact]
    public void CorruptMetadataIsReportedNotSilentlyReset()
    {
        using (var s = Open())
        {
            s.Load();
            s.SaveTermAndVote(9, "n1");
        }
        var meta = Path.Combine(_dir, "raft-meta");
        var b = File.ReadAllBytes(meta);
        b[5] ^= 1;
        File.WriteAllBytes(meta, b);
        using var s2 = Open();
        Assert.Throws<RaftFormatException>(() => s2.Load());
    }

    [Fact]
    public void NodeRestartedFromFilesRecoversTermVoteLogAndSnapshot()
    {
        var c = new SimCluster(11, SimCluster.FastOptions(snapshotThreshold: 20)) { MaxDelayMs = 5 };
        foreach (var id in new[] { "n1", "n2", "n3" })
        {
            var dir = Path.Combine(_dir, id);
            c.AddNode(id, ["n1", "n2", "n3"], () => new FileRaftStorage(dir));
        }
        Assert.True(c.RunUntil(() => c.Leader() != null, 5000));
        for (var i = 0; i < 50; i++) { c.ProposeAtLeader(Encoding.UTF8.GetBytes($"c{i}")); c.RunFor(3); }
        Assert.True(c.CommitEverywhere("x"u8.ToArray(), 5000));
        var n2 = c.Nodes["n2"];
        var (term, vote, last, snap, applied) = (n2.Raft.CurrentTerm, n2.Raft.VotedFor, n2.Raft.LastLogIndex, n2.Raft.SnapshotIndex, n2.Sm.History.Count);
        Assert.True(snap > 0);
        c.Crash("n2");
        c.Restart("n2"); // a new FileRaftStorage reads the directory
        var r = c.Nodes["n2"].Raft;
        Assert.Equal(term, r.CurrentTerm);
        Assert.Equal(vote, r.VotedFor);
        Assert.Equal(last, r.LastLogIndex);
        Assert.Equal(snap, r.SnapshotIndex);
        Assert.Equal(snap, r.LastApplied);
        Assert.True(c.CommitEverywhere("y"u8.ToArray(), 5000));
        Assert.True(c.Nodes["n2"].Sm.History.Count >= applied + 1);
        c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values);
        foreach (var n in c.Nodes.Values) (n.Storage as IDisposable)?.Dispose();
    }

    [Fact]
    public void ClusterOnFilesSurvivesRandomCrashes()
    {
        var rng = new Random(5);
        var c = new SimCluster(5, SimCluster.FastOptions(snapshotThreshold: 15, maxEntries: 4)) { MaxDelayMs = 10, DropRate = 0.05 };
        var ids = new[] { "n1", "n2", "n3" };
        foreach (var id in ids)
        {
            var dir = Path.Combine(_dir, id);
            c.AddNode(id, ids, () => new FileRaftStorage(dir));
        }
        for (var step = 0; step < 150; step++)
        {
            c.ProposeAtLeader(Encoding.UTF8.GetBytes($"s{step}"));
            c.RunFor(rng.Next(5, 40));
            if (rng.Next(10) == 0) c.Restart(ids[rng.Next(3)]);
        }
        Assert.True(c.CommitEverywhere("end"u8.ToArray(), 10_000));
        c.Check.CheckLogMatching();
        c.Check.CheckAcknowledgedEverywhere(c.Nodes.Values);
        Assert.True(c.Check.Acknowledged.Count > 20);
        foreach (var n in c.Nodes.Values) (n.Storage as IDisposable)?.Dispose();
    }
}
