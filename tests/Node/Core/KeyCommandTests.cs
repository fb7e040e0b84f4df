using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

public class KeyCommandTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<(Differential D, string K)> Setup()
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        return (new Differential(a, b), NodeFixture.Key());
    }

    [Fact]
    public async Task DelExistsTouchType()
    {
        var (d, t) = await Setup();
        await d.Same("MSET", t + "a", "1", t + "b", "2");
        await d.Same("EXISTS", t + "a", t + "a", t + "b", t + "c");
        await d.Same("TOUCH", t + "a", t + "c");
        await d.Same("TYPE", t + "a");
        await d.Same("TYPE", t + "none");
        await d.Same("DEL", t + "a", t + "c");
        await d.Same("UNLINK", t + "b", t + "b");
        await d.Same("EXISTS", t + "a", t + "b");
    }

    [Fact]
    public async Task ExpireFamily()
    {
        var (d, k) = await Setup();
        await d.Same("EXPIRE", k, "100");
        await d.Same("SET", k, "v");
        await d.Same("TTL", k);
        await d.Same("EXPIRETIME", k);
        await d.Same("EXPIRE", k, "100", "XX");
        await d.Same("EXPIRE", k, "100", "NX");
        await d.Same("EXPIRE", k, "200", "XX");
        await d.Same("EXPIRE", k, "100", "GT");
        await d.Same("EXPIRE", k, "300", "GT");
        await d.Same("EXPIRE", k, "400", "LT");
        await d.Same("EXPIRE", k, "50", "LT");
        await d.Same("TTL", k);
        await d.Same("PERSIST", k);
        await d.Same("PERSIST", k);
        await d.Same("EXPIRE", k, "10", "GT");
        await d.Same("EXPIRE", k, "10", "LT");
        await d.Same("TTL", k);
        await d.Same("EXPIRE", k, "10", "NX", "XX");
        await d.Same("EXPIRE", k, "10", "GT", "LT");
        await d.Same("EXPIRE", k, "10", "FOO");
        await d.Same("EXPIRE", k, "abc");
        await d.Same("EXPIRE", k, "9223372036854775807");
        await d.Same("PEXPIRE", k, "9223372036854775807");
        await d.Same("EXPIREAT", k, "9223372036854775807");
        await d.Same("PEXPIREAT", k, "99999999999999");
        await d.Same("PEXPIRETIME", k);
        await d.Same("EXPIRE", k, "-1");
        await d.Same("EXISTS", k);
        await d.Same("TTL", k);
        await d.Same("PTTL", k);
        await d.Same("EXPIRETIME", k);
        await d.Same("SET", k, "v");
        await d.Same("PEXPIREAT", k, "1");
        await d.Same("GET", k);
        await d.Same("SET", k, "v");
        await d.Same("EXPIRETIME", k);
    }

    [Fact]
    public async Task RenameAndCopy()
    {
        var (d, t) = await Setup();
        await d.Same("RENAME", t + "a", t + "b");
        await d.Same("SET", t + "a", "1", "EX", "100");
        await d.Same("RENAME", t + "a", t + "b");
        await d.Same("TTL", t + "b");
        await d.Same("EXISTS", t + "a");
        await d.Same("RENAME", t + "b", t + "b");
        await d.Same("SET", t + "c", "3");
        await d.Same("RENAMENX", t + "b", t + "c");
        await d.Same("RENAMENX", t + "b", t + "d");
        await d.Same("RENAMENX", t + "d", t + "d");
        await d.Same("COPY", t + "d", t + "e");
        await d.Same("TTL", t + "e");
        await d.Same("COPY", t + "d", t + "e");
        await d.Same("COPY", t + "c", t + "e", "REPLACE");
        await d.Same("GET", t + "e");
        await d.Same("COPY", t + "c", t + "c");
        await d.Same("COPY", t + "none", t + "f");
        await d.Same("COPY", t + "c", t + "f", "FOO");
    }

    [Fact]
    public async Task OverwritingAStringOfTheSameLengthLeavesCopiesAndOldRepliesAlone()
    {
        // SET reuses the stored array when the new value has the same length.
        var (d, t) = await Setup();
        await d.Same("SET", t + "a", "aaaa");
        await d.Same("COPY", t + "a", t + "b");
        await d.Same("SET", t + "a", "zzzz");
        await d.Same("GET", t + "b");
        await d.Same("SET", t + "a", "yyyy", "GET");
        await d.Same("GET", t + "a");
        await d.Same("SET", t + "a", "xxxx", "XX", "GET");
        await d.Same("SET", t + "a", "wwww", "NX", "GET");
        await d.Same("MGET", t + "a", t + "b");
    }

    [Fact]
    public async Task CopyOfAListIsIndependent()
    {
        await using var c = await node.ConnectAsync();
        var t = NodeFixture.Key();
        await c.Run("SET", t + "s", "x");
        Reply.IsInt(await c.Run("COPY", t + "s", t + "s2"), 1);
        Reply.IsInt(await c.Run("APPEND", t + "s2", "y"), 2);
        Reply.IsBulk(await c.Run("GET", t + "s"), "x");
    }

    [Fact]
    public async Task ObjectCommand()
    {
        var (d, k) = await Setup();
        await d.Same("SET", k, "12345");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("SET", k, "hello");
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("SET", k, new string('x', 45));
        await d.Same("OBJECT", "ENCODING", k);
        await d.Same("OBJECT", "ENCODING", k + "none");
        await d.Same("OBJECT", "REFCOUNT", k + "none");
        await d.Same("OBJECT", "FOO", k);
    }

    [Fact]
    public async Task CrossSlotIsRefused()
    {
        await using var c = await node.ConnectAsync();
        Reply.IsError(await c.Run("MSET", "foo", "1", "bar", "2"), "CROSSSLOT Keys in request don't hash to the same slot");
        Reply.IsError(await c.Run("DEL", "foo", "bar"), "CROSSSLOT Keys in request don't hash to the same slot");
        Reply.IsOk(await c.Run("MSET", "{x}foo", "1", "{x}bar", "2"));
    }

    [Fact]
    public async Task ScanVisitsEveryKeyOnceWithMatchCountAndType()
    {
        await using var c = await node.ConnectAsync();
        var prefix = "scan" + Guid.NewGuid().ToString("N")[..8] + ":";
        var keys = Enumerable.Range(0, 500).Select(i => prefix + i).ToHashSet();
        foreach (var k in keys) await c.Run("SET", k, "v");
        await c.Run("RPUSH", prefix + "list", "x");
        var seen = new List<string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            var r = await c.Run("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "50", "TYPE", "string");
            cursor = r[0].Text!;
            seen.AddRange(Reply.Strings(r[1]));
            calls++;
        } while (cursor != "0");
        Assert.True(calls > 1);
        Assert.Equal(keys.OrderBy(x => x), seen.Distinct().OrderBy(x => x));
        Reply.IsError(await c.Run("SCAN", "abc"), "ERR invalid cursor");
        Reply.IsError(await c.Run("SCAN", "0", "COUNT", "0"), "ERR syntax error");
        Reply.IsError(await c.Run("SCAN", "0", "FOO"), "ERR syntax error");
    }

    [Fact]
    public async Task KeysRandomKeyDbsize()
    {
        await using var c = await node.ConnectAsync();
        var prefix = "keys" + Guid.NewGuid().ToString("N")[..8];
        await c.Run("SET", prefix + "one", "1");
        await c.Run("SET", prefix + "two", "2");
        await c.Run("SET", prefix + "three", "3");
        Assert.Equal([prefix + "one", prefix + "three", prefix + "two"], Reply.Strings(await c.Run("KEYS", prefix + "*")).OrderBy(x => x));
        Assert.Equal([prefix + "one"], Reply.Strings(await c.Run("KEYS", prefix + "o[n]?")));
        Assert.Equal([prefix + "two"], Reply.Strings(await c.Run("KEYS", prefix + "t[^h]*")));
        Assert.True((await c.Run("DBSIZE")).Integer >= 3);
        Assert.False((await c.Run("RANDOMKEY")).IsNull);
    }

    [Fact]
    public async Task ActiveExpiryReclaimsUnreadKeys()
    {
        await using var c = await node.ConnectAsync();
        var prefix = NodeFixture.Key("exp");
        for (var i = 0; i < 200; i++) await c.Run("SET", prefix + i, "v", "PX", "1000");
        var slot = node.Server.Keyspace[QuorumCache.Cluster.Slots.HashSlot.Of(prefix)];
        Assert.True(slot.Count > 0);
        // Nobody reads these keys; the background cycle must delete them (bounded wait, no timing assertion).
        for (var i = 0; i < 600 && slot.Count > 0; i++) await Task.Delay(25);
        Assert.Equal(0, slot.Count);
        Assert.Equal(0, slot.ExpiresCount);
    }
}
