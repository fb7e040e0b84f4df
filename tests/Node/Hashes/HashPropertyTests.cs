using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Sets;

namespace QuorumCache.Tests.Node.Hashes;

/// <summary>Properties of the random and cursor commands, which cannot be compared reply for reply.</summary>
public class HashPropertyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> Fill(QuorumCache.Resp.RespClient c, int n, string prefix = "f")
    {
        var k = NodeFixture.Key("h");
        var args = new List<string> { "HSET", k };
        for (var i = 0; i < n; i++) args.AddRange([prefix + i, "v" + i]);
        Reply.IsInt(await c.Run(args.ToArray()), n);
        return k;
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(5, 5)]
    [InlineData(300, 7)]
    [InlineData(300, 150)]
    [InlineData(300, 299)]
    public async Task PositiveCountGivesDistinctExistingFields(int size, int count)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, size);
        for (var round = 0; round < 5; round++)
        {
            var fields = Reply.Strings(await c.Run("HRANDFIELD", k, count.ToString()));
            Assert.Equal(count, fields.Length);
            Assert.Equal(count, fields.Distinct().Count());
            Assert.All(fields, f => Assert.Matches("^f\\d+$", f));
            Assert.All(fields, f => Assert.True(int.Parse(f[1..]) < size));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task WithValuesPairsFieldsWithTheirValues(int protocol)
    {
        await using var c = await node.ConnectAsync();
        if (protocol == 3) Reply.AssertNotError(await c.Run("HELLO", "3"));
        var k = await Fill(c, 200);
        foreach (var count in new[] { "10", "-25", "150" })
        {
            var r = await c.Run("HRANDFIELD", k, count, "WITHVALUES");
            var n = Math.Abs(int.Parse(count));
            var pairs = new List<(string F, string V)>();
            if (protocol == 3)
            {
                Assert.Equal(n, r.Count);
                foreach (var item in r.Items!) pairs.Add((item[0].Text!, item[1].Text!));
            }
            else
            {
                Assert.Equal(2 * n, r.Count);
                for (var i = 0; i < r.Count; i += 2) pairs.Add((r[i].Text!, r[i + 1].Text!));
            }
            Assert.All(pairs, p => Assert.Equal("v" + p.F[1..], p.V));
            if (!count.StartsWith('-')) Assert.Equal(n, pairs.Select(p => p.F).Distinct().Count());
        }
    }

    [Fact]
    public async Task NegativeCountRepeatsAndCoversTheHash()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 4);
        var fields = Reply.Strings(await c.Run("HRANDFIELD", k, "-2000"));
        Assert.Equal(2000, fields.Length);
        var groups = fields.GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, groups.Count); // every field comes up (probability of missing one is ~4 * 0.75^2000)
        Assert.All(groups.Values, n => Assert.InRange(n, 350, 650)); // roughly uniform
    }

    [Fact]
    public async Task SingleRandomFieldBelongsToHash()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 500);
        var seen = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var f = (await c.Run("HRANDFIELD", k)).Text!;
            Assert.True(int.Parse(f[1..]) < 500);
            seen.Add(f);
        }
        Assert.True(seen.Count > 10, "random fields should vary");
    }

    [Fact]
    public async Task HugeNegativeCountIsRefusedNotBuilt()
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 3);
        Reply.IsError(await c.Run("HRANDFIELD", k, "-4611686018427387904"), "ERR value is out of range");
        Reply.IsInt(await c.Run("HLEN", k), 3);
    }

    [Theory]
    [InlineData(1000, 1)]
    [InlineData(1000, 10)]
    [InlineData(5000, 100)]
    public async Task HScanOfALargeHashReturnsEveryFieldWithItsValue(int size, int count)
    {
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, size);
        var seen = new Dictionary<string, string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            var r = await c.Run("HSCAN", k, cursor, "COUNT", count.ToString());
            cursor = r[0].Text!;
            var items = Reply.Strings(r[1]);
            for (var i = 0; i < items.Length; i += 2) seen[items[i]] = items[i + 1];
            Assert.True(++calls < size * 4, "scan does not terminate");
        } while (cursor != "0");
        Assert.Equal(size, seen.Count);
        Assert.All(seen, kv => Assert.Equal("v" + kv.Key[1..], kv.Value));
    }

    [Fact]
    public async Task HScanReturnsStableFieldsWhileTheHashChanges()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        await using var c = await node.ConnectAsync();
        var k = await Fill(c, 2000, "stable");
        var seen = new HashSet<string>();
        var cursor = "0";
        var extra = 0;
        do
        {
            var r = await c.Run("HSCAN", k, cursor, "COUNT", "25", "MATCH", "stable*");
            cursor = r[0].Text!;
            var items = Reply.Strings(r[1]);
            for (var i = 0; i < items.Length; i += 2) seen.Add(items[i]);
            // Grow a lot (resizes), then delete many (shrinks), between calls.
            var burst = rng.Next(0, 400);
            var args = new List<string> { "HSET", k };
            for (var i = 0; i < burst; i++) args.AddRange(["tmp" + extra++, "x"]);
            if (burst > 0) await c.Run(args.ToArray());
            if (rng.Next(3) == 0)
            {
                var del = new List<string> { "HDEL", k };
                for (var i = 0; i < extra; i++) del.Add("tmp" + i);
                await c.Run(del.ToArray());
            }
        } while (cursor != "0");
        for (var i = 0; i < 2000; i++)
            Assert.True(seen.Contains("stable" + i), $"stable{i} missed (seed {seed})");
    }

    [Fact]
    public async Task HIncrByFloatEffectIsHSetOfTheResult()
    {
        // A private node: its effects are recorded without disturbing other tests.
        var own = new NodeFixture();
        await own.InitializeAsync();
        try
        {
            var sink = new EffectRecorder();
            own.Server.Effects = sink;
            await using var c = await own.ConnectAsync();
            var k = NodeFixture.Key("h");
            Reply.IsBulk(await c.Run("HINCRBYFLOAT", k, "f", "1.5"), "1.5");
            Reply.IsBulk(await c.Run("HINCRBYFLOAT", k, "f", "2.25"), "3.75");
            Reply.IsInt(await c.Run("HINCRBY", k, "n", "4"), 4);
            var effects = sink.Commands();
            Assert.Equal(["HSET", k, "f", "1.5"], effects[0]);
            Assert.Equal(["HSET", k, "f", "3.75"], effects[1]);
            Assert.Equal(["HINCRBY", k, "n", "4"], effects[2]);
            var fresh = sink.ReplayOnFreshServer();
            Assert.Equal(["f=3.75", "n=4"], Stored.HashPairs(fresh, k)!);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }
}
