using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// Routes by the committed cluster map: slots this node owns run here (unless this node cannot prove
/// it still owns them: then CLUSTERDOWN), slots owned elsewhere answer MOVED, unassigned slots
/// "Hash slot not served", and a slot paused for a hand-off, or whose slot group's actor is not on this
/// node yet, holds the command.
/// </summary>
public sealed class ClusterRouter : ISlotRouter
{
    private readonly ClusterNode node;
    private readonly TaskCompletionSource?[] _paused = new TaskCompletionSource?[HashSlot.Count];
    private TaskCompletionSource _mapChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterRouter(ClusterNode node)
    {
        this.node = node;
        node.MapChanged += _ => Interlocked.Exchange(ref _mapChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Set once the hand-off machinery exists (it tells which incoming slots are complete).</summary>
    public QuorumCache.Cluster.HandOff.HandOffProtocol? HandOff { get; set; }

    public RouteDecision Route(int slot, bool isWrite, ClientSession session)
    {
        var map = node.Map;
        if (!map.IsBootstrapped)
        {
            // A node that formed its own cluster owns everything even before its first entry commits.
            if (!node.IsBootstrapping) return new RouteDecision(RouteKind.ClusterDown);
            return Volatile.Read(ref _paused[slot]) is null ? RouteDecision.Local : new RouteDecision(RouteKind.Hold);
        }
        var group = map[slot];
        if (group is null) return new RouteDecision(RouteKind.Unserved);
        if (group.Primary == node.MyId)
        {
            if (Volatile.Read(ref _paused[slot]) is not null) return new RouteDecision(RouteKind.Hold);
            if (!node.CanServe) return new RouteDecision(RouteKind.ClusterDown);
            // The slot's group actor has not arrived here yet (the group just moved here, or Sharding is
            // placing it): wait for it.
            return node.IsGroupHosted(SlotGroup.Of(slot)) ? RouteDecision.Local : new RouteDecision(RouteKind.Hold);
        }
        // This node already holds every write of the slot and the hand-over is being committed:
        // wait for the map instead of sending the client back to the source.
        if (HandOff?.IsSealedIncoming(slot) == true) return new RouteDecision(RouteKind.Hold);
        var owner = map.Find(group.Primary);
        return owner is null ? new RouteDecision(RouteKind.Unserved) : new RouteDecision(RouteKind.Moved, owner.Endpoint);
    }

    public Task WhenSlotChanges(int slot)
    {
        if (Volatile.Read(ref _paused[slot]) is { } paused) return paused.Task;
        if (HandOff?.IsSealedIncoming(slot) == true) return Volatile.Read(ref _mapChanged).Task;
        // Waiting for the group actor (the task is taken before the check, so a change in between is not
        // missed); the map may also move the slot away meanwhile.
        var hosting = node.WhenHostingChanges;
        if (!node.IsGroupHosted(SlotGroup.Of(slot))) return Task.WhenAny(hosting, Volatile.Read(ref _mapChanged).Task);
        return Task.CompletedTask;
    }

    /// <summary>Stops serving a slot (its commands are held); called under the slot's lock.</summary>
    public void Pause(int slot) =>
        Interlocked.CompareExchange(ref _paused[slot], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Serves the slot again (or lets held commands find the new owner).</summary>
    public void Resume(int slot) => Interlocked.Exchange(ref _paused[slot], null)?.TrySetResult();

    public bool IsPaused(int slot) => Volatile.Read(ref _paused[slot]) is not null;
}
