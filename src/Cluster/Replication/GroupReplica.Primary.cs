namespace QuorumCache.Cluster.Replication;

/// <summary>The candidate's and the primary's side: sealing, adopting the best log, starting the epoch, streaming, committing.</summary>
public sealed partial class GroupReplica
{
    /// <summary>Where a member stands, as its seal answer or its refusal said.</summary>
    private sealed record CopyState(long LogEpoch, long LogEnd, long Committed, bool Tainted, bool NeedsSnapshot);

    private sealed class Peer(string id)
    {
        public string Id { get; } = id;
        public bool Adopted;           // acknowledged something in this epoch: holds this epoch's log up to Match
        public long Match, Next;
        public long LastSentMs = long.MinValue / 2;
        public long AckedSentAt = long.MinValue / 2;
        public long AckedCommitted;
        public CopyState? State;       // before it adopted: what to send it
        public CopyState? StartSentFor;
    }

    private enum Phase : byte { Sealing, Fetching, Starting }

    private readonly Dictionary<string, Peer> _peers = new();
    private readonly Dictionary<string, SealedMsg> _votes = new();
    private readonly Dictionary<string, long> _sealRetryAt = new();
    private GroupConfig? _candidacy;
    private Phase _phase;
    private long _selfReadyAt;
    private string? _fetchFrom;
    private long _fetchFromSeq, _fetchSentMs;
    private long _lineageEpoch, _lineageEnd, _startEnd;
    private volatile bool _flushPosted;

    /// <summary>
    /// The coordinator named this copy primary of <paramref name="config"/>: seal a majority (of the members and of the
    /// previous members), adopt the best log among them, bring a majority up to it, then serve. Ignored if the epoch is
    /// not newer than one this copy accepted.
    /// </summary>
    public void BeginEpoch(GroupConfig config)
    {
        if (config.Primary != Me || config.Epoch <= _epoch) return;
        // Its own lease promise binds it too, unless it made that promise to itself.
        _selfReadyAt = _sealedFor == Me ? 0 : _promiseUntil;
        StepDown();
        _role = ReplicaRole.Candidate;
        _epoch = config.Epoch;
        _sealedFor = Me;
        _candidacy = config;
        _phase = Phase.Sealing;
        _votes.Clear();
        _sealRetryAt.Clear();
        _peers.Clear();
        foreach (var v in config.Voters()) AddVoter(v);
        if (_logConfig is not null) foreach (var v in _logConfig.Members) AddVoter(v);
        Changed();
        CandidateTick();
    }

    private void AddVoter(string id)
    {
        if (id != Me) _sealRetryAt.TryAdd(id, 0);
    }

    private void CandidateTick()
    {
        switch (_phase)
        {
            case Phase.Sealing:
                foreach (var (voter, at) in _sealRetryAt.ToArray())
                {
                    if (_votes.ContainsKey(voter) || Now < at) continue;
                    _env.Send(voter, new SealMsg(Group, _epoch, _candidacy!));
                    _sealRetryAt[voter] = Now + _o.RetryMs;
                }
                TryDecide();
                break;
            case Phase.Fetching:
                if (Now - _fetchSentMs >= _o.RetryMs) SendFetch();
                break;
            case Phase.Starting:
                PeersTick();
                break;
        }
    }

    private void OnSealed(string from, SealedMsg m)
    {
        if (_role != ReplicaRole.Candidate || _phase != Phase.Sealing || m.Epoch != _epoch) return;
        _votes[from] = m;
        TryDecide();
    }

    private void OnSealRefused(string from, SealRefusedMsg m)
    {
        if (_role != ReplicaRole.Candidate || m.Epoch != _epoch) return;
        if (m.CurrentEpoch >= _epoch)
        {
            StepDown(); // a newer epoch exists: this candidacy cannot win
            return;
        }
        _sealRetryAt[from] = Now + Math.Max(1, m.RetryInMs);
    }

    private void TryDecide()
    {
        if (_phase != Phase.Sealing || Now < _selfReadyAt) return;
        var best = new SealedMsg(Group, _epoch, _logEpoch, LogEnd, Committed, _logConfig, Tainted);
        var bestId = Me;
        foreach (var (id, v) in _votes)
            if (v.LogEpoch > best.LogEpoch || (v.LogEpoch == best.LogEpoch && v.LogEnd > best.LogEnd))
                (best, bestId) = (v, id);

        // The configuration that vouched for the best log may name voters not asked yet: ask them too.
        if (best.LogConfig is not null)
            foreach (var v in best.LogConfig.Members) AddVoter(v);
        bool Sealed(string id) => id == Me || _votes.ContainsKey(id);
        var c = _candidacy!;
        if (!GroupConfig.IsMajority(c.Members, Sealed) || !GroupConfig.IsMajority(c.PreviousMembers, Sealed)) return;
        if (best.LogConfig is not null && !GroupConfig.IsMajority(best.LogConfig.Members, Sealed)) return;

        _lineageEpoch = best.LogEpoch;
        if (bestId == Me || (best.LogEpoch == _logEpoch && best.LogEnd <= LogEnd))
        {
            StartEpoch();
            return;
        }
        _fetchFrom = bestId;
        _fetchFromSeq = _logEpoch == best.LogEpoch && LogEnd <= best.LogEnd ? LogEnd + 1 : Tainted ? 0 : Committed + 1;
        _phase = Phase.Fetching;
        SendFetch();
    }

