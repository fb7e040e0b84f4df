using Akka.Actor;
using Akka.Cluster.Sharding;
using QuorumCache.Cluster.Actors;
using QuorumCache.Cluster.Slots;
using AkkaCluster = Akka.Cluster.Cluster;

namespace QuorumCache.Cluster.Runtime;

/// <summary>
/// Slot groups on Akka.Cluster.Sharding: each group's actor (<see cref="SlotGroupActor"/>) lives on one
/// node, placed where the map says (<see cref="SlotGroupAllocation"/>). This node serves a slot it owns
/// only while the slot's group actor is here; it asks its shard region for the groups the map gives it.
/// </summary>
public sealed partial class ClusterNode
{
    public const string SlotGroupTypeName = "slot-group";

    // The incarnation (actor system) whose entity hosts each group here; 0 = not hosted.
    private readonly int[] _hostedBy = new int[SlotGroup.Count];
    private readonly long[] _nextHostRequest = new long[SlotGroup.Count];
    private int _groupsHosted;
    private IActorRef _groupRegion = ActorRefs.Nobody;
    private TaskCompletionSource _hostingChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the actor of <paramref name="group"/> runs on this node (any thread).</summary>
    public bool IsGroupHosted(int group)
    {
        var by = Volatile.Read(ref _hostedBy[group]);
        return by != 0 && by == Volatile.Read(ref _incarnation);
    }

    /// <summary>How many group actors run here.</summary>
    public int GroupsHosted => Volatile.Read(ref _groupsHosted);

    /// <summary>Completes at the next change of which groups are hosted here.</summary>
    public Task WhenHostingChanges => Volatile.Read(ref _hostingChanged).Task;

    private void StartGroupRegion(ActorSystem system, int incarnation)
    {
        var sharding = ClusterSharding.Get(system); // first: it adds Sharding's defaults to the configuration
        var settings = ClusterShardingSettings.Create(system);
        _groupRegion = sharding.Start(SlotGroupTypeName,
            entityId => Props.Create(() => new SlotGroupActor(this, incarnation, entityId)),
            settings, new SlotGroupMessages(), new SlotGroupAllocation(this, AkkaCluster.Get(system).SelfAddress),
            SlotGroupActor.HandOff.Instance);
        Array.Clear(_nextHostRequest);
    }

    /// <summary>A group actor started (<paramref name="hosted"/>) or stopped here; called on the actor's thread.</summary>
    internal void OnGroupHosted(int incarnation, int group, bool hosted)
    {
        bool changed;
        if (hosted) changed = Interlocked.Exchange(ref _hostedBy[group], incarnation) != incarnation;
        else changed = Interlocked.CompareExchange(ref _hostedBy[group], 0, incarnation) == incarnation;
        if (!changed) return;
        Interlocked.Add(ref _groupsHosted, hosted ? 1 : -1);
        Interlocked.Exchange(ref _hostingChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Whether this node is still handing <paramref name="group"/> off: it owns a slot of it that is in a
    /// hand-off from here. The group's actor stays until that is over (any thread).
    /// </summary>
    internal bool IsHandingOffGroup(int group)
    {
        var map = Map;
        foreach (var slot in SlotGroup.Slots(group))
            if (map.PrimaryOf(slot) == MyId && map.HandOffs.TryGetValue(slot, out var handOff) && handOff.Source == MyId) return true;
        return false;
    }

    /// <summary>The Akka address of the node the map names as the group's home, if any (any thread).</summary>
    internal Address? GroupHomeAddress(int group)
    {
        var map = Map;
        var home = map.Find(map.GroupHome(group));
        return home is null || _cluster is null ? null : AddressOf(home);
    }

    /// <summary>Asks the shard region for every group the map gives this node and that is not hosted here yet (loop thread).</summary>
    private void RequestGroups(long now)
    {
        var system = _system;
        // Not while leaving: the region hands its shards off then, and requests would only pile up.
        if (system is null || system.WhenTerminated.IsCompleted || !_map.IsBootstrapped || _leaving
            || _cluster?.SelfMember.Status != Akka.Cluster.MemberStatus.Up) return;
        for (var g = 0; g < SlotGroup.Count; g++)
        {
            if (now < _nextHostRequest[g] || IsGroupHosted(g) || _map.GroupHome(g) != MyId) continue;
            _nextHostRequest[g] = now + 300;
            _groupRegion.Tell(new HostGroup(g));
        }
    }
}
