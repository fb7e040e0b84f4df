using System.Net.Sockets;
using System.Text;
using QuorumCache.Node.Commands;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>No single command takes a node down: Redis's refusals inside MULTI, Redis's size errors
/// instead of exceptions, and a handler that throws costs its client an error, nothing more.</summary>
public class CommandSafetyTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData("SHUTDOWN")]
    [InlineData("SHUTDOWN", "NOSAVE")]
    public async Task ShutdownInsideMultiIsRefusedAndAbortsTheTransaction(params string[] shutdown)
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        var k = NodeFixture.Key();
        await d.Same("MULTI");
        Reply.IsError(await d.Same(shutdown), "ERR Command not allowed inside a transaction");
        await d.Same("SET", k, "1");
        Reply.IsError(await d.Same("EXEC"), "EXECABORT Transaction discarded because of previous errors.");
        await d.Same("GET", k);
        await using var other = await node.ConnectAsync();
        Assert.Equal("PONG", (await other.Run("PING")).Text);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775806")]
    [InlineData("536870911")]
    [InlineData("4294967296")]
    public async Task SetRangeBeyondTheSizeLimitGetsRedisError(string offset)
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        var k = NodeFixture.Key();
        Reply.IsError(await d.Same("SETRANGE", k, offset, "xy"), "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        await d.Same("SET", k, "abc");
        Reply.IsError(await d.Same("SETRANGE", k, offset, "xy"), "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        await d.Same("SETRANGE", k, offset, "");
        await d.Same("GET", k);
        await d.Same("SETRANGE", k, "-1", "x");
    }

    [Fact]
    public async Task AHandlerThatThrowsCostsItsClientAnErrorAndNothingElse()
    {
        node.Server.Commands.Add("qc-test-throw", 1, CommandFlags.Fast, 0, 0, 0, _ => throw new InvalidOperationException("boom"), "test");
        node.Server.Commands.Add("qc-test-throw-late", 1, CommandFlags.Fast, 0, 0, 0, ctx =>
        {
            ctx.Reply.WriteArrayHeader(2);
            throw new InvalidOperationException("boom after a partial reply");
        }, "test");
        var faults = node.Server.Stats.CommandFaults;
        await using var c = await node.ConnectAsync();
        Reply.IsError(await c.Run("qc-test-throw"), "ERR internal error while running 'qc-test-throw'; the node logged it");
        Assert.Equal("PONG", (await c.Run("PING")).Text);
        Assert.Equal(faults + 1, node.Server.Stats.CommandFaults);
        Assert.Contains("command_faults:" + (faults + 1), (await c.Run("INFO", "stats")).Text);

        // A reply already begun cannot be taken back: that one connection closes, the node goes on.
        using var raw = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync("127.0.0.1", node.Port);
        await raw.SendAsync(Encoding.ASCII.GetBytes("qc-test-throw-late\r\n"));
        var buf = new byte[1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var total = 0;
        while (true)
        {
            var n = await raw.ReceiveAsync(buf.AsMemory(total), SocketFlags.None, cts.Token);
            if (n == 0) break;
            total += n;
        }
        Assert.Equal("*2\r\n", Encoding.ASCII.GetString(buf, 0, total));
        Assert.Equal("PONG", (await c.Run("PING")).Text);
    }
}

/// <summary>A node with requirepass set, for Redis's limits on what an unauthenticated client may send.</summary>
public sealed class PasswordNodeFixture : IAsyncLifetime
{
    public NodeFixture Node { get; } = new();

    public Task InitializeAsync()
    {
        Node.Options.RequirePass = "s3cret";
        return Node.InitializeAsync();
    }

    public Task DisposeAsync() => Node.DisposeAsync();
}

public class UnauthenticatedLimitTests(PasswordNodeFixture fixture) : IClassFixture<PasswordNodeFixture>
{
    /// <summary>
    /// Sends raw bytes, reads until <paramref name="expected"/>'s length has arrived, then waits for the
    /// server to close: up to 30 s when a close is expected, half a second when it is not.
    /// </summary>
    private async Task<(string Reply, bool Closed)> Raw(string data, string expected, bool expectClose)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync("127.0.0.1", fixture.Node.Port);
        await s.SendAsync(Encoding.ASCII.GetBytes(data));
        var buf = new byte[65536];
        var sb = new StringBuilder();
        using var replyCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (sb.Length < expected.Length)
            {
                var n = await s.ReceiveAsync(buf, SocketFlags.None, replyCts.Token);
                if (n == 0) return (sb.ToString(), true);
                sb.Append(Encoding.ASCII.GetString(buf, 0, n));
            }
            using var closeCts = new CancellationTokenSource(expectClose ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(500));
            while (true)
            {
                var n = await s.ReceiveAsync(buf, SocketFlags.None, closeCts.Token);
                if (n == 0) return (sb.ToString(), true);
                sb.Append(Encoding.ASCII.GetString(buf, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            return (sb.ToString(), false);
        }
    }

    [Theory]
    [InlineData("*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n")]
    [InlineData("*2\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n")]
    [InlineData("*100\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n")]
    [InlineData("*1\r\n$536870912\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n")]
    public async Task BigCommandsFromAStrangerAreRefusedAndTheConnectionCloses(string input, string expected)
    {
        var (reply, closed) = await Raw(input, expected, expectClose: true);
        Assert.Equal(expected, reply);
        Assert.True(closed);
    }

    [Fact]
    public async Task WithinTheLimitsAStrangerGetsNoAuth()
    {
        var (reply, closed) = await Raw("*10\r\n$4\r\nSADD\r\n$16384\r\n" + new string('x', 16384) + "\r\n" + string.Concat(Enumerable.Repeat("$1\r\nx\r\n", 8)),
            "-NOAUTH Authentication required.\r\n", expectClose: false);
        Assert.Equal("-NOAUTH Authentication required.\r\n", reply);
        Assert.False(closed);
    }

    [Fact]
    public async Task AfterAuthTheUsualLimitsApply()
    {
        var sadd = new[] { "SADD", NodeFixture.Key("set") }.Concat(Enumerable.Range(0, 11).Select(i => "m" + i)).ToArray();
        var big = new string('v', 20_000);
        var (reply, closed) = await Raw("*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n" + Resp(sadd) + Resp("SET", NodeFixture.Key(), big),
            "+OK\r\n:11\r\n+OK\r\n", expectClose: false);
        Assert.Equal("+OK\r\n:11\r\n+OK\r\n", reply);
        Assert.False(closed);
    }

    private static string Resp(params string[] args) =>
        $"*{args.Length}\r\n" + string.Concat(args.Select(a => $"${a.Length}\r\n{a}\r\n"));
}
