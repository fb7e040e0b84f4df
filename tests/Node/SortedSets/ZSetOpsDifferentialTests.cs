using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>Pops, set operations, ZRANDMEMBER shapes and ZSCAN against a real Redis.</summary>
public class ZSetOpsDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => ZSetDiff.Both(node, redis, s);

    [Fact]
    public Task ZPopMinMax() => Both(async (d, k) =>
    {
        await d.Same("ZPOPMIN", k);
        await d.Same("ZPOPMIN", k, "3");
        await d.Same("ZADD", k, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        await d.Same("ZPOPMIN", k);
        await d.Same("ZPOPMAX", k);
        await d.Same("ZPOPMIN", k, "0");
        await d.Same("ZPOPMIN", k, "2");
        await d.Same("ZPOPMAX", k, "10");
        await d.Same("EXISTS", k);
        await d.Same("ZPOPMIN", k, "-1");
        await d.Same("ZPOPMIN", k, "x");
        await d.Same("ZPOPMIN", k, "1", "2");
        await d.Same("SET", k, "v");
        await d.Same("ZPOPMIN", k);
        await d.Same("ZPOPMAX", k, "0");
    });

    [Fact]
    public Task ZMPop() => Both(async (d, k) =>
    {
        var k2 = k + "2";
        await d.Same("ZMPOP", "2", k, k2, "MIN");
        await d.Same("ZADD", k2, "1", "a", "2", "b", "3", "c");
        await d.Same("ZMPOP", "2", k, k2, "MIN");
        await d.Same("ZMPOP", "2", k, k2, "MAX", "COUNT", "10");
        await d.Same("EXISTS", k2);
        await d.Same("ZMPOP", "0", k, "MIN");
        await d.Same("ZMPOP", "x", k, "MIN");
        await d.Same("ZMPOP", "3", k, k2, "MIN");
        await d.Same("ZMPOP", "1", k, "LEFT");
        await d.Same("ZMPOP", "1", k, "MIN", "COUNT", "0");
        await d.Same("ZMPOP", "1", k, "MIN", "COUNT", "1", "COUNT", "1");
        await d.Same("ZMPOP", "1", k, "MIN", "COUNT");
        await d.Same("SET", k, "v");
        await d.Same("ZMPOP", "2", k, k2, "MIN");
    });

    [Fact]
    public Task BlockingPopsServeAtOnceWhenDataExists() => Both(async (d, k) =>
    {
        var k2 = k + "2";
        await d.Same("ZADD", k2, "1", "a", "2", "b", "3", "c");
        await d.Same("BZPOPMIN", k, k2, "0");
        await d.Same("BZPOPMAX", k, k2, "0");
        await d.Same("BZMPOP", "0", "2", k, k2, "MIN", "COUNT", "5");
        await d.Same("BZPOPMIN", k, "-1");
        await d.Same("BZPOPMIN", k, "x");
        await d.Same("BZMPOP", "x", "1", k, "MIN");
        await d.Same("BZMPOP", "0", "0", k, "MIN");
        await d.Same("SET", k, "v");
        await d.Same("BZPOPMIN", k, k2, "0");
        await d.Same("BZMPOP", "0", "2", k, k2, "MAX");
        await d.Same("MULTI");
        await d.Same("BZPOPMIN", k2, "0");
        await d.Same("BZMPOP", "0", "1", k2, "MIN");
        await d.Same("EXEC");
    });

    [Fact]
    public Task UnionInterDiff() => Both(async (d, k) =>
    {
        string a = k + "a", b = k + "b", c = k + "c";
        await d.Same("ZADD", a, "1", "x", "2", "y", "3", "z");
        await d.Same("ZADD", b, "10", "y", "20", "z", "30", "w");
        await d.Same("ZADD", c, "0.5", "z");
        foreach (var cmd in new[] { "ZUNION", "ZINTER" })
        {
            await d.Same(cmd, "2", a, b);
            await d.Same(cmd, "2", a, b, "WITHSCORES");
            await d.Same(cmd, "3", a, b, c, "WITHSCORES");
            await d.Same(cmd, "2", a, b, "WEIGHTS", "2", "0.5", "WITHSCORES");
            await d.Same(cmd, "2", a, b, "AGGREGATE", "MIN", "WITHSCORES");
            await d.Same(cmd, "2", a, b, "AGGREGATE", "max", "WEIGHTS", "-1", "1", "WITHSCORES");
            await d.Same(cmd, "2", a, k + "missing", "WITHSCORES");
            await d.Same(cmd, "2", a, a, "WITHSCORES");
            await d.Same(cmd, "2", a, b, "WEIGHTS", "1", "inf", "WITHSCORES");
            await d.Same(cmd, "2", a, b, "WEIGHTS", "1");
            await d.Same(cmd, "2", a, b, "WEIGHTS", "1", "x");
            await d.Same(cmd, "2", a, b, "AGGREGATE", "AVG");
        }
        await d.Same("ZDIFF", "2", a, b);
        await d.Same("ZDIFF", "3", a, b, c, "WITHSCORES");
        await d.Same("ZDIFF", "1", a, "WITHSCORES");
        await d.Same("ZDIFF", "2", a, a);
        await d.Same("ZDIFF", "2", k + "missing", a);
        await d.Same("ZDIFF", "2", a, b, "WEIGHTS", "1", "1");
        await d.Same("ZUNION", "0", a);
        await d.Same("ZUNION", "-1", a);
        await d.Same("ZUNION", "x", a);
        await d.Same("ZUNION", "3", a, b);
        await d.Same("ZINTER", "2", a, b, "WITHSCORES", "WITHSCORES");
    });

    [Fact]
    public Task InfinitiesAggregateLikeRedis() => Both(async (d, k) =>
    {
        string a = k + "a", b = k + "b";
        await d.Same("ZADD", a, "inf", "x", "-inf", "y", "0", "z");
        await d.Same("ZADD", b, "-inf", "x", "inf", "y", "5", "z");
        await d.Same("ZUNION", "2", a, b, "WITHSCORES");
        await d.Same("ZINTER", "2", a, b, "WEIGHTS", "0", "1", "WITHSCORES");
        await d.Same("ZUNIONSTORE", k + "d", "2", a, b, "WEIGHTS", "0", "0");
        await d.Same("ZRANGE", k + "d", "0", "-1", "WITHSCORES");
    });

    [Fact]
    public Task StoreVariantsAndEmptyResults() => Both(async (d, k) =>
    {
        string a = k + "a", b = k + "b", dst = k + "dst";
        await d.Same("ZADD", a, "1", "x", "2", "y");
        await d.Same("ZADD", b, "3", "y", "4", "w");
        await d.Same("ZUNIONSTORE", dst, "2", a, b, "WEIGHTS", "1", "2");
        await d.Same("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("ZINTERSTORE", dst, "2", a, b, "AGGREGATE", "MAX");
        await d.Same("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("ZDIFFSTORE", dst, "2", a, b);
        await d.Same("ZRANGE", dst, "0", "-1", "WITHSCORES");
        await d.Same("ZINTERSTORE", dst, "2", a, k + "none");
        await d.Same("EXISTS", dst);
        await d.Same("SET", dst, "string");
        await d.Same("ZDIFFSTORE", dst, "2", a, a);
        await d.Same("EXISTS", dst);
        await d.Same("ZUNIONSTORE", a, "2", a, b);
        await d.Same("ZRANGE", a, "0", "-1", "WITHSCORES");
        await d.Same("ZUNIONSTORE", dst, "2", a, b, "WITHSCORES");
        await d.Same("ZUNIONSTORE", dst, "0", a);
        await d.Same("SET", k + "s", "v");
        await d.Same("ZUNIONSTORE", dst, "2", a, k + "s");
        await d.Same("ZINTER", "2", a, k + "s", "BAD");
        await d.Same("OBJECT", "ENCODING", a);
    });

    [Fact]
    public Task ZInterCard() => Both(async (d, k) =>
    {
        string a = k + "a", b = k + "b";
        await d.Same("ZADD", a, "1", "x", "2", "y", "3", "z", "4", "w");
        await d.Same("ZADD", b, "1", "y", "2", "z", "3", "w", "4", "v");
        await d.Same("ZINTERCARD", "2", a, b);
        await d.Same("ZINTERCARD", "2", a, b, "LIMIT", "0");
        await d.Same("ZINTERCARD", "2", a, b, "LIMIT", "2");
        await d.Same("ZINTERCARD", "2", a, b, "LIMIT", "10");
        await d.Same("ZINTERCARD", "2", a, b, "LIMIT", "-1");
        await d.Same("ZINTERCARD", "2", a, b, "LIMIT", "x");
        await d.Same("ZINTERCARD", "2", a, b, "WITHSCORES");
        await d.Same("ZINTERCARD", "2", a, k + "none");
        await d.Same("ZINTERCARD", "0", a);
    });

    [Fact]
    public Task ZRandMemberShapes() => Both(async (d, k) =>
    {
        await d.Same("ZRANDMEMBER", k);
        await d.Same("ZRANDMEMBER", k, "5");
        await d.Same("ZRANDMEMBER", k, "-5", "WITHSCORES");
        await d.Same("ZADD", k, "7", "only");
        await d.Same("ZRANDMEMBER", k);
        await d.Same("ZRANDMEMBER", k, "1", "WITHSCORES");
        await d.Same("ZRANDMEMBER", k, "-3", "WITHSCORES");
        await d.Same("ZRANDMEMBER", k, "5", "WITHSCORES");
        await d.Same("ZRANDMEMBER", k, "0");
        await d.Same("ZRANDMEMBER", k, "x");
        await d.Same("ZRANDMEMBER", k, "1", "FOO");
        await d.Same("ZRANDMEMBER", k, "1", "WITHSCORES", "x");
        await d.Same("ZRANDMEMBER", k, "-9223372036854775808");
        await d.Same("ZRANDMEMBER", k, "9223372036854775807", "WITHSCORES");
        await d.Same("ZADD", k, "1", "a", "2", "b");
        await d.Same("ZRANDMEMBER", k, "3", "WITHSCORES");
        await d.Same("ZRANDMEMBER", k, "30");
    });

    [Fact]
    public Task ZScanSmallSetsAnswerWhole() => Both(async (d, k) =>
    {
        await d.Same("ZSCAN", k, "0");
        await d.Same("ZADD", k, "1", "a", "2.5", "b", "-inf", "c", "3", "ab");
        await d.Same("ZSCAN", k, "0");
        await d.Same("ZSCAN", k, "0", "MATCH", "a*");
        await d.Same("ZSCAN", k, "0", "COUNT", "1");
        await d.Same("ZSCAN", k, "0", "COUNT", "0");
        await d.Same("ZSCAN", k, "0", "COUNT", "x");
        await d.Same("ZSCAN", k, "0", "FOO", "bar");
        await d.Same("ZSCAN", k, "x");
        await d.Same("ZSCAN", k + "none", "0", "FOO");
        await d.Same("SET", k + "s", "v");
        await d.Same("ZSCAN", k + "s", "0");
    });
}
