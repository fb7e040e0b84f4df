using System.Threading.Channels;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.DataLink;
using QuorumCache.Cluster.Map;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// One node's membership in the cluster. Akka.Cluster runs membership, failure detection and downing
/// (Split Brain Resolver); a cluster singleton makes one node the coordinator, which numbers every map
/// change and sends it to the others. A single loop thread owns the map and everything the coordinator
/// decides; actor messages, proposals and ticks are queued to it, so none of that state needs locks.
/// The map is published as an immutable object (<see cref="Map"/>) and <see cref="MapChanged"/> fires
/// on the loop thread after each step that changed it.
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable, HandOff.IHandOffCluster
{
    private const string MapFile = "cluster-map.bin";
    private readonly ClusterNodeOptions _options;
    private readonly ILogger _log;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private ClusterMap _map = ClusterMap.Empty;
    private long _term;
    private bool _mapDirty;
    private volatile bool _canServe;
    private volatile bool _isBootstrapping;
    private IDataLinks? _links;
    private int _dataPort;

    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _options = options;
        _loggers = loggers;
        _log = loggers.CreateLogger<ClusterNode>();
        _time = time ?? TimeProvider.System;
        Identity = NodeIdentity.LoadOrCreate(options.DataDir);
    }

    public NodeIdentity Identity { get; }
    public string MyId => Identity.NodeId;
    public ClusterNodeOptions Options => _options;

    /// <summary>The map as this node last applied it.</summary>
    public ClusterMap Map => Volatile.Read(ref _map);

    /// <summary>The coordinator term of <see cref="Map"/> (raised each time another node becomes coordinator).</summary>
    public long Term => Interlocked.Read(ref _term);

    /// <summary>Fires (on the cluster loop) after the map changed.</summary>
    public event Action<ClusterMap>? MapChanged;

    /// <summary>
    /// True while this node is a member in contact with the majority of the members it knows. A node
    /// forming its own cluster is the whole majority: it serves from the start, before Akka has made it Up.
    /// </summary>
    public bool CanServe => _isBootstrapping || _canServe;

    /// <summary>True for a node that formed (or resumed) a cluster of its own and is not yet Up in Akka.</summary>
    public bool IsBootstrapping => _isBootstrapping;

    /// <summary>True on the node that hosts the coordinator singleton.</summary>
    public bool IsCoordinator { get; private set; }

    /// <summary>The node id of the coordinator this node last heard from (null when none yet).</summary>
    public string? CoordinatorId { get; private set; }

    /// <summary>The data links (hand-off and pub/sub frames); null until started.</summary>
    public IDataLinks? DataLinks => _links;

    /// <summary>The ports this node actually listens on (after 0 = pick one).</summary>
    public int BusPort => _cluster?.SelfAddress.Port ?? _options.BusPort;
    public int DataPort => _dataPort;

    public long NowMs => (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency);

    /// <summary>Whether Akka's failure detector on this node considers the member reachable (for "fail?" flags).</summary>
    public bool IsReachable(string nodeId) => nodeId == MyId || _reachable.Contains(nodeId);

    /// <summary>
    /// True when Akka.Cluster no longer counts the member (downed by the Split Brain Resolver, removed, or
    /// not rejoined since a restart): the majority agreed it is gone, as Redis's "fail" flag means.
    /// </summary>
    public bool IsDowned(string nodeId) => nodeId != MyId && _cluster is not null && !_live.Contains(nodeId);

    /// <summary>Members with our role that Akka.Cluster has live and reachable from here (this node included).</summary>
    public int ReachableMembers => _reachable.Count;

    /// <summary>Starts the node: resumes its saved map, or forms a new cluster, or joins one.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        LoadSavedMap();
        IReadOnlyList<Member> seeds = [];
        var bootstrap = false;
        if (Identity.ClusterId is not null && (_map.IsBootstrapped || _options.Join.Count == 0))
        {
            // Once a member, always a member of that cluster: rejoin the members last known. A node that
            // was alone resumes alone and serves at once.
            seeds = OtherMembers();
            _isBootstrapping = seeds.Count == 0 && _map.IsBootstrapped;
            bootstrap = !_map.IsBootstrapped;
        }
        else if (_options.Join.Count == 0)
        {
            Identity.SetClusterId(NodeIdentity.NewClusterId());
            bootstrap = true;
            _isBootstrapping = true; // serves every slot from now on (decided before the first await)
        }
        else
        {
            var (clusterId, peers) = await JoinViaSeedsAsync(ct).ConfigureAwait(false);
            Identity.SetClusterId(clusterId);
            seeds = peers;
        }
        await StartDataLinksAsync(Identity.ClusterId!, ct).ConfigureAwait(false);
        StartActorSystem(seeds, mayFormAlone: true);
        if (bootstrap)
        {
            // A new cluster: this node owns every slot from the first moment (term 1, version 1).
            _term = 1;
            _map = ClusterMapStateMachine.Apply(ClusterMap.Empty, 1,
                new ClusterCommand { Op = ClusterOp.Bootstrap, ClusterId = Identity.ClusterId!, Member = Me(MemberState.Up) });
            _mapDirty = true;
            _isBootstrapping = true;
            LogBootstrap(_log, MyId, Identity.ClusterId!);
        }
        _loop = Task.Factory.StartNew(LoopAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>The map's members other than this node.</summary>
    private List<Member> OtherMembers() => _map.Members.Values.Where(m => m.Id != MyId).ToList();

    public Member Me(MemberState state) => new(MyId, _options.Host, _options.Port, BusPort, _dataPort, state);

    private async Task StartDataLinksAsync(string clusterId, CancellationToken ct)
    {
        var links = new TcpDataLinks(new DataLinkOptions
        {
            NodeId = MyId,
            ClusterId = clusterId,
            BindAddress = System.Net.IPAddress.Parse(_options.Host),
            Port = _options.DataPort,
            MaxFrameBytes = (int)Math.Min(_options.MaxFrame, int.MaxValue),
            MaxQueuedBytesPerPeer = _options.MaxQueuedPerPeer,
            ReconnectMinDelay = _options.ReconnectMin,
            ReconnectMaxDelay = _options.ReconnectMax,
        }, _loggers.CreateLogger<TcpDataLinks>(), _time);
        await links.StartAsync(ct).ConfigureAwait(false);
        _dataPort = links.BoundPort;
        foreach (var m in OtherMembers()) links.SetPeerAddress(m.Id, m.Host, m.DataPort);
        _links = links;
        DataLinksReady?.Invoke(links);
    }

    /// <summary>Fires once the data links are up (other parts register their channel handlers then).</summary>
    public event Action<IDataLinks>? DataLinksReady;

    /// <summary>Queues work for the cluster loop.</summary>
    public void Post(Action work) => _work.Writer.TryWrite(work);

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(10);
        var nextCoordinator = 0L;
        var nextHeartbeat = 0L;
        // A step runs when work arrives, and at least every tick: the timer queues an empty item unless
        // one is still queued (cheaper than a cancelled wait per idle tick, which throws).
        var tickQueued = 0;
        Action tickItem = () => Volatile.Write(ref tickQueued, 0);
        using var ticker = _time.CreateTimer(_ =>
        {
            if (Interlocked.Exchange(ref tickQueued, 1) == 0) _work.Writer.TryWrite(tickItem);
        }, null, tick, tick);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _work.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false);
                while (_work.Reader.TryRead(out var item)) item();
                var now = NowMs;
                if (_restartAtMs >= 0 && now >= _restartAtMs)
                {
                    _restartAtMs = -1;
                    StartActorSystem(OtherMembers(), mayFormAlone: false);
                }
                UpdateView();
                RequestGroups(now);
                if (IsCoordinator)
                {
                    if (_recovering) CheckRecovery(now);
                    else
                    {
                        if (now >= nextCoordinator)
                        {
                            nextCoordinator = now + 100;
                            if (CanServe) Coordinate(now);
                        }
                        if (now >= nextHeartbeat)
                        {
                            nextHeartbeat = now + 250;
                            if (_outbox.Count == 0) Broadcast(new MapEntries(_term, _map.Version + 1, []));
                        }
                    }
                    FlushOutbox();
                }
                HandOffTick?.Invoke(now);
                AfterStep(now);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogLoopError(_log, ex);
            }
        }
    }

    /// <summary>Called on every loop step (about every 10 ms): hand-off progress and retries.</summary>
    public event Action<long>? HandOffTick;

    int HandOff.IHandOffCluster.Incarnation => Incarnation;

    void HandOff.IHandOffCluster.SendHandOffFrame(string nodeId, byte[] frame) => _links?.Send(nodeId, DataChannel.HandOff, frame);

    void HandOff.IHandOffCluster.ReceiveHandOffFrames(Action<string, ReadOnlyMemory<byte>> receiver)
    {
        void Attach(IDataLinks links) => links.SetHandler(DataChannel.HandOff, (from, _, payload) => receiver(from, payload));
        if (_links is { } now) Attach(now);
        DataLinksReady += Attach;
    }

    private void AfterStep(long now)
    {
        if (_mapDirty)
        {
            _mapDirty = false;
            _saveDirty = true;
            OnMapApplied(_map);
            MapChanged?.Invoke(_map);
        }
        // At most once a second (a rebalance changes the map dozens of times a second; each save
        // compresses the whole map and fsyncs): a restarted node pulls the newest map from the cluster
        // anyway, the saved one only tells it which cluster to rejoin and through whom.
        if (_saveDirty && now - _lastSaveMs >= 1000)
        {
            _saveDirty = false;
            _lastSaveMs = now;
            SaveMap();
        }
    }

    /// <summary>Every node: keep data-link addresses in step with the members.</summary>
    private void OnMapApplied(ClusterMap map)
    {
        if (map.ClusterId.Length > 0) Identity.SetClusterId(map.ClusterId);
        if (_links is null) return;
        foreach (var m in OtherMembers()) _links.SetPeerAddress(m.Id, m.Host, m.DataPort);
        foreach (var p in _links.GetPeers())
            if (!map.Members.ContainsKey(p.NodeId)) _links.RemovePeer(p.NodeId);
    }

    // ---- the map on disk (so a restarted node knows its cluster and whom to rejoin) ----

    private bool _saveDirty;
    private long _lastSaveMs = long.MinValue / 2;

    private void SaveMap()
    {
        var body = ClusterMapStateMachine.Snapshot(_map);
        var bytes = new byte[8 + body.Length];
        BitConverter.TryWriteBytes(bytes, _term);
        body.CopyTo(bytes, 8);
        try
        {
            DurableFile.WriteAtomically(Path.Combine(_options.DataDir, MapFile), bytes);
        }
        catch (IOException ex)
        {
            LogSaveFailed(_log, ex.Message);
        }
    }

    private void LoadSavedMap()
    {
        var path = Path.Combine(_options.DataDir, MapFile);
        if (!File.Exists(path)) return;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: truncated");
        _term = BitConverter.ToInt64(bytes, 0);
        _map = ClusterMapStateMachine.Restore(bytes[8..]);
        if (_map.IsBootstrapped && Identity.ClusterId is null) Identity.SetClusterId(_map.ClusterId);
    }

    // ---- leaving ----

    private volatile bool _leaving;

    public async ValueTask DisposeAsync()
    {
        _leaving = true;
        if (_system is { } system && !system.WhenTerminated.IsCompleted)
        {
            // Leave gracefully (the singleton moves to the next oldest member), bounded.
            try
            {
                await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance)
                    .WaitAsync(TimeSpan.FromSeconds(8)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogLeaveTimeout(_log);
                await system.Terminate().ConfigureAwait(false);
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        if (_saveDirty) SaveMap();
        if (_links is not null) await _links.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "formed a new cluster {ClusterId} as node {NodeId}")]
    private static partial void LogBootstrap(ILogger logger, string nodeId, string clusterId);



    [LoggerMessage(Level = LogLevel.Error, Message = "cluster loop step failed")]
    private static partial void LogLoopError(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not save the cluster map: {Error}")]
    private static partial void LogSaveFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "leaving the Akka cluster took too long; terminating the actor system")]
    private static partial void LogLeaveTimeout(ILogger logger);
}
