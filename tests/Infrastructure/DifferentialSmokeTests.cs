using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node;

public class DifferentialSmokeTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task StringBasicsMatchRedis()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        var k = NodeFixture.Key();
        await d.Same("SET", k, "10");
        await d.Same("INCRBY", k, "5");
        await d.Same("GET", k);
        await d.Same("APPEND", k, "x");
        await d.Same("INCR", k);
        await d.Same("GETRANGE", k, "0", "-2");
        await d.Same("SET", k, "v", "EX", "0");
        await d.Same("SET", k, "v", "NX", "XX");
    }
}
