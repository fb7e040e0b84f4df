using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>
/// OBJECT ENCODING of sets with Redis 7.2's rules (the local redis-server is 7.0, which has no
/// listpack sets, so these are asserted directly rather than compared).
/// </summary>
public class SetEncodingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> Encoding(QuorumCache.Resp.RespClient c, string k) => (await c.Run("OBJECT", "ENCODING", k)).Text!;

    private static string[] Range(string prefix, int from, int to) =>
        Enumerable.Range(from, to - from).Select(i => prefix + i).ToArray();

    [Fact]
    public async Task IntegersMakeAnIntsetUpTo512()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key("s");
        Reply.IsInt(await c.Run(["SADD", k, .. Range("", 0, 512)]), 512);
        Assert.Equal("intset", await Encoding(c, k));
        Reply.IsInt(await c.Run("SADD", k, "512"), 1);
        Assert.Equal("hashtable", await Encoding(c, k));
        Reply.IsInt(await c.Run(["SREM", k, .. Range("", 0, 510)]), 510);
        Assert.Equal("hashtable", await Encoding(c, k)); // never back
        Assert.Equal(["510", "511", "512"], CollectionTestKit.Sorted(await c.Run("SMEMBERS", k)));
    }

    [Fact]
    public async Task AStringTurnsASmallIntsetIntoAListpackKeepingOrder()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key("s");
        await c.Run("SADD", k, "30", "-5", "7");
        Assert.Equal("intset", await Encoding(c, k));
        await c.Run("SADD", k, "hello", "01");
        Assert.Equal("listpack", await Encoding(c, k));
        Assert.Equal(["-5", "7", "30", "hello", "01"], Reply.Strings(await c.Run("SMEMBERS", k)));
        await c.Run("SREM", k, "7");
        await c.Run("SADD", k, "7");
        Assert.Equal(["-5", "30", "hello", "01", "7"], Reply.Strings(await c.Run("SMEMBERS", k)));
        Reply.IsInt(await c.Run("SISMEMBER", k, "01"), 1);
        Reply.IsInt(await c.Run("SISMEMBER", k, "1"), 0);
    }

    [Fact]
    public async Task LargeIntsetGetsAStringGoesToHashtable()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key("s");
        await c.Run(["SADD", k, .. Range("", 0, 128)]);
        Assert.Equal("intset", await Encoding(c, k));
        await c.Run("SADD", k, "word");
        Assert.Equal("hashtable", await Encoding(c, k));
        Reply.IsInt(await c.Run("SCARD", k), 129);
        var k2 = NodeFixture.Key("s2");
        await c.Run(["SADD", k2, .. Range("", 0, 127)]);
        await c.Run("SADD", k2, "word");
        Assert.Equal("listpack", await Encoding(c, k2));
    }

    [Fact]
    public async Task ListpackLimitsAre128MembersOf64Bytes()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key("s");
        await c.Run(["SADD", k, .. Range("m", 0, 128)]);
        Assert.Equal("listpack", await Encoding(c, k));
        await c.Run("SADD", k, "m128");
        Assert.Equal("hashtable", await Encoding(c, k));

        var k2 = NodeFixture.Key("s2");
        await c.Run("SADD", k2, new string('a', 64));
        Assert.Equal("listpack", await Encoding(c, k2));
        await c.Run("SADD", k2, new string('a', 65));
        Assert.Equal("hashtable", await Encoding(c, k2));

        var k3 = NodeFixture.Key("s3");
        await c.Run("SADD", k3, new string('a', 65));
        Assert.Equal("hashtable", await Encoding(c, k3));
    }

    [Fact]
    public async Task ManyMembersInOneSaddChooseTheFinalEncodingUpFront()
    {
        await using var c = await node.ConnectAsync();
        // 129 arguments, all the same string: Redis sizes the set for 129 and makes it a hashtable.
        var k = NodeFixture.Key("s");
        await c.Run(["SADD", k, .. Enumerable.Repeat("dup", 129)]);
        Assert.Equal("hashtable", await Encoding(c, k));
        Reply.IsInt(await c.Run("SCARD", k), 1);
        var k2 = NodeFixture.Key("s2");
        await c.Run("SADD", k2, "a");
        await c.Run(["SADD", k2, .. Enumerable.Repeat("dup", 129)]);
        Assert.Equal("hashtable", await Encoding(c, k2));
        var k3 = NodeFixture.Key("s3");
        await c.Run(["SADD", k3, .. Enumerable.Repeat("7", 513)]);
        Assert.Equal("hashtable", await Encoding(c, k3));
    }

    [Fact]
    public async Task StoreResultsStartAsIntsets()
    {
        await using var c = await node.ConnectAsync();
        var t = NodeFixture.Key();
        await c.Run("SADD", t + "a", "1", "2", "x");
        await c.Run("SADD", t + "b", "1", "2", "y");
        Reply.IsInt(await c.Run("SINTERSTORE", t + "d", t + "a", t + "b"), 2);
        Assert.Equal("intset", await Encoding(c, t + "d"));
        Reply.IsInt(await c.Run("SUNIONSTORE", t + "d", t + "a", t + "b"), 4);
        Assert.Equal("listpack", await Encoding(c, t + "d"));
        Assert.Equal(["1", "2", "x", "y"], Reply.Strings(await c.Run("SMEMBERS", t + "d")));
    }
}
