using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>SORT ... STORE against a real redis-server: the stored list, its encoding, empty results, GET values.</summary>
public class SortStoreDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task Both(Func<Differential, string, Task> s) => SortData.Both(node, redis, s);

    [Fact]
    public Task StoresAList() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "3", "1", "2");
        await d.Same("SORT", t + "l", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        await d.Same("OBJECT", "ENCODING", t + "dst");
        await d.Same("SORT", t + "l", "DESC", "LIMIT", "0", "2", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        // Replaces a value of any type, and drops its TTL.
        await d.Same("SET", t + "str", "v", "EX", "100");
        await d.Same("SORT", t + "l", "STORE", t + "str");
        await d.Same("TYPE", t + "str");
        await d.Same("TTL", t + "str");
        // The destination may be the sorted key itself.
        await d.Same("SORT", t + "l", "DESC", "STORE", t + "l");
        await d.Same("LRANGE", t + "l", "0", "-1");
        // The last STORE wins.
        await d.Same("SORT", t + "l", "STORE", t + "a", "STORE", t + "b");
        await d.Same("EXISTS", t + "a", t + "b");
    });

    [Fact]
    public Task EmptyResultsDeleteTheDestination() => Both(async (d, t) =>
    {
        await d.Same("SET", t + "dst", "old");
        await d.Same("SORT", t + "missing", "STORE", t + "dst");
        await d.Same("EXISTS", t + "dst");
        await d.Same("RPUSH", t + "l", "1", "2");
        await d.Same("SET", t + "dst", "old");
        await d.Same("SORT", t + "l", "LIMIT", "5", "1", "STORE", t + "dst");
        await d.Same("EXISTS", t + "dst");
        await d.Same("SORT", t + "l", "LIMIT", "0", "0", "STORE", t + "nothing");
        await d.Same("EXISTS", t + "nothing");
    });

    [Fact]
    public Task StoresGetValuesWithEmptyStringsForMissing() => Both(async (d, t) =>
    {
        await d.Same("RPUSH", t + "l", "a", "b", "c");
        await d.Same("MSET", t + "w_a", "2", t + "w_b", "1", t + "w_c", "3", t + "o_a", "A", t + "o_c", "C");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", t + "o_*", "GET", "#", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        await d.Same("SORT", t + "l", "BY", t + "w_*", "GET", t + "none_*", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        await d.Same("LLEN", t + "dst");
    });

    [Fact]
    public Task UnsortedSetsAreStoredInByteOrder() => Both(async (d, t) =>
    {
        await d.Same("SADD", t + "s", "b", "c", "a", "10", "9");
        await d.Same("SORT", t + "s", "BY", "nosort", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        await d.Same("SORT", t + "s", "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
    });

    [Fact]
    public Task LargeResultsAreQuicklists() => Both(async (d, t) =>
    {
        var args = new List<string> { "RPUSH", t + "l" };
        for (var i = 0; i < 300; i++) args.Add(((i * 7919) % 1000).ToString());
        await d.Same(args.ToArray());
        await d.Same("SORT", t + "l", "STORE", t + "dst");
        await d.Same("OBJECT", "ENCODING", t + "dst");
        await d.Same("LRANGE", t + "dst", "0", "-1");
        await d.Same("SORT", t + "l", "LIMIT", "10", "5", "STORE", t + "dst");
        await d.Same("OBJECT", "ENCODING", t + "dst");
    });
}
