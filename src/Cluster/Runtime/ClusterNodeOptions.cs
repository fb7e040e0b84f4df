namespace QuorumCache.Cluster.Runtime;

/// <summary>Akka.Cluster's failure detector (phi accrual over the heartbeats it sends between members).</summary>
public sealed record FailureDetectorOptions
{
    public required TimeSpan HeartbeatInterval { get; init; }
    public required double Threshold { get; init; }
    public required TimeSpan AcceptableHeartbeatPause { get; init; }
    public required TimeSpan MinStdDeviation { get; init; }
}

/// <summary>
/// Settings of the cluster runtime. The node reads them from hocon/node.conf (where every default is
/// written, once); nothing here has a default of its own.
/// </summary>
public sealed record ClusterNodeOptions
{
    public required string DataDir { get; init; }
    /// <summary>Host other nodes and clients use to reach this node.</summary>
    public required string Host { get; init; }
    public required int Port { get; init; }
    /// <summary>The cluster bus port (Akka remoting); 0 picks a free one.</summary>
    public required int BusPort { get; init; }
    /// <summary>The data-link port (hand-off and pub/sub frames); 0 picks a free one.</summary>
    public required int DataPort { get; init; }
    /// <summary>Members to ask to join ("host:port" client endpoints). Empty: form a cluster.</summary>
    public IReadOnlyList<string> Join { get; init; } = [];
    public required FailureDetectorOptions FailureDetector { get; init; }
    /// <summary>The Split Brain Resolver's strategy (keep-majority, static-quorum, keep-oldest, ...).</summary>
    public required string DowningStrategy { get; init; }
    /// <summary>How long the membership must be stable before the Split Brain Resolver downs the unreachable side.</summary>
    public required TimeSpan DowningStableAfter { get; init; }
    public required int MaxConcurrentHandOffs { get; init; }
    public required TimeSpan HandOffTimeout { get; init; }
    public required long MaxFrame { get; init; }
    public required long MaxQueuedPerPeer { get; init; }
    public required TimeSpan ReconnectMin { get; init; }
    public required TimeSpan ReconnectMax { get; init; }
    /// <summary>
    /// Akka.NET settings from the configuration's <c>akka { }</c> section (HOCON text): they override the
    /// ones the node derives from its own settings, except the node's identity (remoting address, roles,
    /// actor provider, serializers).
    /// </summary>
    public string AkkaOverrides { get; init; } = "";
    /// <summary>TEST ONLY: lets the node cut its links on request (Akka's throttler adapter; off in production).</summary>
    public bool EnableFaultInjection { get; init; }
}
