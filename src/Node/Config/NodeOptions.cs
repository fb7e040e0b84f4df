namespace QuorumCache.Node.Config;

/// <summary>
/// The node's settings, read once at start from configuration (hocon/node.conf &lt; environment &lt;
/// command line) by <see cref="NodeOptionsLoader"/>. Every default lives in hocon/node.conf, and only
/// there: code that needs options without a process (tests) takes <see cref="NodeOptionsLoader.Defaults"/>.
/// </summary>
public sealed class NodeOptions
{
    public string Bind { get; set; } = null!;
    public int Port { get; set; }
    public string DataDir { get; set; } = null!;
    public string? RequirePass { get; set; }
    public int MaxClients { get; set; }
    public long ProtoMaxBulkLen { get; set; }
    public int IdleTimeoutSeconds { get; set; }
    public int Hz { get; set; }
    public int ActiveExpireEffort { get; set; }
    public long PubSubOutputHardLimit { get; set; }
    public long PubSubOutputSoftLimit { get; set; }
    public int PubSubOutputSoftSeconds { get; set; }
    /// <summary>notify-keyspace-events at start (CONFIG SET changes the server's copy).</summary>
    public Notifications.KeyspaceEvents NotifyKeyspaceEvents { get; set; }
    // Encoding thresholds (hocon node.encoding; CONFIG SET changes them). Kept as set, so CONFIG GET
    // reports them exactly; EncodingLimits() clamps them to what the types use.
    /// <summary>zset-max-listpack-entries / -value: a sorted set converts to a skip list past these.</summary>
    public long ZSetMaxListpackEntries { get; set; }
    public long ZSetMaxListpackValue { get; set; }
    /// <summary>hash-max-listpack-entries / -value: a hash converts to a hash table past these.</summary>
    public long HashMaxListpackEntries { get; set; }
    public long HashMaxListpackValue { get; set; }
    /// <summary>set-max-intset-entries, set-max-listpack-entries / -value (Redis 7.2's set encodings).</summary>
    public long SetMaxIntsetEntries { get; set; }
    public long SetMaxListpackEntries { get; set; }
    public long SetMaxListpackValue { get; set; }
    /// <summary>list-max-listpack-size: negative = 4/8/16/32/64 KB for -1..-5, positive = entries.</summary>
    public int ListMaxListpackSize { get; set; }
    /// <summary>list-compress-depth: accepted and reported; lists are not compressed.</summary>
    public int ListCompressDepth { get; set; }
    /// <summary>hll-sparse-max-bytes: past this size a sparse HyperLogLog converts to dense.</summary>
    public long HllSparseMaxBytes { get; set; }

    public Storage.Types.EncodingLimits EncodingLimits() => new()
    {
        ZSetMaxListpackEntries = Storage.Types.EncodingLimits.Clamp(ZSetMaxListpackEntries),
        ZSetMaxListpackValue = Storage.Types.EncodingLimits.Clamp(ZSetMaxListpackValue),
        HashMaxListpackEntries = Storage.Types.EncodingLimits.Clamp(HashMaxListpackEntries),
        HashMaxListpackValue = Storage.Types.EncodingLimits.Clamp(HashMaxListpackValue),
        SetMaxIntsetEntries = Storage.Types.EncodingLimits.Clamp(SetMaxIntsetEntries),
        SetMaxListpackEntries = Storage.Types.EncodingLimits.Clamp(SetMaxListpackEntries),
        SetMaxListpackValue = Storage.Types.EncodingLimits.Clamp(SetMaxListpackValue),
        ListMaxListpackSize = ListMaxListpackSize,
        HllSparseMaxBytes = HllSparseMaxBytes,
    };

    /// <summary>SLOWLOG: handlers running at least this many microseconds are logged (negative: none, 0: all).</summary>
    public long SlowlogLogSlowerThan { get; set; }
    /// <summary>SLOWLOG: entries kept.</summary>
    public int SlowlogMaxLen { get; set; }

    /// <summary>Run socket completions (and so whole commands) on the socket engine threads.</summary>
    public bool InlineSocketCompletions { get; set; }
    /// <summary>Size of the blocks sockets read into and replies are written into.</summary>
    public int IoBlockSize { get; set; }

    // Cluster
    /// <summary>Members to ask to join at start ("host:port"); empty forms a cluster of its own.</summary>
    public string[] Join { get; set; } = [];
    /// <summary>Cluster bus port (Akka remoting); 0 = client port + 10000, as Redis Cluster.</summary>
    public int BusPort { get; set; }
    public int EffectiveBusPort => BusPort > 0 ? BusPort : Port + 10000;
    /// <summary>Data-link port (slot hand-off and pub/sub frames); 0 = client port + 20000.</summary>
    public int DataPort { get; set; }
    public int EffectiveDataPort => DataPort > 0 ? DataPort : Port + 20000;
    public string? AnnounceHost { get; set; }

    /// <summary>Longest a graceful leave waits for the node's slots to move away before it exits anyway.</summary>
    public TimeSpan DrainTimeout { get; set; }

    /// <summary>Longest a command for a slot in hand-off is held before -TRYAGAIN.</summary>
    public int HandOffHoldMs { get; set; }

    /// <summary>Test-only: allows DEBUG fault-injection commands (link cuts). Never enable in production.</summary>
    public bool EnableFaultInjection { get; set; }

    /// <summary>The whole configuration, for settings read by the parts that own them (cluster timing).</summary>
    public Config.TypedConfig Config { get; set; } = null!;
}
