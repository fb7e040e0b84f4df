using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>Runs a SORT scenario on our node and redis-server, in RESP2 and RESP3, with a fresh hash tag ("{sN}").</summary>
public static class SortData
{
    private static int s_tags;

    public static async Task Both(NodeFixture node, RedisServerFixture redis, Func<Differential, string, Task> scenario)
    {
        foreach (var proto in new[] { 2, 3 })
        {
            await using var a = await node.ConnectAsync();
            await using var b = await redis.ConnectAsync();
            if (proto == 3)
            {
                Reply.AssertNotError(await a.Run("HELLO", "3"));
                Reply.AssertNotError(await b.Run("HELLO", "3"));
            }
            var tag = $"{{s{Interlocked.Increment(ref s_tags)}-{Guid.NewGuid():N}}}";
            try
            {
                await scenario(new Differential(a, b), tag);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"RESP{proto}: {e.Message}");
            }
        }
    }
}
