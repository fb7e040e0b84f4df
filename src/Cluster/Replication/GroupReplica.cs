namespace QuorumCache.Cluster.Replication;

/// <summary>A copy's role in its group. Sent in INFO and logs only.</summary>
public enum ReplicaRole : byte
{
    /// <summary>Follows the primary of its epoch, or waits for one (sealed, or deposed).</summary>
    Follower = 1,
    /// <summary>Seals a majority, adopts the best log and starts its epoch.</summary>
    Candidate = 2,
    /// <summary>Serves the group: every write goes through <see cref="GroupReplica.Append"/>.</summary>
    Primary = 3,
}

/// <summary>
/// One node's copy of one slot group: the replication state machine of REPLICATION.md (Viewstamped Replication
/// with leases). Single-threaded: every method runs on the replication thread, except <see cref="Append"/> (any
/// thread, under the caller's slot lock) and the volatile reads (<see cref="Committed"/>, <see cref="LogEnd"/>,
/// <see cref="CanServe"/>, <see cref="CanRead"/>).
/// <para>Keyspace and log: a copy's keyspace holds every entry up to <c>_applied</c> of its log. The primary
/// executes writes, so its keyspace runs ahead of the commit; a follower applies only committed entries, so
/// any copy can adopt a new epoch's log without undoing anything, except a deposed primary or a copy loaded
/// from a snapshot (<c>_applied &gt; _committed</c>): those keep their keyspace only if their log is a prefix of
/// the new one, and otherwise load a snapshot.</para>
/// </summary>
public sealed partial class GroupReplica
{
    private readonly IReplicaEnvironment _env;
    private readonly IReplicaHost _host;
    private readonly ReplicationOptions _o;

    private readonly Lock _logLock = new();
    private readonly ReplicaLog _log = new();
    private long _logEnd, _committed, _applied;

    private long _epoch;                 // the highest epoch this copy accepted (sealed for, or started)
    private string? _sealedFor;          // the candidate it sealed _epoch for
    private ReplicaRole _role = ReplicaRole.Follower;
    private long _logEpoch;              // the epoch whose start vouches for the log as a whole
    private GroupConfig? _logConfig;     // that epoch's configuration
    private long _promiseUntil;          // no new epoch before this (a lease promised to the primary)
    private Dictionary<int, long>? _skip; // after a snapshot: entries of a slot up to its image's sequence are in the keyspace
    private long _skipThrough;
    private volatile bool _serving;
    private long _leaseUntil;

    public GroupReplica(int group, IReplicaEnvironment env, IReplicaHost host, ReplicationOptions options)
    {
        Group = group;
        _env = env;
        _host = host;
        _o = options;
    }

    public int Group { get; }
    public string Me => _env.Me;
    public long Epoch => _epoch;
    public long LogEpoch => _logEpoch;
    public ReplicaRole Role => _role;
    public GroupConfig? Config => _logConfig;

    /// <summary>The last sequence known committed (any thread).</summary>
    public long Committed => Volatile.Read(ref _committed);

    /// <summary>The last sequence in the log (any thread).</summary>
    public long LogEnd => Volatile.Read(ref _logEnd);

    /// <summary>The last sequence whose effects are in this node's keyspace.</summary>
    public long Applied => Volatile.Read(ref _applied);

    /// <summary>Whether this copy is the established primary: writes may execute and append (any thread).</summary>
    public bool CanServe => _serving;

    /// <summary>Whether a read may be answered from this copy's keyspace now (primary holding its lease).</summary>
    public bool CanRead(long nowMs) => _serving && nowMs < Volatile.Read(ref _leaseUntil);

    /// <summary>The commit advanced to the given sequence (replication thread).</summary>
    public event Action<GroupReplica, long>? CommitAdvanced;

    /// <summary>The copy's role or epoch changed (replication thread).</summary>
    public event Action<GroupReplica>? StateChanged;

    /// <summary>
    /// Logs a write the primary just executed (any thread, under the write's slot lock, so the log's order is each
    /// slot's execution order). Returns its sequence; the write is acknowledged once <see cref="Committed"/> reaches it.
    /// Appends even if the copy was deposed meanwhile: the keyspace already holds the write, and the log must say so
    /// (such a write's outcome is unknown: it commits only if a later primary adopts this log).
    /// </summary>
    public long Append(int slot, byte[] effects)
    {
        long seq;
        lock (_logLock)
        {
            seq = _log.End + 1;
            _log.Add(new LogEntry(seq, slot, effects));
            Volatile.Write(ref _logEnd, seq);
            Volatile.Write(ref _applied, seq);
        }
        if (!_flushPosted)
        {
            _flushPosted = true;
            _env.Post(Flush);
        }
        return seq;
    }

