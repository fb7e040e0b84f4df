using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Encodings;

/// <summary>
/// OBJECT ENCODING of hashes and integer sets after CONFIG SET of their thresholds, against
/// redis-server: limits crossed by entry count and by length, existing values untouched until
/// written. Own node; each test restores the defaults. Sets of strings are compared with our
/// set-max-listpack-entries at 0, which gives Redis 7.0's behaviour (no listpack sets).
/// </summary>
public class HashSetEncodingDifferentialTests(NodeFixture node, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task WithBoth(Func<Differential, Task> body)
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await redis.ConnectAsync();
        var diff = new Differential(ours, theirs);
        await diff.Same(["CONFIG", "SET", .. EncodingConfigDifferentialTests.Defaults]); // redis.conf's hash limit
        try
        {
            await body(diff);
        }
        finally
        {
            await diff.Same(["CONFIG", "SET", .. EncodingConfigDifferentialTests.Defaults]);
        }
    }

    private static string[] Fields(int from, int count)
    {
        var a = new string[count * 2];
        for (var i = 0; i < count; i++)
        {
            a[2 * i] = "f" + (from + i);
            a[2 * i + 1] = "v" + (from + i);
        }
        return a;
    }

    [Fact]
    public Task HashDefaultsMatchRedis() => WithBoth(async d =>
    {
        var k = NodeFixture.Key("h");
        await d.Same(["HSET", k, .. Fields(0, 128)]);
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("HSET", k, "f128", "x");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("HSET", k + "v", "f", new string('v', 64));
        await d.Same("OBJECT", "ENCODING", k + "v");
        await d.Same("HSET", k + "v", "f", new string('v', 65));
        await d.Same("OBJECT", "ENCODING", k + "v");
    });

    [Fact]
    public Task HashEntriesLimitIsCrossedByCount() => WithBoth(async d =>
    {
        var k = NodeFixture.Key("h");
        await d.Same(["HSET", k, .. Fields(0, 5)]);
        await d.Same("CONFIG", "SET", "hash-max-ziplist-entries", "4");
        await d.Same("OBJECT", "ENCODING", k); // untouched: still listpack
        await d.Same("HGET", k, "f1");
        await d.Same("HDEL", k, "f0");
        await d.Same("OBJECT", "ENCODING", k); // 4 fields: fits
        await d.Same("HSET", k, "f0", "again");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same(["HSET", k + "m", .. Fields(0, 5)]); // more new fields than the limit: at once
        await d.Same("OBJECT", "ENCODING", k + "m");
        await d.Same(["HMSET", k + "n", .. Fields(0, 4)]);
        await d.Same("OBJECT", "ENCODING", k + "n");
        await d.Same("HSETNX", k + "n", "f9", "x");
        await d.Same("OBJECT", "ENCODING", k + "n");
        await d.Same("CONFIG", "SET", "hash-max-listpack-entries", "0");
        await d.Same("HSET", k + "z", "a", "b");
        await d.Same("OBJECT", "ENCODING", k + "z");
        await d.Same("HINCRBY", k + "i", "a", "1");
        await d.Same("OBJECT", "ENCODING", k + "i");
    });

    [Fact]
    public Task HashValueLimitIsCrossedByLength() => WithBoth(async d =>
    {
        var k = NodeFixture.Key("h");
        await d.Same("CONFIG", "SET", "hash-max-listpack-value", "3");
        await d.Same("HSET", k, "abc", "xyz");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("HSET", k, "abc", "wxyz");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("HSET", k + "f", "abcd", "1");
        await d.Same("OBJECT", "ENCODING", k + "f");
        await d.Same("HINCRBY", k + "i", "a", "99");
        await d.Same("HINCRBY", k + "i", "a", "900"); // "999" fits
        await d.Same("OBJECT", "ENCODING", k + "i");
        await d.Same("HINCRBY", k + "i", "a", "1"); // "1000" does not
        await d.Same("OBJECT", "ENCODING", k + "i");
        await d.Same("HINCRBYFLOAT", k + "g", "a", "1.5");
        await d.Same("HINCRBYFLOAT", k + "g", "a", "0.25");
        await d.Same("OBJECT", "ENCODING", k + "g");
        // A large limit: values of hundreds and thousands of bytes stay in the listpack.
        await d.Same("CONFIG", "SET", "hash-max-ziplist-value", "20kb");
        var big = new string('b', 300);
        var huge = new string('h', 17000);
        await d.Same("HSET", k + "b", "f", big, big, "v", "g", huge);
        await d.Same("OBJECT", "ENCODING", k + "b");
        await d.Same("HGETALL", k + "b");
        await d.Same("HSET", k + "b", "f", "short", big, huge);
        await d.Same("HDEL", k + "b", "g");
        await d.Same("HGETALL", k + "b");
        await d.Same("OBJECT", "ENCODING", k + "b");
        await d.Same("HSET", k + "b", "x", new string('x', 20 * 1024 + 1));
        await d.Same("OBJECT", "ENCODING", k + "b");
        await d.Same("HLEN", k + "b");
    });

    private static string[] Numbers(int from, int count)
    {
        var a = new string[count];
        for (var i = 0; i < count; i++) a[i] = (from + i).ToString();
        return a;
    }

    [Fact]
    public Task IntsetLimitIsCrossedByCount() => WithRedis70Sets(async d =>
    {
        var k = NodeFixture.Key("s");
        await d.Same(["SADD", k, .. Numbers(0, 512)]);
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("SADD", k, "512");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same(["SADD", k + "a", .. Numbers(0, 6)]);
        await d.Same("CONFIG", "SET", "set-max-intset-entries", "5");
        await d.Same("CONFIG", "GET", "set-max-intset-entries");
        await d.Same("OBJECT", "ENCODING", k + "a"); // untouched: still intset
        await d.Same("SREM", k + "a", "0");
        await d.Same("OBJECT", "ENCODING", k + "a"); // 5 members fit
        await d.Same("SADD", k + "a", "0");
        await d.Same("OBJECT", "ENCODING", k + "a");
        await d.Same("SREM", k + "a", "0", "1", "2");
        await d.Same("OBJECT", "ENCODING", k + "a"); // never back
        await d.Same(["SADD", k + "b", .. Numbers(10, 5)]);
        await d.Same("OBJECT", "ENCODING", k + "b");
        await d.Same("SMEMBERS", k + "b");
        await d.Same("SMOVE", k + "b", k + "c", "12");
        await d.Same("OBJECT", "ENCODING", k + "c");
        await d.Same("SUNIONSTORE", k + "u", k + "b", k + "c");
        await d.Same("OBJECT", "ENCODING", k + "u");
        await d.Same("SUNIONSTORE", k + "u", k + "b", k + "c", k + "a");
        await d.Same("OBJECT", "ENCODING", k + "u");
        await d.Same("SDIFFSTORE", k + "d", k + "b", k + "c");
        await d.Same("OBJECT", "ENCODING", k + "d");
        await d.Same("SMEMBERS", k + "d");
        await d.Same("CONFIG", "SET", "set-max-intset-entries", "0");
        await d.Same("SADD", k + "z", "1"); // 7.0: intset, then over the limit; 7.2 (listpack entries 0): hashtable
        await d.Same("OBJECT", "ENCODING", k + "z");
        await d.Same("SINTERSTORE", k + "i", k + "b", k + "b");
        await d.Same("OBJECT", "ENCODING", k + "i");
    });

    /// <summary>Our set-max-listpack-entries 0 gives Redis 7.0's set rules (7.0 has no listpack sets).</summary>
    private async Task WithRedis70Sets(Func<Differential, Task> body)
    {
        await using var ours = await node.ConnectAsync();
        Reply.IsOk(await ours.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "0"));
        try
        {
            await WithBoth(body);
        }
        finally
        {
            Reply.IsOk(await ours.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "128"));
        }
    }

    [Fact]
    public Task StringMembersFollowRedis70WithSetListpackEntriesZero() => WithRedis70Sets(async d =>
    {
        var k = NodeFixture.Key("s");
        await d.Same("SADD", k, "a");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("SADD", k + "i", "1", "2");
        await d.Same("OBJECT", "ENCODING", k + "i");
        await d.Same("SADD", k + "i", "x"); // a string member: intset -> hashtable
        await d.Same("OBJECT", "ENCODING", k + "i");
        await d.Same("SADD", k + "j", "1", "x");
        await d.Same("OBJECT", "ENCODING", k + "j");
    });
}
