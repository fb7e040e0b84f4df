using QuorumCache.Tests.Infrastructure;
using QuorumCache.Resp;

namespace QuorumCache.Tests.Node.Sort;

/// <summary>
/// What only our node does (it always runs in cluster mode): BY and GET patterns are refused unless the
/// keys they form hash to the sorted key's slot (Redis Cluster's patternHashSlot rule), STORE destinations
/// in another slot are CROSSSLOT; plus the commands' table entries against redis-server.
/// </summary>
public class SortClusterTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private const string ByDenied = "ERR BY option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.";
    private const string GetDenied = "ERR GET option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.";

    [Fact]
    public async Task PatternsOutsideTheKeysSlotAreRefused()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsInt(await c.Run("RPUSH", "{q}l", "2", "1"), 2);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "w_*"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "{other}w_*"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "w_*{q}"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "{q*}"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "\\{q}w_*"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "{}{q}w_*"), ByDenied);
        Reply.IsError(await c.Run("SORT_RO", "{q}l", "BY", "w_*->f"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "GET", "o_*"), GetDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "GET", "#", "GET", "{x}o_*"), GetDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "GET", "constant"), GetDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "GET", "##"), GetDenied);
        // The first refused option answers, before a later syntax error.
        Reply.IsError(await c.Run("SORT", "{q}l", "BY", "w_*", "foo"), ByDenied);
        Reply.IsError(await c.Run("SORT", "{q}l", "foo", "BY", "w_*"), "ERR syntax error");
        // Before the key is even looked at.
        Reply.IsError(await c.Run("SORT", "{q}missing", "GET", "o_*"), GetDenied);
    }

    [Fact]
    public async Task PatternsInTheKeysSlotAreAllowed()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsInt(await c.Run("RPUSH", "{p}l", "a", "b"), 2);
        await c.Run("MSET", "{p}w_a", "2", "{p}w_b", "1", "{p}o_a", "A");
        Assert.Equal("[b, a]", Render(await c.Run("SORT", "{p}l", "BY", "{p}w_*")));
        Assert.Equal("[nil, b, A, a]", Render(await c.Run("SORT", "{p}l", "BY", "{p}w_*", "GET", "{p}o_*", "GET", "#")));
        // A constant BY is "nosort", whatever slot it names; GET # needs no slot.
        Assert.Equal("[a, b]", Render(await c.Run("SORT", "{p}l", "BY", "nosort", "GET", "#")));
        Assert.Equal("[a, b]", Render(await c.Run("SORT", "{p}l", "BY", "{elsewhere}", "ALPHA")));
        // A constant GET in the same slot is allowed and finds nothing.
        Assert.Equal("[nil, nil]", Render(await c.Run("SORT", "{p}l", "GET", "{p}const", "ALPHA")));
        // The key's slot is its own tag's: an untagged key and a pattern hashing to the same slot.
        Reply.IsInt(await c.Run("RPUSH", "p", "x"), 1);
        await c.Run("SET", "{p}o_x", "X");
        Assert.Equal("[X]", Render(await c.Run("SORT", "p", "GET", "{p}o_*", "ALPHA")));
    }

    [Fact]
    public async Task StoreDestinationInAnotherSlotIsCrossSlot()
    {
        await using var c = await node.ConnectAsync();
        var src = NodeFixture.Key("src");
        Reply.IsInt(await c.Run("RPUSH", src, "1"), 1);
        Reply.IsError(await c.Run("SORT", src, "STORE", NodeFixture.Key("dst")), "CROSSSLOT Keys in request don't hash to the same slot");
        Reply.IsError(await c.Run("SORT", src, "LIMIT", "0", "1", "STORE", src, "STORE", NodeFixture.Key("dst")), "CROSSSLOT Keys in request don't hash to the same slot");
        // SORT_RO has no STORE: the word is a syntax error, not a key.
        Reply.IsError(await c.Run("SORT_RO", src, "STORE", NodeFixture.Key("dst")), "ERR syntax error");
    }

    [Fact]
    public async Task CommandInfoAndGetKeysMatchRedis()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        await d.SameCommandInfo(["sort", "sort_ro"]);
        await d.Same("COMMAND", "GETKEYS", "SORT", "k");
        await d.Same("COMMAND", "GETKEYS", "SORT", "k", "STORE", "dst");
        await d.Same("COMMAND", "GETKEYS", "SORT", "k", "STORE", "a", "DESC", "store", "b");
        await d.Same("COMMAND", "GETKEYS", "SORT", "k", "GET", "store", "BY", "store", "LIMIT", "store", "store", "ALPHA");
        await d.Same("COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "STORE");
        await d.Same("COMMAND", "GETKEYS", "SORT", "k", "STORE", "STORE", "x");
        await d.Same("COMMAND", "GETKEYS", "SORT_RO", "k", "GET", "#");
        await d.Same("COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "x");
    }

    private static string Render(RespValue v) =>
        v.Type == RespType.Null ? "nil" : v.Items is { } items ? "[" + string.Join(", ", items.Select(Render)) + "]" : v.Text ?? "";
}
