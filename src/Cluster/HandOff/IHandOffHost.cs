namespace QuorumCache.Cluster.HandOff;

/// <summary>
/// What the hand-off protocol needs from the node's keyspace. The Cluster project never sees data
/// types: a slot travels as RESP-encoded effects (commands that rebuild it).
/// </summary>
public interface IHandOffHost
{
    /// <summary>
    /// Atomically (under the slot's lock) snapshots the slot, hands the snapshot to
    /// <paramref name="onSnapshot"/>, and from then on hands every committed write of the slot to
    /// <paramref name="onEffects"/> (also under the slot's lock, in order).
    /// </summary>
    void StartForwarding(int slot, Action<byte[]> onSnapshot, Action<ReadOnlyMemory<byte>> onEffects);

    void StopForwarding(int slot);

    /// <summary>Under the slot's lock: stop serving the slot (commands are held) and call <paramref name="onPaused"/>.</summary>
    void Pause(int slot, Action onPaused);

    /// <summary>Serve (or redirect) the slot's commands again.</summary>
    void Resume(int slot);

    /// <summary>
    /// The slot lives on another node now: keep it paused, so a command routed here before the change that
    /// takes the slot's lock only now does not run (it routes again and is redirected), and wake the
    /// commands waiting on the pause so they find the new owner. <see cref="Resume"/> ends it when the
    /// slot is this node's again.
    /// </summary>
    void Retire(int slot);

    /// <summary>Deletes every key of the slot (it now lives elsewhere, or a partial copy is discarded).</summary>
    void ClearSlot(int slot);

    /// <summary>Applies RESP-encoded effects to the slot.</summary>
    void Apply(int slot, ReadOnlyMemory<byte> effects);
}
