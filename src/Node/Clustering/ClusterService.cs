using Microsoft.Extensions.Logging;
using QuorumCache.Node.Config;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Node.Messaging;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// Owns the node's <see cref="ClusterNode"/>: builds its options from the configuration, starts it once
/// the client port is bound, installs the cluster router, the hand-off machinery and the pub/sub bridge, and on shutdown
/// drains the node (its slots move away first) before leaving.
/// </summary>
public sealed partial class ClusterService : IAsyncDisposable
{
    private readonly NodeServer _server;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;

    public ClusterService(NodeServer server, ILoggerFactory loggers)
    {
        _server = server;
        _loggers = loggers;
        _log = loggers.CreateLogger<ClusterService>();
    }

    public ClusterNode Node { get; private set; } = null!;
    public ClusterRouter Router { get; private set; } = null!;
    public SlotHandOff HandOff { get; private set; } = null!;

    private PubSubBridge? _pubSub;
    private int _boundPort;
    private readonly SemaphoreSlim _restart = new(1, 1);

    /// <summary>
    /// CLUSTER MEET from a member of another cluster: a node that is alone and holds no keys leaves its
    /// own one-node cluster and joins through the inviter, as if started with --join.
    /// Returns an error text, or null when the join has started.
    /// </summary>
    public string? AcceptInvite(string host, int port)
    {
        var map = Node.Map;
        if (map.Members.Count > 1) return "ERR this node is already a member of a cluster with other nodes";
        if (_server.Keyspace.Count > 0) return "ERR this node holds keys; only an empty node can be invited (use --join on a fresh data directory)";
        _ = Task.Run(async () =>
        {
            await _restart.WaitAsync();
            try
            {
                await Node.DisposeAsync();
                foreach (var f in new[] { "cluster.id", "cluster-map.bin" })
                    File.Delete(Path.Combine(_server.Options.DataDir, f));
                _server.Options.Join = [$"{host}:{port}"];
                await StartAsync(_boundPort, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogInviteFailed(_log, ex);
            }
            finally
            {
                _restart.Release();
            }
        });
        return null;
    }

    /// <summary>The cluster runtime's settings, from the node's configuration (every default in hocon/node.conf).</summary>
    public static ClusterNodeOptions ClusterSettings(NodeOptions o, string host, int port, int busPort, int dataPort)
    {
        var c = o.Config;
        const string cl = "quorumcache.cluster.", dl = "quorumcache.data-links.";
        var strategy = c.GetString(cl + "downing.strategy");
        if (strategy is not ("keep-majority" or "keep-oldest" or "down-all"))
            throw new InvalidOperationException($"quorumcache.cluster.downing.strategy: '{strategy}' is not one of keep-majority, keep-oldest, down-all");
        return new ClusterNodeOptions
        {
            DataDir = o.DataDir,
            Host = host,
            Port = port,
            BusPort = busPort,
            DataPort = dataPort,
            Join = o.Join,
            FailureDetector = new FailureDetectorOptions
            {
                HeartbeatInterval = c.GetDuration(cl + "failure-detector.heartbeat-interval"),
                Threshold = c.GetDouble(cl + "failure-detector.threshold"),
                AcceptableHeartbeatPause = c.GetDuration(cl + "failure-detector.acceptable-heartbeat-pause"),
                MinStdDeviation = c.GetDuration(cl + "failure-detector.min-std-deviation"),
            },
            DowningStrategy = strategy,
            DowningStableAfter = c.GetDuration(cl + "downing.stable-after"),
            MaxConcurrentHandOffs = c.GetInt(cl + "max-concurrent-hand-offs", 1, 4096),
            HandOffTimeout = c.GetDuration(cl + "hand-off-timeout"),
            MaxFrame = c.GetSize(dl + "max-frame"),
            MaxQueuedPerPeer = c.GetSize(dl + "max-queued-per-peer"),
            ReconnectMin = c.GetDuration(dl + "reconnect-min"),
            ReconnectMax = c.GetDuration(dl + "reconnect-max"),
            EnableFaultInjection = o.EnableFaultInjection,
            AkkaOverrides = c.AkkaHocon(),
        };
    }

    public async Task StartAsync(int boundPort, CancellationToken ct)
    {
        _boundPort = boundPort;
        var o = _server.Options;
        var host = o.AnnounceHost ?? o.Bind.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        if (host is "0.0.0.0" or "::") host = "127.0.0.1";
        // Ports: explicit, else derived from the client port (as Redis's bus port), else (client port 0,
        // tests) picked by the listeners themselves.
        var busPort = o.BusPort > 0 || o.Port > 0 ? o.EffectiveBusPort : 0;
        var dataPort = o.DataPort > 0 || o.Port > 0 ? o.EffectiveDataPort : 0;
        if (busPort > 65535 || dataPort > 65535)
            throw new InvalidOperationException($"client port {o.Port} + 10000/20000 is above 65535: set quorumcache.node.bus-port and data-port (--bus-port, --data-port)");
        var options = ClusterSettings(o, host, boundPort, busPort, dataPort);
        var node = new ClusterNode(options, _loggers, _server.Clock);
        Router = new ClusterRouter(node);
        HandOff = new SlotHandOff(_server, node, Router, _loggers.CreateLogger<SlotHandOff>());
        Router.HandOff = HandOff.Protocol;
        {
            var hub = _server.PubSub;
            _pubSub?.Detach();
            _pubSub = new PubSubBridge(node, hub, (int)Math.Min(options.MaxFrame, int.MaxValue), _loggers.CreateLogger<PubSubBridge>());
            hub.Forwarder = _pubSub;
        }
        // StartAsync decides synchronously, before its first await, whether this node forms a cluster
        // (and then serves every slot at once): install the router only once that is known, and answer
        // CLUSTER commands (Node set) only once the router is in place.
        var starting = node.StartAsync(ct);
        _server.Router = Router;
        Node = node;
        await starting;
        LogStarted(_log, Node.MyId, host, boundPort, node.BusPort, node.DataPort);
    }

    public async ValueTask DisposeAsync()
    {
        if (ReferenceEquals(_server.PubSub.Forwarder, _pubSub)) _server.PubSub.Forwarder = null;
        _pubSub?.Detach();
        if (Node is not null) await Node.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "joining through CLUSTER MEET failed")]
    private static partial void LogInviteFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster node {NodeId} at {Host}:{Port}, bus port {BusPort}, data port {DataPort}")]
    private static partial void LogStarted(ILogger logger, string nodeId, string host, int port, int busPort, int dataPort);
}
