using Akka.Actor;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.Map;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// How the map travels. The coordinator applies each change itself, numbers it (the map's version)
/// and sends the batch of one loop step to every member's map actor; every 250 ms it sends an empty
/// batch as a heartbeat. A member applies a batch that continues its version; one that missed a batch,
/// or sees a newer coordinator term, pulls the whole map. A node that becomes coordinator first pulls
/// every reachable member's map, adopts the newest (highest term, then version), and then starts a new
/// term by sending that map to everyone: changes of an older coordinator are then ignored.
/// </summary>
public sealed partial class ClusterNode
{
    private readonly List<byte[]> _outbox = [];
    private long _outboxFrom;
    private bool _recovering;
    private long _recoverDeadline;
    private long _recoveredTermMax;
    private readonly HashSet<string> _pulledFrom = new(StringComparer.Ordinal);
    private readonly List<ClusterCommand> _deferred = [];
    private long _lastPullMs = long.MinValue / 2;

    /// <summary>Proposes a map change: applied at once on the coordinator, otherwise sent to it. Fire and forget.</summary>
    public void Propose(ClusterCommand cmd) => Post(() => ProposeLocal(cmd));

    private void ProposeLocal(ClusterCommand cmd)
    {
        if (IsCoordinator)
        {
            if (_recovering) _deferred.Add(cmd);
            else Commit(cmd);
            return;
        }
        _proxy.Tell(new ProposeChange(cmd.Encode()));
    }

    internal void OnProposal(byte[] command)
    {
        try
        {
            ProposeLocal(ClusterCommand.Decode(command));
        }
        catch (InvalidDataException ex)
        {
            LogBadMessage(_log, ex.Message);
        }
    }

    /// <summary>Coordinator: apply a change now and queue it for the members.</summary>
    private void Commit(ClusterCommand cmd)
    {
        if (cmd.Op == ClusterOp.RemoveMember) NoteDrained(cmd.NodeId); // proposed by the coordinator or by the member itself
        var version = _map.Version + 1;
        ApplyChange(version, cmd);
        if (_outbox.Count == 0) _outboxFrom = version;
        _outbox.Add(cmd.Encode());
    }

    /// <summary>Applies the change numbered <paramref name="version"/> to this node's map.</summary>
    private void ApplyChange(long version, ClusterCommand cmd)
    {
        Volatile.Write(ref _map, ClusterMapStateMachine.Apply(_map, version, cmd));
        _mapDirty = true;
    }

    private void FlushOutbox()
    {
        if (_outbox.Count == 0) return;
        Broadcast(new MapEntries(_term, _outboxFrom, _outbox.ToArray()));
        _outbox.Clear();
    }

    private void Broadcast(IClusterMessage message)
    {
        if (_system is not { } system || _cluster is not { } cluster) return;
        foreach (var m in cluster.State.Members)
            if (m.Address != cluster.SelfAddress && m.Status != Akka.Cluster.MemberStatus.Removed)
                system.ActorSelection(new RootActorPath(m.Address) / "user" / "map").Tell(message, _mapActor);
    }

    internal void OnMapEntries(int incarnation, MapEntries e, IActorRef sender)
    {
        if (incarnation != _incarnation || e.Term < _term) return;
        CoordinatorId = IdAt(sender.Path.Address) ?? CoordinatorId;
        if (e.Term > _term || e.FromVersion > _map.Version + 1)
        {
            var now = NowMs;
            if (now - _lastPullMs < 300) return;
            _lastPullMs = now;
            sender.Tell(new MapPull(_term), _mapActor);
            return;
        }
        for (var i = 0; i < e.Commands.Count; i++)
        {
            var version = e.FromVersion + i;
            if (version <= _map.Version) continue;
            ClusterCommand cmd;
            try
            {
                cmd = ClusterCommand.Decode(e.Commands[i]);
            }
            catch (InvalidDataException ex)
            {
                LogBadMessage(_log, ex.Message);
                return;
            }
            ApplyChange(version, cmd);
        }
    }

    internal void OnMapPull(int incarnation, MapPull pull, IActorRef sender)
    {
        if (incarnation != _incarnation) return;
        sender.Tell(new MapSnapshot(_term, ClusterMapStateMachine.Snapshot(_map)), _mapActor);
    }

    internal void OnMapSnapshot(int incarnation, MapSnapshot s, IActorRef sender)
    {
        if (incarnation != _incarnation) return;
        ClusterMap map;
        try
        {
            map = ClusterMapStateMachine.Restore(s.Map);
        }
        catch (InvalidDataException ex)
        {
            LogBadMessage(_log, ex.Message);
            return;
        }
        if (_recovering && IdAt(sender.Path.Address) is { } from)
        {
            _pulledFrom.Add(from);
            _recoveredTermMax = Math.Max(_recoveredTermMax, s.Term);
        }
        if (s.Term > _term || (s.Term == _term && map.Version > _map.Version))
        {
            if (Identity.ClusterId is { } mine && map.ClusterId.Length > 0 && map.ClusterId != mine)
            {
                LogForeignMap(_log, map.ClusterId);
                return;
            }
            Volatile.Write(ref _map, map);
            Interlocked.Exchange(ref _term, s.Term);
            _mapDirty = true;
            if (!_recovering) CoordinatorId = IdAt(sender.Path.Address) ?? CoordinatorId;
        }
    }

    private string? IdAt(Address address)
    {
        if (_cluster is not { } c) return null;
        if (address.HasLocalScope || address == c.SelfAddress) return MyId;
        foreach (var m in c.State.Members)
            if (m.Address == address)
                return IdOf(m);
        return null;
    }

    // ---- becoming coordinator ----

    internal void OnCoordinatorStarted(int incarnation)
    {
        if (incarnation != _incarnation) return;
        IsCoordinator = true;
        CoordinatorId = MyId;
        _recovering = true;
        _recoverDeadline = NowMs + 1500;
        _recoveredTermMax = _term;
        _pulledFrom.Clear();
        _pulledFrom.Add(MyId);
        Broadcast(new MapPull(_term));
        LogCoordinatorStarted(_log);
    }

    internal void OnCoordinatorStopped(int incarnation)
    {
        if (incarnation != _incarnation) return;
        IsCoordinator = false;
        _recovering = false;
        _outbox.Clear();
        foreach (var cmd in _deferred) _proxy.Tell(new ProposeChange(cmd.Encode()));
        _deferred.Clear();
    }

    private void CheckRecovery(long now)
    {
        var waiting = _reachable.Count(id => !_pulledFrom.Contains(id));
        if (waiting > 0 && now < _recoverDeadline) return;
        _recovering = false;
        Interlocked.Exchange(ref _term, Math.Max(_term, _recoveredTermMax) + 1);
        if (!_map.IsBootstrapped) return;
        LogCoordinatorTerm(_log, _term, _map.Version, waiting);
        _mapDirty = true;
        Broadcast(new MapSnapshot(_term, ClusterMapStateMachine.Snapshot(_map)));
        foreach (var cmd in _deferred) Commit(cmd);
        _deferred.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropped a malformed cluster message: {Error}")]
    private static partial void LogBadMessage(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "refused a map of another cluster ({ClusterId})")]
    private static partial void LogForeignMap(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "this node is now the coordinator; collecting the members' maps")]
    private static partial void LogCoordinatorStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "coordinator term {Term} starts at map version {Version} ({Missing} member(s) did not answer)")]
    private static partial void LogCoordinatorTerm(ILogger logger, long term, long version, int missing);
}
