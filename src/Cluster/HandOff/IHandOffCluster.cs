using QuorumCache.Cluster.Map;

namespace QuorumCache.Cluster.HandOff;

/// <summary>
/// What <see cref="HandOffProtocol"/> needs from the cluster runtime: the committed map and its changes, a
/// clock, a way to propose map changes, a single thread to run on, and the hand-off channel of the data
/// links. <see cref="Runtime.ClusterNode"/> provides it; the tests' simulation provides a deterministic one.
/// </summary>
public interface IHandOffCluster
{
    string MyId { get; }

    /// <summary>The map this node has applied (any thread).</summary>
    ClusterMap Map { get; }

    /// <summary>A monotonic clock in milliseconds.</summary>
    long NowMs { get; }

    /// <summary>The number of the node's current actor system (changes when the node is downed and rejoins).</summary>
    int Incarnation { get; }

    /// <summary>Asks the coordinator for a map change (fire and forget: it may be lost; callers repeat).</summary>
    void Propose(ClusterCommand change);

    /// <summary>Runs <paramref name="work"/> on the protocol's thread (the one that raises the events below).</summary>
    void Post(Action work);

    /// <summary>Sends a hand-off frame to a node over the data links (best effort, in order per peer while a connection lasts).</summary>
    void SendHandOffFrame(string nodeId, byte[] frame);

    /// <summary>Installs the receiver of hand-off frames; it is called on a data-link thread and must only post work.</summary>
    void ReceiveHandOffFrames(Action<string, ReadOnlyMemory<byte>> receiver);

    /// <summary>A new map was applied (protocol thread).</summary>
    event Action<ClusterMap>? MapChanged;

    /// <summary>Every step of the protocol's thread, about every 10 ms, with <see cref="NowMs"/>.</summary>
    event Action<long>? HandOffTick;
}
