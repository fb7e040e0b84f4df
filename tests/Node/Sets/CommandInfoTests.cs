using QuorumCache.Tests.Infrastructure;
namespace QuorumCache.Tests.Node.Sets;

/// <summary>COMMAND INFO of every hash and set command: name, arity, flags, key positions, categories as Redis reports them.</summary>
public class CommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ArityFlagsKeysAndCategoriesMatchRedis()
    {
        await using var p = await CollectionTestKit.Open(node, redis);
        await p.D.SameCommandInfo("hset hsetnx hget hmget hmset hgetall hdel hexists hlen hkeys hvals hincrby hincrbyfloat hstrlen hrandfield hscan sadd srem smembers sismember smismember scard spop srandmember smove sinter sintercard sunion sdiff sinterstore sunionstore sdiffstore sscan".Split(' '));
    }
}
