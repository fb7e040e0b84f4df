using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>
/// Set commands against a real redis-server. The local redis-server is 7.0, which has no listpack
/// sets, so sets of strings (listpack in 7.2, hashtable in 7.0) are compared without order; intsets
/// are sorted in both and compared exactly.
/// </summary>
public class SetDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private Task<Pair> Open(int protocol = 2) => CollectionTestKit.Open(node, redis, protocol);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task IntsetBasicsMatchExactly(int protocol)
    {
        await using var p = await Open(protocol);
        var k = NodeFixture.Key("s");
        await p.Same("SADD", k, "5", "-3", "100", "5", "0");
        await p.Same("SADD", k, "7");
        await p.Same("SMEMBERS", k);
        await p.Same("SCARD", k);
        await p.Same("SISMEMBER", k, "100");
        await p.Same("SISMEMBER", k, "0100");
        await p.Same("SMISMEMBER", k, "5", "6", "-3", "x");
        await p.Same("SREM", k, "5", "5", "999", "abc");
        await p.Same("SMEMBERS", k);
        await p.Same("OBJECT", "ENCODING", k);
        await p.Same("SRANDMEMBER", k, "100");
        await p.Same("SSCAN", k, "0");
        await p.Same("SSCAN", k, "0", "MATCH", "1*");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task StringSetBasicsMatch(int protocol)
    {
        await using var p = await Open(protocol);
        var k = NodeFixture.Key("s");
        await p.Same("SADD", k, "b", "a", "c", "a");
        await p.Same("SADD", k, "1", "d");
        await p.SameUnordered("SMEMBERS", k);
        await p.Same("SCARD", k);
        await p.Same("SISMEMBER", k, "a");
        await p.Same("SMISMEMBER", k, "a", "zz", "1");
        await p.Same("SREM", k, "a", "zz");
        await p.SameUnordered("SMEMBERS", k);
        await p.SameUnordered("SRANDMEMBER", k, "50");
        await p.SameUnordered("SPOP", k, "50");
        await p.Same("EXISTS", k);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task MissingKeysMatch(int protocol)
    {
        await using var p = await Open(protocol);
        var k = NodeFixture.Key("none");
        await p.Same("SMEMBERS", k);
        await p.Same("SCARD", k);
        await p.Same("SISMEMBER", k, "a");
        await p.Same("SMISMEMBER", k, "a", "b");
        await p.Same("SREM", k, "a");
        await p.Same("SPOP", k);
        await p.Same("SPOP", k, "3");
        await p.Same("SRANDMEMBER", k);
        await p.Same("SRANDMEMBER", k, "-3");
        await p.Same("SSCAN", k, "0");
        await p.Same("SINTER", k);
        await p.Same("SUNION", k);
        await p.Same("SDIFF", k);
        await p.Same("SINTERCARD", "1", k);
    }

    [Fact]
    public async Task WrongTypeOnEverySetCommand()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        var str = t + "str";
        var set = t + "set";
        await p.Same("SET", str, "x");
        await p.Same("SADD", set, "1");
        string[][] cmds =
        [
            ["SADD", str, "a"], ["SREM", str, "a"], ["SMEMBERS", str], ["SISMEMBER", str, "a"], ["SMISMEMBER", str, "a"],
            ["SCARD", str], ["SPOP", str], ["SPOP", str, "2"], ["SPOP", str, "0"], ["SRANDMEMBER", str], ["SRANDMEMBER", str, "2"],
            ["SSCAN", str, "0"], ["SINTER", set, str], ["SINTER", t + "none", str], ["SUNION", str, set], ["SDIFF", set, str],
            ["SDIFF", t + "none", str], ["SINTERCARD", "2", t + "none", str], ["SINTERSTORE", t + "d", set, str],
            ["SUNIONSTORE", t + "d", str], ["SDIFFSTORE", t + "d", t + "none", str],
            ["SMOVE", str, set, "a"], ["SMOVE", set, str, "1"], ["SMOVE", t + "none", str, "1"],
        ];
        foreach (var c in cmds) await p.Same(c);
        await p.Same("EXISTS", t + "d");
        await p.Same("SMEMBERS", set);
    }

    [Fact]
    public async Task ArgumentErrorsMatch()
    {
        await using var p = await Open();
        var k = NodeFixture.Key("s");
        await p.Same("SADD", k, "1", "2", "3");
        await p.Same("SPOP", k, "-1");
        await p.Same("SPOP", k, "x");
        await p.Same("SPOP", k, "1", "2");
        await p.Same("SPOP", k, "0");
        await p.Same("SRANDMEMBER", k, "1", "2");
        await p.Same("SRANDMEMBER", k, "x");
        await p.Same("SRANDMEMBER", k, "-9223372036854775808");
        await p.Same("SRANDMEMBER", k, "0");
        await p.Same("SSCAN", k, "x");
        await p.Same("SSCAN", k, "0", "COUNT", "0");
        await p.Same("SSCAN", k, "0", "MATCH");
        await p.Same("SSCAN", k, "0", "BOGUS", "1");
        await p.Same("SMISMEMBER", k);
        await p.Same("SADD", k);
        await p.Same("SMEMBERS", k);
    }

    [Fact]
    public async Task SMoveMatches()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "a", "1", "2", "3");
        await p.Same("SMOVE", t + "a", t + "b", "1");
        await p.Same("SMOVE", t + "a", t + "b", "9");
        await p.Same("SMOVE", t + "a", t + "a", "2");
        await p.Same("SMOVE", t + "a", t + "a", "9");
        await p.Same("SMOVE", t + "none", t + "a", "2");
        await p.Same("SMOVE", t + "a", t + "b", "2");
        await p.Same("SMOVE", t + "a", t + "b", "3");
        await p.Same("EXISTS", t + "a");
        await p.Same("SMEMBERS", t + "b");
        await p.Same("SMOVE", t + "b", t + "c", "x");
        await p.Same("SADD", t + "b", "abc");
        await p.Same("SMOVE", t + "b", t + "c", "abc");
        await p.Same("SMEMBERS", t + "c");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AlgebraOnIntsetsMatchesExactly(int protocol)
    {
        await using var p = await Open(protocol);
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "a", "1", "2", "3", "4", "5", "10");
        await p.Same("SADD", t + "b", "4", "5", "6", "1");
        await p.Same("SADD", t + "c", "5", "1", "99");
        await p.Same("SINTER", t + "a", t + "b", t + "c");
        await p.Same("SINTER", t + "a", t + "b");
        await p.Same("SINTER", t + "a", t + "none");
        await p.Same("SUNION", t + "a", t + "b", t + "none", t + "c");
        await p.Same("SDIFF", t + "a", t + "b", t + "c");
        await p.Same("SDIFF", t + "a", t + "none");
        await p.Same("SDIFF", t + "none", t + "a");
        await p.Same("SINTERCARD", "3", t + "a", t + "b", t + "c");
        await p.Same("SINTERCARD", "2", t + "a", t + "b", "LIMIT", "1");
        await p.Same("SINTERCARD", "2", t + "a", t + "b", "LIMIT", "0");
        await p.Same("SINTERCARD", "2", t + "a", t + "b", "LIMIT", "100");
        await p.Same("SINTERCARD", "2", t + "a", t + "none");
        await p.Same("SINTERSTORE", t + "d", t + "a", t + "b");
        await p.Same("SMEMBERS", t + "d");
        await p.Same("SUNIONSTORE", t + "d", t + "a", t + "c");
        await p.Same("SMEMBERS", t + "d");
        await p.Same("SDIFFSTORE", t + "d", t + "a", t + "b");
        await p.Same("SMEMBERS", t + "d");
        await p.Same("OBJECT", "ENCODING", t + "d");
    }

    [Fact]
    public async Task AlgebraOnStringSetsMatches()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "a", "x", "y", "z", "1", "2");
        await p.Same("SADD", t + "b", "y", "z", "w", "2");
        await p.SameUnordered("SINTER", t + "a", t + "b");
        await p.SameUnordered("SUNION", t + "a", t + "b");
        await p.SameUnordered("SDIFF", t + "a", t + "b");
        await p.SameUnordered("SDIFF", t + "b", t + "a", t + "a");
        await p.Same("SINTERSTORE", t + "d", t + "a", t + "b");
        await p.SameUnordered("SMEMBERS", t + "d");
        await p.Same("SUNIONSTORE", t + "a", t + "a", t + "b"); // destination is also a source
        await p.SameUnordered("SMEMBERS", t + "a");
    }

    [Fact]
    public async Task SInterCardArgumentErrorsMatch()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "s", "1", "2");
        await p.Same("SINTERCARD", "0", t + "s");
        await p.Same("SINTERCARD", "-1", t + "s");
        await p.Same("SINTERCARD", "x", t + "s");
        await p.Same("SINTERCARD", "2", t + "s");
        await p.Same("SINTERCARD", "1", t + "s", "LIMIT", "-1");
        await p.Same("SINTERCARD", "1", t + "s", "LIMIT", "x");
        await p.Same("SINTERCARD", "1", t + "s", "FOO");
        await p.Same("SINTERCARD", "1", t + "s", "LIMIT");
        await p.Same("SINTERCARD", "1", t + "s", "LIMIT", "1", "LIMIT", "0");
        await p.Same("SINTERCARD", "1", t + "none", t + "s");
    }

    [Fact]
    public async Task StoreWithEmptyResultDeletesTheDestination()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "a", "1", "2");
        await p.Same("SADD", t + "b", "3");
        foreach (var cmd in new[] { "SINTERSTORE", "SDIFFSTORE", "SUNIONSTORE" })
        {
            await p.Same("SET", t + "d", "string value");
            var src = cmd == "SDIFFSTORE" ? new[] { t + "a", t + "a" } : cmd == "SINTERSTORE" ? new[] { t + "a", t + "b" } : new[] { t + "none" };
            await p.Same([cmd, t + "d", .. src]);
            await p.Same("EXISTS", t + "d");
        }
        await p.Same("SINTERSTORE", t + "never", t + "none");
        await p.Same("EXISTS", t + "never");
    }

    [Fact]
    public async Task StoreOverwritesOtherTypesAndDropsTheTtl()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        await p.Same("SADD", t + "a", "1", "2", "x");
        await p.Same("HSET", t + "d", "f", "v");
        await p.Same("EXPIRE", t + "d", "1000");
        await p.Same("SUNIONSTORE", t + "d", t + "a");
        await p.Same("TYPE", t + "d");
        await p.Same("TTL", t + "d");
        await p.SameUnordered("SMEMBERS", t + "d");
        await p.Same("SET", t + "d", "str");
        await p.Same("SDIFFSTORE", t + "d", t + "a", t + "none");
        await p.Same("TYPE", t + "d");
        await p.Same("SINTERSTORE", t + "d", t + "a", t + "a");
        await p.Same("SCARD", t + "d");
    }

    [Fact]
    public async Task LargeSetsMatchAsSets()
    {
        await using var p = await Open();
        var t = NodeFixture.Key();
        var a = new List<string> { "SADD", t + "a" };
        var b = new List<string> { "SADD", t + "b" };
        for (var i = 0; i < 700; i++) a.Add("m" + i);
        for (var i = 300; i < 1000; i++) b.Add(i % 2 == 0 ? "m" + i : i.ToString());
        await p.Same(a.ToArray());
        await p.Same(b.ToArray());
        await p.Same("OBJECT", "ENCODING", t + "a");
        await p.SameUnordered("SINTER", t + "a", t + "b");
        await p.SameUnordered("SDIFF", t + "a", t + "b");
        await p.Same("SUNIONSTORE", t + "u", t + "a", t + "b");
        await p.Same("SCARD", t + "u");
        await p.Same("SINTERCARD", "2", t + "a", t + "b", "LIMIT", "20");
        for (var i = 0; i < 700; i += 2) await p.Same("SREM", t + "a", "m" + i);
        await p.SameUnordered("SMEMBERS", t + "a");
    }
}
