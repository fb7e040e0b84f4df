namespace QuorumCache.Node.Config;

/// <summary>
/// Reads the node's options: hocon/node.conf (shipped beside the binary) &lt; --config FILE &lt;
/// QUORUMCACHE_* environment variables &lt; command line. Unknown settings and bad values stop the
/// start with a <see cref="ConfigException"/> naming the file, line and key.
/// </summary>
public static class NodeOptionsLoader
{
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "node.conf");

    /// <summary>hocon/node.conf alone (no command line, no environment): for code that builds a server
    /// without a process around it (tests, benchmarks).</summary>
    public static NodeOptions Defaults() => Load([], new Dictionary<string, string>());

    public static NodeOptions Load(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var parsed = NodeCommandLine.Parse(args);
        if (parsed.ShowHelp) throw new HelpRequestedException(NodeCommandLine.Usage);
        var c = NodeConfigLoader.Load(DefaultsPath, parsed, environment);
        const string n = "quorumcache.node.", p = "quorumcache.pubsub.", cl = "quorumcache.cluster.", e = n + "encoding.";
        var o = new NodeOptions
        {
            Bind = c.GetString(n + "bind"),
            Port = c.GetInt(n + "port", 0, 65535),
            BusPort = c.GetInt(n + "bus-port", 0, 65535),
            DataPort = c.GetInt(n + "data-port", 0, 65535),
            DataDir = c.GetString(n + "data-dir"),
            RequirePass = c.GetStringOrNull(n + "requirepass") is { Length: > 0 } pw ? pw : null,
            MaxClients = c.GetInt(n + "maxclients", 1, 1_000_000),
            ProtoMaxBulkLen = c.GetSize(n + "proto-max-bulk-len"),
            IdleTimeoutSeconds = (int)c.GetDuration(n + "timeout").TotalSeconds,
            Hz = c.GetInt(n + "hz", 1, 500),
            SlowlogLogSlowerThan = c.GetLong(n + "slowlog-log-slower-than"),
            SlowlogMaxLen = c.GetInt(n + "slowlog-max-len", 0, int.MaxValue),
            ActiveExpireEffort = c.GetInt(n + "active-expire-effort", 1, 10),
            NotifyKeyspaceEvents = ParseNotify(c.GetString(n + "notify-keyspace-events")),
            ZSetMaxListpackEntries = c.GetLong(e + "zset-max-listpack-entries", 0, long.MaxValue),
            ZSetMaxListpackValue = c.GetSize(e + "zset-max-listpack-value"),
            HashMaxListpackEntries = c.GetLong(e + "hash-max-listpack-entries", 0, long.MaxValue),
            HashMaxListpackValue = c.GetSize(e + "hash-max-listpack-value"),
            SetMaxIntsetEntries = c.GetLong(e + "set-max-intset-entries", 0, long.MaxValue),
            SetMaxListpackEntries = c.GetLong(e + "set-max-listpack-entries", 0, long.MaxValue),
            SetMaxListpackValue = c.GetSize(e + "set-max-listpack-value"),
            ListMaxListpackSize = c.GetInt(e + "list-max-listpack-size"),
            ListCompressDepth = c.GetInt(e + "list-compress-depth", 0, int.MaxValue),
            HllSparseMaxBytes = c.GetSize(e + "hll-sparse-max-bytes"),
            InlineSocketCompletions = c.GetBool(n + "inline-socket-completions"),
            IoBlockSize = (int)Math.Min(c.GetSize(n + "io-block-size"), int.MaxValue),
            PubSubOutputHardLimit = c.GetSize(p + "output-hard-limit"),
            PubSubOutputSoftLimit = c.GetSize(p + "output-soft-limit"),
            PubSubOutputSoftSeconds = (int)c.GetDuration(p + "output-soft-seconds").TotalSeconds,
            Join = c.GetStringList(cl + "join").ToArray(),
            DrainTimeout = c.GetDuration(cl + "drain-timeout"),
            AnnounceHost = c.GetStringOrNull(cl + "announce-host") is { Length: > 0 } h ? h : null,
            HandOffHoldMs = (int)c.GetDuration(cl + "hand-off-hold").TotalMilliseconds,
            EnableFaultInjection = c.GetBool("quorumcache.testing.enable-fault-injection"),
            Config = c,
        };
        if (o.ProtoMaxBulkLen < 1024 * 1024)
            throw new ConfigException($"invalid value for 'quorumcache.node.proto-max-bulk-len': at least 1MB");
        if (o.IoBlockSize is < 4096 or > 1024 * 1024)
            throw new ConfigException($"invalid value for 'quorumcache.node.io-block-size': between 4KB and 1MB");
        return o;
    }

    private static Notifications.KeyspaceEvents ParseNotify(string text) =>
        Notifications.KeyspaceEventsText.TryParse(text, out var flags)
            ? flags
            : throw new ConfigException($"invalid value for 'quorumcache.node.notify-keyspace-events': Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
}

/// <summary>--help was given: print the usage and exit 0.</summary>
public sealed class HelpRequestedException(string usage) : Exception(usage);
