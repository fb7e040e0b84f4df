using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>MONITOR's lines, against redis-server (timestamps and client ports left out).</summary>
public class MonitorTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task LinesMatchRedis()
    {
        var k = NodeFixture.Key();
        var ours = await Run(node.Port, node.ConnectAsync, k);
        var theirs = await Run(redis.Port, redis.ConnectAsync, k);
        Assert.Equal(theirs, ours);
        Assert.Contains("\"EXEC\"", ours);
    }

    private static async Task<string> Run(int port, Func<Task<QuorumCache.Resp.RespClient>> connect, string k)
    {
        using var monitor = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await monitor.ConnectAsync("127.0.0.1", port);
        await monitor.SendAsync("*1\r\n$7\r\nMONITOR\r\n"u8.ToArray());
        var received = new StringBuilder();
        var buf = new byte[65536];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        async Task ReadUntil(string text)
        {
            while (!received.ToString().Contains(text, StringComparison.Ordinal))
            {
                var n = await monitor.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n == 0) throw new IOException("monitor connection closed");
                received.Append(Encoding.Latin1.GetString(buf, 0, n));
            }
        }
        await ReadUntil("+OK\r\n");
        await using (var c = await connect())
        {
            await c.Run("SET", k, "a b\"\n\u0001\\");
            await c.Run("GET");                       // refused before running: not shown
            await c.Run("MULTI");
            await c.Run("INCR", k + "n");
            await c.Run("EXEC");
            await c.Run("CONFIG", "GET", "hz");       // admin: not shown
            await c.Run("AUTH", "nobody", "secret");  // shown, redacted
            await c.Run("BLPOP", k + "l", "0.01");
            await c.Run("ECHO", "the-end");
        }
        await ReadUntil("\"the-end\"\r\n");
        // RESET ends monitoring: the next command of another client is not sent to it.
        await monitor.SendAsync("*1\r\n$5\r\nRESET\r\n"u8.ToArray());
        await ReadUntil("+RESET\r\n");
        await using (var c = await connect()) await c.Run("ECHO", "after-reset");
        await monitor.SendAsync("*2\r\n$4\r\nECHO\r\n$4\r\ndone\r\n"u8.ToArray());
        await ReadUntil("$4\r\ndone\r\n");
        return Regex.Replace(received.ToString(), @"\+\d+\.\d{6} \[0 [^\]]+\]", "+T [0 client]");
    }
}
