using System.Text;
using QuorumCache.Cluster.Slots;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.SortedSets;

/// <summary>BZPOPMIN, BZPOPMAX and BZMPOP: waking, serving order, timeouts, wrong types, MULTI.</summary>
public class ZSetBlockingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="count"/> clients are blocked on <paramref name="key"/>.</summary>
    internal static async Task WaitBlocked(NodeFixture node, string key, int count)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var store = node.Server.Keyspace[HashSlot.Of(bytes)];
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            lock (store.Gate)
            {
                if (store.Blocked is { } b && b.TryGetValue(bytes, out var list) && list.Count >= count) return;
            }
            await Task.Delay(5);
        }
        throw new TimeoutException($"no {count} clients blocked on {key}");
    }

    [Fact]
    public async Task BZPopMinIsServedWhenAMemberArrives()
    {
        var t = NodeFixture.Key();
        string k1 = t + "1", k2 = t + "2";
        await using var waiter = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        var pending = waiter.Run("BZPOPMIN", k1, k2, "0");
        await WaitBlocked(node, k2, 1);
        Assert.False(pending.IsCompleted);
        Reply.IsInt(await writer.Run("ZADD", k2, "3", "c", "1.5", "a"), 2);
        var r = await pending.WaitAsync(Bound);
        Assert.Equal([k2, "a", "1.5"], Reply.Strings(r));
        Assert.Equal(["c", "3"], Reply.Strings(await writer.Run("ZRANGE", k2, "0", "-1", "WITHSCORES")));
    }

    [Fact]
    public async Task WaitersAreServedInTheOrderTheyBlocked()
    {
        var k = NodeFixture.Key("order");
        await using var first = await node.ConnectAsync();
        await using var second = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        var p1 = first.Run("BZPOPMAX", k, "0");
        await WaitBlocked(node, k, 1);
        var p2 = second.Run("BZPOPMAX", k, "0");
        await WaitBlocked(node, k, 2);
        await writer.Run("ZADD", k, "1", "low");
        Assert.Equal([k, "low", "1"], Reply.Strings(await p1.WaitAsync(Bound)));
        Assert.False(p2.IsCompleted);
        Reply.IsInt(await writer.Run("EXISTS", k), 0);
        await writer.Run("ZADD", k, "5", "x", "6", "y");
        Assert.Equal([k, "y", "6"], Reply.Strings(await p2.WaitAsync(Bound)));
        Assert.Equal(["x"], Reply.Strings(await writer.Run("ZRANGE", k, "0", "-1")));
    }

    [Fact]
    public async Task TimeoutAnswersNil()
    {
        var k = NodeFixture.Key("timeout");
        await using var c = await node.ConnectAsync();
        var r = await c.Run("BZPOPMIN", k, "0.05").WaitAsync(Bound);
        Assert.True(r.IsNull);
        r = await c.Run("BZMPOP", "0.05", "1", k, "MIN").WaitAsync(Bound);
        Assert.True(r.IsNull);
        // Still usable afterwards, and nothing was created.
        Reply.IsInt(await c.Run("EXISTS", k), 0);
    }

    [Fact]
    public async Task BZMPopServesCountFromTheFirstReadyKey()
    {
        var t = NodeFixture.Key();
        string k1 = t + "1", k2 = t + "2";
        await using var waiter = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        var pending = waiter.Run("BZMPOP", "0", "2", k1, k2, "MAX", "COUNT", "2");
        await WaitBlocked(node, k1, 1);
        await writer.Run("ZADD", k2, "1", "a", "2", "b", "3", "c");
        var r = await pending.WaitAsync(Bound);
        Assert.Equal(k2, r[0].Text);
        Assert.Equal(["c", "3"], Reply.Strings(r[1][0]));
        Assert.Equal(["b", "2"], Reply.Strings(r[1][1]));
    }

    [Fact]
    public async Task AnotherTypeAtTheKeyKeepsTheClientBlocked()
    {
        var t = NodeFixture.Key();
        string k = t + "k";
        await using var waiter = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        var pending = waiter.Run("BZPOPMIN", k, "0");
        await WaitBlocked(node, k, 1);
        Reply.IsOk(await writer.Run("SET", k, "string"));
        Reply.IsInt(await writer.Run("DEL", k), 1);
        await WaitBlocked(node, k, 1);
        Assert.False(pending.IsCompleted);
        await writer.Run("ZADD", k, "9", "z");
        Assert.Equal([k, "z", "9"], Reply.Strings(await pending.WaitAsync(Bound)));
    }

    [Fact]
    public async Task InsideMultiABlockingPopAnswersAtOnce()
    {
        var k = NodeFixture.Key("multi");
        await using var c = await node.ConnectAsync();
        Reply.IsOk(await c.Run("MULTI"));
        await c.Run("BZPOPMIN", k, "0");
        await c.Run("BZMPOP", "0", "1", k, "MIN");
        await c.Run("ZADD", k, "1", "a");
        await c.Run("BZPOPMAX", k, "0");
        var r = await c.Run("EXEC").WaitAsync(Bound);
        Assert.True(r[0].IsNull);
        Assert.True(r[1].IsNull);
        Reply.IsInt(r[2], 1);
        Assert.Equal([k, "a", "1"], Reply.Strings(r[3]));
    }

    [Fact]
    public async Task WrongTypeBeforeBlockingIsAnError()
    {
        var t = NodeFixture.Key();
        await using var c = await node.ConnectAsync();
        await c.Run("SET", t + "s", "v");
        Reply.IsError(await c.Run("BZPOPMIN", t + "missing", t + "s", "0").WaitAsync(Bound), "WRONGTYPE Operation against a key holding the wrong kind of value");
        Reply.IsError(await c.Run("BZPOPMIN", t + "s", "-1"), "ERR timeout is negative");
    }
}
