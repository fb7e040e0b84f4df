namespace QuorumCache.Cluster.Replication;

/// <summary>The follower's side: appends, seals, fetches and epoch starts received from primaries and candidates.</summary>
public sealed partial class GroupReplica
{
    private void OnAppend(string from, AppendMsg m)
    {
        if (m.Epoch < _epoch || m.Epoch > _epoch || _logEpoch != m.Epoch || _role != ReplicaRole.Follower)
        {
            // An old primary (it learns it was deposed), or a primary of an epoch this copy has not started (it sends
            // the start). A primary never gets its own epoch's appends.
            if (m.Epoch != _epoch || _role == ReplicaRole.Follower) _env.Send(from, MyNack());
            return;
        }
        if (m.PrevSeq > LogEnd)
        {
            _env.Send(from, MyNack());
            return;
        }
        AddEntries(m.Entries);
        SetCommitted(Math.Min(m.Committed, LogEnd));
        ApplyThrough(Committed);
        DropThrough(m.TruncateThrough);
        _promiseUntil = Now + _o.LeaseMs;
        _env.Send(from, new AckMsg(Group, _epoch, LogEnd, Committed, m.SentAtMs));
    }

    private void OnSeal(string from, SealMsg m)
    {
        var candidate = m.Config.Primary;
        if (m.Epoch < _epoch || (m.Epoch == _epoch && _sealedFor != candidate))
        {
            _env.Send(from, new SealRefusedMsg(Group, m.Epoch, _epoch, 0));
            return;
        }
        if (m.Epoch > _epoch)
        {
            // The lease promised to the current primary holds, unless that primary itself starts the new epoch.
            if (_role == ReplicaRole.Follower && Now < _promiseUntil && _sealedFor != candidate)
            {
                _env.Send(from, new SealRefusedMsg(Group, m.Epoch, _epoch, _promiseUntil - Now));
                return;
            }
            if (_role != ReplicaRole.Follower) StepDown();
            _epoch = m.Epoch;
            _sealedFor = candidate;
            Changed();
        }
        _env.Send(from, new SealedMsg(Group, _epoch, _logEpoch, LogEnd, Committed, _logConfig, Tainted));
    }

    private void OnFetch(string from, FetchMsg m)
    {
        if (m.Epoch != _epoch || _sealedFor != from || _role != ReplicaRole.Follower) return;
        LogEntry[] entries;
        lock (_logLock)
            entries = m.FromSeq > _log.Base && m.FromSeq <= _log.End + 1 ? _log.Slice(m.FromSeq) : null!;
        if (entries is not null)
        {
            _env.Send(from, new FetchReplyMsg(Group, _epoch, m.FromSeq, entries, null, _logEpoch, Committed));
            return;
        }
        var (snapshot, after) = TakeSnapshot();
        _env.Send(from, new FetchReplyMsg(Group, _epoch, 0, after, snapshot, _logEpoch, Committed));
    }

    private void OnStartEpoch(string from, StartEpochMsg m)
    {
        if (m.Epoch < _epoch || _role != ReplicaRole.Follower && m.Epoch == _epoch)
        {
            if (m.Epoch < _epoch) _env.Send(from, MyNack());
            return;
        }
        if (m.Epoch == _epoch && _logEpoch == m.Epoch)
        {
            // Already in this epoch: a repeat, or the primary's answer to a gap it can no longer fill from its log.
            if (m.Snapshot is not null)
            {
                if (m.Snapshot.MinSeq > Applied) LoadSnapshot(m.Snapshot, m.Entries);
            }
            else if (m.FromSeq <= LogEnd + 1) AddEntries(m.Entries);
            SetCommitted(Math.Min(m.Committed, LogEnd));
            ApplyThrough(Committed);
            _promiseUntil = Now + _o.LeaseMs;
            _env.Send(from, new AckMsg(Group, _epoch, LogEnd, Committed, m.SentAtMs));
            return;
        }
        if (_role != ReplicaRole.Follower) StepDown();

        if (m.Snapshot is not null)
        {
            LoadSnapshot(m.Snapshot, m.Entries);
        }
        else
        {
            var keep = m.FromSeq - 1;
            var isPrefix = _logEpoch == m.LineageEpoch && LogEnd <= m.LineageEnd;
            if (keep > LogEnd || (!isPrefix && Applied > keep))
            {
                // A gap, or a keyspace that holds writes the new log may not: tell the new primary what to send.
                _epoch = Math.Max(_epoch, m.Epoch);
                _env.Send(from, MyNack(needsSnapshot: !isPrefix && Applied > keep));
                return;
            }
            if (!isPrefix) TruncateAfter(keep);
            AddEntries(m.Entries);
        }
        _epoch = m.Epoch;
        _sealedFor = m.Config.Primary;
        _logEpoch = m.Epoch;
        _logConfig = m.Config;
        SetCommitted(Math.Min(m.Committed, LogEnd));
        ApplyThrough(Committed);
        _promiseUntil = Now + _o.LeaseMs;
        Changed();
        _env.Send(from, new AckMsg(Group, _epoch, LogEnd, Committed, m.SentAtMs));
    }

    /// <summary>Stops acting as primary or candidate (a newer epoch exists); the keyspace stays as it is.</summary>
    private void StepDown()
    {
        if (_role == ReplicaRole.Follower) return;
        _role = ReplicaRole.Follower;
        _serving = false;
        Volatile.Write(ref _leaseUntil, 0);
        _peers.Clear();
        _votes.Clear();
        Changed();
    }
}
