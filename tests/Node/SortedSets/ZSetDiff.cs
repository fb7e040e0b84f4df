using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>
/// Runs one scenario against our node and a real redis-server, in RESP2 and again in RESP3 (HELLO 3 on
/// both connections). The installed redis-server may be 7.0: scenarios use scores whose 7.0 and 7.2
/// text forms agree in RESP2 (integers, halves, quarters, inf); RESP3 doubles compare by value.
/// </summary>
internal static class ZSetDiff
{
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
            try
            {
                await scenario(new Differential(a, b), NodeFixture.Key("z"));
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"RESP{proto}: {e.Message}");
            }
        }
    }

}
