using System.Buffers;
using QuorumCache.Tests.Infrastructure;
using QuorumCache.Tests.Node.Notifications;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>SORT's keyspace events (sortstore, del, new, keymiss of pattern lookups) against redis-server, and STORE effects that replay.</summary>
public class SortEffectsAndEventsTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task SameEventsAsRedis()
    {
        var k = NodeFixture.Key("l");
        var t = k[..(k.IndexOf('}') + 1)];
        await using var ours = await EventTap.OpenAsync(node.ConnectAsync, "KEAm");
        await using var theirs = await EventTap.OpenAsync(redis.ConnectAsync, "KEAm");
        var d = new Differential(ours.Commands, theirs.Commands);
        await d.Same("RPUSH", k, "b", "a", "c");
        await d.Same("SET", t + "w_a", "1");
        await d.Same("SORT", k, "ALPHA", "STORE", t + "dst");
        await d.Same("SORT", k, "ALPHA", "STORE", t + "dst");
        await d.Same("SORT", k, "BY", t + "w_*", "GET", t + "o_*");
        await d.Same("SORT_RO", t + "missing");
        await d.Same("SORT", t + "missing", "STORE", t + "dst");
        await d.Same("SORT", t + "missing", "STORE", t + "dst");
        var a = await ours.DrainAsync();
        var b = await theirs.DrainAsync();
        Assert.True(a.SequenceEqual(b), $"\n  ours:  {string.Join(" | ", a)}\n  redis: {string.Join(" | ", b)}");
    }

    [Fact]
    public async Task StoreEffectsReplayToTheSameLists()
    {
        var k = NodeFixture.Key("l");
        var t = k[..(k.IndexOf('}') + 1)];
        string[] keys = [t + "d1", t + "d2", t + "d3"];
        var rec = new EffectRecorder();
        await using var c = await node.ConnectAsync();
        await c.Run("RPUSH", k, "3", "1", "2");
        await c.Run("MSET", t + "w_1", "9", t + "w_2", "8", t + "w_3", "7", t + "o_1", "one");
        await c.Run("SET", t + "d3", "old");
        node.Server.Effects = rec;
        try
        {
            await c.Run("SORT", k, "STORE", t + "d1");
            await c.Run("SORT", k, "BY", t + "w_*", "GET", t + "o_*", "GET", "#", "STORE", t + "d2");
            await c.Run("SORT_RO", k);
            await c.Run("SORT", k, "LIMIT", "9", "1", "STORE", t + "d3");
        }
        finally
        {
            node.Server.Effects = null;
        }
        var before = await Dump(c, keys);
        foreach (var x in keys) await c.Run("DEL", x);
        node.Server.Internal.Replay(new ReadOnlySequence<byte>(rec.Bytes()));
        Assert.Equal(before, await Dump(c, keys));
        Assert.Equal(["SORT", "SORT", "SORT"], rec.Commands().Select(x => x[0].ToUpperInvariant()).ToList());
    }

    private static async Task<string> Dump(QuorumCache.Resp.RespClient c, string[] keys)
    {
        var parts = new List<string>();
        foreach (var k in keys)
            parts.Add(k + ":" + (await c.Run("TYPE", k)).Text + "=" + string.Join(",", Reply.Strings(await c.Run("LRANGE", k, "0", "-1")).DefaultIfEmpty()));
        return string.Join("\n", parts);
    }
}
