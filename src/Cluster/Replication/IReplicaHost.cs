namespace QuorumCache.Cluster.Replication;

/// <summary>
/// What a group's copy needs from the keyspace of its node. The Cluster project never sees data types: entries
/// and slot images are opaque RESP bytes. Called on the replication thread.
/// </summary>
public interface IReplicaHost
{
    /// <summary>Applies one entry's effects to its slot (a replica applying a committed entry, or a new primary its adopted ones).</summary>
    void Apply(LogEntry entry);

    /// <summary>
    /// Images of every slot of <paramref name="group"/>, one slot at a time under that slot's lock; <paramref name="logEnd"/>
    /// gives the log's end at that moment (every write of the slot up to it is in the image, none after).
    /// </summary>
    SlotImage[] Snapshot(int group, Func<long> logEnd);

    /// <summary>Deletes every key of the group's slots (a copy that is discarded or about to load a snapshot).</summary>
    void Clear(int group);

    /// <summary>Loads one slot's image into an empty slot.</summary>
    void Load(SlotImage image);
}

/// <summary>The node around a group's copies: identity, clock and transport. Single-threaded use except <see cref="Post"/>.</summary>
public interface IReplicaEnvironment
{
    /// <summary>This process's replica id (node id and run).</summary>
    string Me { get; }

    /// <summary>A monotonic clock in milliseconds.</summary>
    long NowMs { get; }

    /// <summary>Sends a message to a replica (best effort, any thread).</summary>
    void Send(string replicaId, ReplicationMessage message);

    /// <summary>Runs <paramref name="work"/> on the replication thread soon (any thread).</summary>
    void Post(Action work);
}

/// <summary>Timing of the replication protocol (hocon: <c>cluster.replication</c>).</summary>
public sealed record ReplicationOptions
{
    /// <summary>A primary with nothing to send still sends an empty append this often (renews its lease).</summary>
    public required int HeartbeatMs { get; init; }

    /// <summary>How long a replica that acknowledged the primary promises not to accept a new epoch; the primary's read lease.</summary>
    public required int LeaseMs { get; init; }

    /// <summary>Subtracted from the primary's lease for clock rate differences between nodes.</summary>
    public required int ClockDriftMs { get; init; }

    /// <summary>Unanswered appends, seals, fetches and epoch starts are sent again after this long.</summary>
    public required int RetryMs { get; init; }

    /// <summary>At most this many bytes of effects per append message.</summary>
    public required int MaxBatchBytes { get; init; }

    /// <summary>A primary keeps entries a lagging member still lacks up to this many; past it, that member gets a snapshot.</summary>
    public required int MaxLogEntries { get; init; }
}
