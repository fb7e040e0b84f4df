using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>BITOP against a real redis-server: results, lengths, destination deletion, TTLs and errors.</summary>
public class BitOpDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task EveryOperationOverUnequalLengthsMatches(int protocol)
    {
        await using var p = await BitPair.Open(node, redis, protocol);
        var t = NodeFixture.Key("");
        string a = t + "a", b = t + "b", c = t + "c", none = t + "none", dest = t + "d";
        await p.Both("SET", a, new byte[] { 0xF0, 0x0F, 0xAA, 0x55, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 });
        await p.Both("SET", b, new byte[] { 0xFF, 0x00, 0x33 });
        await p.Both("SET", c, "foobar-and-some-more-bytes-for-the-word-loop");
        foreach (var op in new[] { "AND", "or", "Xor" })
        {
            foreach (var sources in new[] { new[] { a }, new[] { a, b }, new[] { b, a }, new[] { a, b, c }, new[] { c, none }, new[] { none, a }, new[] { a, a } })
            {
                await p.Same(["BITOP", op, dest, .. sources]);
                await p.Same("GET", dest);
            }
        }
        foreach (var src in new[] { a, b, c })
        {
            await p.Same("BITOP", "NOT", dest, src);
            await p.Same("GET", dest);
        }
        // The destination may be one of the sources.
        await p.Same("BITOP", "XOR", a, a, b);
        await p.Same("GET", a);
        await p.Same("BITOP", "NOT", b, b);
        await p.Same("GET", b);
    }

    [Fact]
    public async Task EmptyResultDeletesTheDestination()
    {
        await using var p = await BitPair.Open(node, redis);
        var t = NodeFixture.Key("");
        string none = t + "none", empty = t + "empty", dest = t + "d";
        await p.Both("SET", empty, "");
        await p.Both("SET", dest, "x");
        await p.Same("BITOP", "NOT", dest, none);   // NOT of a missing key: empty, destination deleted
        await p.Same("EXISTS", dest);
        await p.Both("RPUSH", dest, "a list");      // any type is replaced or deleted
        await p.Same("BITOP", "AND", dest, none, empty);
        await p.Same("EXISTS", dest);
        await p.Same("BITOP", "OR", dest, none);    // nothing to delete
        await p.Same("EXISTS", dest);
        await p.Both("RPUSH", dest, "a list");
        await p.Both("SET", empty, "abc");
        await p.Same("BITOP", "OR", dest, empty);
        await p.Same("TYPE", dest);
        await p.Same("GET", dest);
    }

    [Fact]
    public async Task TheDestinationLosesItsTtl()
    {
        await using var p = await BitPair.Open(node, redis);
        var t = NodeFixture.Key("");
        await p.Both("SET", t + "s", "abc");
        await p.Both("SET", t + "d", "old", "EX", "1000");
        await p.Same("BITOP", "AND", t + "d", t + "s");
        await p.Same("TTL", t + "d");
    }

    [Fact]
    public async Task ErrorsMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var t = NodeFixture.Key("");
        string s = t + "s", list = t + "l", dest = t + "d";
        await p.Both("SET", s, "abc");
        await p.Both("RPUSH", list, "x");
        await p.Both("SET", dest, "keep");
        await p.Same("BITOP", "NAND", dest, s);
        await p.Same("BITOP", "NOT", dest, s, s);
        await p.Same("BITOP", "nope", dest, s, s);
        await p.Same("BITOP", "AND", dest, s, list);
        await p.Same("BITOP", "NOT", dest, list);
        await p.Same("BITOP", "OR", dest, list, t + "none");
        await p.Same("GET", dest);
        await p.Same("BITOP", "AND", dest);
        await p.Same("BITOP", "AND");
        await p.Same("BITOP", "AND", list, s);      // a destination of another type is overwritten
        await p.Same("TYPE", list);
    }

    [Fact]
    public async Task KeysOfDifferentSlotsAreRefusedByOurNode()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsError(await c.Run("BITOP", "AND", "{a}d", "{b}s"), "CROSSSLOT Keys in request don't hash to the same slot");
    }
}