    private void SendFetch()
    {
        _fetchSentMs = Now;
        _env.Send(_fetchFrom!, new FetchMsg(Group, _epoch, _fetchFromSeq));
    }

    private void OnFetchReply(string from, FetchReplyMsg m)
    {
        if (_role != ReplicaRole.Candidate || _phase != Phase.Fetching || m.Epoch != _epoch || from != _fetchFrom) return;
        if (m.Snapshot is not null) LoadSnapshot(m.Snapshot, m.Entries);
        else
        {
            if (m.FromSeq != _fetchFromSeq) return;
            TruncateAfter(m.FromSeq - 1);
            AddEntries(m.Entries);
        }
        SetCommitted(Math.Min(Math.Max(Committed, m.Committed), LogEnd));
        ApplyThrough(Committed);
        _lineageEpoch = m.LogEpoch;
        StartEpoch();
    }

    /// <summary>This copy's log is the best of a majority: it becomes the epoch's log; bring the members up to it.</summary>
    private void StartEpoch()
    {
        _lineageEnd = LogEnd;
        _startEnd = LogEnd;
        _logEpoch = _epoch;
        _logConfig = _candidacy;
        _phase = Phase.Starting;
        _peers.Clear();
        foreach (var id in _candidacy!.Members)
        {
            if (id == Me) continue;
            var peer = new Peer(id);
            if (_votes.TryGetValue(id, out var v)) peer.State = new CopyState(v.LogEpoch, v.LogEnd, v.Committed, v.Tainted, false);
            _peers[id] = peer;
            SendStart(peer);
        }
        Changed();
        CheckEstablished();
    }

    /// <summary>Sends a member that has not adopted the epoch what it needs: the log it lacks, or a snapshot; or, if
    /// its state is unknown, an empty append it will refuse with its state.</summary>
    private void SendStart(Peer peer)
    {
        peer.LastSentMs = Now;
        var s = peer.State;
        if (s is null)
        {
            _env.Send(peer.Id, new AppendMsg(Group, _epoch, LogEnd, [], Committed, 0, Now));
            return;
        }
        peer.StartSentFor = s;
        var snapshot = s.NeedsSnapshot;
        long from = 0;
        if (!snapshot)
        {
            if (s.LogEpoch == _lineageEpoch && s.LogEnd <= _lineageEnd) from = s.LogEnd + 1;
            else if (s.Tainted) snapshot = true;
            else from = s.Committed + 1;
        }
        LogEntry[]? entries = null;
        if (!snapshot)
            lock (_logLock)
                if (from > _log.Base) entries = _log.Slice(from, _o.MaxBatchBytes);
        GroupSnapshot? image = null;
        if (entries is null) (image, entries) = TakeSnapshot();
        var fromSeq = image is null ? from : 0;
        peer.Next = entries.Length > 0 ? entries[^1].Seq + 1 : image is null ? from : image.MinSeq + 1;
        _env.Send(peer.Id, new StartEpochMsg(Group, _epoch, _logConfig!, _lineageEpoch, _lineageEnd, fromSeq, entries, image, Committed, Now));
    }

    private void OnNack(string from, NackMsg m)
    {
        if (_role == ReplicaRole.Follower) return;
        if (m.Epoch > _epoch)
        {
            StepDown();
            return;
        }
        if (_role == ReplicaRole.Candidate && _phase != Phase.Starting) return;
        if (!_peers.TryGetValue(from, out var peer)) return;
        if (m.LogEpoch == _epoch && !m.NeedsSnapshot)
        {
            // In this epoch, with a gap (lost appends): go back to where it is.
            peer.Adopted = true;
            peer.Match = Math.Max(peer.Match, Math.Min(m.LogEnd, LogEnd));
            peer.Next = m.LogEnd + 1;
            SendAppend(peer);
            return;
        }
        peer.Adopted = false;
        var state = new CopyState(m.LogEpoch, m.LogEnd, m.Committed, m.Tainted, m.NeedsSnapshot);
        var changed = state != peer.StartSentFor;
        peer.State = state;
        if (changed || Now - peer.LastSentMs >= _o.RetryMs) SendStart(peer);
    }

