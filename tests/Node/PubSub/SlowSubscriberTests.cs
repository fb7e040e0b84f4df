using QuorumCache.Node.Config;
using System.Net.Sockets;
using System.Text;
using QuorumCache.Node.Hosting;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.PubSub.PubSubTestKit;

namespace QuorumCache.Tests.Node.PubSub;

public sealed class HardLimitNodeFixture : CustomNodeFixture
{
    public const long Hard = 1 << 20;

    protected override void Configure(NodeOptions o)
    {
        o.PubSubOutputHardLimit = Hard;
        o.PubSubOutputSoftLimit = 0;
    }
}

public sealed class SoftLimitNodeFixture : CustomNodeFixture
{
    protected override void Configure(NodeOptions o)
    {
        o.PubSubOutputHardLimit = 0;
        o.PubSubOutputSoftLimit = 256 * 1024;
        o.PubSubOutputSoftSeconds = 0; // over the soft limit on two observations a few ms apart is enough
    }
}

/// <summary>
/// A subscriber that never reads: its backlog must stay bounded by the pub/sub output limit, the
/// client must be evicted, and the publisher and the server's other clients must not be held up.
/// </summary>
internal static class SlowSubscriber
{
    /// <summary>Opens a raw socket, subscribes, and never reads.</summary>
    public static async Task<Socket> SubscribeAndStall(NodeFixture node, string channel)
    {
        var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8192 };
        await s.ConnectAsync("127.0.0.1", node.Port);
        var cmd = $"*2\r\n$9\r\nSUBSCRIBE\r\n${Encoding.UTF8.GetByteCount(channel)}\r\n{channel}\r\n";
        await s.SendAsync(Encoding.UTF8.GetBytes(cmd));
        await using var probe = await node.ConnectAsync();
        await Eventually(async () => Reply.Strings(await probe.Run("PUBSUB", "NUMSUB", channel))[1] == "1", "subscription registered");
        return s;
    }

    /// <summary>Publishes <paramref name="totalBytes"/> in 64 KB messages; returns how many reached a subscriber.</summary>
    public static async Task<long> Flood(NodeFixture node, string channel, long totalBytes)
    {
        await using var pub = await node.ConnectAsync();
        const int size = 64 * 1024, batch = 32;
        var payload = new byte[size];
        payload.AsSpan().Fill((byte)'p');
        // One batch of PUBLISH commands, encoded once and sent again and again.
        var bytes = new System.Buffers.ArrayBufferWriter<byte>();
        for (var i = 0; i < batch; i++)
            QuorumCache.Resp.RespClient.EncodeCommand(bytes, ["PUBLISH"u8.ToArray(), Encoding.UTF8.GetBytes(channel), payload]);
        var messages = (int)(totalBytes / size);
        long delivered = 0;
        for (var sent = 0; sent < messages; sent += batch)
        {
            var replies = await pub.SendRawAsync(bytes.WrittenMemory, batch);
            foreach (var r in replies) delivered += Reply.AssertNotError(r).Integer;
        }
        return delivered;
    }

    /// <summary>Reads what the server had sent before closing; returns the byte count (the socket must be closed by the server).</summary>
    public static async Task<long> DrainUntilClosed(Socket s)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0) break;
                total += n;
            }
        }
        catch (SocketException)
        {
            // reset by the server: closed
        }
        return total;
    }
}

public class HardLimitTests(HardLimitNodeFixture fixture) : IClassFixture<HardLimitNodeFixture>
{
    [Fact]
    public async Task StalledSubscriberIsEvictedAndMemoryStaysBounded()
    {
        var node = fixture.Node;
        var ch = NodeFixture.Key("slow");
        var evictedBefore = Interlocked.Read(ref node.Server.Stats.EvictedClients);
        using var stalled = await SlowSubscriber.SubscribeAndStall(node, ch);

        // A healthy subscriber on another channel keeps receiving throughout.
        await using var healthy = await Resp2(node.ConnectAsync);
        await healthy.Send("SUBSCRIBE", ch + "ok");
        await healthy.Next();

        const long total = 100L * 1024 * 1024;
        var delivered = await SlowSubscriber.Flood(node, ch, total);
        // It was dropped long before the end: the publisher went on at full speed without it.
        Assert.True(delivered < total / (64 * 1024) / 2, $"delivered {delivered} messages to a subscriber that never reads");
        Assert.True(Interlocked.Read(ref node.Server.Stats.EvictedClients) > evictedBefore);

        // The server closed it; what it had buffered for it was bounded (limit + socket buffers, far below 100 MB).
        var received = await SlowSubscriber.DrainUntilClosed(stalled);
        Assert.True(received < 32L * 1024 * 1024, $"stalled subscriber got {received} bytes");

        await using var other = await node.ConnectAsync();
        Reply.IsOk(await other.Run("SET", ch, "v"));
        Reply.IsBulk(await other.Run("GET", ch), "v");
        Assert.Equal([ch, "0"], Reply.Strings(await other.Run("PUBSUB", "NUMSUB", ch)));
        Reply.IsInt(await other.Run("PUBLISH", ch + "ok", "still"), 1);
        Assert.Equal("still", (await healthy.Next())[2].Text);
    }

    [Fact]
    public async Task ReadingSubscriberIsNotEvictedByHeavyTraffic()
    {
        var node = fixture.Node;
        var ch = NodeFixture.Key("fast");
        await using var sub = await Resp2(node.ConnectAsync);
        await sub.Send("SUBSCRIBE", ch);
        await sub.Next();
        await using var pub = await node.ConnectAsync();
        var payload = new string('q', 64 * 1024);
        var received = 0;
        // 10 MB, ten times the hard limit, to a subscriber that keeps up: the publisher stays at most
        // 4 messages (256 KB) ahead of what the subscriber has read, so the backlog stays well under 1 MB.
        for (var sent = 0; sent < 160; sent += 2)
        {
            var replies = await pub.PipelineAsync(Enumerable.Range(0, 2).Select(_ => new[] { "PUBLISH", ch, payload }));
            Assert.All(replies, r => Reply.IsInt(r, 1));
            while (received < sent + 2 - 4)
            {
                Assert.Equal(payload, (await sub.Next())[2].Text);
                received++;
            }
        }
        while (received < 160)
        {
            Assert.Equal(payload, (await sub.Next())[2].Text);
            received++;
        }
        Reply.IsInt(await pub.Run("PUBLISH", ch, "end"), 1);
    }
}

public class SoftLimitTests(SoftLimitNodeFixture fixture) : IClassFixture<SoftLimitNodeFixture>
{
    [Fact]
    public async Task SubscriberAboveTheSoftLimitForTooLongIsEvicted()
    {
        var node = fixture.Node;
        var ch = NodeFixture.Key("soft");
        using var stalled = await SlowSubscriber.SubscribeAndStall(node, ch);
        var delivered = await SlowSubscriber.Flood(node, ch, 16L * 1024 * 1024);
        Assert.True(delivered < 256, $"delivered {delivered}");
        await SlowSubscriber.DrainUntilClosed(stalled);
        Assert.True(Interlocked.Read(ref node.Server.Stats.EvictedClients) >= 1);
    }
}
