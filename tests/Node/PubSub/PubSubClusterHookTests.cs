using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Messaging;
using QuorumCache.Node.Server;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.PubSub.PubSubTestKit;

namespace QuorumCache.Tests.Node.PubSub;

/// <summary>The hooks the cluster uses: forwarding, remote delivery, lost shard slots, routing of shard commands.</summary>
public class PubSubClusterHookTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private sealed class RecordingForwarder : IPubSubForwarder
    {
        public readonly List<(string Channel, string Message)> Published = [];
        public readonly List<(int Slot, string Channel, string Message)> Sharded = [];

        public void ForwardPublish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
        {
            lock (this) Published.Add((System.Text.Encoding.UTF8.GetString(channel), System.Text.Encoding.UTF8.GetString(message)));
        }

        public void ForwardShardPublish(int slot, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
        {
            lock (this) Sharded.Add((slot, System.Text.Encoding.UTF8.GetString(channel), System.Text.Encoding.UTF8.GetString(message)));
        }
    }

    private sealed class MovingRouter(int movedSlot) : ISlotRouter
    {
        public RouteDecision Route(int slot, bool isWrite, ClientSession session) =>
            slot == movedSlot ? new RouteDecision(RouteKind.Moved, "10.0.0.9:7001") : RouteDecision.Local;
    }

    [Fact]
    public async Task PublishIsForwardedAndRemoteMessagesAreDeliveredLocallyOnly()
    {
        var hub = node.Hub();
        var fwd = new RecordingForwarder();
        var previous = hub.Forwarder;
        hub.Forwarder = fwd;
        try
        {
            var ch = NodeFixture.Key("fwd");
            await using var sub = await Resp3(node.ConnectAsync);
            await sub.Send("SUBSCRIBE", ch);
            await sub.Send("PSUBSCRIBE", ch[..4] + "*");
            await sub.NextFrames(2);
            await using var pub = await node.ConnectAsync();
            Reply.IsInt(await pub.Run("PUBLISH", ch, "local"), 2);
            Reply.IsInt(await pub.Run("SPUBLISH", ch, "shard"), 0);
            Assert.Equal([(ch, "local")], fwd.Published);
            Assert.Equal([(HashSlot.Of(ch), ch, "shard")], fwd.Sharded);
            await sub.NextFrames(2);

            var n = hub.DeliverFromRemote(System.Text.Encoding.UTF8.GetBytes(ch), "remote"u8);
            Assert.Equal(2, n);
            IsFrame(await sub.Next(), RespType.Push, "message", ch, "remote");
            IsFrame(await sub.Next(), RespType.Push, "pmessage", ch[..4] + "*", ch, "remote");
            Assert.Single(fwd.Published); // never forwarded again
        }
        finally
        {
            hub.Forwarder = previous;
        }
    }

    [Fact]
    public async Task RemoteShardMessagesReachShardSubscribers()
    {
        var ch = NodeFixture.Key("rs");
        await using var sub = await Resp2(node.ConnectAsync);
        await sub.Send("SSUBSCRIBE", ch);
        await sub.Next();
        Assert.Equal(1, node.Hub().DeliverShardFromRemote(System.Text.Encoding.UTF8.GetBytes(ch), "r"u8));
        IsFrame(await sub.Next(), RespType.Array, "smessage", ch, "r");
    }

    [Fact]
    public async Task LosingASlotUnsubscribesItsShardChannels()
    {
        var t = NodeFixture.Key("lost");
        await using var sub = await Resp2(node.ConnectAsync);
        await sub.Send("SSUBSCRIBE", t + "a", t + "b");
        await sub.Send("SUBSCRIBE", t);
        await sub.NextFrames(3);
        Assert.Equal(2, node.Hub().RemoveShardSlot(HashSlot.Of(t)));
        var frames = new[] { await sub.Next(), await sub.Next() };
        Assert.All(frames, f => Assert.Equal("sunsubscribe", f[0].Text));
        Assert.Equal(new[] { t + "a", t + "b" }, frames.Select(f => f[1].Text).Order());
        Assert.Equal(new long[] { 1, 0 }, frames.Select(f => f[2].Integer));
        await using var pub = await node.ConnectAsync();
        Reply.IsInt(await pub.Run("SPUBLISH", t + "a", "x"), 0);
        Reply.IsInt(await pub.Run("PUBLISH", t, "x"), 1); // plain channels are not affected
        IsFrame(await sub.Next(), RespType.Array, "message", t, "x");
    }

    [Fact]
    public async Task ShardCommandsAreRoutedByTheChannelsSlot()
    {
        var moved = NodeFixture.Key("elsewhere");
        var slot = HashSlot.Of(moved);
        node.Server.Router = new MovingRouter(slot);
        try
        {
            await using var c = await Resp2(node.ConnectAsync);
            await c.Send("SSUBSCRIBE", moved);
            Reply.IsError(await c.Next(), $"MOVED {slot} 10.0.0.9:7001");
            Reply.IsError(await c.Run("SPUBLISH", moved, "x"), $"MOVED {slot} 10.0.0.9:7001");
            // Plain pub/sub is keyless: served here whatever the channel's slot.
            Reply.IsInt(await c.Run("PUBLISH", moved, "x"), 0);
            await c.Send("SUBSCRIBE", moved);
            IsFrame(await c.Next(), RespType.Array, "subscribe", moved, "1");
        }
        finally
        {
            node.Server.Router = LocalRouter.Instance;
        }
    }
}