    private void OnAck(string from, AckMsg m)
    {
        if (m.Epoch != _epoch) return;
        if (_role != ReplicaRole.Primary && !(_role == ReplicaRole.Candidate && _phase == Phase.Starting)) return;
        if (!_peers.TryGetValue(from, out var peer)) return;
        peer.Adopted = true;
        peer.Match = Math.Max(peer.Match, Math.Min(m.LogEnd, LogEnd));
        if (peer.Next <= peer.Match) peer.Next = peer.Match + 1;
        peer.AckedSentAt = Math.Max(peer.AckedSentAt, m.SentAtMs);
        peer.AckedCommitted = Math.Max(peer.AckedCommitted, m.Committed);
        if (_role == ReplicaRole.Candidate) CheckEstablished();
        else
        {
            AdvanceCommit();
            UpdateLease();
        }
    }

    private void CheckEstablished()
    {
        bool Holds(string id) => id == Me || (_peers.TryGetValue(id, out var p) && p.Adopted && p.Match >= _startEnd);
        if (!GroupConfig.IsMajority(_logConfig!.Members, Holds)) return;
        ApplyThrough(_startEnd);
        _role = ReplicaRole.Primary;
        SetCommitted(_startEnd);
        UpdateLease();
        _serving = true;
        Changed();
    }

    private void PrimaryTick()
    {
        PeersTick();
        if (_logConfig!.Members.Length <= 1)
        {
            AdvanceCommit();
            UpdateLease();
        }
    }

    private void PeersTick()
    {
        foreach (var peer in _peers.Values)
        {
            if (!peer.Adopted)
            {
                if (Now - peer.LastSentMs >= _o.RetryMs) SendStart(peer);
                continue;
            }
            if (peer.Match < LogEnd && Now - peer.LastSentMs >= _o.RetryMs)
            {
                peer.Next = peer.Match + 1; // nothing acknowledged for a while: the appends may be lost
                SendAppend(peer);
            }
            else if (Now - peer.LastSentMs >= _o.HeartbeatMs) SendAppend(peer);
        }
    }

    /// <summary>Sends the appends queued since the last flush (posted by <see cref="Append"/>).</summary>
    private void Flush()
    {
        _flushPosted = false;
        if (_role != ReplicaRole.Primary) return;
        foreach (var peer in _peers.Values)
            while (peer.Adopted && peer.Next <= LogEnd) SendAppend(peer);
        if (_logConfig!.Members.Length <= 1) AdvanceCommit();
    }

    private void SendAppend(Peer peer)
    {
        LogEntry[]? entries;
        lock (_logLock)
            entries = peer.Next > _log.Base ? _log.Slice(Math.Min(peer.Next, _log.End + 1), _o.MaxBatchBytes) : null;
        if (entries is null)
        {
            // The entries it lacks are gone (it lagged past the log's bound): it gets a snapshot.
            peer.Adopted = false;
            peer.State = new CopyState(0, 0, 0, true, true);
            SendStart(peer);
            return;
        }
        var prev = peer.Next - 1;
        peer.Next += entries.Length;
        peer.LastSentMs = Now;
        _env.Send(peer.Id, new AppendMsg(Group, _epoch, prev, entries, Committed, TruncatePoint(), Now));
    }

    /// <summary>Every member holds (and has applied, as committed) the entries up to here.</summary>
    private long TruncatePoint()
    {
        var point = Committed;
        foreach (var id in _logConfig!.Members)
        {
            if (id == Me) continue;
            if (!_peers.TryGetValue(id, out var p) || !p.Adopted) return 0;
            point = Math.Min(point, Math.Min(p.Match, p.AckedCommitted));
        }
        return point;
    }

    private void AdvanceCommit()
    {
        var members = _logConfig!.Members;
        var matches = new long[members.Length];
        for (var i = 0; i < members.Length; i++)
            matches[i] = members[i] == Me ? LogEnd : _peers.TryGetValue(members[i], out var p) && p.Adopted ? p.Match : 0;
        Array.Sort(matches);
        var majority = members.Length / 2 + 1;
        SetCommitted(matches[members.Length - majority]);

        var drop = TruncatePoint();
        int count;
        lock (_logLock) count = _log.Count;
        if (count > _o.MaxLogEntries) drop = Committed;
        DropThrough(drop);
    }

    private void UpdateLease()
    {
        var members = _logConfig!.Members;
        var need = members.Length / 2; // acknowledgements needed besides this copy's own
        if (need == 0)
        {
            Volatile.Write(ref _leaseUntil, Now + _o.LeaseMs - _o.ClockDriftMs);
            return;
        }
        var acked = new List<long>(members.Length);
        foreach (var id in members)
            if (id != Me && _peers.TryGetValue(id, out var p) && p.Adopted) acked.Add(p.AckedSentAt);
        if (acked.Count < need) return;
        acked.Sort();
        var granted = acked[acked.Count - need] + _o.LeaseMs - _o.ClockDriftMs;
        if (granted > Volatile.Read(ref _leaseUntil)) Volatile.Write(ref _leaseUntil, granted);
    }
}
