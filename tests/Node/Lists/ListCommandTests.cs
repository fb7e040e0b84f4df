using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.Lists.ListTestSupport;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>The non-blocking list commands, each sent to our node and to a real redis-server.</summary>
public class ListCommandTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task<(Differential D, Func<Task> Dispose)> Open(int protocol = 2) => OpenPair(node, redis, protocol);

    [Fact]
    public async Task PushesAndRanges()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("LPUSH", k, "c", "b", "a");
        await d.Same("RPUSH", k, "d", "e", "f");
        await d.Same("LLEN", k);
        foreach (var (s, e) in new[] { ("0", "-1"), ("1", "2"), ("-2", "-1"), ("-100", "100"), ("5", "2"), ("100", "200"), ("-1", "-100"),
                     ("0", "0"), ("-9223372036854775808", "9223372036854775807"), ("x", "1"), ("1", "1.5"), ("6", "6"), ("5", "5") })
            await d.Same("LRANGE", k, s, e);
        await d.Same("LRANGE", NodeFixture.Key(), "0", "-1");
        await d.Same("LLEN", NodeFixture.Key());
        await d.Same("LPUSH", k, "");
        await d.Same("LRANGE", k, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task PushXOnlyTouchesExistingLists()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("LPUSHX", k, "a");
        await d.Same("RPUSHX", k, "a", "b");
        await d.Same("EXISTS", k);
        await d.Same("RPUSH", k, "m");
        await d.Same("LPUSHX", k, "l1", "l2");
        await d.Same("RPUSHX", k, "r1", "r2");
        await d.Same("LRANGE", k, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task PopsWithAndWithoutCount()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("RPUSH", k, "1", "2", "3", "4", "5", "6", "7");
        await d.Same("LPOP", k);
        await d.Same("RPOP", k);
        await d.Same("LPOP", k, "0");
        await d.Same("LPOP", k, "2");
        await d.Same("RPOP", k, "1");
        await d.Same("LPOP", k, "-1");
        await d.Same("RPOP", k, "x");
        await d.Same("LPOP", k, "99999999999999999999");
        await d.Same("LPOP", k, "1", "2");
        await d.Same("RPOP", k, "100");
        await d.Same("EXISTS", k);
        await d.Same("LPOP", k);
        await d.Same("LPOP", k, "3");
        await d.Same("RPOP", k, "0");
        await dispose();
    }

    [Fact]
    public async Task PopOfMissingKeyIsNullArrayWithCountAndNullBulkWithout()
    {
        var k = NodeFixture.Key();
        var cmds = new[] { new[] { "LPOP", k, "2" }, ["RPOP", k, "0"], ["LPOP", k], ["RPOP", k] };
        var ours = await RawAsync(node.Port, cmds);
        Assert.Equal("*-1\r\n*-1\r\n$-1\r\n$-1\r\n", ours);
        Assert.Equal(await RawAsync(redis.Port, cmds), ours);
        // An existing list with count 0 gives an empty array.
        var l = NodeFixture.Key();
        var withList = new[] { new[] { "RPUSH", l, "a" }, ["LPOP", l, "0"], ["LMPOP", "1", l + "x", "LEFT"], ["LPOS", l, "zz"], ["LPOS", l, "zz", "COUNT", "0"] };
        Assert.Equal(await RawAsync(redis.Port, withList), await RawAsync(node.Port, withList));
    }

    [Fact]
    public async Task IndexAndSet()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("RPUSH", k, "a", "b", "c");
        foreach (var i in new[] { "0", "2", "3", "-1", "-3", "-4", "9223372036854775807", "-9223372036854775808", "x", "01" })
            await d.Same("LINDEX", k, i);
        await d.Same("LINDEX", NodeFixture.Key(), "x");
        await d.Same("LSET", k, "1", "B");
        await d.Same("LSET", k, "-1", "C");
        await d.Same("LSET", k, "3", "z");
        await d.Same("LSET", k, "-4", "z");
        await d.Same("LSET", k, "x", "z");
        await d.Same("LSET", NodeFixture.Key(), "0", "z");
        await d.Same("LSET", NodeFixture.Key(), "x", "z");
        await d.Same("LRANGE", k, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task RemoveByCountFromEitherEnd()
    {
        var (d, dispose) = await Open();
        foreach (var count in new[] { "0", "1", "2", "-1", "-2", "100", "-100" })
        {
            var k = NodeFixture.Key();
            await d.Same("RPUSH", k, "x", "a", "x", "b", "x", "c", "x");
            await d.Same("LREM", k, count, "x");
            await d.Same("LRANGE", k, "0", "-1");
        }
        var m = NodeFixture.Key();
        await d.Same("RPUSH", m, "x", "x");
        await d.Same("LREM", m, "0", "x");
        await d.Same("EXISTS", m);
        await d.Same("LREM", m, "0", "x");
        await d.Same("LREM", m, "y", "x");
        await dispose();
    }

    [Fact]
    public async Task TrimRanges()
    {
        var (d, dispose) = await Open();
        foreach (var (s, e) in new[] { ("1", "-2"), ("0", "0"), ("-2", "-1"), ("5", "2"), ("100", "200"), ("-100", "100"), ("2", "1000"), ("-1", "-3") })
        {
            var k = NodeFixture.Key();
            await d.Same("RPUSH", k, "a", "b", "c", "d", "e");
            await d.Same("LTRIM", k, s, e);
            await d.Same("LRANGE", k, "0", "-1");
            await d.Same("EXISTS", k);
        }
        var missing = NodeFixture.Key();
        await d.Same("LTRIM", missing, "0", "1");
        await d.Same("LTRIM", missing, "0", "x");
        await d.Same("EXISTS", missing);
        await dispose();
    }

    [Fact]
    public async Task InsertBeforeAndAfterPivot()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("LINSERT", k, "BEFORE", "a", "x");
        await d.Same("RPUSH", k, "a", "b", "a");
        await d.Same("LINSERT", k, "BEFORE", "a", "x");
        await d.Same("LINSERT", k, "after", "a", "y");
        await d.Same("LINSERT", k, "AFTER", "b", "z");
        await d.Same("LINSERT", k, "before", "missing", "z");
        await d.Same("LINSERT", k, "middle", "a", "z");
        await d.Same("LINSERT", NodeFixture.Key(), "middle", "a", "z");
        await d.Same("LRANGE", k, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task PositionsWithRankCountAndMaxLen()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("RPUSH", k, "a", "b", "c", "1", "2", "3", "c", "c", "a");
        string[][] options =
        [
            [], ["RANK", "1"], ["RANK", "2"], ["RANK", "-1"], ["RANK", "-2"], ["RANK", "10"], ["RANK", "-10"],
            ["COUNT", "0"], ["COUNT", "1"], ["COUNT", "2"], ["COUNT", "10"], ["RANK", "2", "COUNT", "0"], ["RANK", "-1", "COUNT", "2"],
            ["MAXLEN", "0"], ["MAXLEN", "2"], ["MAXLEN", "3"], ["MAXLEN", "1", "RANK", "-1"], ["COUNT", "0", "MAXLEN", "7"],
            ["count", "1", "COUNT", "2"], ["RANK", "2", "RANK", "1"],
            ["RANK", "0"], ["RANK", "x"], ["RANK", "9223372036854775807"], ["COUNT", "-1"], ["COUNT", "x"], ["MAXLEN", "-1"], ["MAXLEN", "x"],
            ["COUNT"], ["FOO", "1"], ["RANK"],
        ];
        foreach (var element in new[] { "a", "c", "zz" })
        foreach (var o in options)
            await d.Same(["LPOS", k, element, .. o]);
        var missing = NodeFixture.Key();
        await d.Same("LPOS", missing, "a");
        await d.Same("LPOS", missing, "a", "COUNT", "0");
        await d.Same("LPOS", missing, "a", "RANK", "0");
        await dispose();
    }

    [Fact]
    public async Task RankOfLongMinIsRefusedAsRedis72Does()
    {
        // Redis 7.0 (the differential server here) overflows on it; 7.2 replies with a range error.
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key();
        await c.Run("RPUSH", k, "a");
        Reply.IsError(await c.Run("LPOS", k, "a", "RANK", "-9223372036854775808"),
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        Reply.IsInt(await c.Run("LPOS", k, "a", "RANK", "-1"), 0);
        Reply.IsBulk(await c.Run("LPOS", k, "a", "RANK", "-9223372036854775807"), null);
    }

    [Fact]
    public async Task MoveBetweenListsInAllDirections()
    {
        var (d, dispose) = await Open();
        var (src, dst, _) = Keys3();
        await d.Same("RPUSH", src, "1", "2", "3", "4", "5");
        foreach (var (from, to) in new[] { ("LEFT", "LEFT"), ("LEFT", "RIGHT"), ("RIGHT", "LEFT"), ("right", "right") })
        {
            await d.Same("LMOVE", src, dst, from, to);
            await d.Same("LRANGE", src, "0", "-1");
            await d.Same("LRANGE", dst, "0", "-1");
        }
        await d.Same("LMOVE", src, dst, "UP", "LEFT");
        await d.Same("LMOVE", src, dst, "LEFT", "DOWN");
        await d.Same("LMOVE", src, dst, "LEFT", "LEFT");
        await d.Same("EXISTS", src);
        await d.Same("LMOVE", src, dst, "LEFT", "LEFT");
        await d.Same("LMOVE", src, dst, "x", "LEFT");
        await dispose();
    }

    [Fact]
    public async Task MoveWithinOneListRotates()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        await d.Same("RPUSH", k, "a", "b", "c");
        await d.Same("LMOVE", k, k, "LEFT", "RIGHT");
        await d.Same("LMOVE", k, k, "RIGHT", "LEFT");
        await d.Same("LMOVE", k, k, "RIGHT", "RIGHT");
        await d.Same("RPOPLPUSH", k, k);
        await d.Same("LRANGE", k, "0", "-1");
        var one = NodeFixture.Key();
        await d.Same("RPUSH", one, "only");
        await d.Same("LMOVE", one, one, "LEFT", "LEFT");
        await d.Same("LRANGE", one, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task RPopLPushCreatesDestinationAndDeletesEmptySource()
    {
        var (d, dispose) = await Open();
        var (src, dst, _) = Keys3();
        await d.Same("RPOPLPUSH", src, dst);
        await d.Same("RPUSH", src, "a", "b");
        await d.Same("RPOPLPUSH", src, dst);
        await d.Same("RPOPLPUSH", src, dst);
        await d.Same("EXISTS", src);
        await d.Same("LRANGE", dst, "0", "-1");
        await d.Same("TYPE", dst);
        await dispose();
    }

    [Fact]
    public async Task MultiPopFromFirstNonEmptyList()
    {
        var (d, dispose) = await Open();
        var (a, b, c) = Keys3();
        await d.Same("LMPOP", "2", a, b, "LEFT");
        await d.Same("RPUSH", b, "1", "2", "3", "4");
        await d.Same("RPUSH", c, "x");
        await d.Same("LMPOP", "3", a, b, c, "LEFT");
        await d.Same("LMPOP", "3", a, b, c, "RIGHT", "COUNT", "2");
        await d.Same("LMPOP", "3", a, b, c, "left", "count", "10");
        await d.Same("LMPOP", "3", a, b, c, "RIGHT", "COUNT", "9223372036854775807");
        await d.Same("EXISTS", b, c);
        await d.Same("LMPOP", "3", a, b, c, "RIGHT");
        await dispose();
    }

    [Fact]
    public async Task MultiPopArgumentErrors()
    {
        var (d, dispose) = await Open();
        var (a, b, _) = Keys3();
        await d.Same("RPUSH", a, "1");
        string[][] bad =
        [
            ["LMPOP", "0", a, "LEFT"], ["LMPOP", "-1", a, "LEFT"], ["LMPOP", "x", a, "LEFT"], ["LMPOP", "1", a, "MIDDLE"],
            ["LMPOP", "1", a, "LEFT", "COUNT", "0"], ["LMPOP", "1", a, "LEFT", "COUNT", "-1"], ["LMPOP", "1", a, "LEFT", "COUNT", "x"],
            ["LMPOP", "1", a, "LEFT", "COUNT", "1", "COUNT", "2"], ["LMPOP", "1", a, "LEFT", "FOO"], ["LMPOP", "1", a, "LEFT", "COUNT"],
            ["LMPOP", "5", a, b, "LEFT"], ["LMPOP", "99999999999", a, "LEFT"], ["LMPOP", "1", a], ["LMPOP", "1"],
        ];
        foreach (var cmd in bad) await d.Same(cmd);
        await d.Same("LRANGE", a, "0", "-1");
        await dispose();
    }

    [Fact]
    public async Task WrongTypeEverywhere()
    {
        var (d, dispose) = await Open();
        var (s, l, _) = Keys3();
        await d.Same("SET", s, "text");
        await d.Same("RPUSH", l, "a");
        string[][] cmds =
        [
            ["LPUSH", s, "a"], ["RPUSH", s, "a"], ["LPUSHX", s, "a"], ["RPUSHX", s, "a"], ["LPOP", s], ["RPOP", s, "2"], ["LPOP", s, "0"],
            ["LPOP", s, "-1"], ["LLEN", s], ["LINDEX", s, "0"], ["LINDEX", s, "x"], ["LSET", s, "0", "v"], ["LSET", s, "x", "v"],
            ["LRANGE", s, "0", "-1"], ["LRANGE", s, "x", "1"], ["LREM", s, "0", "a"], ["LREM", s, "x", "a"], ["LTRIM", s, "0", "1"],
            ["LINSERT", s, "BEFORE", "a", "b"], ["LINSERT", s, "AROUND", "a", "b"], ["LPOS", s, "a"], ["LPOS", s, "a", "RANK", "0"],
            ["LMOVE", s, l, "LEFT", "LEFT"], ["LMOVE", l, s, "LEFT", "LEFT"], ["RPOPLPUSH", s, l], ["RPOPLPUSH", l, s],
            ["BLPOP", s, "0"], ["BLMOVE", l, s, "LEFT", "LEFT", "0"], ["BRPOP", l, s, "0"], ["BRPOPLPUSH", s, l, "0"],
            ["BLMPOP", "0", "2", s, l, "LEFT"], ["LMPOP", "2", s, l, "LEFT"], ["RPUSH", l, "b"],
            // A list before the wrong-typed key is served; after it is emptied, the wrong type is reached.
            ["LMPOP", "2", l, s, "LEFT"], ["LMPOP", "2", l, s, "LEFT"],
        ];
        foreach (var c in cmds) await d.Same(c);
        await d.Same("GET", s);
        await dispose();
    }

    [Fact]
    public async Task ArityErrors()
    {
        var (d, dispose) = await Open();
        var k = NodeFixture.Key();
        string[][] cmds =
        [
            ["LPUSH", k], ["RPUSHX", k], ["LPOP"], ["RPOP", k, "1", "2"], ["LLEN"], ["LINDEX", k], ["LSET", k, "0"], ["LRANGE", k, "0"],
            ["LREM", k, "0"], ["LTRIM", k, "0"], ["LINSERT", k, "BEFORE", "a"], ["LPOS", k], ["LMOVE", k, k, "LEFT"], ["RPOPLPUSH", k],
            ["LMPOP", "1", k], ["BLPOP", k], ["BLMOVE", k, k, "LEFT", "LEFT"], ["BRPOPLPUSH", k, k], ["BLMPOP", "0", "1", k],
        ];
        foreach (var c in cmds) await d.Same(c);
        await dispose();
    }

    [Fact]
    public async Task Resp3Replies()
    {
        var (d, dispose) = await Open(protocol: 3);
        var (a, b, _) = Keys3();
        await d.Same("RPUSH", a, "1", "2", "3", "1");
        await d.Same("LPOP", a, "2");
        await d.Same("LPOP", b, "2");
        await d.Same("LPOP", b);
        await d.Same("LPOS", a, "1", "COUNT", "0");
        await d.Same("LPOS", a, "zz");
        await d.Same("LMPOP", "2", b, a, "RIGHT");
        await d.Same("LMPOP", "1", b, "RIGHT");
        await d.Same("LINDEX", a, "100");
        await d.Same("LRANGE", a, "0", "-1");
        await d.Same("BLPOP", a, "0");
        await dispose();
    }
}