    /// <summary>Handles a message from another copy.</summary>
    public void Receive(string from, ReplicationMessage message)
    {
        switch (message)
        {
            case AppendMsg m: OnAppend(from, m); break;
            case AckMsg m: OnAck(from, m); break;
            case NackMsg m: OnNack(from, m); break;
            case SealMsg m: OnSeal(from, m); break;
            case SealedMsg m: OnSealed(from, m); break;
            case SealRefusedMsg m: OnSealRefused(from, m); break;
            case FetchMsg m: OnFetch(from, m); break;
            case FetchReplyMsg m: OnFetchReply(from, m); break;
            case StartEpochMsg m: OnStartEpoch(from, m); break;
        }
    }

    /// <summary>Retries, heartbeats and timeouts; call every few milliseconds.</summary>
    public void Tick()
    {
        if (_role == ReplicaRole.Candidate) CandidateTick();
        else if (_role == ReplicaRole.Primary) PrimaryTick();
    }

    /// <summary>The entry at <paramref name="seq"/> if the log still holds it (tests and diagnostics).</summary>
    internal LogEntry? EntryAt(long seq)
    {
        lock (_logLock) return _log.Holds(seq) ? _log[seq] : null;
    }

    public override string ToString() =>
        $"group {Group} at {Me}: {_role} e{_epoch} log e{_logEpoch} end {LogEnd} committed {Committed} applied {Applied}";

    // ---- shared helpers ----

    private long Now => _env.NowMs;

    private bool Tainted => Applied > Committed;

    private void SetCommitted(long seq)
    {
        if (seq <= _committed) return;
        Volatile.Write(ref _committed, seq);
        CommitAdvanced?.Invoke(this, seq);
    }

    private void Changed() => StateChanged?.Invoke(this);

    private NackMsg MyNack(bool needsSnapshot = false) =>
        new(Group, _epoch, _logEpoch, LogEnd, Committed, Tainted, needsSnapshot);

    /// <summary>Applies committed entries to the keyspace (followers; a new primary applies its adopted log).</summary>
    private void ApplyThrough(long seq)
    {
        while (_applied < seq)
        {
            LogEntry e;
            lock (_logLock) e = _log[_applied + 1];
            if (_skip is null || !_skip.TryGetValue(e.Slot, out var at) || e.Seq > at) _host.Apply(e);
            Volatile.Write(ref _applied, e.Seq);
            if (_skip is not null && _applied >= _skipThrough) _skip = null;
        }
    }

    /// <summary>Replaces the keyspace and log by a snapshot and the entries after its oldest image.</summary>
    private void LoadSnapshot(GroupSnapshot snapshot, LogEntry[] entries)
    {
        _host.Clear(Group);
        foreach (var image in snapshot.Slots) _host.Load(image);
        var min = snapshot.MinSeq;
        _skip = snapshot.Slots.ToDictionary(s => s.Slot, s => s.SeqAt);
        _skipThrough = snapshot.MaxSeq;
        lock (_logLock)
        {
            _log.Reset(min);
            foreach (var e in entries)
                if (e.Seq == _log.End + 1) _log.Add(e);
            Volatile.Write(ref _logEnd, _log.End);
        }
        Volatile.Write(ref _applied, min);
        if (_skipThrough <= min) _skip = null;
        // Entries up to the newest image are partly in the keyspace: apply them (skipping per slot) now, so the
        // keyspace is again "every entry up to _applied".
        var through = Math.Min(_skipThrough, LogEnd);
        ApplyThrough(through);
    }

    /// <summary>A whole snapshot of this copy's keyspace and the log entries after its oldest image.</summary>
    private (GroupSnapshot, LogEntry[]) TakeSnapshot()
    {
        var images = _host.Snapshot(Group, () => Volatile.Read(ref _applied));
        var snapshot = new GroupSnapshot(images);
        LogEntry[] entries;
        lock (_logLock) entries = _log.Slice(snapshot.MinSeq + 1);
        return (snapshot, entries);
    }

    /// <summary>Adds entries that continue the log (ignores ones it has).</summary>
    private void AddEntries(LogEntry[] entries)
    {
        lock (_logLock)
        {
            foreach (var e in entries)
                if (e.Seq == _log.End + 1) _log.Add(e);
            Volatile.Write(ref _logEnd, _log.End);
        }
    }

    private void TruncateAfter(long seq)
    {
        lock (_logLock)
        {
            _log.TruncateAfter(seq);
            Volatile.Write(ref _logEnd, _log.End);
        }
    }

    private void DropThrough(long seq)
    {
        seq = Math.Min(seq, Applied);
        lock (_logLock)
            if (seq > _log.Base) _log.DropThrough(seq);
    }
}
