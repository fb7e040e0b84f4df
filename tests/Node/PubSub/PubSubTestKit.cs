using QuorumCache.Node.Config;
using System.Text;
using QuorumCache.Node.Hosting;
using QuorumCache.Node.Messaging;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.PubSub;

/// <summary>Helpers for pub/sub tests: fire-and-forget sends and reading frames off <see cref="RespClient.Pushes"/>.</summary>
internal static class PubSubTestKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sends a command expecting no reply slot: every frame it produces (confirmations, errors,
    /// replies, messages) then arrives on <see cref="RespClient.Pushes"/>.
    /// </summary>
    public static Task Send(this RespClient c, params string[] args) => c.SendWithoutReplyAsync(args);

    public static Task SendBytes(this RespClient c, params byte[][] args)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        RespClient.EncodeCommand(buffer, args.Select(a => (ReadOnlyMemory<byte>)a).ToArray());
        return c.SendRawAsync(buffer.WrittenMemory, 0);
    }

    /// <summary>The next pushed frame, or a failure after a generous bound.</summary>
    public static Task<RespValue> Next(this RespClient c) => c.NextPushAsync(Wait);

    public static async Task<string[]> NextFrames(this RespClient c, int n)
    {
        var r = new string[n];
        for (var i = 0; i < n; i++) r[i] = Differential.Render(await c.Next());
        return r;
    }

    /// <summary>Sends the same command to both servers and asserts that the next <paramref name="frames"/> frames match.</summary>
    public static async Task SameFrames(RespClient ours, RespClient redis, int frames, params string[] args)
    {
        await ours.Send(args);
        await redis.Send(args);
        var a = await ours.NextFrames(frames);
        var b = await redis.NextFrames(frames);
        Assert.True(a.SequenceEqual(b), $"{string.Join(' ', args)}\n  ours:  {string.Join(" | ", a)}\n  redis: {string.Join(" | ", b)}");
    }

    /// <summary>A RESP2 client ready to subscribe (messages are treated as pushes).</summary>
    public static async Task<RespClient> Resp2(Func<Task<RespClient>> connect)
    {
        var c = await connect();
        c.SubscriberMode = true;
        return c;
    }

    public static async Task<RespClient> Resp3(Func<Task<RespClient>> connect)
    {
        var c = await connect();
        var hello = await c.ExecuteAsync("HELLO", "3");
        Assert.False(hello.IsError, hello.ToString());
        return c;
    }

    public static string[] Msg(string kind, params string[] parts) => [kind, .. parts];

    /// <summary>Asserts a frame is a pub/sub frame of the given RESP type and content.</summary>
    public static void IsFrame(RespValue v, RespType type, params string?[] items)
    {
        Assert.True(v.Type == type, $"expected {(char)type} frame, got {Differential.Render(v)}");
        Assert.Equal(items, v.Items!.Select(i => i.IsNull ? null : i.Text).ToArray());
    }

    /// <summary>Polls a condition until it holds (bounded); for server-side effects of disconnects.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return;
            await Task.Delay(20);
        }
        Assert.Fail("timed out waiting for: " + what);
    }

    public static PubSubHub Hub(this NodeFixture node) => node.Server.PubSub;
}

/// <summary>A node of its own with options a test class needs (limits, routing).</summary>
public abstract class CustomNodeFixture : IAsyncLifetime
{
    public NodeFixture Node { get; } = new();

    protected abstract void Configure(NodeOptions options);

    public async Task InitializeAsync()
    {
        Configure(Node.Options);
        await Node.InitializeAsync();
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}
