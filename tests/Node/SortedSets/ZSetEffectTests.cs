using System.Buffers;
using System.Text;
using QuorumCache.Node.Commands;
using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>
/// Effects of sorted set writes: recorded while commands run, then the keys are dropped and the effects
/// replayed; the sets must come back identical (scores bit for bit), and the recorded forms are the
/// deterministic ones (ZINCRBY → ZADD of the result, pops → ZPOPMIN/ZPOPMAX key n).
/// </summary>
public class ZSetEffectTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static async Task<string> Dump(RespClient c, params string[] keys)
    {
        var sb = new StringBuilder();
        foreach (var k in keys)
        {
            var type = (await c.Run("TYPE", k)).Text;
            sb.Append(k).Append(':').Append(type).Append('=');
            if (type == "zset")
            {
                var r = await c.Run("ZRANGE", k, "0", "-1", "WITHSCORES");
                sb.Append(string.Join(",", Reply.Strings(r)));
                sb.Append(" enc=").Append((await c.Run("OBJECT", "ENCODING", k)).Text);
            }
            else if (type == "string") sb.Append((await c.Run("GET", k)).Text);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private async Task<(string Before, string After, List<string> Commands)> RecordAndReplay(Func<RespClient, Task> work, params string[] keys)
    {
        var rec = new EffectRecorder();
        await using var c = await node.ConnectAsync();
        node.Server.Effects = rec;
        try
        {
            await work(c);
        }
        finally
        {
            node.Server.Effects = null;
        }
        var before = await Dump(c, keys);
        foreach (var k in keys) await c.Run("DEL", k);
        node.Server.Internal.Replay(new ReadOnlySequence<byte>(rec.Bytes()));
        var after = await Dump(c, keys);
        return (before, after, rec.Commands().Select(c => string.Join(' ', c)).ToList());
    }

    [Fact]
    public async Task FloatingIncrementsReplayBitForBit()
    {
        var k = NodeFixture.Key("f");
        var (before, after, cmds) = await RecordAndReplay(async c =>
        {
            for (var i = 0; i < 20; i++) await c.Run("ZINCRBY", k, "0.1", "m");
            await c.Run("ZADD", k, "INCR", "1e-7", "m");
            await c.Run("ZADD", k, "INCR", "3.3", "n");
            await c.Run("ZADD", k, "XX", "INCR", "1", "ghost");
        }, k);
        Assert.Equal(before, after);
        Assert.All(cmds, s => Assert.StartsWith("ZADD ", s, StringComparison.Ordinal));
        Assert.DoesNotContain(cmds, s => s.Contains("INCR", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(22, cmds.Count);
    }

    [Fact]
    public async Task PopsAreRecordedAsCountedPops()
    {
        var t = NodeFixture.Key();
        string a = t + "a", b = t + "b";
        var (before, after, cmds) = await RecordAndReplay(async c =>
        {
            await c.Run("ZADD", a, "1", "x", "2", "y", "3", "z", "4", "w");
            await c.Run("ZADD", b, "5", "p");
            await c.Run("ZPOPMIN", a);
            await c.Run("ZMPOP", "2", t + "none", a, "MAX", "COUNT", "2");
            await c.Run("BZPOPMIN", t + "none", b, "0");
            await c.Run("BZMPOP", "0", "1", a, "MIN", "COUNT", "5");
            await c.Run("ZPOPMAX", a, "3");
        }, a, b);
        Assert.Equal(before, after);
        Assert.Equal($"{a}:none=\n{b}:none=\n", before);
        Assert.Contains($"ZPOPMIN {a} 1", cmds);
        Assert.Contains($"ZPOPMAX {a} 2", cmds);
        Assert.Contains($"ZPOPMIN {b} 1", cmds);
        Assert.DoesNotContain(cmds, s => s.StartsWith("ZMPOP", StringComparison.Ordinal) || s.StartsWith("B", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServedBlockedPopLeavesZPopEffect()
    {
        var k = NodeFixture.Key("blk");
        var (before, after, cmds) = await RecordAndReplay(async c =>
        {
            await using var waiter = await node.ConnectAsync();
            var pending = waiter.Run("BZPOPMAX", k, "0");
            await ZSetBlockingTests.WaitBlocked(node, k, 1);
            await c.Run("ZADD", k, "1", "a", "2", "b");
            var r = await pending.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([k, "b", "2"], Reply.Strings(r));
        }, k);
        Assert.Equal(before, after);
        Assert.Contains(k + ":zset=a,1", before, StringComparison.Ordinal);
        Assert.Equal([$"ZADD {k} 1 a 2 b", $"ZPOPMAX {k} 1"], cmds);
    }

    [Fact]
    public async Task StoresRangesAndRemovalsReplay()
    {
        var t = NodeFixture.Key();
        string a = t + "a", b = t + "b", d1 = t + "d1", d2 = t + "d2", d3 = t + "d3";
        var (before, after, _) = await RecordAndReplay(async c =>
        {
            var args = new List<string> { "ZADD", a };
            for (var i = 0; i < 200; i++)
            {
                args.Add((i * 0.37).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                args.Add("m" + i);
            }
            await c.Run(args.ToArray());
            await c.Run("ZADD", b, "1.5", "m3", "2.25", "m4", "7", "other");
            await c.Run("SET", d3, "string");
            await c.Run("ZUNIONSTORE", d1, "2", a, b, "WEIGHTS", "0.3", "1.7");
            await c.Run("ZINTERSTORE", d2, "2", a, b, "AGGREGATE", "MAX");
            await c.Run("ZDIFFSTORE", d3, "2", b, b); // empty: deletes the string at d3
            await c.Run("ZRANGESTORE", d2, d1, "(10", "30", "BYSCORE", "LIMIT", "3", "20");
            await c.Run("ZREMRANGEBYSCORE", a, "(5", "20");
            await c.Run("ZREMRANGEBYRANK", a, "-10", "-1");
            await c.Run("ZREMRANGEBYLEX", b, "-", "+");
            await c.Run("ZREM", a, "m0", "m1", "m2");
            await c.Run("ZRANDMEMBER", a, "5");
        }, a, b, d1, d2, d3);
        Assert.Equal(before, after);
        Assert.Contains(d3 + ":none", before, StringComparison.Ordinal);
        Assert.Contains(b + ":none", before, StringComparison.Ordinal);
        Assert.Contains("enc=skiplist", before, StringComparison.Ordinal);
    }
}
