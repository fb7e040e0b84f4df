using Akka.Actor;
using QuorumCache.Cluster.Runtime;

namespace QuorumCache.Cluster.Actors;

/// <summary>
/// Every node's <c>/user/map</c>: receives the coordinator's map changes and snapshots and answers
/// pulls. It only hands messages to the node's cluster loop, which owns the map (no state here).
/// </summary>
internal sealed class MapActor : ReceiveActor
{
    public MapActor(ClusterNode node, int incarnation)
    {
        Receive<MapEntries>(e => { var from = Sender; node.Post(() => node.OnMapEntries(incarnation, e, from)); });
        Receive<MapSnapshot>(s => { var from = Sender; node.Post(() => node.OnMapSnapshot(incarnation, s, from)); });
        Receive<MapPull>(p => { var from = Sender; node.Post(() => node.OnMapPull(incarnation, p, from)); });
    }
}

/// <summary>
/// The cluster singleton (Akka.Cluster.Tools) that makes its node the coordinator: while it lives on a
/// node, that node's loop numbers map changes and runs the rebalancer. Proposals from other nodes
/// reach it through the singleton proxy.
/// </summary>
internal sealed class CoordinatorActor : ReceiveActor
{
    private readonly ClusterNode _node;
    private readonly int _incarnation;

    public CoordinatorActor(ClusterNode node, int incarnation)
    {
        _node = node;
        _incarnation = incarnation;
        Receive<ProposeChange>(p => node.Post(() => node.OnProposal(p.Command)));
    }

    protected override void PreStart() => _node.Post(() => _node.OnCoordinatorStarted(_incarnation));

    protected override void PostStop() => _node.Post(() => _node.OnCoordinatorStopped(_incarnation));
}
