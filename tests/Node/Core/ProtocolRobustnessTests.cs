using System.Net.Sockets;
using System.Text;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>Bad input gets Redis's error and closes only that connection; the server and other clients carry on.</summary>
public class ProtocolRobustnessTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    /// <summary>Sends raw bytes on a fresh socket and returns everything the server wrote until it closed (or timed out).</summary>
    private async Task<(string Reply, bool Closed)> Raw(byte[] data, int readTimeoutMs = 30_000)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync("127.0.0.1", node.Port);
        await s.SendAsync(data);
        var buf = new byte[65536];
        var sb = new StringBuilder();
        using var cts = new CancellationTokenSource(readTimeoutMs);
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n == 0) return (sb.ToString(), true);
                sb.Append(Encoding.UTF8.GetString(buf, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            return (sb.ToString(), false);
        }
        catch (SocketException)
        {
            return (sb.ToString(), true);
        }
    }

    private async Task AssertServerHealthy()
    {
        await using var c = await node.ConnectAsync();
        Assert.Equal("PONG", (await c.Run("PING")).Text);
    }

    [Theory]
    [InlineData("*1\r\n$1073741824\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'\r\n")]
    [InlineData("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*10000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("SET a \"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public async Task MalformedInputGetsErrorAndClose(string input, string expected)
    {
        var (reply, closed) = await Raw(Encoding.UTF8.GetBytes(input));
        Assert.Equal(expected, reply);
        Assert.True(closed);
        await AssertServerHealthy();
    }

    [Fact]
    public async Task RepliesBeforeTheErrorAreDelivered()
    {
        var (reply, closed) = await Raw(Encoding.UTF8.GetBytes("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n"));
        Assert.Equal("+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n", reply);
        Assert.True(closed);
    }

    [Fact]
    public async Task UnterminatedInlineLineIsRefused()
    {
        var data = Encoding.ASCII.GetBytes(new string('a', 70 * 1024));
        var (reply, closed) = await Raw(data);
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", reply);
        Assert.True(closed);
        await AssertServerHealthy();
    }

    [Fact]
    public async Task ClientDisconnectingMidCommandHarmsNothing()
    {
        await using var other = await node.ConnectAsync();
        var k = NodeFixture.Key();
        Reply.IsOk(await other.Run("SET", k, "before"));
        for (var i = 0; i < 20; i++)
        {
            using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync("127.0.0.1", node.Port);
            await s.SendAsync(Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n${k.Length}\r\n{k}\r\n$100\r\npartial"));
            s.Close();
        }
        Reply.IsBulk(await other.Run("GET", k), "before");
        await AssertServerHealthy();
    }

    [Fact]
    public async Task AnnouncedHugeBulkThatNeverArrivesDoesNotBlockOthers()
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync("127.0.0.1", node.Port);
        await s.SendAsync(Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n$500000000\r\nabc"));
        await AssertServerHealthy();
        s.Close();
    }

    [Fact]
    public async Task InlineCommandsWork()
    {
        var (reply, _) = await Raw(Encoding.ASCII.GetBytes("PING\r\necho \"a b\"\r\nQUIT\r\n"));
        Assert.Equal("+PONG\r\n$3\r\na b\r\n+OK\r\n", reply);
    }

    [Fact]
    public async Task DeepPipelineOfTenThousandCommands()
    {
        var sb = new StringBuilder();
        var k = NodeFixture.Key();
        for (var i = 0; i < 10_000; i++) sb.Append($"*2\r\n$4\r\nINCR\r\n${k.Length}\r\n{k}\r\n");
        await using var c = await node.ConnectAsync();
        var replies = await c.SendRawAsync(Encoding.ASCII.GetBytes(sb.ToString()), 10_000);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), replies.Select(r => r.Integer));
    }

    [Fact]
    public async Task ConcurrentIncrementsOnOneKeyAreExact()
    {
        var k = NodeFixture.Key();
        const int clients = 16, perClient = 500;
        var tasks = Enumerable.Range(0, clients).Select(async _ =>
        {
            await using var c = await node.ConnectAsync();
            var cmds = Enumerable.Range(0, perClient).Select(_ => new[] { "INCR", k });
            // half pipelined, half one by one
            await c.PipelineAsync(cmds.Take(perClient / 2));
            for (var i = 0; i < perClient / 2; i++) await c.Run("INCR", k);
        });
        await Task.WhenAll(tasks);
        await using var check = await node.ConnectAsync();
        Reply.IsBulk(await check.Run("GET", k), (clients * perClient).ToString());
    }
}
