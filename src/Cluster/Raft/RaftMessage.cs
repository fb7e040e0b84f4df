namespace QuorumCache.Cluster.Raft;

/// <summary>Type byte of a Raft message on the wire. Values are explicit and append-only.</summary>
public enum RaftMessageType : byte
{
    RequestVote = 1,
    RequestVoteReply = 2,
    AppendEntries = 3,
    AppendEntriesReply = 4,
    InstallSnapshot = 5,
    InstallSnapshotReply = 6,
    TimeoutNow = 7,
}

/// <summary>
/// A message between Raft nodes. Every message carries the sender, the addressee and the sender's
/// term. Encoding: type byte, format version byte, then the fields (see <see cref="RaftMessageCodec"/>).
/// </summary>
public abstract class RaftMessage
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required long Term { get; init; }
    public abstract RaftMessageType Type { get; }

    public byte[] Serialize() => RaftMessageCodec.Serialize(this);

    /// <summary>Parses one message; throws <see cref="RaftFormatException"/> (and nothing else) when the bytes are malformed.</summary>
    public static RaftMessage Deserialize(ReadOnlySpan<byte> data) => RaftMessageCodec.Deserialize(data);

    public override string ToString() => $"{Type} {From}->{To} t{Term}";
}

/// <summary>A vote request; with <see cref="PreVote"/> set it is the pre-vote probe (thesis §9.6) for term <see cref="RaftMessage.Term"/> that the sender has not entered yet.</summary>
public sealed class RequestVote : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.RequestVote;
    public bool PreVote { get; init; }
    /// <summary>Set when the election was triggered by TimeoutNow (leadership transfer): voters skip the "heard from a leader recently" check.</summary>
    public bool Transfer { get; init; }
    public long LastLogIndex { get; init; }
    public long LastLogTerm { get; init; }
}

public sealed class RequestVoteReply : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.RequestVoteReply;
    public bool PreVote { get; init; }
    public bool Granted { get; init; }
}

public sealed class AppendEntries : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.AppendEntries;
    public long PrevLogIndex { get; init; }
    public long PrevLogTerm { get; init; }
    public long LeaderCommit { get; init; }
    /// <summary>Consecutive entries starting at <see cref="PrevLogIndex"/> + 1.</summary>
    public IReadOnlyList<LogEntry> Entries { get; init; } = [];
    /// <summary>The leader's clock when it sent this; echoed in the reply so the leader knows how fresh its quorum contact is.</summary>
    public long SentAtMs { get; init; }
}

public sealed class AppendEntriesReply : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.AppendEntriesReply;
    public bool Success { get; init; }
    /// <summary>On success: the follower's log matches the leader's up to here. On failure: the PrevLogIndex that was rejected.</summary>
    public long Index { get; init; }
    /// <summary>On failure: the term of the follower's entry at the rejected index, 0 when it has no entry there.</summary>
    public long ConflictTerm { get; init; }
    /// <summary>On failure: first index of <see cref="ConflictTerm"/> in the follower's log, or its last index + 1.</summary>
    public long ConflictIndex { get; init; }
    public long SentAtMs { get; init; }
}

/// <summary>The leader's whole snapshot, in one message (the cluster map is small).</summary>
public sealed class InstallSnapshot : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.InstallSnapshot;
    public long LastIncludedIndex { get; init; }
    public long LastIncludedTerm { get; init; }
    public required RaftConfiguration Configuration { get; init; }
    public required byte[] Data { get; init; }
    public long SentAtMs { get; init; }
}

public sealed class InstallSnapshotReply : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.InstallSnapshotReply;
    /// <summary>The follower's log now matches the leader's up to here (at least the snapshot's last index).</summary>
    public long MatchIndex { get; init; }
    public long SentAtMs { get; init; }
}

/// <summary>Sent by a leader handing over leadership: the addressee starts an election at once, skipping pre-vote.</summary>
public sealed class TimeoutNow : RaftMessage
{
    public override RaftMessageType Type => RaftMessageType.TimeoutNow;
}
