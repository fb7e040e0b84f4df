using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.DataLink;
using QuorumCache.Cluster.Map;
using QuorumCache.Cluster.Membership;
using QuorumCache.Cluster.Raft;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// One node's membership in the cluster. A single loop thread owns the Raft node and everything the
/// coordinator decides; bus frames, proposals and ticks are queued to it, so none of that state
/// needs locks. The committed map is published as an immutable object (<see cref="Map"/>) and
/// <see cref="MapChanged"/> fires on the loop thread after each batch of applied entries.
/// </summary>
public sealed partial class ClusterNode : IAsyncDisposable, IRaftOutbox, IRaftStateMachine
{
    private readonly ClusterNodeOptions _options;
    private readonly ILogger _log;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly FileRaftStorage _storage;
    private RaftNode _raft = null!;
    private IClusterBus? _bus;
    private HeartbeatMonitor? _heartbeats;
    private Task? _loop;
    private ClusterMap _map = ClusterMap.Empty;
    private bool _mapDirty;
    private long _lastLeaderContactMs = long.MinValue / 2;
    private volatile bool _canServe;
    private string? _savedPeers; // members.txt as last written (loop thread only)

    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _options = options;
        _loggers = loggers;
        _log = loggers.CreateLogger<ClusterNode>();
        _time = time ?? TimeProvider.System;
        Identity = NodeIdentity.LoadOrCreate(options.DataDir);
        _storage = new FileRaftStorage(Path.Combine(options.DataDir, "raft"));
    }

    public NodeIdentity Identity { get; }
    public string MyId => Identity.NodeId;
    public ClusterNodeOptions Options => _options;

    /// <summary>The committed map, as applied on this node.</summary>
    public ClusterMap Map => Volatile.Read(ref _map);

    /// <summary>Fires (on the cluster loop) after the map changed.</summary>
    public event Action<ClusterMap>? MapChanged;

    /// <summary>
    /// True while this node can prove it is in contact with the cluster's majority. A node forming its
    /// own cluster is the whole majority: it serves from the start, including the loop step that applies
    /// its first entry (the map is published mid-step, the flag is recomputed at the step's end).
    /// </summary>
    public bool CanServe => _isBootstrapping || _canServe; // this order: AfterStep sets _canServe before clearing _isBootstrapping

    public bool IsLeader { get; private set; }
    public string? LeaderId { get; private set; }
    public long Term { get; private set; }
    public RaftConfiguration RaftConfiguration { get; private set; } = RaftConfiguration.Empty;

    /// <summary>True for a node that formed its own cluster and has not yet committed the map.</summary>
    public bool IsBootstrapping
    {
        get => _isBootstrapping;
        private set => _isBootstrapping = value;
    }

    private volatile bool _isBootstrapping;

    public IDataLinks? Bus => _bus;

    public long NowMs => (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency);

    /// <summary>Local view of whether a member answers heartbeats (for "fail?" flags and CLUSTER LINKS).</summary>
    public bool IsReachable(string nodeId) => nodeId == MyId || (_heartbeats?.IsAvailable(nodeId) ?? false);

    /// <summary>Starts the node: resumes its Raft state, or forms a new cluster, or joins one.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        var state = _storage.Load();
        var fresh = state.CurrentTerm == 0 && state.Entries.Count == 0 && state.SnapshotMeta is null;
        _raft = new RaftNode(_options.Raft, _storage, this, new Random(), MyId, this);
        if (Identity.ClusterId is not null)
        {
            // Once a member, always a member of that cluster: never form a new one (even if the Raft state
            // is empty because the node died before its first entry arrived). Reach the members this node
            // last knew of so the leader's log can reach it; a node that never saw a map asks its seeds again.
            _joinPeers = KnownPeers.Load(_options.DataDir).Where(m => m.Id != MyId).ToList();
            _joining = fresh && _options.Join.Count > 0;
        }
        else if (_options.Join.Count == 0)
        {
            if (!fresh) throw new InvalidDataException("the data directory has Raft state but no cluster.id");
            Identity.SetClusterId(NodeIdentity.NewClusterId());
            _raft.Bootstrap();
            IsBootstrapping = true;
            LogBootstrap(_log, MyId, Identity.ClusterId!);
        }
        else
        {
            var (clusterId, peers) = await JoinViaSeedsAsync(ct).ConfigureAwait(false);
            Identity.SetClusterId(clusterId);
            _joinPeers = peers;
            _joining = true;
        }
        await StartBusAsync(Identity.ClusterId!, ct).ConfigureAwait(false);
        _loop = Task.Factory.StartNew(LoopAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    public Member Me(MemberState state) => new(MyId, _options.Host, _options.Port, _options.BusPort, state);

    private async Task StartBusAsync(string clusterId, CancellationToken ct)
    {
        var bus = new TcpDataLinks(new DataLinkOptions
        {
            NodeId = MyId,
            ClusterId = clusterId,
            BindAddress = System.Net.IPAddress.Parse(_options.BusBindAddress),
            Port = _options.BusPort,
            MaxFrameBytes = (int)Math.Min(_options.MaxBusFrame, int.MaxValue),
            MaxQueuedBytesPerPeer = _options.MaxQueuedPerPeer,
            ReconnectMinDelay = _options.ReconnectMin,
            ReconnectMaxDelay = _options.ReconnectMax,
        }, _loggers.CreateLogger<TcpDataLinks>(), _time);
        bus.SetHandler(DataChannel.Raft, OnRaftFrame);
        bus.SetHandler(DataChannel.Control, OnControlFrame);
        await bus.StartAsync(ct).ConfigureAwait(false);
        foreach (var m in _joinPeers) bus.SetPeerAddress(m.Id, m.Host, m.BusPort);
        if (_joining) _ = KeepJoiningAsync();
        _bus = bus;
        _heartbeats = new HeartbeatMonitor(bus, new PhiAccrualFailureDetector(_options.FailureDetector), _time, _options.HeartbeatInterval);
        _heartbeats.SetPeers(_joinPeers.Select(m => m.Id));
        _heartbeats.Start();
        BusReady?.Invoke(bus);
    }

    /// <summary>Fires once the bus is up (other parts register their channel handlers then).</summary>
    public event Action<IDataLinks>? BusReady;

    /// <summary>Queues work for the cluster loop.</summary>
    public void Post(Action work) => _work.Writer.TryWrite(work);

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(10);
        var nextCoordinator = 0L;
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
                _raft.Tick(now);
                if (now >= nextCoordinator)
                {
                    nextCoordinator = now + 100;
                    if (_raft.Role == RaftRole.Leader) Coordinate(now);
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
        IsLeader = _raft.Role == RaftRole.Leader;
        LeaderId = _raft.LeaderId;
        Term = _raft.CurrentTerm;
        RaftConfiguration = _raft.Configuration;
        if (IsLeader) _lastLeaderContactMs = now;
        var serve = IsLeader ? _raft.HasQuorumContact(now) : now - _lastLeaderContactMs <= _options.Raft.ElectionTimeoutMaxMs;
        _canServe = serve && _map.IsBootstrapped;
        if (_mapDirty)
        {
            _mapDirty = false;
            IsBootstrapping = false;
            OnMapApplied(_map);
            MapChanged?.Invoke(_map);
        }
    }

    // ---- Raft plumbing ----

    void IRaftOutbox.Send(string to, RaftMessage message) => _bus?.Send(to, BusChannel.Raft, RaftMessageCodec.Serialize(message));

    private void OnRaftFrame(string from, BusChannel channel, ReadOnlyMemory<byte> payload)
    {
        RaftMessage m;
        try
        {
            m = RaftMessageCodec.Deserialize(payload.Span);
        }
        catch (RaftFormatException ex)
        {
            LogBadFrame(_log, from, ex.Message);
            return;
        }
        Post(() =>
        {
            if (m is AppendEntries or InstallSnapshot) _lastLeaderContactMs = NowMs;
            _raft.Receive(m, NowMs);
        });
    }

    void IRaftStateMachine.Apply(long index, byte[] command)
    {
        ClusterCommand cmd;
        try
        {
            cmd = ClusterCommand.Decode(command);
        }
        catch (InvalidDataException ex)
        {
            LogBadEntry(_log, index, ex.Message);
            return;
        }
        Volatile.Write(ref _map, ClusterMapStateMachine.Apply(_map, index, cmd));
        _mapDirty = true;
        if (cmd.Op == ClusterOp.Bootstrap && _map.ClusterId.Length > 0) Identity.SetClusterId(_map.ClusterId);
    }

    byte[] IRaftStateMachine.Snapshot() => ClusterMapStateMachine.Snapshot(_map);

    void IRaftStateMachine.Restore(byte[] snapshot)
    {
        Volatile.Write(ref _map, ClusterMapStateMachine.Restore(snapshot));
        _mapDirty = true;
    }

    /// <summary>Every node: keep bus addresses and heartbeat peers in step with the members.</summary>
    private void OnMapApplied(ClusterMap map)
    {
        _savedPeers = KnownPeers.Save(_options.DataDir, map, _savedPeers);
        if (_bus is null) return;
        foreach (var m in map.Members.Values)
            if (m.Id != MyId) _bus.SetPeerAddress(m.Id, m.Host, m.BusPort);
        foreach (var p in _bus.GetPeers())
            if (!map.Members.ContainsKey(p.NodeId)) _bus.RemovePeer(p.NodeId);
        _heartbeats?.SetPeers(map.Members.Keys.Where(id => id != MyId));
    }

    // ---- proposals ----

    /// <summary>Proposes a map change: directly when leader, otherwise forwarded to the leader. Fire and forget.</summary>
    public void Propose(ClusterCommand cmd) => Post(() => ProposeLocal(cmd));

    private void ProposeLocal(ClusterCommand cmd)
    {
        if (_raft.Role == RaftRole.Leader)
        {
            _raft.Propose(cmd.Encode(), NowMs);
            return;
        }
        if (_raft.LeaderId is { } leader && leader != MyId) _bus?.Send(leader, BusChannel.Control, ControlMessage.Propose(cmd));
    }

    private void OnControlFrame(string from, BusChannel channel, ReadOnlyMemory<byte> payload)
    {
        try
        {
            var (kind, cmd) = ControlMessage.Decode(payload.Span);
            if (kind == ControlKind.Propose && cmd is not null) Post(() => ProposeLocal(cmd));
        }
        catch (InvalidDataException ex)
        {
            LogBadFrame(_log, from, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        _heartbeats?.Dispose();
        if (_bus is not null) await _bus.DisposeAsync().ConfigureAwait(false);
        _storage.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "formed a new cluster {ClusterId} as node {NodeId}")]
    private static partial void LogBootstrap(ILogger logger, string nodeId, string clusterId);

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster loop step failed")]
    private static partial void LogLoopError(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped a malformed frame from {From}: {Error}")]
    private static partial void LogBadFrame(ILogger logger, string from, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Raft entry {Index} is not a cluster command: {Error}")]
    private static partial void LogBadEntry(ILogger logger, long index, string error);
}
