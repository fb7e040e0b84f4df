namespace QuorumCache.Cluster.Raft;

// Log replication (Fig. 2 AppendEntries) with fast backtracking hints, and the commit rule.
public sealed partial class RaftNode
{
    private readonly Dictionary<string, RaftPeer> _peers = new(StringComparer.Ordinal);
    private long _leaderTermStartIndex;

    private void AfterLeaderAppend(long nowMs)
    {
        foreach (var p in _peers.Values)
            if (p.Replicating) SendAppend(p, nowMs);
        MaybeCommit(nowMs);
    }

    private void SendAppend(RaftPeer p, long nowMs)
    {
        if (p.NextIndex <= _log.SnapshotIndex)
        {
            SendSnapshot(p, nowMs);
            return;
        }
        var prev = p.NextIndex - 1;
        var entries = _log.Slice(p.NextIndex, _opt.MaxEntriesPerMessage);
        Send(new AppendEntries
        {
            From = Id, To = p.Id, Term = CurrentTerm,
            PrevLogIndex = prev, PrevLogTerm = _log.TermAt(prev), LeaderCommit = CommitIndex,
            Entries = entries, SentAtMs = nowMs,
        });
        if (p.Replicating && entries.Length > 0) p.NextIndex = entries[^1].Index + 1;
    }

    private void HandleAppendEntries(AppendEntries m, long nowMs)
    {
        // m.Term == CurrentTerm here: m.From is this term's only leader.
        if (Role != RaftRole.Follower && Role != RaftRole.Learner) BecomeFollower(CurrentTerm, m.From, nowMs);
        LeaderId = m.From;
        _lastLeaderContactMs = nowMs;
        ResetElectionTimer(nowMs);

        var prev = m.PrevLogIndex;
        var prevTerm = m.PrevLogTerm;
        var entries = m.Entries;
        var skip = 0;
        if (prev < _log.SnapshotIndex)
        {
            // Everything up to our snapshot is committed, and the leader holds every committed entry.
            if (prev + entries.Count <= _log.SnapshotIndex)
            {
                ReplyAppend(m, true, _log.SnapshotIndex, 0, 0);
                return;
            }
            skip = (int)(_log.SnapshotIndex - prev);
            prev = _log.SnapshotIndex;
            prevTerm = _log.SnapshotTerm;
        }
        if (prev > _log.LastIndex)
        {
            ReplyAppend(m, false, m.PrevLogIndex, 0, _log.LastIndex + 1);
            return;
        }
        var localPrevTerm = _log.TermAt(prev);
        if (localPrevTerm != prevTerm)
        {
            ReplyAppend(m, false, m.PrevLogIndex, localPrevTerm, _log.FirstIndexOfTermAt(prev));
            return;
        }

        var i = skip;
        for (; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Index > _log.LastIndex) break;
            if (_log.TermAt(e.Index) != e.Term)
            {
                if (e.Index <= CommitIndex)
                    throw new InvalidOperationException($"Raft safety violated: leader {m.From} conflicts with committed entry {e.Index} on {Id}.");
                TruncateLocal(e.Index);
                break;
            }
        }
        if (i < entries.Count)
        {
            var fresh = new List<LogEntry>(entries.Count - i);
            for (var j = i; j < entries.Count; j++)
            {
                _log.Append(entries[j]);
                fresh.Add(entries[j]);
            }
            _storage.Append(fresh);
            foreach (var e in fresh)
                if (e.Kind == RaftEntryKind.Configuration) OnConfigEntry(e);
        }

        var lastNew = m.PrevLogIndex + entries.Count;
        if (m.LeaderCommit > CommitIndex)
        {
            var c = Math.Min(m.LeaderCommit, lastNew);
            if (c > CommitIndex)
            {
                CommitIndex = c;
                ApplyCommitted();
            }
        }
        ReplyAppend(m, true, lastNew, 0, 0);
    }

    private void ReplyAppend(AppendEntries m, bool success, long index, long conflictTerm, long conflictIndex) =>
        Send(new AppendEntriesReply
        {
            From = Id, To = m.From, Term = CurrentTerm, Success = success,
            Index = index, ConflictTerm = conflictTerm, ConflictIndex = conflictIndex, SentAtMs = m.SentAtMs,
        });

    private void TruncateLocal(long fromIndex)
    {
        _storage.TruncateFrom(fromIndex);
        _log.TruncateFrom(fromIndex);
        OnTruncated(fromIndex);
    }

    private void HandleAppendReply(AppendEntriesReply m, long nowMs)
    {
        if (Role != RaftRole.Leader || !_peers.TryGetValue(m.From, out var p)) return;
        p.LastContactMs = nowMs;
        if (m.SentAtMs > p.LastAckedSendMs) p.LastAckedSendMs = m.SentAtMs;
        if (m.Success)
        {
            if (m.Index > p.MatchIndex)
            {
                p.MatchIndex = m.Index;
                MaybeCommit(nowMs);
                if (Role != RaftRole.Leader) return;
            }
            if (p.NextIndex <= p.MatchIndex) p.NextIndex = p.MatchIndex + 1;
            p.Replicating = true;
            // Entries not sent yet (message size limit, or appended while probing).
            if (p.NextIndex <= _log.LastIndex) SendAppend(p, nowMs);
            return;
        }
        // Rejected: ignore replies older than what we know matches, or to probes we have moved past.
        if (m.Index < p.MatchIndex || m.Index == 0) return;
        if (!p.Replicating && m.Index != p.NextIndex - 1) return;
        long next;
        if (m.ConflictTerm > 0)
        {
            var li = _log.LastIndexOfTerm(m.ConflictTerm, m.Index);
            next = li > 0 ? li + 1 : m.ConflictIndex;
        }
        else
        {
            next = m.ConflictIndex;
        }
        next = Math.Max(p.MatchIndex + 1, Math.Min(next, m.Index));
        p.NextIndex = next;
        p.Replicating = false;
        SendAppend(p, nowMs);
    }

    /// <summary>Advance the commit index to the highest index stored on a majority of voters, if it belongs to the current term (§5.4.2).</summary>
    private void MaybeCommit(long nowMs)
    {
        if (Role != RaftRole.Leader) return;
        var voters = Configuration.Voters;
        Span<long> matches = voters.Count <= 16 ? stackalloc long[voters.Count] : new long[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            var v = voters[i];
            matches[i] = v == Id ? _log.LastIndex : _peers.TryGetValue(v, out var p) ? p.MatchIndex : 0;
        }
        matches.Sort();
        // Sorted ascending: the value at Count - Quorum is held by at least Quorum voters.
        var n = matches[voters.Count - Configuration.Quorum];
        if (n <= CommitIndex || _log.TermAt(n) != CurrentTerm) return;
        CommitIndex = n;
        ApplyCommitted();
        MaybeStepDownAfterRemoval(nowMs);
    }
}
