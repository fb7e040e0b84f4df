using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.PubSub.PubSubTestKit;

namespace QuorumCache.Tests.Node.PubSub;

/// <summary>Delivery across connections: ordering, fan-out, self-publish, unsubscribe and disconnect guarantees.</summary>
public class PubSubDeliveryTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private Task<RespClient> Connect(int protocol) => protocol == 3 ? Resp3(node.ConnectAsync) : Resp2(node.ConnectAsync);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SubscribePublishReceive(int protocol)
    {
        await using var sub = await Connect(protocol);
        await using var pub = await node.ConnectAsync();
        var ch = NodeFixture.Key("ch");
        await sub.Send("SUBSCRIBE", ch);
        var type = protocol == 3 ? RespType.Push : RespType.Array;
        IsFrame(await sub.Next(), type, "subscribe", ch, "1");
        Reply.IsInt(await pub.Run("PUBLISH", ch, "hello"), 1);
        IsFrame(await sub.Next(), type, "message", ch, "hello");
        Reply.IsInt(await pub.Run("PUBLISH", ch + "other", "x"), 0);
        Reply.IsInt(await pub.Run("PUBLISH", ch, ""), 1);
        IsFrame(await sub.Next(), type, "message", ch, "");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PatternsMatchGlobs(int protocol)
    {
        await using var sub = await Connect(protocol);
        await using var pub = await node.ConnectAsync();
        var t = NodeFixture.Key("g");
        await sub.Send("PSUBSCRIBE", t + "h?llo", t + "[^x]y", t + "\\*");
        await sub.NextFrames(3);
        var type = protocol == 3 ? RespType.Push : RespType.Array;
        Reply.IsInt(await pub.Run("PUBLISH", t + "hallo", "1"), 1);
        IsFrame(await sub.Next(), type, "pmessage", t + "h?llo", t + "hallo", "1");
        Reply.IsInt(await pub.Run("PUBLISH", t + "hllo", "2"), 0);
        Reply.IsInt(await pub.Run("PUBLISH", t + "xy", "3"), 0);
        Reply.IsInt(await pub.Run("PUBLISH", t + "zy", "4"), 1);
        IsFrame(await sub.Next(), type, "pmessage", t + "[^x]y", t + "zy", "4");
        Reply.IsInt(await pub.Run("PUBLISH", t + "a", "5"), 0);
        Reply.IsInt(await pub.Run("PUBLISH", t + "*", "6"), 1);
        IsFrame(await sub.Next(), type, "pmessage", t + "\\*", t + "*", "6");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TenThousandMessagesArriveInPublishOrder(int protocol)
    {
        await using var sub = await Connect(protocol);
        await using var pub = await node.ConnectAsync();
        var ch = NodeFixture.Key("order");
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        const int n = 10_000;
        for (var start = 0; start < n; start += 1000)
        {
            var replies = await pub.PipelineAsync(Enumerable.Range(start, 1000).Select(i => new[] { "PUBLISH", ch, i.ToString() }));
            Assert.All(replies, r => Reply.IsInt(r, 1));
        }
        for (var i = 0; i < n; i++)
        {
            var m = await sub.Next();
            Assert.Equal(i.ToString(), m[2].Text);
        }
    }

    [Fact]
    public async Task ManySubscribersEachGetEveryMessageInOrder()
    {
        const int subscribers = 40, messages = 200;
        var ch = NodeFixture.Key("fan");
        var subs = new List<RespClient>();
        for (var i = 0; i < subscribers; i++)
        {
            var s = await Connect(i % 2 == 0 ? 2 : 3);
            await s.Send("SUBSCRIBE", ch);
            await s.Next();
            subs.Add(s);
        }
        await using var pub = await node.ConnectAsync();
        var replies = await pub.PipelineAsync(Enumerable.Range(0, messages).Select(i => new[] { "PUBLISH", ch, "m" + i }));
        Assert.All(replies, r => Reply.IsInt(r, subscribers));
        await Task.WhenAll(subs.Select(async s =>
        {
            for (var i = 0; i < messages; i++) Assert.Equal("m" + i, (await s.Next())[2].Text);
        }));
        foreach (var s in subs) await s.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentPublishersKeepTheirOwnOrder()
    {
        const int publishers = 4, messages = 2000;
        var ch = NodeFixture.Key("multi");
        await using var sub = await Connect(2);
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        var pubs = new List<RespClient>();
        for (var p = 0; p < publishers; p++) pubs.Add(await node.ConnectAsync());
        await Task.WhenAll(pubs.Select((c, p) => Task.Run(async () =>
        {
            for (var start = 0; start < messages; start += 250)
                await c.PipelineAsync(Enumerable.Range(start, 250).Select(i => new[] { "PUBLISH", ch, $"{p}:{i}" }));
        })));
        var next = new int[publishers];
        for (var i = 0; i < publishers * messages; i++)
        {
            var parts = (await sub.Next())[2].Text!.Split(':');
            var p = int.Parse(parts[0]);
            Assert.Equal(next[p]++, int.Parse(parts[1]));
        }
        Assert.All(next, v => Assert.Equal(messages, v));
        foreach (var c in pubs) await c.DisposeAsync();
    }

    [Fact]
    public async Task NoMessageFollowsTheUnsubscribeConfirmation()
    {
        var ch = NodeFixture.Key("unsub");
        await using var sub = await Connect(2);
        var pubs = new List<RespClient>();
        for (var i = 0; i < 3; i++) pubs.Add(await node.ConnectAsync());
        using var stop = new CancellationTokenSource();
        var publishing = pubs.Select(pub => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                await pub.PipelineAsync(Enumerable.Range(0, 20).Select(_ => new[] { "PUBLISH", ch, "m" }));
        })).ToArray();
        for (var round = 0; round < 30; round++)
        {
            await sub.Send("SUBSCRIBE", ch);
            IsFrame(await sub.Next(), RespType.Array, "subscribe", ch, "1");
            for (var i = 0; i < 20; i++) Assert.Equal("message", (await sub.Next())[0].Text);
            // Leave while the publishers keep going; ECHO in the same packet.
            var bytes = new System.Buffers.ArrayBufferWriter<byte>();
            RespClient.EncodeCommand(bytes, ["UNSUBSCRIBE"u8.ToArray(), ch.Select(c => (byte)c).ToArray()]);
            RespClient.EncodeCommand(bytes, ["ECHO"u8.ToArray(), "after"u8.ToArray()]);
            await sub.SendRawAsync(bytes.WrittenMemory, 0);
            RespValue f;
            while ((f = await sub.Next()).Type == RespType.Array && f[0].Text == "message") { }
            IsFrame(f, RespType.Array, "unsubscribe", ch, "0");
            // The very next frame must be the ECHO reply: nothing of the channel after the confirmation.
            Reply.IsBulk(await sub.Next(), "after");
            await sub.Send("PING");
            Assert.Equal("PONG", Reply.AssertNotError(await sub.Next()).Text);
        }
        stop.Cancel();
        await Task.WhenAll(publishing);
        foreach (var p in pubs) await p.DisposeAsync();
    }

    [Fact]
    public async Task Resp3SelfPublishPushFollowsTheReply()
    {
        var ch = NodeFixture.Key("self");
        await using var c = await Connect(3);
        await c.Send("SUBSCRIBE", ch);
        await c.Next();
        // As Redis 7.2: the PUBLISH reply first, then the push.
        Reply.IsInt(await c.Run("PUBLISH", ch, "me"), 1);
        IsFrame(await c.Next(), RespType.Push, "message", ch, "me");
        // Inside MULTI/EXEC the push must not break the EXEC reply.
        Reply.IsOk(await c.Run("MULTI"));
        Assert.Equal("QUEUED", (await c.Run("PUBLISH", ch, "tx")).Text);
        Assert.Equal("QUEUED", (await c.Run("PING")).Text);
        var exec = await c.Run("EXEC");
        Assert.Equal(RespType.Array, exec.Type);
        Reply.IsInt(exec[0], 1);
        Assert.Equal("PONG", exec[1].Text);
        IsFrame(await c.Next(), RespType.Push, "message", ch, "tx");
    }

    [Fact]
    public async Task PublishInsideAnotherClientsTransactionDeliversOnExec()
    {
        var ch = NodeFixture.Key("tx");
        await using var sub = await Connect(2);
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        await using var pub = await node.ConnectAsync();
        var replies = await pub.PipelineAsync([["MULTI"], ["PUBLISH", ch, "a"], ["PUBLISH", ch, "b"], ["EXEC"]]);
        Assert.Equal(["1", "1"], Reply.Strings(replies[3]));
        Assert.Equal("a", (await sub.Next())[2].Text);
        Assert.Equal("b", (await sub.Next())[2].Text);
    }

    [Fact]
    public async Task LargeMessageArrivesWhole()
    {
        var ch = NodeFixture.Key("big");
        await using var sub = await Connect(3);
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        await using var pub = await node.ConnectAsync();
        var payload = new string('x', 1_000_000) + "end";
        Reply.IsInt(await pub.Run("PUBLISH", ch, payload), 1);
        Assert.Equal(payload, (await sub.Next())[2].Text);
    }

    [Fact]
    public async Task DisconnectUnsubscribesEverything()
    {
        var t = NodeFixture.Key("gone");
        await using var pub = await node.ConnectAsync();
        var sub = await Connect(2);
        await sub.Send("SUBSCRIBE", t);
        await sub.Send("PSUBSCRIBE", t + "*");
        await sub.Send("SSUBSCRIBE", t + "s");
        await sub.NextFrames(3);
        Reply.IsInt(await pub.Run("PUBLISH", t, "x"), 2);
        await sub.DisposeAsync();
        await Eventually(async () => (await pub.Run("PUBLISH", t, "x")).Integer == 0, "subscriptions dropped on disconnect");
        Assert.Equal([t, "0"], Reply.Strings(await pub.Run("PUBSUB", "NUMSUB", t)));
        Assert.Equal([t + "s", "0"], Reply.Strings(await pub.Run("PUBSUB", "SHARDNUMSUB", t + "s")));
        Reply.IsInt(await pub.Run("SPUBLISH", t + "s", "x"), 0);
    }

    [Fact]
    public async Task ResetStopsDeliveryAndReturnsToResp2()
    {
        var ch = NodeFixture.Key("rst");
        await using var sub = await Connect(3);
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        Assert.Equal("RESET", (await sub.Run("RESET")).Text);
        await using var pub = await node.ConnectAsync();
        Reply.IsInt(await pub.Run("PUBLISH", ch, "x"), 0);
        Reply.IsBulk(await sub.Run("GET", ch), null);
        Assert.Equal(RespType.Array, (await sub.Run("HELLO")).Type); // RESP2 again: no map
    }

    [Fact]
    public async Task ShardMessagesReachOnlyShardSubscribers()
    {
        var ch = NodeFixture.Key("shard");
        await using var plain = await Connect(2);
        await using var shard = await Connect(3);
        await plain.Send("SUBSCRIBE", ch);
        await shard.Send("SSUBSCRIBE", ch);
        await plain.Next();
        IsFrame(await shard.Next(), RespType.Push, "ssubscribe", ch, "1");
        await using var pub = await node.ConnectAsync();
        Reply.IsInt(await pub.Run("SPUBLISH", ch, "s"), 1);
        Reply.IsInt(await pub.Run("PUBLISH", ch, "p"), 1);
        IsFrame(await shard.Next(), RespType.Push, "smessage", ch, "s");
        IsFrame(await plain.Next(), RespType.Array, "message", ch, "p");
    }

    [Fact]
    public async Task ShardCommandsRequireOneSlot()
    {
        await using var c = await Connect(2);
        await c.Send("SSUBSCRIBE", "{a}x", "{b}y");
        Reply.IsError(await c.Next(), "CROSSSLOT Keys in request don't hash to the same slot");
        await c.Send("SUNSUBSCRIBE", "{a}x", "{b}y");
        Reply.IsError(await c.Next(), "CROSSSLOT Keys in request don't hash to the same slot");
        await c.Send("SSUBSCRIBE", "{a}x", "{a}y");
        IsFrame(await c.Next(), RespType.Array, "ssubscribe", "{a}x", "1");
        IsFrame(await c.Next(), RespType.Array, "ssubscribe", "{a}y", "2");
        // Keyless SUBSCRIBE may name channels of any slots.
        await c.Send("SUBSCRIBE", "{a}x", "{b}y");
        await c.NextFrames(2);
        await c.Send("SUNSUBSCRIBE");
        await c.NextFrames(2);
    }
}
