using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;
using static QuorumCache.Tests.Node.Lists.ListTestSupport;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>
/// The effects list commands leave: replaying them on an empty server rebuilds the same lists, and
/// blocking commands leave their non-blocking equivalents. Uses a node of its own (effects on).
/// </summary>
public class ListEffectsTests(RecordingNodeFixture fx) : IClassFixture<RecordingNodeFixture>
{
    private NodeFixture Node => fx.Node;

    private List<string> EffectsOn(params string[] keys) =>
        fx.Recorder.Commands().Where(c => c.Skip(1).Any(keys.Contains)).Select(c => string.Join(' ', c)).ToList();

    [Fact]
    public async Task ServedBlockingCommandsLeaveNonBlockingEffects()
    {
        var (a, b, c) = Keys3();
        await using var w = await Node.ConnectAsync();
        await using var p = await Node.ConnectAsync();
        await p.Run("RPUSH", b, "b1", "b2", "b3", "b4", "b5");
        Reply.AssertNotError(await w.Run("BLPOP", a, b, "0"));              // served at once from b
        Reply.AssertNotError(await w.Run("BRPOP", a, b, "0"));
        Reply.AssertNotError(await w.Run("BLMOVE", b, c, "LEFT", "RIGHT", "0"));
        Reply.AssertNotError(await w.Run("BRPOPLPUSH", b, c, "0"));
        Reply.AssertNotError(await w.Run("BLMPOP", "0", "2", a, c, "RIGHT", "COUNT", "5"));
        Reply.AssertNotError(await w.Run("LMPOP", "2", a, b, "LEFT", "COUNT", "3"));
        Assert.Equal(
        [
            $"RPUSH {b} b1 b2 b3 b4 b5", $"LPOP {b}", $"RPOP {b}", $"LMOVE {b} {c} LEFT RIGHT", $"RPOPLPUSH {b} {c}",
            $"RPOP {c} 2", $"LPOP {b} 1",
        ], EffectsOn(a, b, c));
    }

    [Fact]
    public async Task WokenWaitersLeaveNonBlockingEffects()
    {
        var (a, b, c) = Keys3();
        await using var w1 = await Node.ConnectAsync();
        await using var w2 = await Node.ConnectAsync();
        await using var w3 = await Node.ConnectAsync();
        await using var p = await Node.ConnectAsync();
        var pop = w1.Run("BLPOP", a, b, "0");
        await WaitForWaitersAsync(Node.Server, b, 1);
        var move = w2.Run("BLMOVE", c, a, "RIGHT", "LEFT", "0");
        await WaitForWaitersAsync(Node.Server, c, 1);
        var mpop = w3.Run("BLMPOP", "0", "1", c, "LEFT", "COUNT", "2");
        await WaitForWaitersAsync(Node.Server, c, 2);
        await p.Run("RPUSH", b, "x", "y");
        await Within(pop);
        await p.Run("RPUSH", c, "1", "2", "3", "4");
        Assert.Equal("4", (await Within(move)).Text);
        Assert.Equal([c, "[1, 2]"], (await Within(mpop)).Items!.Select(i => i.Type == RespType.Array ? "[" + string.Join(", ", Reply.Strings(i)) + "]" : i.Text!));
        Assert.Equal(
        [
            $"RPUSH {b} x y", $"LPOP {b}", $"RPUSH {c} 1 2 3 4", $"LMOVE {c} {a} RIGHT LEFT", $"LPOP {c} 2",
        ], EffectsOn(a, b, c));
        Assert.Equal(fx.Replayed(), RecordingNodeFixture.Dump(Node.Server));
    }

    [Fact]
    public async Task NoOpsAndReadsLeaveNoEffects()
    {
        var (a, b, _) = Keys3();
        await using var c = await Node.ConnectAsync();
        await c.Run("LPUSHX", a, "v");
        await c.Run("LPOP", a);
        await c.Run("RPOP", a, "3");
        await c.Run("LMOVE", a, b, "LEFT", "LEFT");
        await c.Run("LMPOP", "2", a, b, "LEFT");
        await c.Run("BLPOP", a, b, "0.01");
        await c.Run("BLMOVE", a, b, "LEFT", "LEFT", "0.01");
        await c.Run("RPUSH", b, "v");
        await c.Run("LREM", b, "0", "zz");
        await c.Run("LINSERT", b, "BEFORE", "zz", "v");
        await c.Run("LRANGE", b, "0", "-1");
        await c.Run("LPOS", b, "v");
        await c.Run("LINDEX", b, "0");
        await c.Run("LPUSH", b, "x", "y", "z", "extra");
        Assert.Equal([$"RPUSH {b} v", $"LPUSH {b} x y z extra"], EffectsOn(a, b));
    }

