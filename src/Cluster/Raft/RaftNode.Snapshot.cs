namespace QuorumCache.Cluster.Raft;

// Log compaction and InstallSnapshot (§7). The whole snapshot travels in one message.
public sealed partial class RaftNode
{
    private RaftConfiguration _snapshotConfig = RaftConfiguration.Empty;
    private byte[] _snapshotData = [];

    private void MaybeSnapshot()
    {
        if (LastApplied - _log.SnapshotIndex < _opt.SnapshotThresholdEntries) return;
        var index = LastApplied;
        var term = _log.TermAt(index);
        var config = ConfigurationAt(index);
        var data = _sm.Snapshot();
        _storage.SaveSnapshot(new RaftSnapshotMeta(index, term, config), data);
        _log.CompactTo(index, term);
        _snapshotData = data;
        _snapshotConfig = config;
        DropConfigEntriesUpTo(index);
    }

    private void SendSnapshot(RaftPeer p, long nowMs)
    {
        if (nowMs - p.SnapshotSentMs < _opt.ElectionTimeoutMinMs && p.SnapshotSentMs != long.MinValue) return;
        p.SnapshotSentMs = nowMs;
        Send(new InstallSnapshot
        {
            From = Id, To = p.Id, Term = CurrentTerm,
            LastIncludedIndex = _log.SnapshotIndex, LastIncludedTerm = _log.SnapshotTerm,
            Configuration = _snapshotConfig, Data = _snapshotData, SentAtMs = nowMs,
        });
    }

    private void HandleInstallSnapshot(InstallSnapshot m, long nowMs)
    {
        if (Role != RaftRole.Follower && Role != RaftRole.Learner) BecomeFollower(CurrentTerm, m.From, nowMs);
        LeaderId = m.From;
        _lastLeaderContactMs = nowMs;
        ResetElectionTimer(nowMs);

        var index = m.LastIncludedIndex;
        if (index > CommitIndex)
        {
            var keepSuffix = _log.TermAt(index) == m.LastIncludedTerm && index <= _log.LastIndex;
            _storage.SaveSnapshot(new RaftSnapshotMeta(index, m.LastIncludedTerm, m.Configuration), m.Data);
            if (!keepSuffix && _log.LastIndex > index) _storage.TruncateFrom(index + 1);
            _log.CompactTo(index, m.LastIncludedTerm);
            _snapshotConfig = m.Configuration;
            _snapshotData = m.Data;
            if (keepSuffix) DropConfigEntriesUpTo(index);
            else OnTruncated(index + 1, all: true);
            _sm.Restore(m.Data);
            CommitIndex = LastApplied = index;
        }
        Send(new InstallSnapshotReply { From = Id, To = m.From, Term = CurrentTerm, MatchIndex = Math.Max(index, 0), SentAtMs = m.SentAtMs });
    }

    private void HandleSnapshotReply(InstallSnapshotReply m, long nowMs)
    {
        if (Role != RaftRole.Leader || !_peers.TryGetValue(m.From, out var p)) return;
        p.LastContactMs = nowMs;
        if (m.SentAtMs > p.LastAckedSendMs) p.LastAckedSendMs = m.SentAtMs;
        p.SnapshotSentMs = long.MinValue;
        if (m.MatchIndex > p.MatchIndex)
        {
            p.MatchIndex = m.MatchIndex;
            MaybeCommit(nowMs);
            if (Role != RaftRole.Leader) return;
        }
        if (p.NextIndex <= p.MatchIndex) p.NextIndex = p.MatchIndex + 1;
        p.Replicating = true;
        if (p.NextIndex <= _log.LastIndex) SendAppend(p, nowMs);
    }
}
