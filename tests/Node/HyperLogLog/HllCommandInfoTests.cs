using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Bitmaps;

namespace QuorumCache.Tests.Node.HyperLogLog;

/// <summary>COMMAND INFO of the HLL commands: name, arity, flags, key positions and categories as Redis 7.0 reports them.</summary>
public class HllCommandInfoTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ArityFlagsKeysAndCategoriesMatchRedis()
    {
        await using var p = await BitPair.Open(node, redis);
        await new Differential(p.Ours, p.Redis).SameCommandInfo(new[] { "pfadd", "pfcount", "pfmerge", "pfdebug", "pfselftest" });
        await p.Same("COMMAND", "GETKEYS", "PFMERGE", "{x}d", "{x}a", "{x}b");
        await p.Same("COMMAND", "GETKEYS", "PFCOUNT", "{x}a", "{x}b");
        await p.Same("COMMAND", "GETKEYS", "PFDEBUG", "GETREG", "k");
    }

    [Fact]
    public async Task PfAddAndPfMergeNotifyAsRedis()
    {
        await using var p = await BitPair.Open(node, redis);
        await p.Both("CONFIG", "SET", "notify-keyspace-events", "KEAnm");
        try
        {
            await using var subOurs = await node.ConnectAsync();
            await using var subRedis = await redis.ConnectAsync();
            var t = NodeFixture.Key("");
            await subOurs.Run("PSUBSCRIBE", "__key*__:" + t + "*");
            await subRedis.Run("PSUBSCRIBE", "__key*__:" + t + "*");
            await p.Same("PFADD", t + "a", "x");
            await p.Same("PFADD", t + "a", "x");                     // no change, no event
            await p.Same("PFCOUNT", t + "a");
            await p.Same("PFMERGE", t + "m", t + "a", t + "none");
            await p.Same("PFADD", t + "a", "y");
            var ours = new List<string>();
            var theirs = new List<string>();
            for (var i = 0; i < 7; i++)
            {
                ours.Add(Differential.Render(await subOurs.NextPushAsync(TimeSpan.FromSeconds(5))));
                theirs.Add(Differential.Render(await subRedis.NextPushAsync(TimeSpan.FromSeconds(5))));
            }
            Assert.Equal(theirs, ours);
        }
        finally
        {
            await p.Both("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }
}
