using System.Buffers;
using Microsoft.Extensions.Logging;
using QuorumCache.Cluster.HandOff;
using QuorumCache.Cluster.Runtime;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Commands;
using QuorumCache.Node.Server;
using QuorumCache.Node.Storage;

namespace QuorumCache.Node.Clustering;

/// <summary>
/// The node's side of slot hand-offs: snapshots a slot and forwards its later writes (as effects),
/// pauses it, drops it, and applies what arrives for a slot being handed to this node.
/// </summary>
public sealed class SlotHandOff : IHandOffHost, IEffectSink
{
    private readonly NodeServer _server;
    private readonly ClusterRouter _router;
    private readonly Action<ReadOnlyMemory<byte>>?[] _forward = new Action<ReadOnlyMemory<byte>>?[HashSlot.Count];

    public SlotHandOff(NodeServer server, ClusterNode node, ClusterRouter router, ILogger log)
    {
        _server = server;
        _router = router;
        server.Effects = this;
        Protocol = new HandOffProtocol(node, this, log);
    }

    public HandOffProtocol Protocol { get; }

    // ---- IEffectSink: only slots being handed off record effects ----

    public bool Wants(int slot) => Volatile.Read(ref _forward[slot]) is not null;

    public void Commit(int slot, ReadOnlySpan<byte> effects, int count) =>
        Volatile.Read(ref _forward[slot])?.Invoke(effects.ToArray());

    // ---- IHandOffHost ----

    public void StartForwarding(int slot, Action<byte[]> onSnapshot, Action<ReadOnlyMemory<byte>> onEffects)
    {
        var store = _server.Keyspace[slot];
        lock (store.Gate)
        {
            onSnapshot(SlotDumper.Dump(store, _server.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
            Volatile.Write(ref _forward[slot], onEffects);
        }
    }

    public void StopForwarding(int slot)
    {
        lock (_server.Keyspace[slot].Gate) Volatile.Write(ref _forward[slot], null);
    }

    public void Pause(int slot, Action onPaused)
    {
        lock (_server.Keyspace[slot].Gate)
        {
            _router.Pause(slot);
            onPaused();
        }
    }

    public void Resume(int slot) => _router.Resume(slot);

    public void Retire(int slot) => _router.Retire(slot);

    public void ClearSlot(int slot)
    {
        var store = _server.Keyspace[slot];
        lock (store.Gate)
        {
            store.Clear();
            TransactionCommands.InvalidateWatchers(store);
        }
    }

    public void Apply(int slot, ReadOnlyMemory<byte> effects)
    {
        if (effects.Length > 0) _server.Internal.Replay(new ReadOnlySequence<byte>(effects));
    }
}
