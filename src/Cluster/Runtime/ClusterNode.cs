using System.Collections.Immutable;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Remote;
using Akka.Remote.Transport;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.DataLink;
using QuorumCache.Cluster.Map;
using AkkaCluster = Akka.Cluster.Cluster;
using AkkaMember = Akka.Cluster.Member;
using AkkaStatus = Akka.Cluster.MemberStatus;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// One node's membership in the cluster. Akka.Cluster runs membership, failure detection and downing
/// (Split Brain Resolver); a cluster singleton makes one node the coordinator, which numbers every map
/// change and sends it to the others. A single loop thread owns the map and everything the coordinator
/// decides; actor messages, proposals and ticks are queued to it, so none of that state needs locks.
/// The map is published as an immutable object (<see cref="Map"/>) and <see cref="MapChanged"/> fires
/// on the loop thread after each step that changed it.
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable
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
    private IDataLinks? _bus;
    private int _dataPort;

    // The current actor system (replaced when this node was downed and rejoins). Loop thread only,
    // except _system/_cluster which other threads read for reporting.
    private volatile ActorSystem? _system;
    private volatile AkkaCluster? _cluster;
    private IActorRef _mapActor = ActorRefs.Nobody;
    private IActorRef _proxy = ActorRefs.Nobody;
    private int _incarnation;
    private long _restartAtMs = -1;
    private volatile ImmutableHashSet<string> _reachable = ImmutableHashSet<string>.Empty;
    private volatile ImmutableHashSet<string> _live = ImmutableHashSet<string>.Empty;
    private readonly HashSet<string> _blocked = new(StringComparer.Ordinal);

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
    public IDataLinks? DataLinks => _bus;

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

    /// <summary>Members as Akka.Cluster sees them from here, for CLUSTER LINKS-like reports.</summary>
    public IReadOnlyList<(string NodeId, string Address, string Status, bool Reachable)> AkkaMembers()
    {
        var c = _cluster;
        if (c is null) return [];
        var st = c.State;
        var list = new List<(string, string, string, bool)>();
        foreach (var m in st.Members)
            if (IdOf(m) is { } id)
                list.Add((id, m.Address.ToString(), m.Status.ToString(), !st.Unreachable.Contains(m)));
        return list;
    }

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
            seeds = _map.Members.Values.Where(m => m.Id != MyId).ToList();
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
        StartActorSystem(seeds);
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

    public Member Me(MemberState state) => new(MyId, _options.Host, _options.Port, BusPort, _dataPort, state);

    private async Task StartDataLinksAsync(string clusterId, CancellationToken ct)
    {
        var bus = new TcpDataLinks(new DataLinkOptions
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
        await bus.StartAsync(ct).ConfigureAwait(false);
        _dataPort = bus.BoundPort;
        foreach (var m in _map.Members.Values)
            if (m.Id != MyId) bus.SetPeerAddress(m.Id, m.Host, m.DataPort);
        _bus = bus;
        DataLinksReady?.Invoke(bus);
    }

    /// <summary>Fires once the data links are up (other parts register their channel handlers then).</summary>
    public event Action<IDataLinks>? DataLinksReady;

    // ---- the actor system ----

    private void StartActorSystem(IReadOnlyList<Member> seeds)
    {
        var incarnation = ++_incarnation;
        var config = AkkaSettings.Build(_options with { BusPort = _system is null ? _options.BusPort : BusPort }, MyId, _dataPort);
        var system = ActorSystem.Create(AkkaSettings.SystemName, config);
        var cluster = AkkaCluster.Get(system);
        _mapActor = system.ActorOf(Props.Create(() => new MapActor(this, incarnation)), "map");
        system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new CoordinatorActor(this, incarnation)), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "coordinator");
        _proxy = system.ActorOf(ClusterSingletonProxy.Props("/user/coordinator", ClusterSingletonProxySettings.Create(system)), "coordinator-proxy");
        _system = system;
        _cluster = cluster;
        foreach (var id in _blocked) ApplyBlock(id, true);
        var protocol = cluster.SelfAddress.Protocol;
        // Seeds in id order; the lowest id of the members lists itself first, so after a whole-cluster
        // restart it forms the cluster (after asking the others for seed-node-timeout) and the rest join it.
        var addresses = seeds.OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => new Address(protocol, AkkaSettings.SystemName, m.Host, m.BusPort)).ToList();
        if (addresses.Count == 0) cluster.Join(cluster.SelfAddress);
        else
        {
            if (seeds.All(m => string.CompareOrdinal(MyId, m.Id) < 0) && _map.Members.ContainsKey(MyId)) addresses.Insert(0, cluster.SelfAddress);
            cluster.JoinSeedNodes(addresses);
        }
        _ = system.WhenTerminated.ContinueWith(_ => Post(() => OnSystemTerminated(incarnation)), TaskScheduler.Default);
        LogAkkaStarted(_log, cluster.SelfAddress.ToString(), addresses.Count);
    }

    /// <summary>The actor system stopped without being asked to: this node was downed. Stop serving, rejoin soon.</summary>
    private void OnSystemTerminated(int incarnation)
    {
        if (incarnation != _incarnation || _stop.IsCancellationRequested || _leaving) return;
        _canServe = false;
        _isBootstrapping = false;
        IsCoordinator = false;
        _reachable = ImmutableHashSet<string>.Empty;
        _restartAtMs = NowMs + 1000;
        LogDowned(_log);
    }

    private static string? IdOf(AkkaMember m)
    {
        foreach (var r in m.Roles)
            if (AkkaSettings.TryParseRole(r, out var id, out _, out _)) return id;
        return null;
    }

    private static bool IsLive(AkkaStatus s) => s is AkkaStatus.Up or AkkaStatus.Leaving or AkkaStatus.Exiting or AkkaStatus.WeaklyUp;

    /// <summary>Reads Akka's view: who is reachable, and whether this node is with the majority.</summary>
    private void UpdateView()
    {
        var cluster = _cluster;
        if (cluster is null || _system is null || _system.WhenTerminated.IsCompleted)
        {
            _canServe = false;
            return;
        }
        var st = cluster.State;
        var live = 0;
        var reachable = 0;
        var ids = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var liveIds = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var m in st.Members)
        {
            if (!IsLive(m.Status)) continue;
            live++;
            var id = IdOf(m);
            if (id is not null) liveIds.Add(id);
            if (st.Unreachable.Contains(m)) continue;
            reachable++;
            if (id is not null) ids.Add(id);
        }
        _reachable = ids.ToImmutable();
        _live = liveIds.ToImmutable();
        var self = cluster.SelfMember.Status;
        var upHere = self is AkkaStatus.Up or AkkaStatus.Leaving;
        if (upHere) _isBootstrapping = false;
        _canServe = upHere && reachable * 2 > live && _map.IsBootstrapped;
    }

    /// <summary>Queues work for the cluster loop.</summary>
    public void Post(Action work) => _work.Writer.TryWrite(work);

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(10);
        var nextCoordinator = 0L;
        var nextHeartbeat = 0L;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    wait.CancelAfter(tick);
                    try
                    {
                        await _work.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                    }
                }
                while (_work.Reader.TryRead(out var item)) item();
                var now = NowMs;
                if (_restartAtMs >= 0 && now >= _restartAtMs)
                {
                    _restartAtMs = -1;
                    StartActorSystem(_map.Members.Values.Where(m => m.Id != MyId).ToList());
                }
                UpdateView();
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
                MigrationTick?.Invoke(now);
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
    public event Action<long>? MigrationTick;

    private void AfterStep(long now)
    {
        if (_mapDirty)
        {
            _mapDirty = false;
            _saveDirty = true;
            OnMapApplied(_map);
            MapChanged?.Invoke(_map);
        }
        if (_saveDirty && now - _lastSaveMs >= 200)
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
        if (_bus is null) return;
        foreach (var m in map.Members.Values)
            if (m.Id != MyId) _bus.SetPeerAddress(m.Id, m.Host, m.DataPort);
        foreach (var p in _bus.GetPeers())
            if (!map.Members.ContainsKey(p.NodeId)) _bus.RemovePeer(p.NodeId);
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

    // ---- fault injection (test only) ----

    /// <summary>TEST ONLY: drops all traffic (Akka and data links) to and from a member while blocked.</summary>
    public void SetLinkBlocked(string nodeId, bool blocked)
    {
        if (!_options.EnableFaultInjection) throw new InvalidOperationException("fault injection is disabled");
        Post(() =>
        {
            if (blocked) _blocked.Add(nodeId);
            else _blocked.Remove(nodeId);
            ApplyBlock(nodeId, blocked);
        });
    }

    /// <summary>TEST ONLY: unblocks every link.</summary>
    public void HealLinks() => Post(() =>
    {
        foreach (var id in _blocked.ToList()) ApplyBlock(id, false);
        _blocked.Clear();
    });

    private void ApplyBlock(string nodeId, bool blocked)
    {
        _bus?.SetLinkBlocked(nodeId, blocked);
        if (_system is not ExtendedActorSystem sys || _map.Find(nodeId) is not { } m || !_options.EnableFaultInjection) return;
        var address = new Address(_cluster!.SelfAddress.Protocol, AkkaSettings.SystemName, m.Host, m.BusPort);
        var transport = ((RemoteActorRefProvider)sys.Provider).Transport;
        _ = transport.ManagementCommand(new SetThrottle(address, ThrottleTransportAdapter.Direction.Both,
            blocked ? Blackhole.Instance : Unthrottled.Instance));
    }

    /// <summary>
    /// TEST ONLY: stops this node the way a crash would, as far as the others can tell: the actor
    /// system goes away without leaving the cluster, and nothing is restarted.
    /// </summary>
    internal async Task CrashForTestsAsync()
    {
        _leaving = true;
        if (_system is { } system) await system.Terminate().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _canServe = false;
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
        if (_bus is not null) await _bus.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "formed a new cluster {ClusterId} as node {NodeId}")]
    private static partial void LogBootstrap(ILogger logger, string nodeId, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster bus (Akka) at {Address}, joining through {Seeds} seed(s)")]
    private static partial void LogAkkaStarted(ILogger logger, string address, int seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "this node was downed by the cluster (or lost it): not serving; rejoining in 1 s")]
    private static partial void LogDowned(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster loop step failed")]
    private static partial void LogLoopError(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not save the cluster map: {Error}")]
    private static partial void LogSaveFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "leaving the Akka cluster took too long; terminating the actor system")]
    private static partial void LogLeaveTimeout(ILogger logger);
}
