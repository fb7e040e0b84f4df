using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// Routes by the committed cluster map: slots this node owns run here (unless this node cannot prove
/// it still owns them: then CLUSTERDOWN), slots owned elsewhere answer MOVED, unassigned slots
/// "Hash slot not served". A slot being handed to this node, a slot sealed here after being handed
/// away (for a command that routed just before the change), or a slot whose group's actor is not on
/// this node yet (unless the slot came by a completed hand-off) holds the command.
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
        // A slot being handed to this node: its commands wait until it has arrived (from the moment the
        // hand-off starts, so a client sent here by the source is never sent back).
        if (HandOff?.IsIncoming(slot) == true) return new RouteDecision(RouteKind.Hold);
        if (group.Primary == node.MyId)
        {
            if (Volatile.Read(ref _paused[slot]) is not null) return new RouteDecision(RouteKind.Hold);
            if (!node.CanServe) return new RouteDecision(RouteKind.ClusterDown);
            // The slot's group actor has not arrived here yet (Sharding is placing it): wait for it, unless
            // this node received the slot by a completed hand-off (it has every write; the actor follows).
            return node.IsGroupHosted(SlotGroup.Of(slot)) || HandOff?.IsReceived(slot, group.Epoch) == true
                ? RouteDecision.Local : new RouteDecision(RouteKind.Hold);
        }
        var owner = map.Find(group.Primary);
        return owner is null ? new RouteDecision(RouteKind.Unserved) : new RouteDecision(RouteKind.Moved, owner.Endpoint);
    }

    public Task WhenSlotChanges(int slot)
    {
        // Each task is taken before its check, so a change in between is not missed.
        if (Volatile.Read(ref _paused[slot]) is { } paused) return paused.Task;
        var mapChanged = Volatile.Read(ref _mapChanged).Task;
        if (HandOff is { } handOff)
        {
            var incoming = handOff.WhenIncomingChanges;
            if (handOff.IsIncoming(slot)) return Task.WhenAny(incoming, mapChanged);
        }
        // Waiting for the group actor; the map may also move the slot away meanwhile.
        var hosting = node.WhenHostingChanges;
        if (!node.IsGroupHosted(SlotGroup.Of(slot))) return Task.WhenAny(hosting, mapChanged);
        return Task.CompletedTask;
    }

    /// <summary>Stops serving a slot (its commands are held); called under the slot's lock.</summary>
    public void Pause(int slot) =>
        Interlocked.CompareExchange(ref _paused[slot], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Keeps the slot paused but wakes the commands waiting on it (they route again: MOVED).</summary>
    public void Retire(int slot)
    {
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var old = Interlocked.Exchange(ref _paused[slot], fresh);
        old?.TrySetResult();
    }

    /// <summary>Serves the slot again (or lets held commands find the new owner).</summary>
    public void Resume(int slot) => Interlocked.Exchange(ref _paused[slot], null)?.TrySetResult();

    public bool IsPaused(int slot) => Volatile.Read(ref _paused[slot]) is not null;
}