    [Fact]
    public async Task ReplayOfARandomWorkloadRebuildsTheSameLists()
    {
        var seed = Environment.TickCount;
        var rng = new Random(seed);
        var tag = NodeFixture.Key("");
        var keys = Enumerable.Range(0, 4).Select(i => tag + i).ToArray();
        await using var c = await Node.ConnectAsync();
        string K() => keys[rng.Next(keys.Length)];
        string V() => rng.Next(4) == 0 ? new string('x', rng.Next(60, 200)) : rng.Next(8).ToString();
        string Side() => rng.Next(2) == 0 ? "LEFT" : "RIGHT";
        string I() => (rng.Next(12) - 6).ToString();
        for (var i = 0; i < 600; i++)
        {
            string[] cmd = rng.Next(17) switch
            {
                0 => ["LPUSH", K(), V(), V()],
                1 => ["RPUSH", K(), V(), V(), V()],
                2 => ["LPOP", K()],
                3 => ["RPOP", K(), rng.Next(4).ToString()],
                4 => ["LSET", K(), I(), V()],
                5 => ["LREM", K(), I(), V()],
                6 => ["LTRIM", K(), I(), I()],
                7 => ["LINSERT", K(), rng.Next(2) == 0 ? "BEFORE" : "AFTER", V(), V()],
                8 => ["LMOVE", K(), K(), Side(), Side()],
                9 => ["RPOPLPUSH", K(), K()],
                10 => ["LMPOP", "2", K(), K(), Side(), "COUNT", (rng.Next(3) + 1).ToString()],
                11 => ["BLPOP", K(), K(), "0.001"],
                12 => ["BLMOVE", K(), K(), Side(), Side(), "0.001"],
                13 => ["BLMPOP", "0.001", "3", K(), K(), K(), Side(), "COUNT", "2"],
                14 => ["LPUSHX", K(), V()],
                15 => ["BRPOPLPUSH", K(), K(), "0.001"],
                _ => ["RPUSHX", K(), V()],
            };
            var reply = await c.ExecuteAsync(cmd);
            Assert.False(reply.IsError && !reply.Text!.StartsWith("ERR", StringComparison.Ordinal), $"seed {seed}: {string.Join(' ', cmd)} -> {reply}");
        }
        Assert.True(fx.Replayed().SequenceEqual(RecordingNodeFixture.Dump(Node.Server)), $"replay differs (seed {seed})");
    }

    [Fact]
    public async Task ReplayAfterBlockingChainAndTransactionsRebuildsTheSameLists()
    {
        var (src, mid, dst) = Keys3();
        await using var w1 = await Node.ConnectAsync();
        await using var w2 = await Node.ConnectAsync();
        await using var p = await Node.ConnectAsync();
        var first = w1.Run("BLMOVE", src, mid, "LEFT", "RIGHT", "0");
        await WaitForWaitersAsync(Node.Server, src, 1);
        var second = w2.Run("BLMOVE", mid, dst, "RIGHT", "LEFT", "0");
        await WaitForWaitersAsync(Node.Server, mid, 1);
        await p.PipelineAsync([["MULTI"], ["RPUSH", src, "a", "b", "c"], ["LSET", src, "0", "A"], ["LINSERT", src, "AFTER", "b", "b2"], ["EXEC"]]);
        Assert.Equal("A", (await Within(first)).Text);
        Assert.Equal("A", (await Within(second)).Text);
        await p.Run("LTRIM", src, "1", "-1");
        await p.Run("LREM", src, "-1", "c");
        Assert.Equal(["b2"], await Range(p, src));
        Assert.Equal(["A"], await Range(p, dst));
        Assert.Equal(fx.Replayed(), RecordingNodeFixture.Dump(Node.Server));
    }
}
