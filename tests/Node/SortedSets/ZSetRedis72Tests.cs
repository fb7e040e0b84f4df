using System.Globalization;
using System.Net.Sockets;
using System.Text;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>
/// Behaviour that differs between Redis 7.0 (the redis-server installed for differential tests) and
/// 7.2, which we follow: ZRANK/ZREVRANK WITHSCORE and 7.2's shortest double replies (d2string with
/// fpconv). Expected values are taken from Redis 7.2's source. Also sets as inputs, large ZSCAN, and
/// the exact null types on the wire.
/// </summary>
public class ZSetRedis72Tests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ZRankWithScore()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        await c.Run("ZADD", k, "1.5", "a", "2", "b", "3", "c");
        Assert.Equal(["1", "2"], Reply.Strings(await c.Run("ZRANK", k, "b", "WITHSCORE")));
        Assert.Equal(["2", "1.5"], Reply.Strings(await c.Run("ZREVRANK", k, "a", "withscore")));
        Assert.True((await c.Run("ZRANK", k, "zz", "WITHSCORE")).IsNull);
        Assert.True((await c.Run("ZRANK", k + "none", "a", "WITHSCORE")).IsNull);
        Reply.IsError(await c.Run("ZRANK", k, "a", "WITHSCORES"), "ERR syntax error");
        Reply.IsError(await c.Run("ZRANK", k, "a", "WITHSCORE", "x"), "ERR wrong number of arguments for 'zrank' command");
        Reply.IsError(await c.Run("ZREVRANK", k, "a", "WITHSCORE", "x"), "ERR wrong number of arguments for 'zrevrank' command");
        await c.Run("HELLO", "3");
        var r = await c.Run("ZRANK", k, "c", "WITHSCORE");
        Assert.Equal(RespType.Integer, r[0].Type);
        Assert.Equal(2, r[0].Integer);
        Assert.Equal(RespType.Double, r[1].Type);
        Assert.Equal(3.0, r[1].Double);
        Assert.True((await c.Run("ZRANK", k, "zz", "WITHSCORE")).IsNull);
    }

    [Theory]
    [InlineData("1.1", "1.1")]
    [InlineData("3.0", "3")]
    [InlineData("1e20", "1e+20")]
    [InlineData("-0.0", "-0")]
    [InlineData("inf", "inf")]
    [InlineData("-inf", "-inf")]
    [InlineData("0.1", "0.1")]
    [InlineData("0.00001", "0.00001")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("123456789.123", "123456789.123")]
    [InlineData("5e18", "5e+18")]
    [InlineData("1e17", "100000000000000000")]
    [InlineData("1.2345678901234567e21", "1234567890123456800000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("5e-324", "5e-324")]
    public async Task ScoresReplyInRedis72Format(string input, string expected)
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        await c.Run("ZADD", k, input, "m");
        Reply.IsBulk(await c.Run("ZSCORE", k, "m"), expected);
        Assert.Equal(["m", expected], Reply.Strings(await c.Run("ZRANGE", k, "0", "-1", "WITHSCORES")));
        await c.Run("HELLO", "3");
        var r = await c.Run("ZSCORE", k, "m");
        Assert.Equal(RespType.Double, r.Type);
        Assert.True(Score.TryParse(Encoding.ASCII.GetBytes(input), out var parsed));
        Assert.Equal(parsed, r.Double);
        var pairs = await c.Run("ZRANGE", k, "0", "-1", "WITHSCORES");
        Assert.Equal("m", pairs[0][0].Text);
        Assert.Equal(RespType.Double, pairs[0][1].Type);
    }

    [Fact]
    public async Task Resp3ShapesOfPopsAndRandomMembers()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        await c.Run("HELLO", "3");
        await c.Run("ZADD", k, "1", "a", "2", "b", "3", "c");
        var single = await c.Run("ZPOPMIN", k);
        Assert.Equal("a", single[0].Text);
        Assert.Equal(RespType.Double, single[1].Type);
        var counted = await c.Run("ZPOPMIN", k, "1");
        Assert.Equal("b", counted[0][0].Text);
        Assert.Equal(2.0, counted[0][1].Double);
        var rand = await c.Run("ZRANDMEMBER", k, "-3", "WITHSCORES");
        Assert.Equal(3, rand.Count);
        Assert.All(rand.Items!, p => Assert.Equal(["c", "3"], new[] { p[0].Text!, p[1].Text! }));
    }

    /// <summary>A plain set as ZUNIONSTORE & co. read it (the set type implements <see cref="IMemberSet"/>).</summary>
    private sealed class FakeSet(params string[] members) : QuorumCache.Node.Storage.RedisObject, IMemberSet
    {
        private readonly List<byte[]> _m = members.Select(Encoding.UTF8.GetBytes).ToList();
        public override string TypeName => "set";
        public override string EncodingName => "listpack";
        public override QuorumCache.Node.Storage.RedisObject Clone() => this;
        public override long MemoryUsage() => 0;
        public override bool IsEmpty => _m.Count == 0;
        public override int WriteRestore(ReadOnlySpan<byte> key, QuorumCache.Resp.RespWriter w) => throw new NotSupportedException();
        public int Count => _m.Count;
        public bool Contains(ReadOnlySpan<byte> member)
        {
            foreach (var m in _m)
                if (m.AsSpan().SequenceEqual(member)) return true;
            return false;
        }
        public void ForEachMember(Action<byte[]> visit) => _m.ForEach(visit);
    }

    [Fact]
    public async Task PlainSetsAreInputsWithScoreOne()
    {
        var t = NodeFixture.Key();
        string z = t + "z", s = t + "s", dst = t + "d";
        var slot = QuorumCache.Cluster.Slots.HashSlot.Of(Encoding.UTF8.GetBytes(s));
        node.Server.Internal.WithSlot(slot, ctx =>
        {
            ctx.SetValue(Encoding.UTF8.GetBytes(s), new FakeSet("a", "b", "x"));
            return 0;
        });
        await using var c = await node.ConnectAsync();
        await c.Run("ZADD", z, "5", "a", "7", "c");
        Assert.Equal(["b", "5", "x", "5", "c", "14", "a", "15"], Reply.Strings(await c.Run("ZUNION", "2", z, s, "WEIGHTS", "2", "5", "WITHSCORES")));
        Assert.Equal(["a", "6"], Reply.Strings(await c.Run("ZINTER", "2", s, z, "WITHSCORES")));
        Assert.Equal(["b", "1", "x", "1"], Reply.Strings(await c.Run("ZDIFF", "2", s, z, "WITHSCORES")));
        Reply.IsInt(await c.Run("ZINTERCARD", "2", z, s), 1);
        Reply.IsInt(await c.Run("ZUNIONSTORE", dst, "1", s), 3);
        Assert.Equal(["a", "1", "b", "1", "x", "1"], Reply.Strings(await c.Run("ZRANGE", dst, "0", "-1", "WITHSCORES")));
        Reply.IsError(await c.Run("ZRANGE", s, "0", "-1"), "WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    /// <summary>
    /// Calls ZSCAN from cursor 0 until it answers 0 (failing after 1,000 calls), handing each member and
    /// score to <paramref name="onMember"/> and running <paramref name="between"/> after every call.
    /// </summary>
    private static async Task ZScanToTheEnd(RespClient c, string key, string[] options, Action<string, string> onMember, Func<Task>? between = null)
    {
        var cursor = "0";
        for (var calls = 0; ; calls++)
        {
            Assert.True(calls < 1000, "ZSCAN did not finish within 1,000 calls");
            var r = await c.Run(["ZSCAN", key, cursor, .. options]);
            cursor = r[0].Text!;
            var items = Reply.Strings(r[1]);
            for (var i = 0; i < items.Length; i += 2) onMember(items[i], items[i + 1]);
            if (between is not null) await between();
            if (cursor == "0") return;
        }
    }

    [Fact]
    public async Task ZScanOfALargeSetVisitsEveryMemberOnce()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        var args = new List<string> { "ZADD", k };
        for (var i = 0; i < 1000; i++)
        {
            args.Add((i % 10 == 0 ? 1.1 : i).ToString(CultureInfo.InvariantCulture));
            args.Add("m" + i);
        }
        await c.Run(args.ToArray());
        var seen = new Dictionary<string, string>();
        await ZScanToTheEnd(c, k, ["COUNT", "37"], (m, score) => Assert.True(seen.TryAdd(m, score), $"{m} returned twice"));
        Assert.Equal(1000, seen.Count);
        Assert.Equal("1.1000000000000001", seen["m0"]); // skiplist scans print %.17g, as Redis's ld2string
        Assert.Equal("5", seen["m5"]);
        var pairs = new Dictionary<string, string>();
        await ZScanToTheEnd(c, k, ["MATCH", "m99*", "COUNT", "1000"], pairs.Add);
        Assert.Equal(["m99", .. Enumerable.Range(990, 10).Select(i => "m" + i)], pairs.Keys.Order().ToArray());
        Assert.Equal("1.1000000000000001", pairs["m990"]);
        Assert.Equal("991", pairs["m991"]);
    }

    /// <summary>
    /// SCAN's guarantee: a member present for the whole scan is returned, whatever is added and removed
    /// between calls. Deleting the lowest-scored members and adding new ones between calls shifts
    /// every rank, which a rank cursor skips over.
    /// </summary>
    [Fact]
    public async Task ZScanReturnsEveryMemberThatStaysWhileOthersComeAndGo()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        var args = new List<string> { "ZADD", k };
        for (var i = 0; i < 2000; i++) args.AddRange([i.ToString(CultureInfo.InvariantCulture), "m" + i]);
        await c.Run(args.ToArray());
        var seen = new HashSet<string>();
        var removed = new HashSet<string>();
        var lowest = 0;
        var added = 0;
        await ZScanToTheEnd(c, k, ["COUNT", "25"], (m, _) => seen.Add(m), between: async () =>
        {
            // Between calls: the 10 lowest-scored members go, 10 new ones come (scores above all).
            var gone = Enumerable.Range(lowest, 10).Select(i => "m" + i).ToArray();
            lowest += 10;
            removed.UnionWith(gone);
            Reply.IsInt(await c.Run(["ZREM", k, .. gone]), 10);
            var fresh = new List<string> { "ZADD", k };
            for (var j = 0; j < 10; j++, added++) fresh.AddRange([(10_000 + added).ToString(CultureInfo.InvariantCulture), "new" + added]);
            await c.Run(fresh.ToArray());
        });
        var missed = Enumerable.Range(0, 2000).Select(i => "m" + i).Where(x => !removed.Contains(x) && !seen.Contains(x)).ToList();
        Assert.True(missed.Count == 0, $"{missed.Count} members present for the whole scan were never returned, e.g. {string.Join(", ", missed.Take(5))}");
    }

    [Fact]
    public async Task ZRandMemberDistinctAndRepeatingCounts()
    {
        var k = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        var args = new List<string> { "ZADD", k };
        for (var i = 0; i < 300; i++) args.AddRange([i.ToString(CultureInfo.InvariantCulture), "m" + i]);
        await c.Run(args.ToArray());
        foreach (var n in new[] { 5, 150, 299, 300, 1000 })
        {
            var r = Reply.Strings(await c.Run("ZRANDMEMBER", k, n.ToString(CultureInfo.InvariantCulture), "WITHSCORES"));
            Assert.Equal(Math.Min(n, 300) * 2, r.Length);
            var members = new HashSet<string>();
            for (var i = 0; i < r.Length; i += 2)
            {
                Assert.True(members.Add(r[i]), $"duplicate {r[i]} for count {n}");
                Assert.Equal("m" + r[i + 1], r[i]);
            }
        }
        var rep = Reply.Strings(await c.Run("ZRANDMEMBER", k, "-500"));
        Assert.Equal(500, rep.Length);
        Assert.True(rep.Distinct().Count() < 500); // with 300 members, 500 picks must repeat
        Assert.StartsWith("m", Reply.AssertNotError(await c.Run("ZRANDMEMBER", k)).Text);
    }

    /// <summary>Sends RESP2 commands over a raw socket and returns the exact reply bytes.</summary>
    private static async Task<string> Raw(int port, params string[][] commands)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var sb = new StringBuilder();
        foreach (var cmd in commands.Append(["PING"]))
        {
            sb.Append('*').Append(cmd.Length).Append("\r\n");
            foreach (var a in cmd) sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
        var buf = new byte[65536];
        var got = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!got.ToString().EndsWith("+PONG\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buf, cts.Token);
            if (n == 0) break;
            got.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        return got.ToString();
    }

    [Fact]
    public async Task NullRepliesHaveRedisWireTypes()
    {
        var k = NodeFixture.Key();
        string[][] cmds =
        [
            ["ZSCORE", k, "a"], ["ZRANK", k, "a"], ["ZRANDMEMBER", k], ["ZMPOP", "1", k, "MIN"], ["ZPOPMIN", k],
            ["ZADD", k, "XX", "INCR", "1", "a"], ["BZPOPMIN", k, "0.01"], ["BZMPOP", "0.01", "1", k, "MAX"], ["ZMSCORE", k, "a", "b"],
            ["ZADD", k, "1", "a"], ["ZADD", k, "NX", "INCR", "1", "a"], ["ZRANGEBYSCORE", k, "5", "6"], ["ZSCAN", k + "x", "0"],
        ];
        Assert.Equal(await Raw(redis.Port, cmds), await Raw(node.Port, cmds));
    }
}
