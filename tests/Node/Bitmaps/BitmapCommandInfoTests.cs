using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>COMMAND INFO of the bitmap commands: name, arity, flags, key positions and categories as Redis reports them.</summary>
public class BitmapCommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ArityFlagsKeysAndCategoriesMatchRedis()
    {
        await using var p = await BitPair.Open(node, redis);
        var bad = new List<string>();
        foreach (var c in new[] { "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro" })
        {
            var a = await p.Ours.Run("COMMAND", "INFO", c);
            var b = await p.Redis.Run("COMMAND", "INFO", c);
            var ra = string.Join("|", a[0].Items!.Take(7).Select(Differential.Render));
            var rb = string.Join("|", b[0].Items!.Take(7).Select(Differential.Render));
            if (ra != rb) bad.Add(c + "\n ours " + ra + "\n redis " + rb);
        }
        Assert.True(bad.Count == 0, string.Join("\n", bad));
        await p.Same("COMMAND", "GETKEYS", "BITOP", "AND", "{x}d", "{x}a", "{x}b");
        await p.Same("COMMAND", "GETKEYS", "BITFIELD", "k", "GET", "u8", "0");
    }
}
