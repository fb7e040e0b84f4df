using System.Net.Sockets;
using System.Text;
using QuorumCache.Cluster.Slots;
using QuorumCache.Node.Server;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>Helpers for the list tests: exact reply bytes, waiting for blocked clients, key sets.</summary>
internal static class ListTestSupport
{
    /// <summary>A connection to our node and one to Redis, both in <paramref name="protocol"/>, and how to close them.</summary>
    public static async Task<(Differential D, Func<Task> Dispose)> OpenPair(NodeFixture node, RedisServerFixture redis, int protocol = 2)
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        if (protocol == 3)
        {
            Reply.AssertNotError(await a.Run("HELLO", "3"));
            Reply.AssertNotError(await b.Run("HELLO", "3"));
        }
        return (new Differential(a, b), async () =>
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        });
    }

    /// <summary>
    /// Sends commands over a fresh plain socket and returns the exact bytes of their replies
    /// (to tell RESP2's null array <c>*-1</c> from the null bulk string <c>$-1</c>). A trailing PING
    /// marks the end of the replies.
    /// </summary>
    public static async Task<string> RawAsync(int port, params string[][] commands)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var sb = new StringBuilder();
        foreach (var c in commands) Encode(sb, c);
        Encode(sb, ["PING"]);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().EndsWith("+PONG\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0) break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var text = received.ToString();
        return text.EndsWith("+PONG\r\n", StringComparison.Ordinal) ? text[..^7] : text;
    }

    private static void Encode(StringBuilder sb, string[] args)
    {
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
    }

    /// <summary>Clients queued on <paramref name="key"/> in the node's blocking table.</summary>
    public static int Waiters(NodeServer server, string key)
    {
        var store = server.Keyspace[HashSlot.Of(Encoding.UTF8.GetBytes(key))];
        lock (store.Gate)
        {
            if (store.Blocked is null) return 0;
            return store.Blocked.TryGetValue(Encoding.UTF8.GetBytes(key), out var list) ? list.Count : 0;
        }
    }

    /// <summary>Waits (bounded) until exactly <paramref name="count"/> clients are blocked on <paramref name="key"/>.</summary>
    public static async Task WaitForWaitersAsync(NodeServer server, string key, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Waiters(server, key) != count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"expected {count} clients blocked on {key}, have {Waiters(server, key)}");
            await Task.Delay(5);
        }
    }

    /// <summary>Awaits a reply with a generous bound, so a lost wake-up fails the test instead of hanging it.</summary>
    public static async Task<RespValue> Within(Task<RespValue> reply, int seconds = 30)
    {
        var done = await Task.WhenAny(reply, Task.Delay(TimeSpan.FromSeconds(seconds)));
        Assert.True(done == reply, "no reply in time (a blocked client was not served)");
        return await reply;
    }

    /// <summary>Three keys in one slot.</summary>
    public static (string A, string B, string C) Keys3()
    {
        var t = NodeFixture.Key("");
        return (t + "a", t + "b", t + "c");
    }

    public static async Task<string[]> Range(RespClient c, string key) => Reply.Strings(await c.Run("LRANGE", key, "0", "-1"));
}
