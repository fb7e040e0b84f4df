namespace QuorumCache.Cluster.Raft;

/// <summary>
/// A deterministic, single-threaded Raft node (Raft paper Fig. 2, §5, §7; single-server membership
/// changes, PreVote and CheckQuorum from Ongaro's thesis ch. 4 and §9.6). It owns no thread, lock or
/// clock: the host calls <see cref="Tick"/>, <see cref="Receive"/>, <see cref="Propose"/> from one
/// thread with its notion of now, and the node answers through <see cref="IRaftOutbox"/>. Storage
/// calls are synchronous and must be durable on return.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftOptions _opt;
    private readonly IRaftStorage _storage;
    private readonly IRaftStateMachine _sm;
    private readonly Random _rng;
    private readonly IRaftOutbox _out;
    private readonly RaftLog _log = new();

    private string? _votedFor;
    private long _lastNowMs;
    private long? _electionDeadlineMs;
    private long _lastLeaderContactMs = long.MinValue;
    private long _nextHeartbeatMs;
    private bool _campaignNow;

    public string Id { get; }
    public RaftRole Role { get; private set; }
    public long CurrentTerm { get; private set; }
    public string? VotedFor => _votedFor;
    /// <summary>The leader of <see cref="CurrentTerm"/> as far as this node knows, or null.</summary>
    public string? LeaderId { get; private set; }
    public long CommitIndex { get; private set; }
    public long LastApplied { get; private set; }
    public long LastLogIndex => _log.LastIndex;
    public long LastLogTerm => _log.LastTerm;
    public long SnapshotIndex => _log.SnapshotIndex;

    internal RaftLog Log => _log;

    public RaftNode(RaftOptions options, IRaftStorage storage, IRaftStateMachine stateMachine, Random random, string id, IRaftOutbox outbox)
    {
        options.Validate();
        if (string.IsNullOrEmpty(id)) throw new ArgumentException("Node id must not be empty.", nameof(id));
        _opt = options;
        _storage = storage;
        _sm = stateMachine;
        _rng = random;
        _out = outbox;
        Id = id;

        var st = storage.Load();
        CurrentTerm = st.CurrentTerm;
        _votedFor = st.VotedFor;
        if (st.SnapshotMeta is { } meta)
        {
            _log.Reset(meta.LastIncludedIndex, meta.LastIncludedTerm, st.Entries);
            _snapshotConfig = meta.Configuration;
            _snapshotData = st.SnapshotData ?? [];
            _sm.Restore(_snapshotData);
            CommitIndex = LastApplied = meta.LastIncludedIndex;
        }
        else
        {
            _log.Reset(0, 0, st.Entries);
        }
        RebuildConfigIndex();
        Role = Configuration.IsVoter(Id) ? RaftRole.Follower : RaftRole.Learner;
    }

    /// <summary>Start a brand-new cluster with this node as its only voter.</summary>
    public void Bootstrap() => Bootstrap([Id]);

    /// <summary>
    /// Start a brand-new cluster with the given voters. Every listed node must call this with the
    /// same set (they then share an identical first entry); nodes joining later start empty instead.
    /// </summary>
    public void Bootstrap(IEnumerable<string> voters)
    {
        if (CurrentTerm != 0 || _log.LastIndex != 0)
            throw new InvalidOperationException("Bootstrap needs empty storage.");
        var config = new RaftConfiguration(voters, []);
        if (config.Voters.Count == 0) throw new ArgumentException("Bootstrap needs at least one voter.");
        CurrentTerm = 1;
        _votedFor = null;
        _storage.SaveTermAndVote(CurrentTerm, null);
        AppendLocal(new LogEntry(1, 1, RaftEntryKind.Configuration, config.Encode()));
    }

    /// <summary>Advance time: followers start (pre-)elections when their timer runs out, leaders send heartbeats and check their quorum.</summary>
    public void Tick(long nowMs)
    {
        Observe(nowMs);
        if (Role == RaftRole.Leader)
        {
            if (!QuorumActive(nowMs, _opt.ElectionTimeoutMaxMs))
            {
                BecomeFollower(CurrentTerm, null, nowMs);
                return;
            }
            if (nowMs >= _nextHeartbeatMs)
            {
                _nextHeartbeatMs = nowMs + _opt.HeartbeatIntervalMs;
                foreach (var p in _peers.Values) SendAppend(p, nowMs);
            }
            return;
        }
        if (!Configuration.IsVoter(Id)) return;
        if (_campaignNow || IsSoleVoter())
        {
            _campaignNow = false;
            StartElection(nowMs, transfer: false);
        }
        else if (nowMs >= _electionDeadlineMs)
        {
            StartPreVote(nowMs);
        }
    }

    public void Receive(RaftMessage m, long nowMs)
    {
        Observe(nowMs);
        if (m.To != Id || m.From == Id) return;
        if (m is RequestVote rv)
        {
            HandleRequestVote(rv, nowMs);
            return;
        }
        if (m is RequestVoteReply { PreVote: true } pre)
        {
            HandlePreVoteReply(pre, nowMs);
            return;
        }
        if (m.Term > CurrentTerm)
        {
            var fromLeader = m is AppendEntries or InstallSnapshot or TimeoutNow;
            BecomeFollower(m.Term, fromLeader ? m.From : null, nowMs);
        }
        else if (m.Term < CurrentTerm)
        {
            // A stale leader learns of the newer term from the reply and steps down.
            if (m is AppendEntries ae)
                Send(new AppendEntriesReply { From = Id, To = m.From, Term = CurrentTerm, Success = false, Index = ae.PrevLogIndex, SentAtMs = ae.SentAtMs });
            else if (m is InstallSnapshot)
                Send(new AppendEntriesReply { From = Id, To = m.From, Term = CurrentTerm, Success = false });
            return;
        }
        switch (m)
        {
            case RequestVoteReply vr: HandleVoteReply(vr, nowMs); break;
            case AppendEntries ae: HandleAppendEntries(ae, nowMs); break;
            case AppendEntriesReply ar: HandleAppendReply(ar, nowMs); break;
            case InstallSnapshot s: HandleInstallSnapshot(s, nowMs); break;
            case InstallSnapshotReply sr: HandleSnapshotReply(sr, nowMs); break;
            case TimeoutNow: HandleTimeoutNow(nowMs); break;
        }
    }

    /// <summary>Append a command to the log (leader only). Committed once it is applied at the returned index with the returned term.</summary>
    public ProposeResult Propose(byte[] command, long nowMs)
    {
        Observe(nowMs);
        if (Role != RaftRole.Leader) return ProposeResult.NotLeader(LeaderId);
        var e = new LogEntry(_log.LastIndex + 1, CurrentTerm, RaftEntryKind.Command, command);
        AppendLocal(e);
        AfterLeaderAppend(nowMs);
        return new ProposeResult(ProposeStatus.Accepted, e.Index, e.Term, Id);
    }

    /// <summary>
    /// True when this node is the leader and a majority of voters (itself included) acknowledged a
    /// message it sent less than ElectionTimeoutMinMs ago. Voters refuse to elect anyone for that long
    /// after hearing from the leader, so while this holds no other leader can have been elected
    /// (assuming clocks advance at similar rates). Always false on non-leaders.
    /// </summary>
    public bool HasQuorumContact(long nowMs)
    {
        if (Role != RaftRole.Leader) return false;
        var since = nowMs - _opt.ElectionTimeoutMinMs;
        var n = 0;
        foreach (var v in Configuration.Voters)
        {
            if (v == Id) n++;
            else if (_peers.TryGetValue(v, out var p) && p.LastAckedSendMs > since) n++;
        }
        return n >= Configuration.Quorum;
    }

    /// <summary>The leader's view of each peer (empty on other roles).</summary>
    public IReadOnlyList<PeerProgressInfo> Progress
    {
        get
        {
            if (Role != RaftRole.Leader) return [];
            var list = new List<PeerProgressInfo>(_peers.Count);
            foreach (var p in _peers.Values)
                list.Add(new PeerProgressInfo(p.Id, Configuration.IsVoter(p.Id), p.MatchIndex, p.NextIndex, p.LastContactMs));
            list.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
            return list;
        }
    }

    /// <summary>Leader only: match index of a peer (the leader's own last index for itself), or -1 if unknown.</summary>
    public long MatchIndexOf(string nodeId)
    {
        if (Role != RaftRole.Leader) return -1;
        if (nodeId == Id) return _log.LastIndex;
        return _peers.TryGetValue(nodeId, out var p) ? p.MatchIndex : -1;
    }

    private void Observe(long nowMs)
    {
        _lastNowMs = nowMs;
        _haveClock = true;
        _electionDeadlineMs ??= nowMs + RandomElectionTimeout();
    }

    private int RandomElectionTimeout() => _rng.Next(_opt.ElectionTimeoutMinMs, _opt.ElectionTimeoutMaxMs);

    private bool _haveClock;

    private void ResetElectionTimer(long nowMs) =>
        _electionDeadlineMs = _haveClock ? nowMs + RandomElectionTimeout() : null;

    private bool IsSoleVoter() => Configuration.Voters.Count == 1 && Configuration.Voters[0] == Id;

    private void Send(RaftMessage m) => _out.Send(m.To, m);

    private void SetTerm(long term, string? votedFor)
    {
        if (term == CurrentTerm && votedFor == _votedFor) return;
        CurrentTerm = term;
        _votedFor = votedFor;
        _storage.SaveTermAndVote(term, votedFor);
    }

    private void BecomeFollower(long term, string? leader, long nowMs)
    {
        if (term > CurrentTerm) SetTerm(term, null);
        Role = Configuration.IsVoter(Id) ? RaftRole.Follower : RaftRole.Learner;
        LeaderId = leader;
        _peers.Clear();
        _votes.Clear();
        ResetElectionTimer(nowMs);
    }

    /// <summary>Append one entry to the log, persist it, and track it if it is a configuration.</summary>
    private void AppendLocal(LogEntry e)
    {
        _log.Append(e);
        _storage.Append([e]);
        if (e.Kind == RaftEntryKind.Configuration) OnConfigEntry(e);
    }

    private void ApplyCommitted()
    {
        while (LastApplied < CommitIndex)
        {
            var e = _log.Get(LastApplied + 1);
            if (e.Kind == RaftEntryKind.Command) _sm.Apply(e.Index, e.Data);
            else if (e.Kind == RaftEntryKind.Configuration) _sm.ApplyConfiguration(e.Index, RaftConfiguration.Decode(e.Data));
            LastApplied = e.Index;
        }
        MaybeSnapshot();
    }

    public override string ToString() => $"{Id} {Role} t{CurrentTerm} last={_log.LastIndex} commit={CommitIndex} applied={LastApplied} {Configuration}";
}
