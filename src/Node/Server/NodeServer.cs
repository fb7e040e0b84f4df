using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Config;
using QuorumCache.Node.Storage;
using QuorumCache.Resp;

namespace QuorumCache.Node.Server;

/// <summary>The state one node process serves: keyspace, command table, clients, routing, counters.</summary>
public sealed partial class NodeServer
{
    private readonly ILogger _log;

    /// <param name="requestShutdown">What SHUTDOWN calls (the host stops the application); null: nothing.</param>
    public NodeServer(NodeOptions options, TimeProvider? clock = null, ILoggerFactory? loggers = null, Action? requestShutdown = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        _log = loggers.CreateLogger<NodeServer>();
        _requestShutdown = requestShutdown;
        Options = options;
        Clock = clock ?? TimeProvider.System;
        StartTime = Clock.GetUtcNow();
        Keyspace = new Keyspace();
        Commands = CommandRegistry.Build();
        Dispatcher = new Dispatcher(this);
        Limits = new RespLimits { MaxBulkLength = options.ProtoMaxBulkLen };
        Internal = new InternalExecutor(this);
        SetNotifyFlags(options.NotifyKeyspaceEvents);
        Encoding = options.EncodingLimits();
        RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        Blocking = new Blocking.BlockingHub(this);
        PubSub = new Messaging.PubSubHub(this, loggers.CreateLogger<Messaging.PubSubHub>());
    }

    private readonly Action? _requestShutdown;

    /// <summary>Channels, patterns, shard channels and monitors of this node's clients.</summary>
    public Messaging.PubSubHub PubSub { get; }

    /// <summary>Clients blocked on keys (BLPOP and the like).</summary>
    public Blocking.BlockingHub Blocking { get; }

    /// <summary>
    /// The node's cluster part, attached by the host once the client port is bound (null before, and in
    /// tests that run a server without one). CLUSTER commands and INFO read it.
    /// </summary>
    public Clustering.ClusterService? Cluster { get; private set; }

    public void AttachCluster(Clustering.ClusterService cluster) => Cluster = cluster;

    public NodeOptions Options { get; }

    /// <summary>Runs background work (expiry, replay) on the keyspace.</summary>
    public InternalExecutor Internal { get; }
    public TimeProvider Clock { get; }
    public DateTimeOffset StartTime { get; }
    public string RunId { get; }
    public Keyspace Keyspace { get; }
    public CommandTable Commands { get; }
    public Dispatcher Dispatcher { get; }
    public ServerStats Stats { get; } = new();

    /// <summary>Error replies sent to clients, by code (INFO errorstats).</summary>
    public ErrorStats ErrorStats { get; } = new();
    public ClientRegistry Clients { get; } = new();
    /// <summary>What the command reader accepts from an authenticated client (CONFIG SET proto-max-bulk-len swaps it).</summary>
    public RespLimits Limits
    {
        get => _limits;
        [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_limits), nameof(UnauthenticatedLimits))]
        set
        {
            _limits = value;
            UnauthenticatedLimits = value.ForUnauthenticated();
        }
    }

    private RespLimits _limits;

    /// <summary>The same limits with Redis's caps for a client that has not authenticated yet.</summary>
    public RespLimits UnauthenticatedLimits { get; private set; }
    public ISlotRouter Router { get; set; } = LocalRouter.Instance;
    /// <summary>Where writes' effects go (the hand-off of the slots moving away); null: nowhere.</summary>
    public IEffectSink? Effects { get; set; }
    public DateTimeOffset LastSave { get; set; }

    /// <summary>
    /// The event classes that publish keyspace notifications now (none unless K or E is set). A
    /// plain field: with notifications off a write pays one read and one branch.
    /// </summary>
    public Notifications.KeyspaceEvents NotifyMask;

    /// <summary>notify-keyspace-events as set (CONFIG GET formats it).</summary>
    public Notifications.KeyspaceEvents NotifyFlags { get; private set; }

    public void SetNotifyFlags(Notifications.KeyspaceEvents flags)
    {
        NotifyFlags = flags;
        NotifyMask = Notifications.KeyspaceEventsText.ActiveClasses(flags);
    }

    /// <summary>The encoding conversion thresholds now in force (CONFIG SET swaps it).</summary>
    public Storage.Types.EncodingLimits Encoding { get; set; }

    public bool RequiresPassword => !string.IsNullOrEmpty(Options.RequirePass);

    /// <summary>A client disconnected: it leaves its subscriptions.</summary>
    public void ClientClosed(ClientSession session) => PubSub.OnClosed(session);

    /// <summary>RESET: the client leaves pub/sub.</summary>
    public void ResetClient(ClientSession session) => PubSub.OnReset(session);

    /// <summary>SHUTDOWN: asks the host to stop (it drains the node first).</summary>
    public void RequestShutdown() => _requestShutdown?.Invoke();

    /// <summary>A command handler threw: counted (INFO errorstats's ERR and stats's command_faults) and logged.</summary>
    public void ReportCommandFault(ClientSession session, string command, Exception ex)
    {
        Interlocked.Increment(ref Stats.CommandFaults);
        LogCommandFault(_log, ex, command, session.Id);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "command '{Command}' of client {Id} failed inside the server; the client got an error and the node goes on")]
    private static partial void LogCommandFault(ILogger logger, Exception ex, string command, long id);

    /// <summary>SLOWLOG entries.</summary>
    public SlowLog SlowLog { get; } = new();

    /// <summary>INFO's instantaneous rates, sampled by the node's lifetime service.</summary>
    public InstantaneousMetrics Metrics { get; } = new();

    /// <summary>Bytes of commands read from clients, closed ones included.</summary>
    public long NetInputBytes
    {
        get
        {
            var n = Interlocked.Read(ref Stats.NetInputBytes);
            foreach (var c in Clients.All) n += Volatile.Read(ref c.NetInput);
            return n;
        }
    }

    /// <summary>Bytes of replies and pushes written to clients, closed ones included.</summary>
    public long NetOutputBytes
    {
        get
        {
            var n = Interlocked.Read(ref Stats.NetOutputBytes);
            foreach (var c in Clients.All) n += c.Writer.Position;
            return n;
        }
    }

    public long TotalCommands
    {
        get
        {
            var n = Interlocked.Read(ref Stats.CommandsOfClosedClients);
            foreach (var c in Clients.All) n += c.CommandsProcessed;
            return n;
        }
    }
}
