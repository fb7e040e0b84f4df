using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Remote;
using Akka.Remote.Transport;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.Map;
using AkkaCluster = Akka.Cluster.Cluster;
using AkkaMember = Akka.Cluster.Member;
using AkkaStatus = Akka.Cluster.MemberStatus;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// This node in Akka.Cluster: its actor system (started again after the node was downed), its view of
/// who is live and reachable (and so whether it may serve), and the test-only link cuts.
/// </summary>
public sealed partial class ClusterNode
{
    // The current actor system (replaced when this node was downed and rejoins). Loop thread only,
    // except _system/_cluster which other threads read for reporting.
    private volatile ActorSystem? _system;
    private volatile AkkaCluster? _cluster;
    private IActorRef _mapActor = ActorRefs.Nobody;
    private IActorRef _proxy = ActorRefs.Nobody;
    private int _incarnation;

    /// <summary>The number of the actor system running now, counting from 1 (more than 1: the node was downed and rejoined).</summary>
    internal int Incarnation => Volatile.Read(ref _incarnation);
    private long _restartAtMs = -1;
    private volatile ImmutableHashSet<string> _reachable = ImmutableHashSet<string>.Empty;
    private volatile ImmutableHashSet<string> _live = ImmutableHashSet<string>.Empty;
    private readonly HashSet<string> _blocked = new(StringComparer.Ordinal);
    // The Akka state _reachable and _live were built from (Akka replaces its state object on every
    // change, so an unchanged reference means nothing to rebuild), and its member counts.
    private Akka.Cluster.ClusterEvent.CurrentClusterState? _viewOf;
    private int _liveCount;
    private int _reachableCount;

    /// <summary>
    /// Starts an actor system and joins the cluster through <paramref name="seeds"/>. Only at process start
    /// (<paramref name="mayFormAlone"/>) may the lowest-id member form the cluster by itself when no seed
    /// answers; a node rejoining after it was downed must never do so: while it is still cut off it would
    /// found a second cluster of its own, which Akka never merges back.
    /// </summary>
    private void StartActorSystem(IReadOnlyList<Member> seeds, bool mayFormAlone)
    {
        var incarnation = ++_incarnation;
        // A restarted system keeps the port its first one bound (others know this node by it).
        var config = AkkaSettings.Build(_options, MyId, _system is null ? _options.BusPort : BusPort, _dataPort);
        var system = ActorSystem.Create(AkkaSettings.SystemName, config);
        var cluster = AkkaCluster.Get(system);
        _mapActor = system.ActorOf(Props.Create(() => new MapActor(this, incarnation)), "map");
        system.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new CoordinatorActor(this, incarnation)), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "coordinator");
        _proxy = system.ActorOf(ClusterSingletonProxy.Props("/user/coordinator", ClusterSingletonProxySettings.Create(system)), "coordinator-proxy");
        _system = system;
        _cluster = cluster;
        StartGroupRegion(system, incarnation);
        foreach (var id in _blocked) ApplyBlock(id, true);
        // Seeds in id order; at process start the lowest id of the members lists itself first, so after a
        // whole-cluster restart it forms the cluster (after asking the others for seed-node-timeout) and the
        // rest join it.
        var addresses = seeds.OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(AddressOf).ToList();
        if (addresses.Count == 0) cluster.Join(cluster.SelfAddress);
        else
        {
            if (mayFormAlone && seeds.All(m => string.CompareOrdinal(MyId, m.Id) < 0) && _map.Members.ContainsKey(MyId))
                addresses.Insert(0, cluster.SelfAddress);
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

    /// <summary>A member's Akka address (its bus port, in the protocol this node's actor system speaks).</summary>
    private Address AddressOf(Member m) => new(_cluster!.SelfAddress.Protocol, AkkaSettings.SystemName, m.Host, m.BusPort);

    /// <summary>Reads a member's node id and ports from its role; false for a member without our role.</summary>
    private static bool TryIdentify(AkkaMember m, out string nodeId, out int port, out int dataPort)
    {
        foreach (var r in m.Roles)
            if (AkkaSettings.TryParseRole(r, out nodeId, out port, out dataPort)) return true;
        nodeId = "";
        port = dataPort = 0;
        return false;
    }

    private static string? IdOf(AkkaMember m) => TryIdentify(m, out var id, out _, out _) ? id : null;

    private static bool IsLive(AkkaStatus s) => s is AkkaStatus.Up or AkkaStatus.Leaving or AkkaStatus.Exiting or AkkaStatus.WeaklyUp;

    /// <summary>Reads Akka's view: who is reachable, and whether this node is with the majority (of Akka's members and of the map's).</summary>
    private void UpdateView()
    {
        var cluster = _cluster;
        if (cluster is null || _system is null || _system.WhenTerminated.IsCompleted)
        {
            _canServe = false;
            return;
        }
        var st = cluster.State;
        if (!ReferenceEquals(st, _viewOf))
        {
            _viewOf = st;
            RebuildView(st);
        }
        var self = cluster.SelfMember.Status;
        // A member not (yet) Up in its own view may already own slots: the coordinator adds a node once
        // its own view has it Up, and gossip tells the node a moment later. Only a node Akka has downed
        // or removed (or that is exiting) stops here; the majority rules below decide the rest.
        var upHere = self is AkkaStatus.Up or AkkaStatus.Leaving or AkkaStatus.WeaklyUp or AkkaStatus.Joining;
        // With the majority of Akka's members and of the map's: an Akka cluster that split off (or was
        // formed alone after a restart) is a majority of itself only.
        var map = _map;
        var reachableInMap = 0;
        foreach (var id in map.Members.Keys)
            if (_reachable.Contains(id)) reachableInMap++;
        _canServe = upHere && _reachableCount * 2 > _liveCount && reachableInMap * 2 > map.Members.Count && map.IsBootstrapped;
        // A node forming its own cluster serves from its first answer; it hands over to the rules above
        // once they let it serve (Up in Akka is not enough: its first map may not have committed yet, and
        // in between clients got CLUSTERDOWN).
        if (self is AkkaStatus.Up or AkkaStatus.Leaving && _canServe) _isBootstrapping = false;
    }

    private void RebuildView(Akka.Cluster.ClusterEvent.CurrentClusterState st)
    {
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
        _liveCount = live;
        _reachableCount = reachable;
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
        _links?.SetLinkBlocked(nodeId, blocked);
        if (_system is not ExtendedActorSystem sys || _map.Find(nodeId) is not { } m) return;
        var transport = ((RemoteActorRefProvider)sys.Provider).Transport;
        _ = transport.ManagementCommand(new SetThrottle(AddressOf(m), ThrottleTransportAdapter.Direction.Both,
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

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster bus (Akka) at {Address}, joining through {Seeds} seed(s)")]
    private static partial void LogAkkaStarted(ILogger logger, string address, int seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "this node was downed by the cluster (or lost it): not serving; rejoining in 1 s")]
    private static partial void LogDowned(ILogger logger);
}
