namespace QuorumCache.Node.Messaging;

/// <summary>
/// The cluster's side of pub/sub. The hub calls it after delivering a PUBLISH or SPUBLISH to this
/// node's own subscribers, on the publisher's connection thread, outside the hub's locks (SPUBLISH
/// still holds its slot's lock), so implementations must not block or take slot locks: copy the
/// bytes and queue them for the bus. A message that arrives from another node
/// goes to <see cref="PubSubHub.DeliverFromRemote"/> / <see cref="PubSubHub.DeliverShardFromRemote"/>,
/// which deliver locally and never forward again.
/// </summary>
public interface IPubSubForwarder
{
    /// <summary>A PUBLISH made here: Redis Cluster broadcasts it to every node.</summary>
    void ForwardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message);

    /// <summary>
    /// An SPUBLISH made here (this node owns <paramref name="slot"/>): Redis Cluster sends it to the
    /// slot's replicas only, whose clients may hold SSUBSCRIBEs too.
    /// </summary>
    void ForwardShardPublish(int slot, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message);
}
