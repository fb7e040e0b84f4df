namespace QuorumCache.Node.Server;

/// <summary>What to do with a command for a slot. Values are internal, not persisted.</summary>
public enum RouteKind
{
    Local,
    Moved,
    Ask,
    ClusterDown,
    Unserved,
    TryAgain,
    /// <summary>The slot is being handed off this instant: hold the command until the new owner is known.</summary>
    Hold,
}

public readonly record struct RouteDecision(RouteKind Kind, string? Endpoint = null)
{
    public static readonly RouteDecision Local = new(RouteKind.Local);
}

/// <summary>
/// Decides whether this node serves a slot right now. The single-node router serves everything;
/// the cluster router answers from the committed cluster map.
/// </summary>
public interface ISlotRouter
{
    RouteDecision Route(int slot, bool isWrite, ClientSession session);

    /// <summary>For <see cref="RouteKind.Hold"/>: completes when the slot's hand-off state changes.</summary>
    Task WhenSlotChanges(int slot) => Task.CompletedTask;

    /// <summary>
    /// True while the slot is paused for a hand-off. Checked again under the slot's lock by commands
    /// routed just before the pause, so nothing runs on the slot after its stream is sealed.
    /// </summary>
    bool IsPaused(int slot) => false;
}

public sealed class LocalRouter : ISlotRouter
{
    public static readonly LocalRouter Instance = new();
    public RouteDecision Route(int slot, bool isWrite, ClientSession session) => RouteDecision.Local;
}

/// <summary>
/// Until the node's cluster part has started (it may be resuming a membership or joining), it cannot know
/// which slots it owns: every keyed command gets CLUSTERDOWN, which cluster clients retry.
/// </summary>
public sealed class StartingRouter : ISlotRouter
{
    public static readonly StartingRouter Instance = new();
    private static readonly RouteDecision Down = new(RouteKind.ClusterDown);
    public RouteDecision Route(int slot, bool isWrite, ClientSession session) => Down;
}
