using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>Runs a SORT scenario on our node and redis-server, in RESP2 and RESP3, with a fresh hash tag ("{sN}").</summary>
public static class SortData
{
    private static int s_tags;

    public static Task Both(NodeFixture node, RedisServerFixture redis, Func<Differential, string, Task> scenario) =>
        Differential.InBothProtocols(node, redis, d => scenario(d, $"{{s{Interlocked.Increment(ref s_tags)}-{Guid.NewGuid():N}}}"));
}
