using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.PubSub.PubSubTestKit;

namespace QuorumCache.Tests.Node.PubSub;

/// <summary>Subscriber-side replies compared frame by frame with a real redis-server, in RESP2 and RESP3.</summary>
public class PubSubDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<(RespClientPair, Func<Task>)> Pair(int protocol)
    {
        var a = protocol == 3 ? await Resp3(node.ConnectAsync) : await Resp2(node.ConnectAsync);
        var b = protocol == 3 ? await Resp3(redis.ConnectAsync) : await Resp2(redis.ConnectAsync);
        return (new RespClientPair(a, b), async () => { await a.DisposeAsync(); await b.DisposeAsync(); });
    }

    public sealed record RespClientPair(QuorumCache.Resp.RespClient Ours, QuorumCache.Resp.RespClient Redis)
    {
        public Task Same(int frames, params string[] args) => SameFrames(Ours, Redis, frames, args);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SubscribeConfirmationsAndCounts(int protocol)
    {
        var (p, close) = await Pair(protocol);
        var t = NodeFixture.Key("c");
        await p.Same(3, "SUBSCRIBE", t + "1", t + "2", t + "1");
        await p.Same(2, "PSUBSCRIBE", t + "*", t + "?");
        await p.Same(1, "SUBSCRIBE", t + "3");
        await p.Same(1, "PUNSUBSCRIBE", t + "*");
        await p.Same(2, "UNSUBSCRIBE", t + "2", t + "nope");
        await close();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task UnsubscribeWithNothingSubscribedRepliesNil(int protocol)
    {
        var (p, close) = await Pair(protocol);
        await p.Same(1, "UNSUBSCRIBE");
        await p.Same(1, "PUNSUBSCRIBE");
        await p.Same(1, "SUNSUBSCRIBE");
        await close();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ShardSubscriptionsAreCountedApart(int protocol)
    {
        var (p, close) = await Pair(protocol);
        var t = NodeFixture.Key("s");
        await p.Same(2, "SUBSCRIBE", t + "a", t + "b");
        await p.Same(2, "SSUBSCRIBE", t + "x", t + "y");
        await p.Same(1, "PSUBSCRIBE", t + "p*");
        await p.Same(1, "SUNSUBSCRIBE", t + "x");
        await p.Same(1, "UNSUBSCRIBE", t + "a");
        await p.Same(1, "SUNSUBSCRIBE");
        await p.Same(1, "SUNSUBSCRIBE");
        await p.Same(1, "PUNSUBSCRIBE");
        await p.Same(1, "UNSUBSCRIBE");
        await p.Same(1, "UNSUBSCRIBE");
        await close();
    }

    [Fact]
    public async Task Resp2SubscriberModeRejectsOtherCommandsAndAnswersPing()
    {
        var (p, close) = await Pair(2);
        var t = NodeFixture.Key("m");
        await p.Same(1, "SUBSCRIBE", t);
        await p.Same(1, "GET", t);
        await p.Same(1, "SET", t, "v");
        await p.Same(1, "PING");
        await p.Same(1, "PING", "hello");
        await p.Same(1, "PSUBSCRIBE", t + "*");
        await p.Same(1, "UNSUBSCRIBE", t);
        await p.Same(1, "GET", t); // still subscribed to the pattern
        await p.Same(1, "PUNSUBSCRIBE");
        await p.Same(1, "GET", t); // back to normal
        await p.Same(1, "PING");
        await close();
    }

    [Fact]
    public async Task Resp3SubscriberMayRunAnyCommand()
    {
        var (p, close) = await Pair(3);
        var t = NodeFixture.Key("r3");
        await p.Same(1, "SUBSCRIBE", t);
        await p.Same(1, "GET", t);
        await p.Same(1, "PING");
        await p.Same(1, "PING", "x");
        await p.Same(1, "UNSUBSCRIBE");
        await close();
    }

    [Fact]
    public async Task ResetLeavesSubscriberMode()
    {
        var (p, close) = await Pair(2);
        var t = NodeFixture.Key("reset");
        await p.Same(2, "SUBSCRIBE", t, t + "2");
        await p.Same(1, "SSUBSCRIBE", t + "s");
        await p.Same(1, "RESET");
        await p.Same(1, "GET", t);
        await p.Same(1, "UNSUBSCRIBE");
        await p.Same(1, "SUNSUBSCRIBE");
        await close();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task MessagesAndPatternMessagesMatchRedis(int protocol)
    {
        var (p, close) = await Pair(protocol);
        await using var pubA = await node.ConnectAsync();
        await using var pubB = await redis.ConnectAsync();
        var t = NodeFixture.Key("msg");
        await p.Same(1, "SUBSCRIBE", t + "news");
        await p.Same(3, "PSUBSCRIBE", t + "n*", t + "ne?s", t + "[m-o]ews");
        // One publish: the channel message first, then one pmessage per matching pattern.
        var d = new Differential(pubA, pubB);
        await d.Same("PUBLISH", t + "news", "hello");
        var ours = (await p.Ours.NextFrames(4)).Order().ToArray();
        var theirs = (await p.Redis.NextFrames(4)).Order().ToArray();
        Assert.Equal(theirs, ours);
        await d.Same("PUBLISH", t + "nope", "x");
        Assert.Equal(await p.Redis.NextFrames(1), await p.Ours.NextFrames(1));
        await d.Same("PUBLISH", t + "other", "x");
        await p.Same(1, "UNSUBSCRIBE");
        await close();
    }

    [Fact]
    public async Task PublishCountsMatchRedis()
    {
        var t = NodeFixture.Key("cnt");
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        await d.Same("PUBLISH", t, "nobody");
        await d.Same("SPUBLISH", t, "nobody");
        var subs = new List<QuorumCache.Resp.RespClient>();
        foreach (var connect in new Func<Task<QuorumCache.Resp.RespClient>>[] { node.ConnectAsync, redis.ConnectAsync })
        {
            var s1 = await Resp2(connect);
            var s2 = await Resp2(connect);
            await s1.Send("SUBSCRIBE", t);
            await s2.Send("PSUBSCRIBE", t[..3] + "*");
            await s2.Send("SSUBSCRIBE", t);
            await s1.NextFrames(1);
            await s2.NextFrames(2);
            subs.Add(s1);
            subs.Add(s2);
        }
        await d.Same("PUBLISH", t, "m"); // channel + pattern = 2
        await d.Same("SPUBLISH", t, "m"); // shard subscribers only = 1
        await d.Same("PUBSUB", "NUMSUB", t, t + "x");
        await d.Same("PUBSUB", "SHARDNUMSUB", t, t + "x");
        await d.Same("PUBSUB", "CHANNELS", t[..^1] + "?");
        await d.Same("PUBSUB", "SHARDCHANNELS", t);
        foreach (var s in subs) await s.DisposeAsync();
    }

    [Fact]
    public async Task PubSubSubcommandErrorsAndHelpMatchRedis()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        await d.Same("PUBSUB");
        await d.Same("PUBSUB", "foo");
        await d.Same("PUBSUB", "NUMPAT", "x");
        await d.Same("PUBSUB", "CHANNELS", "a", "b");
        await d.Same("PUBSUB", "SHARDCHANNELS", "a", "b");
        await d.Same("PUBSUB", "NUMSUB");
        await d.Same("PUBSUB", "SHARDNUMSUB");
        await d.Same("PUBSUB", "HELP");
        await d.Same("PUBSUB", "help", "x");
        await d.Same("SUBSCRIBE");
        await d.Same("PSUBSCRIBE");
        await d.Same("SSUBSCRIBE");
        await d.Same("PUBLISH", "a");
        await d.Same("SPUBLISH", "a", "b", "c");
    }

    [Fact]
    public async Task BinaryChannelNamesRoundTrip()
    {
        byte[] channel = [0xff, 0x00, 0x80, (byte)'c', 0xc3];
        byte[] payload = [0x00, 0xfe, 0x0d, 0x0a];
        await using var sub = await Resp2(node.ConnectAsync);
        await sub.SendBytes("SUBSCRIBE"u8.ToArray(), channel);
        var conf = await sub.Next();
        Assert.Equal(channel, conf[1].Bytes);
        await using var pub = await node.ConnectAsync();
        var n = await pub.ExecuteAsync(new ReadOnlyMemory<byte>[] { "PUBLISH"u8.ToArray(), channel, payload });
        Reply.IsInt(n, 1);
        var m = await sub.Next();
        Assert.Equal("message", m[0].Text);
        Assert.Equal(channel, m[1].Bytes);
        Assert.Equal(payload, m[2].Bytes);
        var list = await pub.ExecuteAsync(new ReadOnlyMemory<byte>[] { "PUBSUB"u8.ToArray(), "CHANNELS"u8.ToArray(), new byte[] { 0xff, (byte)'*' } });
        Assert.Contains(list.Items!, i => i.Bytes!.SequenceEqual(channel));
    }
}

/// <summary>PUBSUB NUMPAT counts distinct patterns server-wide, so it runs on servers of its own.</summary>
public class PubSubNumPatTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task NumPatCountsDistinctPatterns()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        await d.Same("PUBSUB", "NUMPAT");
        var subs = new List<QuorumCache.Resp.RespClient>();
        foreach (var connect in new Func<Task<QuorumCache.Resp.RespClient>>[] { node.ConnectAsync, redis.ConnectAsync })
        {
            var s1 = await Resp2(connect);
            var s2 = await Resp2(connect);
            await s1.Send("PSUBSCRIBE", "a*", "b*");
            await s2.Send("PSUBSCRIBE", "a*", "c?");
            await s1.NextFrames(2);
            await s2.NextFrames(2);
            subs.Add(s1);
            subs.Add(s2);
        }
        await d.Same("PUBSUB", "NUMPAT");
        await subs[0].Send("PUNSUBSCRIBE", "a*", "b*");
        await subs[2].Send("PUNSUBSCRIBE", "a*", "b*");
        await subs[0].NextFrames(2);
        await subs[2].NextFrames(2);
        await d.Same("PUBSUB", "NUMPAT");
        foreach (var s in subs) await s.DisposeAsync();
    }
}

/// <summary>Table entries (arity, flags, key positions) as Redis's COMMAND INFO gives them.</summary>
public class PubSubCommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData("subscribe")]
    [InlineData("unsubscribe")]
    [InlineData("psubscribe")]
    [InlineData("punsubscribe")]
    [InlineData("ssubscribe")]
    [InlineData("sunsubscribe")]
    [InlineData("publish")]
    [InlineData("spublish")]
    public async Task CommandInfoHeadMatchesRedis(string name)
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var ours = (await a.Run("COMMAND", "INFO", name))[0];
        var theirs = (await b.Run("COMMAND", "INFO", name))[0];
        // name, arity, flags, first key, last key, step, ACL categories
        for (var i = 0; i < 7; i++)
            Assert.Equal(Differential.Render(theirs[i]), Differential.Render(ours[i]));
    }
}
