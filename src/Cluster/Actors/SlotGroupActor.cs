using Akka.Actor;
using Akka.Cluster.Sharding;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;

namespace QuorumCache.Cluster.Actors;

/// <summary>
/// One slot group's actor, an Akka.Cluster.Sharding entity (shard = entity = group). While it lives on a
/// node, that node may serve the group's slots it owns in the map; a node owning slots of a group whose
/// actor is elsewhere (or nowhere yet) holds their commands until the actor arrives. When Sharding moves
/// the group away (<see cref="HandOff"/>), the actor stays until the node's data hand-off of the group has
/// finished (the new owner then has every write), then stops, and Sharding starts it on the new owner.
/// Client commands never pass through it: it only marks the group hosted in the node's table.
/// </summary>
internal sealed class SlotGroupActor : ReceiveActor, IWithTimers
{
    /// <summary>Sharding's stop message for a group it moves to another node.</summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
        private HandOff() { }
    }

    private sealed class Recheck
    {
        public static readonly Recheck Instance = new();
    }

    private static readonly TimeSpan RecheckEvery = TimeSpan.FromMilliseconds(20);

    private readonly ClusterNode _node;
    private readonly int _incarnation;
    private readonly int _group;

    public ITimerScheduler Timers { get; set; } = null!;

    public SlotGroupActor(ClusterNode node, int incarnation, string entityId)
    {
        _node = node;
        _incarnation = incarnation;
        _group = int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture);
        Receive<HostGroup>(_ => { });
        Receive<HandOff>(_ => StopWhenHandedOff());
        Receive<Recheck>(_ => StopWhenHandedOff());
    }

    private void StopWhenHandedOff()
    {
        if (_node.IsHandingOffGroup(_group)) Timers.StartSingleTimer("recheck", Recheck.Instance, RecheckEvery);
        else Context.Stop(Self);
    }

    protected override void PreStart() => _node.OnGroupHosted(_incarnation, _group, true);

    protected override void PostStop() => _node.OnGroupHosted(_incarnation, _group, false);
}

/// <summary>Routes <see cref="HostGroup"/> to the group's shard and entity (both named by the group number).</summary>
internal sealed class SlotGroupMessages : IMessageExtractor
{
    public string? EntityId(object message) => message is HostGroup g ? Name(g.Group) : null;

    public object EntityMessage(object message) => message;

    public string? ShardId(object message) => message is HostGroup g ? Name(g.Group) : null;

    public string ShardId(string entityId, object? messageHint = null) => entityId;

    public static string Name(int group) => group.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string shardId, out int group) =>
        int.TryParse(shardId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out group)
        && group < SlotGroup.Count;
}
