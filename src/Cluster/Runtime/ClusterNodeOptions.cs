namespace QuorumCache.Cluster.Runtime;

/// <summary>Akka.Cluster's failure detector (phi accrual over the heartbeats it sends between members).</summary>
public sealed record FailureDetectorOptions
{
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public double Threshold { get; init; } = 8;
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromMilliseconds(400);
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>Settings of the cluster runtime (read from hocon/node.conf by the node).</summary>
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
    public FailureDetectorOptions FailureDetector { get; init; } = new();
    /// <summary>The Split Brain Resolver's strategy (keep-majority, static-quorum, keep-oldest, ...).</summary>
    public string DowningStrategy { get; init; } = "keep-majority";
    /// <summary>How long the membership must be stable before the Split Brain Resolver downs the unreachable side.</summary>
    public TimeSpan DowningStableAfter { get; init; } = TimeSpan.FromMilliseconds(300);
    public int MaxConcurrentHandOffs { get; init; } = 128;
    public TimeSpan HandOffTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public long MaxFrame { get; init; } = 64L * 1024 * 1024;
    public long MaxQueuedPerPeer { get; init; } = 64L * 1024 * 1024;
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Akka.NET settings from the configuration's <c>akka { }</c> section (HOCON text): they override the
    /// ones the node derives from its own settings, except the node's identity (remoting address, roles,
    /// actor provider, serializers).
    /// </summary>
    public string AkkaOverrides { get; init; } = "";
    /// <summary>TEST ONLY: lets the node cut its links on request (Akka's throttler adapter; off in production).</summary>
    public bool EnableFaultInjection { get; init; }
}
