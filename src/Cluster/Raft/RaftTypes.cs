namespace QuorumCache.Cluster.Raft;

/// <summary>The role a node plays right now. Not persisted or sent on the wire.</summary>
public enum RaftRole
{
    /// <summary>A voter following a leader (or waiting for one).</summary>
    Follower = 0,
    /// <summary>A voter asking its peers whether it could win an election, without raising its term (thesis §9.6).</summary>
    PreCandidate = 1,
    /// <summary>A voter that raised its term and asks for votes.</summary>
    Candidate = 2,
    /// <summary>The leader of the current term.</summary>
    Leader = 3,
    /// <summary>Not a voter in the latest known configuration (a learner, a joining node with no configuration yet, or a removed node): never starts elections.</summary>
    Learner = 4,
}

/// <summary>What a log entry carries. Persisted and sent on the wire: values are explicit and append-only.</summary>
public enum RaftEntryKind : byte
{
    /// <summary>An opaque state-machine command, handed to <see cref="IRaftStateMachine.Apply"/>.</summary>
    Command = 1,
    /// <summary>A full new <see cref="RaftConfiguration"/>, encoded; takes effect when appended.</summary>
    Configuration = 2,
    /// <summary>The empty entry a new leader appends to commit entries of earlier terms.</summary>
    Noop = 3,
}

/// <summary>One log entry. <see cref="Data"/> must not be mutated after it is created.</summary>
public sealed record LogEntry(long Index, long Term, RaftEntryKind Kind, byte[] Data);

/// <summary>Kind of a single-server membership change. Values are explicit and append-only.</summary>
public enum ConfigChangeKind : byte
{
    /// <summary>Make the node a voter (promotes a learner, or adds a new node directly as a voter).</summary>
    AddVoter = 1,
    /// <summary>Demote a voter to a learner: it keeps receiving the log but no longer votes or counts toward quorum.</summary>
    RemoveVoter = 2,
    /// <summary>Add a new node as a learner (non-voting member that receives the log).</summary>
    AddLearner = 3,
    /// <summary>Remove the node from the configuration entirely (voter or learner).</summary>
    RemoveNode = 4,
}

/// <summary>A single-server membership change request.</summary>
public readonly record struct ConfigChange(ConfigChangeKind Kind, string NodeId)
{
    public static ConfigChange AddVoter(string id) => new(ConfigChangeKind.AddVoter, id);
    public static ConfigChange RemoveVoter(string id) => new(ConfigChangeKind.RemoveVoter, id);
    public static ConfigChange AddLearner(string id) => new(ConfigChangeKind.AddLearner, id);
    public static ConfigChange RemoveNode(string id) => new(ConfigChangeKind.RemoveNode, id);
}

/// <summary>Outcome of <see cref="RaftNode.Propose"/> / <see cref="RaftNode.ProposeConfigChange"/>.</summary>
public enum ProposeStatus
{
    /// <summary>Appended to the leader's log at <see cref="ProposeResult.Index"/> in <see cref="ProposeResult.Term"/>; it is committed once applied at that index with that term.</summary>
    Accepted = 0,
    /// <summary>This node is not the leader; <see cref="ProposeResult.LeaderId"/> is the leader it knows of, if any.</summary>
    NotLeader = 1,
    /// <summary>A configuration change is still uncommitted, or the leader has not yet committed an entry of its term.</summary>
    ConfigChangeInProgress = 2,
    /// <summary>The change makes no sense against the current configuration (see <see cref="ProposeResult.Error"/>).</summary>
    Invalid = 3,
}

public readonly record struct ProposeResult(ProposeStatus Status, long Index, long Term, string? LeaderId, string? Error = null)
{
    public bool IsAccepted => Status == ProposeStatus.Accepted;
    internal static ProposeResult NotLeader(string? leader) => new(ProposeStatus.NotLeader, 0, 0, leader);
}

/// <summary>What the leader knows of one peer's replication.</summary>
public readonly record struct PeerProgressInfo(string NodeId, bool IsVoter, long MatchIndex, long NextIndex, long LastContactMs);

/// <summary>Thrown by <see cref="RaftMessage.Deserialize"/> and by storage readers on malformed bytes.</summary>
public sealed class RaftFormatException(string message) : Exception(message);
