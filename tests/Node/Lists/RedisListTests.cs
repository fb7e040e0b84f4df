using QuorumCache.Node.Config;
using System.Text;
using QuorumCache.Node.Storage.Types;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Lists;

/// <summary>The ring-buffer list against a plain List model, its encoding rule and memory estimate.</summary>
public class RedisListTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Items(RedisList l) => Enumerable.Range(0, l.Count).Select(i => Encoding.UTF8.GetString(l[i])).ToList();

    [Fact]
    public void RandomOperationsMatchAListModel()
    {
        for (var round = 0; round < 20; round++)
        {
            var seed = Environment.TickCount + round;
            var rng = new Random(seed);
            var list = new RedisList();
            var model = new List<string>();
            for (var step = 0; step < 2000; step++)
            {
                var v = rng.Next(6).ToString();
                switch (rng.Next(9))
                {
                    case 0: list.PushFirst(B(v), EncodingLimits.Default); model.Insert(0, v); break;
                    case 1: list.PushLast(B(v), EncodingLimits.Default); model.Add(v); break;
                    case 2 when model.Count > 0: Assert.Equal(model[0], Encoding.UTF8.GetString(list.PopFirst(EncodingLimits.Default))); model.RemoveAt(0); break;
                    case 3 when model.Count > 0: Assert.Equal(model[^1], Encoding.UTF8.GetString(list.PopLast(EncodingLimits.Default))); model.RemoveAt(model.Count - 1); break;
                    case 4:
                        var at = rng.Next(model.Count + 1);
                        list.Insert(at, B(v), EncodingLimits.Default);
                        model.Insert(at, v);
                        break;
                    case 5:
                        var limit = rng.Next(7) - 3;
                        Assert.Equal(ModelRemove(model, v, limit), list.RemoveAll(B(v), limit, EncodingLimits.Default));
                        break;
                    case 6 when model.Count > 0:
                        var idx = rng.Next(model.Count);
                        list.Set(idx, B(v + "s"), EncodingLimits.Default);
                        model[idx] = v + "s";
                        break;
                    case 7 when model.Count > 0:
                        var head = rng.Next(Math.Min(3, model.Count + 1));
                        var tail = rng.Next(Math.Min(3, model.Count - head + 1));
                        list.TrimEnds(head, tail, EncodingLimits.Default);
                        model.RemoveRange(0, head);
                        model.RemoveRange(model.Count - tail, tail);
                        break;
                    case 8 when rng.Next(10) == 0:
                        while (model.Count > 0) { list.PopFirst(EncodingLimits.Default); model.RemoveAt(0); }
                        break;
                }
                Assert.True(model.Count == list.Count, $"seed {seed} step {step}: count {list.Count}, model {model.Count}");
                if (step % 50 == 0) Assert.True(model.SequenceEqual(Items(list)), $"seed {seed} step {step}");
            }
            Assert.True(model.SequenceEqual(Items(list)), $"seed {seed}");
        }
    }

    private static int ModelRemove(List<string> model, string v, int limit)
    {
        var removed = 0;
        var max = limit == 0 ? int.MaxValue : Math.Abs(limit);
        if (limit >= 0)
        {
            for (var i = 0; i < model.Count && removed < max;)
                if (model[i] == v) { model.RemoveAt(i); removed++; }
                else i++;
        }
        else
        {
            for (var i = model.Count - 1; i >= 0 && removed < max; i--)
                if (model[i] == v) { model.RemoveAt(i); removed++; }
        }
        return removed;
    }

    [Fact]
    public void WrapsAroundAndGrowsAndShrinksItsBuffer()
    {
        var list = new RedisList();
        for (var i = 0; i < 3; i++) list.PushLast(B("r" + i), EncodingLimits.Default);
        for (var i = 0; i < 3; i++) list.PushFirst(B("l" + i), EncodingLimits.Default); // wraps below index 0
        list.Insert(3, B("mid"), EncodingLimits.Default);
        Assert.Equal(["l2", "l1", "l0", "mid", "r0", "r1", "r2"], Items(list));
        for (var i = 0; i < 10_000; i++) list.PushLast(B("x"), EncodingLimits.Default);
        var big = list.MemoryUsage();
        while (list.Count > 2) list.PopFirst(EncodingLimits.Default);
        Assert.True(list.MemoryUsage() < big / 100, "the buffer shrinks as the list empties");
        Assert.Equal(["x", "x"], Items(list));
    }

    [Fact]
    public void CloneIsIndependent()
    {
        var list = new RedisList();
        list.PushLast(B("a"), EncodingLimits.Default);
        list.PushLast(B("b"), EncodingLimits.Default);
        var copy = (RedisList)list.Clone();
        list.PopFirst(EncodingLimits.Default);
        list.Set(0, B("B"), EncodingLimits.Default);
        copy.PushLast(B("c"), EncodingLimits.Default);
        Assert.Equal(["B"], Items(list));
        Assert.Equal(["a", "b", "c"], Items(copy));
    }

    [Fact]
    public void EncodingFollowsTheListpackSizeLimitWithHysteresis()
    {
        var list = new RedisList();
        Assert.Equal("listpack", list.EncodingName);
        var element = B(new string('e', 100)); // 100 + 2 header + 1 back-length = 103 bytes per entry
        for (var i = 0; i < 79; i++) list.PushLast(element, EncodingLimits.Default); // 7 + 79 * 103 = 8144 bytes
        Assert.Equal("listpack", list.EncodingName);
        list.PushLast(element, EncodingLimits.Default); // 8247 > 8192
        Assert.Equal("quicklist", list.EncodingName);
        while (list.Count > 40) list.PopLast(EncodingLimits.Default); // 7 + 40 * 103 = 4127 > 4096: still a quicklist
        Assert.Equal("quicklist", list.EncodingName);
        list.PopLast(EncodingLimits.Default); // 4024 <= 4096
        Assert.Equal("listpack", list.EncodingName);
        var huge = new RedisList();
        huge.PushLast(new byte[9000], EncodingLimits.Default);
        Assert.Equal("quicklist", huge.EncodingName);
    }

    [Theory]
    [InlineData(3, 10, 0)]      // small listpack
    [InlineData(500, 30, 0)]    // large quicklist, several RPUSH batches
    [InlineData(80, 100, 35)]   // a quicklist shrunk into the 4-8 KB band: RPUSH alone would give a listpack
    public void RestoreCommandsRebuildTheSameListAndEncoding(int count, int size, int popAfter)
    {
        var list = new RedisList();
        for (var i = 0; i < count; i++) list.PushLast(B(i + new string('v', size)), EncodingLimits.Default);
        for (var i = 0; i < popAfter; i++) list.PopFirst(EncodingLimits.Default);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new QuorumCache.Resp.RespWriter(buffer);
        var key = B("{r}list");
        var commands = list.WriteRestore(key, w);
        w.Commit();
        var server = new QuorumCache.Node.Server.NodeServer(QuorumCache.Node.Config.NodeOptionsLoader.Defaults());
        Assert.Equal(commands, server.Internal.Replay(new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory)));
        var store = server.Keyspace[QuorumCache.Cluster.Slots.HashSlot.Of(key)];
        Assert.True(store.TryGet(key, out var restored));
        var copy = Assert.IsType<RedisList>(restored);
        Assert.Equal(Items(list), Items(copy));
        Assert.Equal(list.EncodingName, copy.EncodingName);
        if (popAfter > 0) Assert.Equal("quicklist", copy.EncodingName);
    }

    [Fact]
    public void ListpackEntrySizesFollowTheListpackFormat()
    {
        Assert.Equal(2, ListpackSize.Entry(B("7")));         // 7-bit unsigned integer
        Assert.Equal(3, ListpackSize.Entry(B("-100")));      // 13-bit integer
        Assert.Equal(4, ListpackSize.Entry(B("30000")));     // 16-bit
        Assert.Equal(5, ListpackSize.Entry(B("8000000")));   // 24-bit
        Assert.Equal(6, ListpackSize.Entry(B("2000000000"))); // 32-bit
        Assert.Equal(10, ListpackSize.Entry(B("9000000000"))); // 64-bit
        Assert.Equal(5, ListpackSize.Entry(B("007")));       // not canonical: a 3-byte string
        Assert.Equal(65, ListpackSize.Entry(new byte[63]));  // 6-bit length string
        Assert.Equal(67, ListpackSize.Entry(new byte[64]));  // 12-bit length string
        Assert.Equal(4096 + 5 + 2, ListpackSize.Entry(new byte[4096])); // 32-bit length, 2-byte back-length
    }

    [Fact]
    public async Task ObjectEncodingAndMemoryUsageOverTheWire()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key();
        await c.Run("RPUSH", k, "a", "b", "c");
        Reply.IsBulk(await c.Run("OBJECT", "ENCODING", k), "listpack");
        Reply.IsBulk(await c.Run("TYPE", k), "list");
        var small = (await c.Run("MEMORY", "USAGE", k)).Integer;
        var args = new List<string> { "RPUSH", k };
        args.AddRange(Enumerable.Range(0, 200).Select(i => new string('v', 64)));
        await c.ExecuteAsync(args.ToArray());
        Reply.IsBulk(await c.Run("OBJECT", "ENCODING", k), "quicklist");
        var large = (await c.Run("MEMORY", "USAGE", k)).Integer;
        Assert.True(small > 0 && large > small + 200 * 64, $"MEMORY USAGE {small} then {large}");
        await c.Run("LTRIM", k, "0", "9");
        Reply.IsBulk(await c.Run("OBJECT", "ENCODING", k), "listpack");
    }
}
