using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>COMMAND INFO of the bitmap commands: name, arity, flags, key positions and categories as Redis reports them.</summary>
public class BitmapCommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ArityFlagsKeysAndCategoriesMatchRedis()
    {
        await using var p = await BitPair.Open(node, redis);
        await new Differential(p.Ours, p.Redis).SameCommandInfo(new[] { "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro" });
        await p.Same("COMMAND", "GETKEYS", "BITOP", "AND", "{x}d", "{x}a", "{x}b");
        await p.Same("COMMAND", "GETKEYS", "BITFIELD", "k", "GET", "u8", "0");
    }
}
