namespace QuorumCache.Cluster.Raft;

// Elections: pre-vote (thesis §9.6), vote requests with leader stickiness, becoming leader.
public sealed partial class RaftNode
{
    private readonly HashSet<string> _votes = new(StringComparer.Ordinal);

    /// <summary>True while this node has heard from a live leader within the minimum election timeout: it then refuses to help elect anyone else.</summary>
    private bool LeaderRecentlySeen(long nowMs) =>
        Role == RaftRole.Leader || (LeaderId != null && nowMs - _lastLeaderContactMs < _opt.ElectionTimeoutMinMs);

    private bool CandidateLogUpToDate(long lastTerm, long lastIndex) =>
        lastTerm > _log.LastTerm || (lastTerm == _log.LastTerm && lastIndex >= _log.LastIndex);

    private void StartPreVote(long nowMs)
    {
        Role = RaftRole.PreCandidate;
        LeaderId = null;
        _votes.Clear();
        _votes.Add(Id);
        ResetElectionTimer(nowMs);
        if (CountVotes() >= Configuration.Quorum)
        {
            StartElection(nowMs, transfer: false);
            return;
        }
        foreach (var v in Configuration.Voters)
        {
            if (v == Id) continue;
            Send(new RequestVote
            {
                From = Id, To = v, Term = CurrentTerm + 1, PreVote = true,
                LastLogIndex = _log.LastIndex, LastLogTerm = _log.LastTerm,
            });
        }
    }

    private void StartElection(long nowMs, bool transfer)
    {
        SetTerm(CurrentTerm + 1, Id);
        Role = RaftRole.Candidate;
        LeaderId = null;
        _votes.Clear();
        _votes.Add(Id);
        ResetElectionTimer(nowMs);
        if (CountVotes() >= Configuration.Quorum)
        {
            BecomeLeader(nowMs);
            return;
        }
        foreach (var v in Configuration.Voters)
        {
            if (v == Id) continue;
            Send(new RequestVote
            {
                From = Id, To = v, Term = CurrentTerm, Transfer = transfer,
                LastLogIndex = _log.LastIndex, LastLogTerm = _log.LastTerm,
            });
        }
    }

    private int CountVotes()
    {
        var n = 0;
        foreach (var id in _votes)
            if (Configuration.IsVoter(id)) n++;
        return n;
    }

    // Any node answers vote requests by term and log alone, whatever its own membership: a voter
    // being added may not have its configuration entry yet (thesis §4.2.1). Only the candidate's
    // configuration decides whose votes count, so learners' votes never count.
    private void HandleRequestVote(RequestVote m, long nowMs)
    {
        if (m.PreVote)
        {
            var grant = m.Term > CurrentTerm
                && !LeaderRecentlySeen(nowMs)
                && CandidateLogUpToDate(m.LastLogTerm, m.LastLogIndex);
            Send(new RequestVoteReply { From = Id, To = m.From, Term = CurrentTerm, PreVote = true, Granted = grant });
            return;
        }
        if (m.Term > CurrentTerm)
        {
            if (LeaderRecentlySeen(nowMs) && !m.Transfer)
            {
                Send(new RequestVoteReply { From = Id, To = m.From, Term = CurrentTerm, Granted = false });
                return;
            }
            BecomeFollower(m.Term, null, nowMs);
        }
        var granted = false;
        if (m.Term == CurrentTerm
            && (_votedFor == null || _votedFor == m.From)
            && Role != RaftRole.Leader
            && CandidateLogUpToDate(m.LastLogTerm, m.LastLogIndex))
        {
            SetTerm(CurrentTerm, m.From);
            granted = true;
            ResetElectionTimer(nowMs);
        }
        Send(new RequestVoteReply { From = Id, To = m.From, Term = CurrentTerm, Granted = granted });
    }

    private void HandlePreVoteReply(RequestVoteReply m, long nowMs)
    {
        if (m.Term > CurrentTerm && !m.Granted)
        {
            BecomeFollower(m.Term, null, nowMs);
            return;
        }
        if (Role != RaftRole.PreCandidate || !m.Granted) return;
        _votes.Add(m.From);
        if (CountVotes() >= Configuration.Quorum) StartElection(nowMs, transfer: false);
    }

    private void HandleVoteReply(RequestVoteReply m, long nowMs)
    {
        if (Role != RaftRole.Candidate || !m.Granted) return;
        _votes.Add(m.From);
        if (CountVotes() >= Configuration.Quorum) BecomeLeader(nowMs);
    }

    private void HandleTimeoutNow(long nowMs)
    {
        if (Role == RaftRole.Leader || !Configuration.IsVoter(Id)) return;
        StartElection(nowMs, transfer: true);
    }

    private void BecomeLeader(long nowMs)
    {
        Role = RaftRole.Leader;
        LeaderId = Id;
        _votes.Clear();
        _peers.Clear();
        SyncPeers(nowMs);
        var noop = new LogEntry(_log.LastIndex + 1, CurrentTerm, RaftEntryKind.Noop, []);
        AppendLocal(noop);
        _leaderTermStartIndex = noop.Index;
        _nextHeartbeatMs = nowMs + _opt.HeartbeatIntervalMs;
        foreach (var p in _peers.Values) SendAppend(p, nowMs);
        MaybeCommit(nowMs);
    }

    /// <summary>CheckQuorum: has a majority of voters (this node included) replied within <paramref name="windowMs"/>?</summary>
    private bool QuorumActive(long nowMs, long windowMs)
    {
        var since = nowMs - windowMs;
        var n = 0;
        foreach (var v in Configuration.Voters)
        {
            if (v == Id) n++;
            else if (_peers.TryGetValue(v, out var p) && p.LastContactMs >= since) n++;
        }
        return n >= Configuration.Quorum;
    }
}
