using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK against a real Redis, RESP2 and RESP3.</summary>
public class ZAddDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => ZSetDiff.Both(node, redis, s);

    [Fact]
    public Task ZAddBasicsAndCh() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "1", "a", "2", "b", "2", "c");
        await d.Same("ZADD", k, "1", "a", "3", "b", "4", "d");
        await d.Same("ZADD", k, "CH", "1", "a", "5", "b", "6", "e");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
        await d.Same("ZCARD", k);
        await d.Same("ZADD", k, "-inf", "lo", "+inf", "hi", "inf", "hi2", "-0.5", "neg");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
    });

    [Fact]
    public Task ZAddNxXx() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "XX", "1", "a");
        await d.Same("EXISTS", k);
        await d.Same("ZADD", k, "NX", "1", "a", "2", "b");
        await d.Same("ZADD", k, "NX", "5", "a", "3", "c");
        await d.Same("ZADD", k, "XX", "CH", "7", "a", "9", "zz");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
    });

    [Fact]
    public Task ZAddGtLt() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "5", "a", "5", "b");
        await d.Same("ZADD", k, "GT", "CH", "3", "a", "7", "b", "1", "new");
        await d.Same("ZADD", k, "LT", "CH", "3", "a", "9", "b");
        await d.Same("ZADD", k, "XX", "GT", "CH", "10", "a", "1", "b", "1", "ghost");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
    });

    [Fact]
    public Task ZAddIncr() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "INCR", "2.5", "a");
        await d.Same("ZADD", k, "INCR", "-0.25", "a");
        await d.Same("ZADD", k, "NX", "INCR", "1", "a");
        await d.Same("ZADD", k, "XX", "INCR", "1", "missing");
        await d.Same("ZADD", k, "GT", "INCR", "-1", "a");
        await d.Same("ZADD", k, "LT", "INCR", "-1", "a");
        await d.Same("ZADD", k, "XX", "INCR", "0", "a");
        await d.Same("ZADD", k, "INCR", "inf", "a");
        await d.Same("ZADD", k, "INCR", "-inf", "a");
        await d.Same("ZSCORE", k, "a");
        await d.Same("ZADD", k + "nokey", "XX", "INCR", "1", "a");
    });

    [Fact]
    public Task ZAddErrors() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "NX", "XX", "1", "a");
        await d.Same("ZADD", k, "GT", "LT", "1", "a");
        await d.Same("ZADD", k, "GT", "NX", "1", "a");
        await d.Same("ZADD", k, "INCR", "1", "a", "2", "b");
        await d.Same("ZADD", k, "1", "a", "nan", "b");
        await d.Same("ZADD", k, "1", "a", "x", "b");
        await d.Same("ZADD", k, "1", "a", "2");
        await d.Same("ZADD", k, "1");
        await d.Same("ZADD", k, "NX");
        await d.Same("ZADD", k, " 1", "a");
        await d.Same("ZADD", k, "1e2", "a", "0x10", "b");
        await d.Same("EXISTS", k);
        await d.Same("SET", k + "s", "v");
        await d.Same("ZADD", k + "s", "1", "a");
        await d.Same("ZADD", k + "s", "x", "a");
    });

    [Fact]
    public Task ZIncrBy() => Both(async (d, k) =>
    {
        await d.Same("ZINCRBY", k, "1.5", "m");
        await d.Same("ZINCRBY", k, "-4", "m");
        await d.Same("ZINCRBY", k, "abc", "m");
        await d.Same("ZINCRBY", k, "inf", "m");
        await d.Same("ZINCRBY", k, "-inf", "m");
        await d.Same("ZINCRBY", k, "nx", "m");
        await d.Same("ZRANGE", k, "0", "-1", "WITHSCORES");
    });

    [Fact]
    public Task ZRemDeletesEmptyKey() => Both(async (d, k) =>
    {
        await d.Same("ZREM", k, "a");
        await d.Same("ZADD", k, "1", "a", "2", "b", "3", "c");
        await d.Same("ZREM", k, "a", "x", "a");
        await d.Same("ZREM", k, "b", "c", "d");
        await d.Same("EXISTS", k);
        await d.Same("SET", k, "str");
        await d.Same("ZREM", k, "a");
    });

    [Fact]
    public Task ZScoreMScoreCard() => Both(async (d, k) =>
    {
        await d.Same("ZSCORE", k, "a");
        await d.Same("ZMSCORE", k, "a", "b");
        await d.Same("ZCARD", k);
        await d.Same("ZADD", k, "1.5", "a", "-2", "b", "inf", "c", "-inf", "d", "0", "e", "100", "f");
        await d.Same("ZSCORE", k, "a");
        await d.Same("ZSCORE", k, "b");
        await d.Same("ZSCORE", k, "c");
        await d.Same("ZSCORE", k, "d");
        await d.Same("ZSCORE", k, "e");
        await d.Same("ZSCORE", k, "nope");
        await d.Same("ZMSCORE", k, "a", "nope", "c", "f");
        await d.Same("ZCARD", k);
        await d.Same("SET", k + "s", "v");
        await d.Same("ZSCORE", k + "s", "a");
        await d.Same("ZMSCORE", k + "s", "a");
        await d.Same("ZCARD", k + "s");
    });

    [Fact]
    public Task ZRankAndZRevRank() => Both(async (d, k) =>
    {
        await d.Same("ZRANK", k, "a");
        await d.Same("ZADD", k, "1", "a", "2", "b", "2", "c", "3", "d");
        await d.Same("ZRANK", k, "a");
        await d.Same("ZRANK", k, "c");
        await d.Same("ZREVRANK", k, "a");
        await d.Same("ZREVRANK", k, "d");
        await d.Same("ZRANK", k, "zz");
        await d.Same("SET", k + "s", "v");
        await d.Same("ZRANK", k + "s", "a");
    });

    [Fact]
    public Task ArityErrors() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "1");
        await d.Same("ZINCRBY", k, "1");
        await d.Same("ZREM", k);
        await d.Same("ZSCORE", k);
        await d.Same("ZCOUNT", k, "1");
        await d.Same("ZRANGE", k, "0");
        await d.Same("ZPOPMIN");
        await d.Same("ZRANGESTORE", k, k);
    });

    [Fact]
    public Task EncodingFollowsListpackThresholds() => Both(async (d, k) =>
    {
        await d.Same("ZADD", k, "1", "a");
        await d.Same("OBJECT", "ENCODING", k);
        for (var i = 0; i < 127; i++) await d.Same("ZADD", k, i.ToString(), "m" + i);
        await d.Same("ZCARD", k);
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("ZADD", k, "1", "one-more");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("ZREMRANGEBYRANK", k, "0", "-3");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("ZADD", k + "long", "1", new string('x', 64));
        await d.Same("OBJECT", "ENCODING", k + "long");
        await d.Same("ZADD", k + "long", "1", new string('x', 65));
        await d.Same("OBJECT", "ENCODING", k + "long");
        await d.Same("ZADD", k + "first", "1", new string('y', 65));
        await d.Same("OBJECT", "ENCODING", k + "first");
        await d.Same("TYPE", k);
    });
}
