using QuorumCache.Tests.Infrastructure;
namespace QuorumCache.Tests.Node.Sets;

/// <summary>COMMAND INFO of every hash and set command: name, arity, flags, key positions, categories as Redis reports them.</summary>
public class CommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ArityFlagsKeysAndCategoriesMatchRedis()
    {
        await using var p = await CollectionTestKit.Open(node, redis);
        var bad = new List<string>();
        foreach (var c in "hset hsetnx hget hmget hmset hgetall hdel hexists hlen hkeys hvals hincrby hincrbyfloat hstrlen hrandfield hscan sadd srem smembers sismember smismember scard spop srandmember smove sinter sintercard sunion sdiff sinterstore sunionstore sdiffstore sscan".Split(' '))
        {
            var a = await p.Ours.Run("COMMAND", "INFO", c);
            var b = await p.Redis.Run("COMMAND", "INFO", c);
            var ra = string.Join("|", a[0].Items!.Take(7).Select(Differential.Render));
            var rb = string.Join("|", b[0].Items!.Take(7).Select(Differential.Render));
            if (ra != rb) bad.Add(c + "\n ours " + ra + "\n redis " + rb);
        }
        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }
}
