using QuorumCache.Node.Messaging;
using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.PubSub;

namespace QuorumCache.Tests.Node.Notifications;

/// <summary>How notifications leave the node: through the hub's forwarder (cluster-wide, like PUBLISH), once, never on replay.</summary>
public class KeyspaceNotificationHookTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private sealed class RecordingForwarder : IPubSubForwarder
    {
        public readonly List<string> Published = [];

        public void ForwardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
        {
            lock (this) Published.Add(System.Text.Encoding.UTF8.GetString(channel) + " " + System.Text.Encoding.UTF8.GetString(message));
        }

        public void ForwardShardPublish(int slot, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
        {
        }
    }

    [Fact]
    public async Task NotificationsAreForwardedLikePublishAndNotOnReplay()
    {
        var hub = node.Hub();
        var fwd = new RecordingForwarder();
        var previous = hub.Forwarder;
        hub.Forwarder = fwd;
        await using var c = await node.ConnectAsync();
        try
        {
            var k = NodeFixture.Key("fw");
            Reply.IsOk(await c.Run("CONFIG", "SET", "notify-keyspace-events", "KE$"));
            Reply.IsOk(await c.Run("SET", k, "1"));
            Assert.Equal(["__keyspace@0__:" + k + " set", "__keyevent@0__:set " + k], fwd.Published);

            // Effects applied from elsewhere (a hand-off stream, later a replica) notify nothing here.
            fwd.Published.Clear();
            var effect = System.Text.Encoding.UTF8.GetBytes($"*3\r\n$3\r\nSET\r\n${k.Length}\r\n{k}\r\n$1\r\n2\r\n");
            node.Server.Internal.Replay(new System.Buffers.ReadOnlySequence<byte>(effect));
            Assert.Empty(fwd.Published);

            Reply.IsOk(await c.Run("CONFIG", "SET", "notify-keyspace-events", ""));
            Reply.IsOk(await c.Run("SET", k, "3"));
            Assert.Empty(fwd.Published);
        }
        finally
        {
            hub.Forwarder = previous;
            await c.Run("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    [Fact]
    public async Task InvalidClassIsRefusedWithRedisError()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsError(await c.Run("CONFIG", "SET", "notify-keyspace-events", "KEB"),
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    }
}
