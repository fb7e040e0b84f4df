using QuorumCache.Cluster.Membership;
using QuorumCache.Cluster.Raft;

namespace QuorumCache.Cluster.Runtime;

/// <summary>Settings of the cluster runtime (read from hocon/node.conf by the node).</summary>
public sealed record ClusterNodeOptions
{
    public required string DataDir { get; init; }
    /// <summary>Host other nodes and clients use to reach this node.</summary>
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required int BusPort { get; init; }
    public string BusBindAddress { get; init; } = "127.0.0.1";
    /// <summary>Members to ask to join ("host:port" client endpoints). Empty: form a cluster.</summary>
    public IReadOnlyList<string> Join { get; init; } = [];
    public RaftOptions Raft { get; init; } = new();
    public PhiAccrualOptions FailureDetector { get; init; } = new();
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public int MaxVoters { get; init; } = 5;
    public int MaxConcurrentMigrations { get; init; } = 128;
    public TimeSpan MigrationPhaseTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A member never heard from this long after it joined is declared failed.</summary>
    public TimeSpan FirstContactGrace { get; init; } = TimeSpan.FromSeconds(5);
    public long MaxBusFrame { get; init; } = 64L * 1024 * 1024;
    public long MaxQueuedPerPeer { get; init; } = 64L * 1024 * 1024;
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(2);
}
