using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.Lists.ListTestSupport;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>
/// Blocking list commands. Each scenario runs on our node and on a real redis-server with the same
/// script; the replies must match each other and the outcome spelled out in the test.
/// </summary>
public class ListBlockingTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private static string R(RespValue v) => Differential.Render(v);

    /// <summary>Runs <paramref name="scenario"/> on both servers; asserts equal transcripts and returns ours.</summary>
    private async Task<List<string>> OnBoth(Func<BlockingTarget, Task<List<string>>> scenario)
    {
        var ours = await scenario(BlockingTarget.Ours(node));
        var theirs = await scenario(BlockingTarget.Redis(redis));
        Assert.Equal(theirs, ours);
        return ours;
    }

    [Fact]
    public async Task TimeoutsReplyNullArrayOrNullBulk()
    {
        var (a, b, _) = Keys3();
        string[][] cmds =
        [
            ["BLPOP", a, b, "0.1"], ["BRPOP", a, "0.05"], ["BLMOVE", a, b, "LEFT", "RIGHT", "0.1"], ["BRPOPLPUSH", a, b, "0.01"],
            ["BLMPOP", "0.1", "2", a, b, "LEFT", "COUNT", "3"], ["BLPOP", a, "1e-1"],
        ];
        var ours = await RawAsync(node.Port, cmds);
        // Redis answers every timed-out list block with a null array, BLMOVE and BRPOPLPUSH included.
        Assert.Equal("*-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n", ours);
        Assert.Equal(await RawAsync(redis.Port, cmds), ours);
        Assert.Equal(0, Waiters(node.Server, a));
        Assert.Equal(0, Waiters(node.Server, b));
    }

    [Fact]
    public async Task TimedOutClientGetsNothingLater()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        Assert.True((await c.Run("BLPOP", k, "0.05")).IsNull);
        Reply.IsInt(await c.Run("RPUSH", k, "v"), 1);
        Reply.IsInt(await c.Run("LLEN", k), 1);
        Assert.Equal(0, Waiters(node.Server, k));
    }

    [Fact]
    public async Task ZeroTimeoutWaitsUntilServed()
    {
        var k = NodeFixture.Key();
        await using var waiter = await node.ConnectAsync();
        await using var pusher = await node.ConnectAsync();
        var pending = waiter.Run("BLPOP", k, "0");
        await WaitForWaitersAsync(node.Server, k, 1);
        Reply.IsBulk(await pusher.Run("PING"), "PONG");
        Assert.False(pending.IsCompleted);
        Reply.IsInt(await pusher.Run("RPUSH", k, "v"), 1);
        Assert.Equal([k, "v"], Reply.Strings(await Within(pending)));
        Reply.IsInt(await pusher.Run("EXISTS", k), 0);
    }

    [Fact]
    public async Task WaitersAreServedInTheOrderTheyBlocked()
    {
        var k = NodeFixture.Key();
        var t = await OnBoth(async s =>
        {
            var clients = new List<RespClient>();
            var pending = new List<Task<RespValue>>();
            for (var i = 0; i < 3; i++)
            {
                var c = await s.Connect();
                clients.Add(c);
                pending.Add(c.Run(i == 1 ? "BRPOP" : "BLPOP", k, "0"));
                await s.WaitBlocked(i + 1);
            }
            await using var p = await s.Connect();
            var log = new List<string> { R(await p.Run("RPUSH", k, "a", "b", "c", "d")) };
            foreach (var x in pending) log.Add(R(await Within(x)));
            log.Add(R(await p.Run("LRANGE", k, "0", "-1")));
            foreach (var c in clients) await c.DisposeAsync();
            return log;
        });
        Assert.Equal([":4", $"*[${k}, $a]", $"*[${k}, $d]", $"*[${k}, $b]", "*[$c]"], t);
    }

    [Fact]
    public async Task OnePushOfSeveralElementsServesSeveralWaiters()
    {
        var k = NodeFixture.Key();
        var t = await OnBoth(async s =>
        {
            await using var c1 = await s.Connect();
            await using var c2 = await s.Connect();
            var w1 = c1.Run("BLPOP", k, "0");
            await s.WaitBlocked(1);
            var w2 = c2.Run("BLPOP", k, "0");
            await s.WaitBlocked(2);
            await using var p = await s.Connect();
            return [R(await p.Run("LPUSH", k, "x", "y", "z")), R(await Within(w1)), R(await Within(w2)), R(await p.Run("LRANGE", k, "0", "-1"))];
        });
        Assert.Equal([":3", $"*[${k}, $z]", $"*[${k}, $y]", "*[$x]"], t);
    }

    [Fact]
    public async Task WaiterIsServedAfterExecWithTheFinalState()
    {
        var k = NodeFixture.Key();
        var t = await OnBoth(async s =>
        {
            await using var w = await s.Connect();
            var pending = w.Run("BLPOP", k, "0");
            await s.WaitBlocked(1);
            await using var p = await s.Connect();
            var replies = await p.PipelineAsync([["MULTI"], ["RPUSH", k, "a"], ["RPUSH", k, "b"], ["LPOP", k], ["EXEC"]]);
            return [R(replies[^1]), R(await Within(pending)), R(await p.Run("EXISTS", k))];
        });
        Assert.Equal(["*[:1, :2, $a]", $"*[${k}, $b]", ":0"], t);
    }

    [Fact]
    public async Task KeyPushedAndDeletedInsideExecLeavesWaiterBlocked()
    {
        var k = NodeFixture.Key();
        var t = await OnBoth(async s =>
        {
            await using var w = await s.Connect();
            var pending = w.Run("BLPOP", k, "0");
            await s.WaitBlocked(1);
            await using var p = await s.Connect();
            var log = new List<string>();
            log.Add(R((await p.PipelineAsync([["MULTI"], ["RPUSH", k, "a"], ["DEL", k], ["EXEC"]]))[^1]));
            // Replaced by another type: still blocked (Redis wakes list waiters only for a list).
            log.Add(R((await p.PipelineAsync([["MULTI"], ["RPUSH", k, "a"], ["DEL", k], ["SET", k, "s"], ["EXEC"]]))[^1]));
            await s.WaitBlocked(1);
            log.Add(pending.IsCompleted ? "served too early" : "still blocked");
            log.Add(R(await p.Run("DEL", k)));
            log.Add(R(await p.Run("RPUSH", k, "z")));
            log.Add(R(await Within(pending)));
            return log;
        });
        Assert.Equal(["*[:1, :1]", "*[:1, :1, +OK]", "still blocked", ":1", ":1", $"*[${k}, $z]"], t);
    }

    [Fact]
    public async Task DisconnectedWaiterIsDroppedAndTheNextOneServed()
    {
        var k = NodeFixture.Key();
        var t = await OnBoth(async s =>
        {
            var gone = await s.Connect();
            _ = gone.Run("BLPOP", k, "0");
            await s.WaitBlocked(1);
            await gone.DisposeAsync();
            await s.WaitBlocked(0);
            await using var w = await s.Connect();
            var pending = w.Run("BLPOP", k, "0");
            await s.WaitBlocked(1);
            await using var p = await s.Connect();
            return [R(await p.Run("RPUSH", k, "v1", "v2")), R(await Within(pending)), R(await p.Run("LRANGE", k, "0", "-1"))];
        });
        Assert.Equal([":2", $"*[${k}, $v1]", "*[$v2]"], t);
        Assert.Equal(0, Waiters(node.Server, k));
    }

    [Fact]
    public async Task BlockingOnSeveralKeysServesTheOneThatGetsData()
    {
        var (a, b, c) = Keys3();
        var t = await OnBoth(async s =>
        {
            await using var w = await s.Connect();
            await using var p = await s.Connect();
            var pending = w.Run("BLPOP", a, b, c, "0");
            await s.WaitBlocked(1);
            var log = new List<string> { R(await p.Run("RPUSH", c, "c1", "c2")), R(await Within(pending)) };
            pending = w.Run("BRPOP", a, b, c, "0"); // c still has data: served at once from c
            log.Add(R(await Within(pending)));
            pending = w.Run("BRPOP", a, b, "0");
            await s.WaitBlocked(1);
            log.Add(R(await p.Run("LPUSH", b, "b1")));
            log.Add(R(await Within(pending)));
            return log;
        });
        Assert.Equal([":2", $"*[${c}, $c1]", $"*[${c}, $c2]", ":1", $"*[${b}, $b1]"], t);
    }

    [Fact]
    public async Task BlockedMoveIntoAListWithItsOwnWaiterWakesThemInChain()
    {
        var (src, mid, dst) = Keys3();
        var t = await OnBoth(async s =>
        {
            await using var first = await s.Connect();
            await using var second = await s.Connect();
            await using var p = await s.Connect();
            var a = first.Run("BLMOVE", src, mid, "LEFT", "RIGHT", "0");
            await s.WaitBlocked(1);
            var b = second.Run("BRPOPLPUSH", mid, dst, "0");
            await s.WaitBlocked(2);
            return
            [
                R(await p.Run("RPUSH", src, "v", "w")), R(await Within(a)), R(await Within(b)),
                R(await p.Run("LRANGE", src, "0", "-1")), R(await p.Run("EXISTS", mid)), R(await p.Run("LRANGE", dst, "0", "-1")),
            ];
        });
        Assert.Equal([":2", "$v", "$v", "*[$w]", ":0", "*[$v]"], t);
    }

    [Fact]
    public async Task BlockedMultiPopTakesUpToCount()
    {
        var (a, b, _) = Keys3();
        var t = await OnBoth(async s =>
        {
            await using var w = await s.Connect();
            await using var p = await s.Connect();
            var pending = w.Run("BLMPOP", "0", "2", a, b, "RIGHT", "COUNT", "2");
            await s.WaitBlocked(1);
            var log = new List<string> { R(await p.Run("RPUSH", b, "1", "2", "3")), R(await Within(pending)) };
            pending = w.Run("BLMPOP", "0", "2", a, b, "LEFT", "COUNT", "5");
            log.Add(R(await Within(pending)));
            return log;
        });
        Assert.Equal([":3", $"*[${b}, *[$3, $2]]", $"*[${b}, *[$1]]"], t);
    }

    [Fact]
    public async Task BlockedMoveToAWrongTypeDestinationGetsWrongTypeAndKeepsTheSource()
    {
        var (src, dst, _) = Keys3();
        var t = await OnBoth(async s =>
        {
            await using var w = await s.Connect();
            await using var p = await s.Connect();
            var pending = w.Run("BLMOVE", src, dst, "LEFT", "LEFT", "0");
            await s.WaitBlocked(1);
            return [R(await p.Run("SET", dst, "x")), R(await p.Run("RPUSH", src, "v")), R(await Within(pending)), R(await p.Run("LRANGE", src, "0", "-1"))];
        });
        Assert.Equal(["+OK", ":1", "-WRONGTYPE Operation against a key holding the wrong kind of value", "*[$v]"], t);
    }

    [Fact]
    public async Task WaiterOnSeveralKeysReadyInOneExecIsServedFromTheFirstListedKey()
    {
        // Redis 7.2 re-runs the command for the woken client, so the first listed key with data wins
        // (7.0, the differential server, served from the key that became ready first).
        var (a, b, _) = Keys3();
        await using var w = await node.ConnectAsync();
        await using var p = await node.ConnectAsync();
        var pending = w.Run("BRPOP", a, b, "0");
        await WaitForWaitersAsync(node.Server, a, 1);
        await p.PipelineAsync([["MULTI"], ["RPUSH", b, "x"], ["RPUSH", a, "y"], ["EXEC"]]);
        Assert.Equal([a, "y"], Reply.Strings(await Within(pending)));
        Assert.Equal(["x"], await Range(p, b));
    }

    [Fact]
    public async Task ServedWaiterOnResp3GetsAnArray()
    {
        var k = NodeFixture.Key();
        await using var w = await node.ConnectAsync();
        await using var p = await node.ConnectAsync();
        Reply.AssertNotError(await w.Run("HELLO", "3"));
        var pending = w.Run("BLPOP", k, "0");
        await WaitForWaitersAsync(node.Server, k, 1);
        await p.Run("RPUSH", k, "v");
        var reply = await Within(pending);
        Assert.Equal(RespType.Array, reply.Type);
        Assert.Equal([k, "v"], Reply.Strings(reply));
        Assert.True((await w.Run("BLPOP", k, "0.01")).IsNull);
    }

    [Fact]
    public async Task ManyWaitersOnManyKeysAllGetServedExactlyOnce()
    {
        var tag = NodeFixture.Key("");
        var keys = Enumerable.Range(0, 4).Select(i => tag + i).ToArray();
        var clients = new List<RespClient>();
        var pending = new List<Task<RespValue>>();
        for (var i = 0; i < 12; i++)
        {
            var c = await node.ConnectAsync();
            clients.Add(c);
            pending.Add(c.Run("BLPOP", keys[i % 4], keys[(i + 1) % 4], "0"));
            // One at a time: the order they block in decides who each push serves, and some orders
            // (possible when twelve connections race) leave a push with no waiter on its key.
            await BlockingTarget.Ours(node).WaitBlocked(i + 1);
        }
        await using var p = await node.ConnectAsync();
        for (var i = 0; i < 12; i++) await p.Run("RPUSH", keys[i % 4], "v" + i);
        var got = new List<string>();
        foreach (var x in pending) got.Add(Reply.Strings(await Within(x))[1]);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => "v" + i).Order(), got.Order());
        foreach (var k in keys) Reply.IsInt(await p.Run("EXISTS", k), 0);
        foreach (var c in clients) await c.DisposeAsync();
        await BlockingTarget.Ours(node).WaitBlocked(0);
    }
}
