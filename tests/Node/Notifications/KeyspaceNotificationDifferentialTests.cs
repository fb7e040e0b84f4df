using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Notifications;

/// <summary>
/// Keyspace notifications compared with a real redis-server: the same notify-keyspace-events on
/// both, the same commands on both (replies compared too), then the sequences of messages a
/// <c>PSUBSCRIBE __key*__:*</c> client received, compared byte for byte.
/// </summary>
public class KeyspaceNotificationDifferentialTests(NodeFixture node, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task SameEvents(string flags, params string[][] commands)
    {
        await using var ours = await EventTap.OpenAsync(node.ConnectAsync, flags);
        await using var theirs = await EventTap.OpenAsync(redis.ConnectAsync, flags);
        var diff = new Differential(ours.Commands, theirs.Commands);
        foreach (var c in commands) await diff.Same(c);
        var a = await ours.DrainAsync();
        var b = await theirs.DrainAsync();
        AssertSame(a, b);
    }

    private static void AssertSame(List<string> ours, List<string> redis) =>
        Assert.True(ours.SequenceEqual(redis), $"\n  ours:  {string.Join(" | ", ours)}\n  redis: {string.Join(" | ", redis)}");

    private static string[] C(params string[] args) => args;

    [Fact]
    public Task StringCommands()
    {
        var k = NodeFixture.Key("s");
        return SameEvents("KEA",
            C("SET", k, "1"), C("SET", k, "2", "NX"), C("SET", k + "x", "v", "XX"), C("SETNX", k + "n", "1"),
            C("SETEX", k + "e", "100", "v"), C("PSETEX", k + "p", "100000", "v"), C("SET", k + "t", "v", "EX", "100"),
            C("SET", k + "t", "w", "KEEPTTL"), C("GETSET", k, "3"), C("MSET", k + "m1", "a", k + "m2", "b"),
            C("MSETNX", k + "m1", "a", k + "m3", "b"), C("MSETNX", k + "m4", "a", k + "m5", "b"),
            C("INCR", k + "i"), C("INCRBY", k + "i", "5"), C("DECR", k + "i"), C("DECRBY", k + "i", "2"),
            C("INCRBYFLOAT", k + "f", "1.5"), C("APPEND", k + "a", "x"), C("APPEND", k + "a", "y"),
            C("SETRANGE", k + "r", "2", "x"), C("SETRANGE", k + "r", "0", ""), C("GETDEL", k), C("GETDEL", k),
            C("GETEX", k + "n", "EX", "100"), C("GETEX", k + "n", "PERSIST"), C("GETEX", k + "n", "PERSIST"),
            C("GETEX", k + "n", "PXAT", "1"), C("INCR", k + "a"));
    }

    [Fact]
    public Task GenericCommands()
    {
        var k = NodeFixture.Key("g");
        return SameEvents("KEA",
            C("SET", k, "1"), C("EXPIRE", k, "100"), C("EXPIRE", k, "100", "NX"), C("PEXPIRE", k, "1000000"),
            C("PERSIST", k), C("PERSIST", k), C("EXPIRE", k + "nope", "10"),
            C("RENAME", k, k + "b"), C("RENAME", k + "b", k + "b"), C("SET", k + "c", "x"), C("RENAME", k + "b", k + "c"),
            C("RENAMENX", k + "c", k + "d"), C("SET", k + "e", "1"), C("RENAMENX", k + "d", k + "e"),
            C("COPY", k + "d", k + "f"), C("COPY", k + "d", k + "f"), C("COPY", k + "d", k + "f", "REPLACE"),
            C("DEL", k + "d", k + "nope", k + "e"), C("UNLINK", k + "f"), C("PEXPIREAT", k + "c", "1"),
            C("SET", k, "1"), C("EXPIRE", k, "-1"));
    }

    [Fact]
    public Task Lists()
    {
        var k = NodeFixture.Key("l");
        return SameEvents("KEA",
            C("LPUSH", k, "a", "b", "c"), C("RPUSH", k, "d"), C("LPUSHX", k + "x", "a"), C("RPUSHX", k, "e"),
            C("LPOP", k), C("RPOP", k, "2"), C("LINSERT", k, "BEFORE", "b", "x"), C("LINSERT", k, "BEFORE", "zz", "x"),
            C("LSET", k, "0", "y"), C("LREM", k, "0", "x"), C("LREM", k, "0", "zz"), C("LTRIM", k, "0", "0"),
            C("LTRIM", k, "5", "10"), C("RPUSH", k + "2", "a", "b"), C("LMOVE", k + "2", k + "3", "LEFT", "RIGHT"),
            C("LMOVE", k + "2", k + "3", "LEFT", "LEFT"), C("RPOPLPUSH", k + "3", k + "3"),
            C("LMPOP", "2", k + "3", k + "x", "LEFT", "COUNT", "5"), C("RPUSH", k + "4", "a"), C("BLPOP", k + "4", "0.1"),
            C("RPUSH", k + "5", "a", "b"), C("BRPOPLPUSH", k + "5", k + "6", "0.1"), C("BLMOVE", k + "5", k + "6", "LEFT", "LEFT", "0.1"),
            C("RPOP", k + "6"));
    }

    [Fact]
    public Task PushThenPopToEmptyNotifiesDel()
    {
        var k = NodeFixture.Key("lp");
        return SameEvents("KEA", C("LPUSH", k, "a", "b"), C("RPOP", k), C("RPOP", k), C("RPOP", k));
    }

    [Fact]
    public Task Hashes()
    {
        var k = NodeFixture.Key("h");
        return SameEvents("KEA",
            C("HSET", k, "a", "1", "b", "2"), C("HSET", k, "a", "1"), C("HMSET", k, "c", "3"), C("HSETNX", k, "c", "4"),
            C("HSETNX", k, "d", "4"), C("HDEL", k, "a", "zz"), C("HDEL", k, "zz"), C("HINCRBY", k, "n", "1"),
            C("HINCRBYFLOAT", k, "f", "1.5"), C("HDEL", k, "b", "c", "d", "n", "f"), C("HINCRBY", k + "2", "n", "1"));
    }

    [Fact]
    public Task Sets()
    {
        var k = NodeFixture.Key("s");
        return SameEvents("KEA",
            C("SADD", k, "a", "b", "c"), C("SADD", k, "a"), C("SREM", k, "a", "zz"), C("SREM", k, "zz"),
            C("SADD", k + "1", "a", "b"), C("SADD", k + "2", "b", "c"), C("SMOVE", k + "1", k + "2", "a"),
            C("SMOVE", k + "1", k + "2", "b"), C("SMOVE", k + "2", k + "9", "c"), C("SINTERSTORE", k + "d", k + "2", k + "2"),
            C("SUNIONSTORE", k + "d", k + "2", k + "nope"), C("SDIFFSTORE", k + "d", k + "2", k + "2"),
            C("SDIFFSTORE", k + "d2", k + "2", k + "2"), C("SREM", k + "2", "a"), C("SPOP", k + "2", "0"),
            C("SADD", k + "2", "x"), C("SREM", k + "2", "x"), C("SPOP", k + "2"), C("SPOP", k + "9", "5"), // one member each: replies are not random
            C("SREM", k, "b", "c"));
    }

    [Fact]
    public Task SortedSets()
    {
        var k = NodeFixture.Key("z");
        return SameEvents("KEA",
            C("ZADD", k, "1", "a", "2", "b"), C("ZADD", k, "1", "a"), C("ZADD", k, "5", "a"), C("ZADD", k, "INCR", "1", "a"),
            C("ZADD", k, "NX", "1", "a"), C("ZADD", k + "x", "XX", "1", "a"), C("ZINCRBY", k, "1", "b"), C("ZREM", k, "a", "zz"),
            C("ZREM", k, "zz"), C("ZADD", k, "1", "a", "2", "c", "3", "d"), C("ZREMRANGEBYSCORE", k, "0", "1"),
            C("ZREMRANGEBYRANK", k, "0", "0"), C("ZADD", k + "l", "0", "x", "0", "y", "0", "z"),
            C("ZREMRANGEBYLEX", k + "l", "[x", "[y"), C("ZREMRANGEBYLEX", k + "l", "[x", "[y"), C("ZPOPMIN", k),
            C("ZPOPMAX", k, "5"), C("ZADD", k + "1", "1", "a", "2", "b"), C("ZADD", k + "2", "1", "b", "3", "c"),
            C("ZINTERSTORE", k + "d", "2", k + "1", k + "2"), C("ZUNIONSTORE", k + "d", "2", k + "1", k + "2"),
            C("ZDIFFSTORE", k + "d", "2", k + "1", k + "2"), C("ZDIFFSTORE", k + "d", "2", k + "1", k + "1"),
            C("ZRANGESTORE", k + "r", k + "1", "0", "-1"), C("ZRANGESTORE", k + "r", k + "1", "5", "6"),
            C("ZMPOP", "1", k + "1", "MIN", "COUNT", "10"), C("BZPOPMIN", k + "2", "0.1"), C("BZPOPMAX", k + "2", "0.1"),
            C("ZPOPMIN", k + "l", "3"));
    }

    [Fact]
    public Task NewKeyEventsOnly()
    {
        var k = NodeFixture.Key("n");
        return SameEvents("KEn",
            C("SET", k, "1"), C("SET", k, "2"), C("LPUSH", k + "l", "a"), C("LPUSH", k + "l", "b"), C("HSET", k + "h", "f", "v"),
            C("SADD", k + "s", "m"), C("ZADD", k + "z", "1", "m"), C("INCR", k + "i"), C("RENAME", k, k + "r"),
            C("COPY", k + "r", k + "c"), C("RPOPLPUSH", k + "l", k + "l2"), C("SMOVE", k + "s", k + "s2", "m"),
            C("SUNIONSTORE", k + "u", k + "s2"), C("SUNIONSTORE", k + "u", k + "s2"));
    }

    [Fact]
    public Task KeyMissEvents()
    {
        var k = NodeFixture.Key("m");
        return SameEvents("KEm",
            C("GET", k), C("SET", k, "1"), C("GET", k), C("MGET", k, k + "a", k + "b"), C("EXISTS", k + "a", k + "a"),
            C("TYPE", k + "a"), C("TTL", k + "a"), C("STRLEN", k + "a"), C("HGET", k + "h", "f"), C("HGETALL", k + "h"),
            C("LRANGE", k + "l", "0", "-1"), C("LLEN", k + "l"), C("SMEMBERS", k + "s"), C("SISMEMBER", k + "s", "a"),
            C("ZSCORE", k + "z", "a"), C("ZRANGE", k + "z", "0", "-1"), C("ZCARD", k + "z"),
            C("GETDEL", k + "a"), C("GETEX", k + "a"), C("SET", k + "a", "v", "GET"), C("COPY", k + "b", k + "c"),
            C("SUNIONSTORE", k + "d", k + "s", k + "s2"), C("ZUNIONSTORE", k + "d", "2", k + "z", k + "z2"),
            C("ZRANGESTORE", k + "d", k + "z", "0", "-1"), C("SINTER", k + "s", k + "s2"), C("LPOP", k + "l"),
            C("RENAME", k + "q", k + "r"), C("INCR", k + "i"), C("OBJECT", "ENCODING", k + "q"));
    }

    [Fact]
    public Task KeyspaceOnlyAndKeyeventOnly()
    {
        var k = NodeFixture.Key("ke");
        return SameEvents("K$", C("SET", k, "1"), C("DEL", k), C("SET", k, "2"));
    }

    [Fact]
    public Task ClassesFilterEvents()
    {
        var k = NodeFixture.Key("f");
        return SameEvents("Elz",
            C("SET", k, "1"), C("LPUSH", k + "l", "a"), C("ZADD", k + "z", "1", "a"), C("HSET", k + "h", "a", "1"),
            C("LPOP", k + "l"), C("ZREM", k + "z", "a"), C("DEL", k));
    }

    [Fact]
    public async Task ExpiryNotifiesExpired()
    {
        var k = NodeFixture.Key("x");
        await using var ours = await EventTap.OpenAsync(node.ConnectAsync, "KEA");
        await using var theirs = await EventTap.OpenAsync(redis.ConnectAsync, "KEA");
        var diff = new Differential(ours.Commands, theirs.Commands);
        await diff.Same("SET", k, "v", "PX", "100");
        // Either expiry path (active cycle or a lookup) reports the same event: wait for it on both.
        var a = await ours.ReadUntilAsync(e => e == "__keyevent@0__:expired " + k);
        var b = await theirs.ReadUntilAsync(e => e == "__keyevent@0__:expired " + k);
        AssertSame(a, b);
        await diff.Same("HSET", k + "h", "f", "v");
        await diff.Same("PEXPIRE", k + "h", "100");
        a = await ours.ReadUntilAsync(e => e == "__keyevent@0__:expired " + k + "h");
        b = await theirs.ReadUntilAsync(e => e == "__keyevent@0__:expired " + k + "h");
        AssertSame(a, b);
    }

    [Fact]
    public async Task LazyExpiryOnReadNotifiesExpiredThenKeyMiss()
    {
        var k = NodeFixture.Key("lx");
        await using var ours = await EventTap.OpenAsync(node.ConnectAsync, "KEAm");
        await using var theirs = await EventTap.OpenAsync(redis.ConnectAsync, "KEAm");
        // Active expiry off on both, so the read is what expires the key.
        await theirs.Commands.Run("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        try
        {
            var diff = new Differential(ours.Commands, theirs.Commands);
            await diff.Same("SET", k, "v", "PX", "1");
            await Task.Delay(20);
            await diff.Same("GET", k);
            var a = await ours.DrainAsync();
            var b = await theirs.DrainAsync();
            // Ours may have expired it in the background already: then there is no lookup to report.
            if (a.Contains("__keyevent@0__:keymiss " + k)) AssertSame(a, b);
            else Assert.Contains("__keyevent@0__:expired " + k, a);
        }
        finally
        {
            await theirs.Commands.Run("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    [Fact]
    public async Task ConfigGetAnswersRedisCanonicalString()
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await redis.ConnectAsync();
        var diff = new Differential(ours, theirs);
        foreach (var v in new[] { "KEA", "A", "KA", "n", "Kn", "m", "AKEmn", "gn", "$lshzxetd", "g$lshzxetdn", "Ex", "KEAd", "x", "", "KEB", "Kg$", "tdK" })
        {
            await diff.Same("CONFIG", "SET", "notify-keyspace-events", v);
            await diff.Same("CONFIG", "GET", "notify-keyspace-events");
        }
        await diff.Same("CONFIG", "SET", "notify-keyspace-events", "");
    }
}
