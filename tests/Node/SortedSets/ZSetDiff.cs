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
    public static Task Both(NodeFixture node, RedisServerFixture redis, Func<Differential, string, Task> scenario) =>
        Differential.InBothProtocols(node, redis, d => scenario(d, NodeFixture.Key("z")));
}
