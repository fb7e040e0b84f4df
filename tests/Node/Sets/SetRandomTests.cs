using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Sets;

/// <summary>Properties of SPOP, SRANDMEMBER and SSCAN, which cannot be compared reply for reply.</summary>
public class SetRandomTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> Fill(QuorumCache.Resp.RespClient c, int n, bool integers = false, string prefix = "m")
    {
        var k = NodeFixture.Key("s");
        var args = new List<string> { "SADD", k };
        for (var i = 0; i < n; i++) args.Add(integers ? i.ToString() : prefix + i);
        Reply.IsInt(await c.Run(args.ToArray()), n);
        return k;
    }

    [Theory]
    [InlineData(10, false, 4)]
    [InlineData(10, true, 9)]
    [InlineData(400, true, 100)]
    [InlineData(1000, false, 5)]
    [InlineData(1000, false, 900)]
    public async Task SRandMemberPositiveCountIsDistinctMembers(int size, bool integers, int count)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, size, integers);
        for (var round = 0; round < 5; round++)
        {
            var got = Reply.Strings(await c.Run("SRANDMEMBER", k, count.ToString()));
            Assert.Equal(count, got.Length);
            Assert.Equal(count, got.Distinct().Count());
            foreach (var m in got) Reply.IsInt(await c.Run("SISMEMBER", k, m), 1);
        }
        Reply.IsInt(await c.Run("SCARD", k), size); // read-only
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SRandMemberNegativeCountRepeatsUniformly(bool integers)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 5, integers);
        var got = Reply.Strings(await c.Run("SRANDMEMBER", k, "-5000"));
        Assert.Equal(5000, got.Length);
        var counts = got.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 800, 1200));
        Reply.IsError(await c.Run("SRANDMEMBER", k, "-4611686018427387904"), "ERR value is out of range");
    }

    [Fact]
    public async Task SRandMemberSingleVariesOverALargeSet()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 2000);
        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++) seen.Add((await c.Run("SRANDMEMBER", k)).Text!);
        Assert.True(seen.Count > 20);
        Assert.All(seen, m => Assert.StartsWith("m", m));
    }

    [Theory]
    [InlineData(20, false, 7)]
    [InlineData(300, true, 50)]
    [InlineData(3000, false, 1)]
    [InlineData(3000, false, 2900)]
    public async Task SPopRemovesExactlyWhatItReturns(int size, bool integers, int count)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, size, integers);
        var popped = Reply.Strings(await c.Run("SPOP", k, count.ToString()));
        Assert.Equal(count, popped.Length);
        Assert.Equal(count, popped.Distinct().Count());
        Reply.IsInt(await c.Run("SCARD", k), size - count);
        var rest = Reply.Strings(await c.Run("SMEMBERS", k));
        Assert.Empty(rest.Intersect(popped));
        Assert.Equal(size, rest.Union(popped).Count());
        var one = (await c.Run("SPOP", k)).Text!;
        Assert.DoesNotContain(one, popped);
        Reply.IsInt(await c.Run("SISMEMBER", k, one), 0);
    }

    [Fact]
    public async Task SPopDrainsAndDeletesTheKey()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 3);
        var all = new List<string>();
        for (var i = 0; i < 3; i++) all.Add((await c.Run("SPOP", k)).Text!);
        Assert.Equal(["m0", "m1", "m2"], all.Order().ToArray());
        Reply.IsInt(await c.Run("EXISTS", k), 0);
        Reply.IsBulk(await c.Run("SPOP", k), null);
    }

    [Theory]
    [InlineData(2000, 10)]
    [InlineData(5000, 1)]
    public async Task SScanReturnsEveryMemberOfALargeSet(int size, int count)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, size);
        var seen = new HashSet<string>();
        var cursor = "0";
        do
        {
            var r = await c.Run("SSCAN", k, cursor, "COUNT", count.ToString());
            cursor = r[0].Text!;
            foreach (var m in Reply.Strings(r[1])) seen.Add(m);
        } while (cursor != "0");
        Assert.Equal(size, seen.Count);
    }

    [Fact]
    public async Task SScanKeepsItsGuaranteeUnderSpopAndSadd()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 1500, prefix: "stable");
        var seen = new HashSet<string>();
        var cursor = "0";
        var n = 0;
        do
        {
            var r = await c.Run("SSCAN", k, cursor, "COUNT", "20", "MATCH", "stable*");
            cursor = r[0].Text!;
            foreach (var m in Reply.Strings(r[1])) seen.Add(m);
            var add = new List<string> { "SADD", k };
            for (var i = rng.Next(1, 300); i > 0; i--) add.Add("tmp" + n++);
            await c.Run(add.ToArray());
            if (rng.Next(2) == 0)
            {
                var rem = new List<string> { "SREM", k };
                for (var i = 0; i < n; i++) rem.Add("tmp" + i);
                await c.Run(rem.ToArray());
            }
        } while (cursor != "0");
        for (var i = 0; i < 1500; i++) Assert.True(seen.Contains("stable" + i), $"stable{i} missed (seed {seed})");
    }

    [Fact]
    public async Task SScanMatchFiltersIntsetMembers()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 30, integers: true);
        var r = await c.Run("SSCAN", k, "0", "MATCH", "2?");
        Assert.Equal("0", r[0].Text);
        Assert.Equal(Enumerable.Range(20, 10).Select(i => i.ToString()).ToArray(), Reply.Strings(r[1]));
    }
}
