namespace QuorumCache.Cluster.Raft;

// Single-server membership changes (thesis ch. 4): a configuration takes effect as soon as its
// entry is appended, committed or not; truncating the entry reverts to the previous one.
public sealed partial class RaftNode
{
    /// <summary>Configuration entries in the log after the snapshot, in index order.</summary>
    private readonly List<(long Index, RaftConfiguration Config)> _configEntries = new();

    /// <summary>The latest configuration in this node's log (possibly uncommitted).</summary>
    public RaftConfiguration Configuration { get; private set; } = RaftConfiguration.Empty;

    /// <summary>Index of the entry that holds <see cref="Configuration"/> (the snapshot index if it came with the snapshot, 0 if none).</summary>
    public long ConfigurationIndex => _configEntries.Count > 0 ? _configEntries[^1].Index : _log.SnapshotIndex;

    /// <summary>
    /// Leader only: append a single-server membership change. Refused while an earlier change is
    /// uncommitted or before the leader committed an entry of its own term. Whether a learner has
    /// caught up enough to be promoted is the caller's decision (see <see cref="MatchIndexOf"/>).
    /// A leader that removes or demotes itself keeps leading until the change commits, then hands
    /// over with TimeoutNow and becomes a learner.
    /// </summary>
    public ProposeResult ProposeConfigChange(ConfigChange change, long nowMs)
    {
        Observe(nowMs);
        if (Role != RaftRole.Leader) return ProposeResult.NotLeader(LeaderId);
        if (ConfigurationIndex > CommitIndex || CommitIndex < _leaderTermStartIndex)
            return new ProposeResult(ProposeStatus.ConfigChangeInProgress, 0, 0, Id, "a configuration change or the leader's first entry is not committed yet");
        var next = Configuration.Apply(change, out var error);
        if (next == null) return new ProposeResult(ProposeStatus.Invalid, 0, 0, Id, error);
        var e = new LogEntry(_log.LastIndex + 1, CurrentTerm, RaftEntryKind.Configuration, next.Encode());
        AppendLocal(e);
        AfterLeaderAppend(nowMs);
        return new ProposeResult(ProposeStatus.Accepted, e.Index, e.Term, Id);
    }

    /// <summary>
    /// Leader only: ask <paramref name="target"/> (a voter whose log is fully caught up) to start an
    /// election at once (TimeoutNow). Returns false when that is not possible right now; the caller
    /// may retry after replication catches up. This leader keeps leading until the target wins.
    /// </summary>
    public bool TransferLeadership(string target, long nowMs)
    {
        Observe(nowMs);
        if (Role != RaftRole.Leader || target == Id || !Configuration.IsVoter(target)) return false;
        if (!_peers.TryGetValue(target, out var p) || p.MatchIndex != _log.LastIndex) return false;
        Send(new TimeoutNow { From = Id, To = target, Term = CurrentTerm });
        return true;
    }

    private void RebuildConfigIndex()
    {
        _configEntries.Clear();
        for (var i = _log.SnapshotIndex + 1; i <= _log.LastIndex; i++)
        {
            var e = _log.Get(i);
            if (e.Kind == RaftEntryKind.Configuration) _configEntries.Add((e.Index, RaftConfiguration.Decode(e.Data)));
        }
        SetConfiguration(Latest());
    }

    private RaftConfiguration Latest() => _configEntries.Count > 0 ? _configEntries[^1].Config : _snapshotConfig;

    private RaftConfiguration ConfigurationAt(long index)
    {
        for (var i = _configEntries.Count - 1; i >= 0; i--)
            if (_configEntries[i].Index <= index) return _configEntries[i].Config;
        return _snapshotConfig;
    }

    private void OnConfigEntry(LogEntry e)
    {
        _configEntries.Add((e.Index, RaftConfiguration.Decode(e.Data)));
        SetConfiguration(_configEntries[^1].Config);
    }

    private void OnTruncated(long fromIndex, bool all = false)
    {
        while (_configEntries.Count > 0 && (all || _configEntries[^1].Index >= fromIndex))
            _configEntries.RemoveAt(_configEntries.Count - 1);
        SetConfiguration(Latest());
    }

    private void DropConfigEntriesUpTo(long index)
    {
        var n = 0;
        while (n < _configEntries.Count && _configEntries[n].Index <= index) n++;
        _configEntries.RemoveRange(0, n);
        SetConfiguration(Latest());
    }

    private void SetConfiguration(RaftConfiguration config)
    {
        Configuration = config;
        var voter = config.IsVoter(Id);
        if (Role == RaftRole.Leader)
        {
            SyncPeers(_lastNowMs);
            return;
        }
        if (!voter)
        {
            Role = RaftRole.Learner;
        }
        else if (Role == RaftRole.Learner)
        {
            Role = RaftRole.Follower;
            ResetElectionTimer(_lastNowMs);
        }
    }

    /// <summary>Leader: track exactly the members of the current configuration other than itself.</summary>
    private void SyncPeers(long nowMs)
    {
        List<string>? gone = null;
        foreach (var id in _peers.Keys)
            if (!Configuration.Contains(id)) (gone ??= new()).Add(id);
        if (gone != null) foreach (var id in gone) _peers.Remove(id);
        AddPeers(Configuration.Voters, nowMs);
        AddPeers(Configuration.Learners, nowMs);
    }

    private void AddPeers(IReadOnlyList<string> ids, long nowMs)
    {
        foreach (var id in ids)
            if (id != Id && !_peers.ContainsKey(id))
                _peers[id] = new RaftPeer(id, _log.LastIndex + 1, nowMs);
    }

    /// <summary>Once the configuration that removed this leader from the voters commits, hand leadership to the most caught-up voter and step down.</summary>
    private void MaybeStepDownAfterRemoval(long nowMs)
    {
        if (Role != RaftRole.Leader || Configuration.IsVoter(Id) || ConfigurationIndex > CommitIndex) return;
        RaftPeer? best = null;
        foreach (var p in _peers.Values)
            if (Configuration.IsVoter(p.Id) && (best == null || p.MatchIndex > best.MatchIndex)) best = p;
        if (best != null && best.MatchIndex == _log.LastIndex)
            Send(new TimeoutNow { From = Id, To = best.Id, Term = CurrentTerm });
        BecomeFollower(CurrentTerm, null, nowMs);
    }
}
