namespace QuorumCache.Cluster.Replication;

/// <summary>
/// Messages between the copies of one slot group (REPLICATION.md). Every message carries the group and an
/// epoch; a copy that has accepted a newer epoch refuses older ones. Delivery is best effort: messages may
/// be lost, delayed, duplicated or reordered, and every handler is idempotent.
/// </summary>
public abstract record ReplicationMessage(int Group, long Epoch);

/// <summary>Primary → replica: entries after <paramref name="PrevSeq"/> (none for a heartbeat), what is committed,
/// what every member holds (<paramref name="TruncateThrough"/>), and the primary's clock when sent (echoed for its lease).</summary>
public sealed record AppendMsg(int Group, long Epoch, long PrevSeq, LogEntry[] Entries, long Committed, long TruncateThrough, long SentAtMs)
    : ReplicationMessage(Group, Epoch);

/// <summary>Replica → primary: it holds every entry up to <paramref name="LogEnd"/> of this epoch's log (cumulative).</summary>
public sealed record AckMsg(int Group, long Epoch, long LogEnd, long Committed, long SentAtMs)
    : ReplicationMessage(Group, Epoch);

/// <summary>
/// Replica → primary or candidate: it cannot take the message. <paramref name="Epoch"/> is the replica's epoch; with its
/// log's epoch, end and committed sequence the primary can tell whether it was deposed or what to send.
/// <paramref name="Tainted"/>: its keyspace holds writes past its commit (a deposed primary, a copy loaded from a
/// snapshot), kept only if the new log extends its own. <paramref name="NeedsSnapshot"/>: it cannot take the log it
/// was sent without losing that; send a whole snapshot.
/// </summary>
public sealed record NackMsg(int Group, long Epoch, long LogEpoch, long LogEnd, long Committed, bool Tainted, bool NeedsSnapshot)
    : ReplicationMessage(Group, Epoch);

/// <summary>Candidate → voter: promise <paramref name="Config"/>'s epoch and stop taking the old primary's writes.</summary>
public sealed record SealMsg(int Group, long Epoch, GroupConfig Config) : ReplicationMessage(Group, Epoch);

/// <summary>Voter → candidate: sealed at <paramref name="Epoch"/>; its log as of now (and the configuration that vouched for it).</summary>
public sealed record SealedMsg(int Group, long Epoch, long LogEpoch, long LogEnd, long Committed, GroupConfig? LogConfig, bool Tainted)
    : ReplicationMessage(Group, Epoch);

/// <summary>Voter → candidate: not now. <paramref name="CurrentEpoch"/> &gt;= the asked epoch means never;
/// otherwise it still promises the old primary for <paramref name="RetryInMs"/>.</summary>
public sealed record SealRefusedMsg(int Group, long Epoch, long CurrentEpoch, long RetryInMs) : ReplicationMessage(Group, Epoch);

/// <summary>Candidate → the voter with the best log: send your entries from <paramref name="FromSeq"/> (0: a whole snapshot).</summary>
public sealed record FetchMsg(int Group, long Epoch, long FromSeq) : ReplicationMessage(Group, Epoch);

/// <summary>The answer to <see cref="FetchMsg"/>: entries after <paramref name="FromSeq"/> − 1, or a snapshot and the entries after its oldest image.</summary>
public sealed record FetchReplyMsg(int Group, long Epoch, long FromSeq, LogEntry[] Entries, GroupSnapshot? Snapshot, long LogEpoch, long Committed)
    : ReplicationMessage(Group, Epoch);

/// <summary>
/// New primary → member: adopt this epoch's log. Keep your entries before <paramref name="FromSeq"/> and take
/// <paramref name="Entries"/> (or load <paramref name="Snapshot"/> first). The log descends from the log of epoch
/// <paramref name="LineageEpoch"/> up to <paramref name="LineageEnd"/>: a copy whose own log is a prefix of that one
/// keeps its keyspace; any other copy whose keyspace holds writes after FromSeq − 1 needs a snapshot.
/// </summary>
public sealed record StartEpochMsg(int Group, long Epoch, GroupConfig Config, long LineageEpoch, long LineageEnd, long FromSeq,
    LogEntry[] Entries, GroupSnapshot? Snapshot, long Committed, long SentAtMs) : ReplicationMessage(Group, Epoch);
