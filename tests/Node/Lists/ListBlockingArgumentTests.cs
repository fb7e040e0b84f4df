using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.Lists.ListTestSupport;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>The blocking list commands' arguments, immediate serving and MULTI behaviour, and COMMAND INFO, against a real redis-server.</summary>
public class ListBlockingArgumentTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task<(Differential D, Func<Task> Dispose)> Open(int protocol = 2) => OpenPair(node, redis, protocol);

    [Fact]
    public async Task BlockingFormsServeAtOnceWhenDataIsThere()
    {
        var (d, dispose) = await Open();
        var (a, b, c) = Keys3();
        await d.Same("RPUSH", b, "1", "2", "3", "4", "5", "6");
        await d.Same("RPUSH", c, "x");
        await d.Same("BLPOP", a, b, c, "0");
        await d.Same("BRPOP", a, c, b, "0.5");
        await d.Same("BLMOVE", b, a, "RIGHT", "LEFT", "0");
        await d.Same("BRPOPLPUSH", b, a, "1");
        await d.Same("BLMPOP", "0", "2", a, b, "LEFT", "COUNT", "2");
        await d.Same("LRANGE", a, "0", "-1");
        await d.Same("LRANGE", b, "0", "-1");
        await d.Same("EXISTS", c);
        await dispose();
    }

    [Fact]
    public async Task BlockingArgumentErrors()
    {
        var (d, dispose) = await Open();
        var (a, b, _) = Keys3();
        string[][] cmds =
        [
            ["BLPOP", a, "-1"], ["BLPOP", a, "x"], ["BRPOP", a, "-inf"], ["BLPOP", a, "-0.5"], ["BLPOP", a, "nan"], ["BLPOP", a, " 1"], ["BLMOVE", a, b, "UP", "LEFT", "0"],
            ["BLMOVE", a, b, "LEFT", "LEFT", "-1"], ["BLMOVE", a, b, "UP", "LEFT", "x"], ["BRPOPLPUSH", a, b, "x"],
            ["BLMPOP", "x", "1", a, "LEFT"], ["BLMPOP", "0", "0", a, "LEFT"], ["BLMPOP", "-1", "0", a, "LEFT"], ["BLMPOP", "0", "1", a, "UP"],
            ["BLMPOP", "0", "1", a, "LEFT", "COUNT", "0"], ["BLMPOP", "0", "2", a, b], ["BLMPOP", "0", "1", a, "LEFT", "COUNT", "1", "X"],
            ["BLMPOP", "x", "1", a, "LEFT", "COUNT", "0"], ["BLMPOP", "x", "1", a, "LEFT", "FOO"], ["BLMPOP", "-1", "1", a, "RIGHT"],
        ];
        foreach (var c in cmds) await d.Same(c);
        await dispose();
    }

    [Fact]
    public async Task HugeTimeoutsAreOutOfRangeAsInRedis72()
    {
        // Redis 7.0 (the differential server) wraps these to negative; 7.2 names them out of range.
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key();
        foreach (var t in new[] { "inf", "1e30", "9223372036854775807" })
            Reply.IsError(await c.Run("BLPOP", k, t), "ERR timeout is out of range");
        Reply.IsError(await c.Run("BLMOVE", k, k, "LEFT", "LEFT", "+inf"), "ERR timeout is out of range");
        Reply.IsError(await c.Run("BLMPOP", "1e300", "1", k, "LEFT"), "ERR timeout is out of range");
    }

    [Fact]
    public async Task BlockingCommandsInsideMultiReplyAtOnce()
    {
        var (a, b, _) = Keys3();
        string[][] tx =
        [
            ["MULTI"], ["BLPOP", a, "0"], ["BRPOP", a, b, "0"], ["BLMOVE", a, b, "LEFT", "LEFT", "0"], ["BRPOPLPUSH", a, b, "0"],
            ["BLMPOP", "0", "2", a, b, "LEFT"], ["RPUSH", a, "v"], ["BLPOP", a, "0"], ["EXEC"],
        ];
        var ours = await RawAsync(node.Port, tx);
        Assert.Equal(await RawAsync(redis.Port, tx), ours);
        Assert.Contains("*-1\r\n$-1\r\n$-1\r\n*-1\r\n", ours);
    }

    [Fact]
    public async Task CommandInfoMatchesRedis()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        foreach (var name in new[] { "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "lset", "lrange", "lrem", "ltrim",
                     "linsert", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop", "blmove", "brpoplpush", "blmpop" })
        {
            var ours = (await a.Run("COMMAND", "INFO", name))[0];
            var theirs = (await b.Run("COMMAND", "INFO", name))[0];
            for (var i = 0; i < 7; i++)
            {
                var o = Differential.Render(ours[i]);
                var t = Differential.Render(theirs[i]);
                if (i == 2) (o, t) = (Sorted(ours[i]), Sorted(theirs[i]));
                Assert.True(o == t, $"{name} field {i}: ours {o}, redis {t}");
            }
        }
        static string Sorted(QuorumCache.Resp.RespValue v) => string.Join(",", v.Items!.Select(x => x.Text).Order());
    }
}
