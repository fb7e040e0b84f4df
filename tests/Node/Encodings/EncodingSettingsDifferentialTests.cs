using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Encodings;

/// <summary>
/// Encoding thresholds set with CONFIG SET change OBJECT ENCODING as in redis-server. This class has
/// its own node (the settings are node-wide) and restores the defaults after each test.
/// </summary>
public class EncodingSettingsDifferentialTests(NodeFixture node, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task WithBoth(Func<Differential, Task> body)
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await redis.ConnectAsync();
        var diff = new Differential(ours, theirs);
        try
        {
            await body(diff);
        }
        finally
        {
            await diff.Same("CONFIG", "SET", "zset-max-listpack-entries", "128", "zset-max-listpack-value", "64");
        }
    }

    [Fact]
    public Task ZsetEntriesZeroGivesSkiplistAtOnce() => WithBoth(async d =>
    {
        var k = NodeFixture.Key("z");
        await d.Same("CONFIG", "SET", "zset-max-ziplist-entries", "0");
        await d.Same("CONFIG", "GET", "zset-max-ziplist-entries");
        await d.Same("CONFIG", "GET", "zset-max-listpack-entries");
        await d.Same("ZADD", k, "1", "a");
        await d.Same("OBJECT", "ENCODING", k);
    });

    [Fact]
    public Task ZsetLimitsApplyWhenValuesAreNextWritten() => WithBoth(async d =>
    {
        var k = NodeFixture.Key("z");
        await d.Same("ZADD", k, "1", "a", "2", "b", "3", "c");
        await d.Same("CONFIG", "SET", "zset-max-listpack-entries", "3");
        await d.Same("OBJECT", "ENCODING", k); // untouched: still listpack
        await d.Same("ZADD", k, "4", "d");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("CONFIG", "SET", "zset-max-listpack-value", "4", "zset-max-listpack-entries", "128");
        await d.Same("ZADD", k + "v", "1", "abcd");
        await d.Same("OBJECT", "ENCODING", k + "v");
        await d.Same("ZADD", k + "v", "1", "abcde");
        await d.Same("OBJECT", "ENCODING", k + "v");
        await d.Same("ZADD", k + "w", "1", "abcdef", "2", "a");
        await d.Same("OBJECT", "ENCODING", k + "w");
        await d.Same("CONFIG", "SET", "zset-max-ziplist-value", "64");
        await d.Same("CONFIG", "GET", "zset-max-listpack-value");
        await d.Same("ZUNIONSTORE", k + "u", "2", k, k + "v");
        await d.Same("OBJECT", "ENCODING", k + "u");
        await d.Same("CONFIG", "SET", "zset-max-listpack-entries", "2");
        await d.Same("ZRANGESTORE", k + "r", k, "0", "1");
        await d.Same("OBJECT", "ENCODING", k + "r");
        await d.Same("ZRANGESTORE", k + "r", k, "0", "2");
        await d.Same("OBJECT", "ENCODING", k + "r");
    });
}
