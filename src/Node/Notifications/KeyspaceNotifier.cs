using QuorumCache.Node.Messaging;
using QuorumCache.Node.Server;

namespace QuorumCache.Node.Notifications;

/// <summary>
/// Publishes keyspace notifications through the pub/sub hub, as a PUBLISH would be: to this node's
/// channel and pattern subscribers, and through the hub's forwarder to every other node. Called on
/// the writing command's thread under its slot's lock; the hub only appends to subscriber mailboxes
/// (it never waits on a subscriber), so holding the slot lock here delays no one but the writer, and
/// one slot's notifications leave in the order its writes happened.
/// </summary>
public static class KeyspaceNotifier
{
    private static ReadOnlySpan<byte> KeyspacePrefix => "__keyspace@0__:"u8;
    private static ReadOnlySpan<byte> KeyeventPrefix => "__keyevent@0__:"u8;

    [ThreadStatic] private static byte[]? t_channel;

    public static void Publish(NodeServer server, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        var hub = server.PubSub;
        var flags = server.NotifyFlags;
        if ((flags & KeyspaceEvents.Keyspace) != 0)
            hub.Publish(Channel(KeyspacePrefix, key), eventName);
        if ((flags & KeyspaceEvents.Keyevent) != 0)
            hub.Publish(Channel(KeyeventPrefix, eventName), key);
    }

    /// <summary>prefix + name in a per-thread buffer (valid until the next call on this thread).</summary>
    private static ReadOnlySpan<byte> Channel(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> name)
    {
        var length = prefix.Length + name.Length;
        var buffer = t_channel;
        if (buffer is null || buffer.Length < length) t_channel = buffer = new byte[Math.Max(256, length)];
        prefix.CopyTo(buffer);
        name.CopyTo(buffer.AsSpan(prefix.Length));
        return buffer.AsSpan(0, length);
    }
}
