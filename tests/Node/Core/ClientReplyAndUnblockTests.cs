using System.Net.Sockets;
using System.Text;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>CLIENT REPLY ON|OFF|SKIP, CLIENT UNBLOCK and FLUSHALL's effect on WATCH, against redis-server.</summary>
public class ClientReplyAndUnblockTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    /// <summary>Sends the commands on a fresh socket, then ECHO of a marker, and returns the bytes before the marker's reply.</summary>
    private static async Task<string> Transcript(int port, params string[][] commands)
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync("127.0.0.1", port);
        const string marker = "end-of-transcript";
        var sb = new StringBuilder();
        foreach (var c in commands.Append(["ECHO", marker]))
        {
            sb.Append('*').Append(c.Length).Append("\r\n");
            foreach (var a in c) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        await s.SendAsync(Encoding.UTF8.GetBytes(sb.ToString()));
        var tail = $"${marker.Length}\r\n{marker}\r\n";
        var received = new StringBuilder();
        var buf = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().EndsWith(tail, StringComparison.Ordinal))
        {
            var n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
            if (n == 0) break;
            received.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        var text = received.ToString();
        Assert.EndsWith(tail, text);
        return text[..^tail.Length];
    }

    [Fact]
    public async Task ClientReplySkipOffOnMatchRedis()
    {
        var k = NodeFixture.Key();
        string[][] commands =
        [
            ["CLIENT", "REPLY", "SKIP"], ["SET", k, "1"], ["GET", k],
            ["CLIENT", "REPLY", "OFF"], ["INCR", k], ["GET", k], ["CLIENT", "REPLY", "SKIP"], ["PING"],
            ["CLIENT", "REPLY", "ON"], ["GET", k], ["CLIENT", "REPLY", "MAYBE"],
        ];
        var ours = await Transcript(node.Port, commands);
        var theirs = await Transcript(redis.Port, commands);
        Assert.Equal(theirs, ours);
        Assert.Equal("$1\r\n1\r\n+OK\r\n$1\r\n2\r\n-ERR syntax error\r\n", ours);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("TIMEOUT")]
    [InlineData("ERROR")]
    public async Task ClientUnblockEndsAWaitAsRedisDoes(string? reason)
    {
        var ours = await UnblockRun(node.ConnectAsync, reason);
        var theirs = await UnblockRun(redis.ConnectAsync, reason);
        Assert.Equal(theirs, ours);
    }

    private static async Task<string> UnblockRun(Func<Task<RespClient>> connect, string? reason)
    {
        await using var blocked = await connect();
        await using var other = await connect();
        var id = (await blocked.Run("CLIENT", "ID")).Integer.ToString();
        var key = NodeFixture.Key();
        var wait = blocked.Run("BLPOP", key, "0");
        string[] unblock = reason is null ? ["CLIENT", "UNBLOCK", id] : ["CLIENT", "UNBLOCK", id, reason];
        // The BLPOP may not have arrived yet: UNBLOCK answers 0 until it has.
        RespValue first;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((first = await other.Run(unblock)).Integer == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        var served = await wait;
        var again = await other.Run(unblock);
        var bad = await other.Run("CLIENT", "UNBLOCK", id, "SOON");
        var notANumber = await other.Run("CLIENT", "UNBLOCK", "x");
        return string.Join(" | ", new[] { first, served, again, bad, notANumber }.Select(Differential.Render));
    }

    [Fact]
    public async Task FlushallBreaksWatchesOfPresentKeysOnly()
    {
        var ours = await FlushRun(node.ConnectAsync);
        var theirs = await FlushRun(redis.ConnectAsync);
        Assert.Equal(theirs, ours);
        Assert.Equal("*[+OK] | nil", ours);
    }

    private static async Task<string> FlushRun(Func<Task<RespClient>> connect)
    {
        await using var a = await connect();
        await using var b = await connect();
        var absent = NodeFixture.Key("absent");
        var present = NodeFixture.Key("present");
        Reply.IsOk(await a.Run("WATCH", absent));
        Reply.IsOk(await a.Run("MULTI"));
        await a.Run("SET", absent, "1");
        Reply.IsOk(await b.Run("FLUSHALL"));
        var kept = await a.Run("EXEC");
        Reply.IsOk(await a.Run("SET", present, "1"));
        Reply.IsOk(await a.Run("WATCH", present));
        Reply.IsOk(await a.Run("MULTI"));
        await a.Run("GET", present);
        Reply.IsOk(await b.Run("FLUSHALL"));
        var broken = await a.Run("EXEC");
        return Differential.Render(kept) + " | " + Differential.Render(broken);
    }
}
