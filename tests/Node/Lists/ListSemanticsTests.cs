using System.Text;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.Lists.ListTestSupport;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>
/// Lists together with the rest of the server: TTLs, WATCH, binary values, pipelining behind a
/// blocked command, slots; and a seeded random differential run against a real redis-server.
/// </summary>
public class ListSemanticsTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<(Differential D, RespClient Ours, RespClient Theirs)> Open()
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        return (new Differential(a, b), a, b);
    }

    [Fact]
    public async Task RandomCommandSequencesMatchRedis()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        var (d, ours, theirs) = await Open();
        await using var _ = ours;
        await using var __ = theirs;
        var tag = NodeFixture.Key("");
        var keys = Enumerable.Range(0, 3).Select(i => tag + i).ToArray();
        string K() => keys[rng.Next(keys.Length)];
        string V() => rng.Next(5) switch { 0 => "", 1 => new string('z', rng.Next(70, 100)), _ => rng.Next(5).ToString() };
        string I() => (rng.Next(16) - 8).ToString();
        string Side() => rng.Next(2) == 0 ? "LEFT" : "right";
        for (var i = 0; i < 700; i++)
        {
            string[] cmd = rng.Next(20) switch
            {
                0 => ["LPUSH", K(), V(), V()],
                1 => ["RPUSH", K(), V(), V(), V()],
                2 => ["LPOP", K()],
                3 => ["RPOP", K(), rng.Next(4).ToString()],
                4 => ["LSET", K(), I(), V()],
                5 => ["LREM", K(), I(), V()],
                6 => ["LTRIM", K(), I(), I()],
                7 => ["LINSERT", K(), rng.Next(2) == 0 ? "BEFORE" : "AFTER", V(), V()],
                8 => ["LMOVE", K(), K(), Side(), Side()],
                9 => ["RPOPLPUSH", K(), K()],
                10 => ["LMPOP", "2", K(), K(), Side(), "COUNT", (rng.Next(3) + 1).ToString()],
                11 => ["LRANGE", K(), I(), I()],
                12 => ["LINDEX", K(), I()],
                13 => ["LPOS", K(), V(), "RANK", (rng.Next(2) == 0 ? 1 : -1).ToString(), "COUNT", rng.Next(3).ToString(), "MAXLEN", rng.Next(5).ToString()],
                14 => ["LPOS", K(), V()],
                15 => ["LLEN", K()],
                16 => ["LPUSHX", K(), V()],
                17 => ["BLPOP", K(), K(), "0.01"],
                18 => ["BLMOVE", K(), K(), Side(), Side(), "0.01"],
                _ => ["RPUSHX", K(), V()],
            };
            try
            {
                await d.Same(cmd);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, step {i}: {ex.Message}");
            }
        }
        foreach (var k in keys) await d.Same("LRANGE", k, "0", "-1");
    }

    [Fact]
    public async Task ChangesKeepTheTtlAndNewDestinationsHaveNone()
    {
        var (d, ours, theirs) = await Open();
        var (a, b, _) = Keys3();
        await d.Same("RPUSH", a, "1", "2", "3");
        await d.Same("EXPIRE", a, "1000");
        await d.Same("RPUSH", a, "4");
        await d.Same("LPOP", a);
        await d.Same("LSET", a, "0", "x");
        await d.Same("LTRIM", a, "0", "1");
        await d.Same("TTL", a);
        await d.Same("LMOVE", a, b, "LEFT", "LEFT");
        await d.Same("TTL", b);
        await d.Same("TTL", a);
        await d.Same("LPOP", a, "5");
        await d.Same("RPUSH", a, "again");
        await d.Same("TTL", a);
        await ours.DisposeAsync();
        await theirs.DisposeAsync();
    }

    [Fact]
    public async Task ExpiredListIsMissingForEveryCommand()
    {
        await using var c = await node.ConnectAsync();
        var (a, b, _) = Keys3();
        await c.Run("RPUSH", a, "1", "2");
        await c.Run("PEXPIRE", a, "1");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await c.Run("PTTL", a)).Integer > 0 && DateTime.UtcNow < deadline) await Task.Delay(2);
        await Task.Delay(5);
        Reply.IsInt(await c.Run("LLEN", a), 0);
        Assert.True((await c.Run("BLPOP", a, "0.01")).IsNull);
        Assert.True((await c.Run("LMOVE", a, b, "LEFT", "LEFT")).IsNull);
        Reply.IsInt(await c.Run("LPUSHX", a, "v"), 0);
        Reply.IsInt(await c.Run("RPUSH", a, "v"), 1);
        Reply.IsInt(await c.Run("TTL", a), -1);
    }

    [Fact]
    public async Task ListWritesBreakWatch()
    {
        var (d, ours, theirs) = await Open();
        await using var other1 = await node.ConnectAsync();
        await using var other2 = await redis.ConnectAsync();
        var k = NodeFixture.Key();
        await d.Same("RPUSH", k, "a", "b");
        foreach (var change in new[] { new[] { "LPUSH", k, "x" }, ["LSET", k, "0", "y"], ["LTRIM", k, "0", "0"], ["LINSERT", k, "AFTER", "y", "z"], ["LREM", k, "0", "z"] })
        {
            await d.Same("WATCH", k);
            await other1.ExecuteAsync(change);
            await other2.ExecuteAsync(change);
            await d.Same("MULTI");
            await d.Same("LLEN", k);
            await d.Same("EXEC");
        }
        // A no-op (nothing removed) leaves the watch intact.
        await d.Same("WATCH", k);
        await other1.Run("LREM", k, "0", "nothing");
        await other2.Run("LREM", k, "0", "nothing");
        await d.Same("MULTI");
        await d.Same("LLEN", k);
        await d.Same("EXEC");
        await ours.DisposeAsync();
        await theirs.DisposeAsync();
    }

    [Fact]
    public async Task ElementsAreBinarySafe()
    {
        await using var c = await node.ConnectAsync();
        var k = Encoding.UTF8.GetBytes(NodeFixture.Key());
        byte[] odd = [0, 13, 10, 255, 36, 42, 0];
        await c.ExecuteAsync("RPUSH"u8.ToArray(), k, odd, Array.Empty<byte>(), odd);
        Assert.Equal(odd, (await c.ExecuteAsync("LINDEX"u8.ToArray(), k, "0"u8.ToArray())).Bytes);
        Assert.Empty((await c.ExecuteAsync("LINDEX"u8.ToArray(), k, "1"u8.ToArray())).Bytes!);
        Assert.Equal(2, (await c.ExecuteAsync("LPOS"u8.ToArray(), k, odd, "RANK"u8.ToArray(), "-1"u8.ToArray())).Integer);
        Assert.Equal(2, (await c.ExecuteAsync("LREM"u8.ToArray(), k, "0"u8.ToArray(), odd)).Integer);
        Reply.IsInt(await c.ExecuteAsync("LLEN"u8.ToArray(), k), 1);
    }

    [Fact]
    public async Task CommandsPipelinedBehindABlockedOneWaitForIt()
    {
        var (a, b, _) = Keys3();
        await using var w = await node.ConnectAsync();
        await using var p = await node.ConnectAsync();
        var replies = w.PipelineAsync([["BLPOP", a, "0"], ["RPUSH", b, "after"], ["LLEN", a]]);
        await WaitForWaitersAsync(node.Server, a, 1);
        Reply.IsInt(await p.Run("EXISTS", b), 0); // the pipelined RPUSH has not run yet
        await p.Run("RPUSH", a, "x", "y");
        var r = await replies.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([a, "x"], Reply.Strings(r[0]));
        Reply.IsInt(r[1], 1);
        Reply.IsInt(r[2], 1);
    }

    [Fact]
    public async Task MovesAndPushesIntoAWatchedKeyWakeItsWaiter()
    {
        var (a, b, _) = Keys3();
        await using var w = await node.ConnectAsync();
        await using var p = await node.ConnectAsync();
        await p.Run("RPUSH", b, "1", "2");
        var pending = w.Run("BRPOP", a, "0");
        await WaitForWaitersAsync(node.Server, a, 1);
        Reply.IsBulk(await p.Run("RPOPLPUSH", b, a), "2");
        Assert.Equal([a, "2"], Reply.Strings(await Within(pending)));
        pending = w.Run("BLPOP", a, "0");
        await WaitForWaitersAsync(node.Server, a, 1);
        Reply.AssertNotError(await p.Run("LMPOP", "1", b, "LEFT"));
        Reply.IsInt(await p.Run("RPUSHX", a, "nope"), 0); // RPUSHX on a missing key does not create it
        Reply.IsBulk(await p.Run("PING"), "PONG");
        Assert.False(pending.IsCompleted);
        Reply.IsInt(await p.Run("LPUSH", a, "3"), 1);
        Assert.Equal([a, "3"], Reply.Strings(await Within(pending)));
    }

    [Fact]
    public async Task TheSameKeyTwiceIsServedOnce()
    {
        var k = NodeFixture.Key();
        await using var w = await node.ConnectAsync();
        await using var p = await node.ConnectAsync();
        var pending = w.Run("BLPOP", k, k, "0");
        await WaitForWaitersAsync(node.Server, k, 1);
        await p.Run("RPUSH", k, "a", "b");
        Assert.Equal([k, "a"], Reply.Strings(await Within(pending)));
        Assert.Equal(["b"], await Range(p, k));
    }

    [Fact]
    public async Task KeysOfDifferentSlotsAreRefused()
    {
        await using var c = await node.ConnectAsync();
        var a = NodeFixture.Key();
        var b = NodeFixture.Key();
        foreach (var cmd in new[] { new[] { "BLPOP", a, b, "0" }, ["LMOVE", a, b, "LEFT", "LEFT"], ["LMPOP", "2", a, b, "LEFT"], ["BLMPOP", "0", "2", a, b, "LEFT"], ["RPOPLPUSH", a, b] })
            Reply.IsError(await c.ExecuteAsync(cmd), "CROSSSLOT Keys in request don't hash to the same slot");
    }

    [Fact]
    public async Task Resp3TimeoutsAreNull()
    {
        var k = NodeFixture.Key();
        string[][] cmds = [["HELLO", "3"], ["BLPOP", k, "0.01"], ["BLMOVE", k, k, "LEFT", "LEFT", "0.01"], ["LPOP", k, "2"], ["LINDEX", k, "0"]];
        var ours = await RawAsync(node.Port, cmds);
        var theirs = await RawAsync(redis.Port, cmds);
        Assert.EndsWith("_\r\n_\r\n_\r\n_\r\n", ours);
        Assert.EndsWith("_\r\n_\r\n_\r\n_\r\n", theirs);
    }

    [Fact]
    public async Task LongListsMatchRedis()
    {
        var (d, ours, theirs) = await Open();
        var k = NodeFixture.Key();
        var args = new List<string> { "RPUSH", k };
        args.AddRange(Enumerable.Range(0, 3000).Select(i => (i % 97).ToString()));
        await d.Same(args.ToArray());
        await d.Same("LRANGE", k, "1000", "1010");
        await d.Same("LINDEX", k, "1500");
        await d.Same("LPOS", k, "5", "RANK", "-3", "COUNT", "4");
        await d.Same("LREM", k, "-5", "7");
        await d.Same("LINSERT", k, "BEFORE", "50", "x");
        await d.Same("LTRIM", k, "100", "-100");
        await d.Same("LMPOP", "1", k, "RIGHT", "COUNT", "1000");
        await d.Same("LRANGE", k, "0", "-1");
        await ours.DisposeAsync();
        await theirs.DisposeAsync();
    }
}
