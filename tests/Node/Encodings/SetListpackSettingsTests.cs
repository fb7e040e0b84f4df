using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Encodings;

/// <summary>
/// set-max-listpack-entries / -value (Redis 7.2 settings; the local redis-server is 7.0, which has
/// neither them nor listpack sets, so these tests check Redis 7.2's rules on our node alone). Own
/// node; each test restores the defaults.
/// </summary>
public class SetListpackSettingsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private async Task With(Func<RespClient, Task> body)
    {
        await using var c = await node.ConnectAsync();
        try
        {
            await body(c);
        }
        finally
        {
            Reply.IsOk(await c.Run("CONFIG", "SET", "set-max-listpack-entries", "128", "set-max-listpack-value", "64", "set-max-intset-entries", "512"));
        }
    }

    private static async Task Is(RespClient c, string key, string encoding) => Reply.IsBulk(await c.Run("OBJECT", "ENCODING", key), encoding);

    [Fact]
    public Task EntriesLimitIsCrossedByCount() => With(async c =>
    {
        var k = NodeFixture.Key("s");
        await c.Run("SADD", k, "a", "b", "c", "d");
        Reply.IsOk(await c.Run("CONFIG", "SET", "set-max-listpack-entries", "3"));
        await Is(c, k, "listpack"); // untouched
        await c.Run("SREM", k, "a");
        await Is(c, k, "listpack");
        await c.Run("SADD", k, "a");
        await Is(c, k, "hashtable");
        await c.Run("SREM", k, "a", "b", "c");
        await Is(c, k, "hashtable"); // never back
        await c.Run("SADD", k + "m", "a", "b", "c", "d"); // more than the limit at once
        await Is(c, k + "m", "hashtable");
        await c.Run("SADD", k + "i", "1", "2", "3");
        await c.Run("SADD", k + "i", "x"); // intset of 3 -> listpack would hold 4 > 3
        await Is(c, k + "i", "hashtable");
        await c.Run("SADD", k + "j", "1", "2");
        await c.Run("SADD", k + "j", "x");
        await Is(c, k + "j", "listpack");
        Reply.Strings(await c.Run("SMEMBERS", k + "j")).ShouldEqualInOrder("1", "2", "x");
    });

    [Fact]
    public Task ValueLimitIsCrossedByLength() => With(async c =>
    {
        var k = NodeFixture.Key("s");
        Reply.IsOk(await c.Run("CONFIG", "SET", "set-max-listpack-value", "3"));
        await c.Run("SADD", k, "abc");
        await Is(c, k, "listpack");
        await c.Run("SADD", k, "abcd");
        await Is(c, k, "hashtable");
        await c.Run("SADD", k + "i", "1000");
        await c.Run("SADD", k + "i", "x"); // the intset's "1000" is wider than 3 bytes
        await Is(c, k + "i", "hashtable");
        Reply.IsOk(await c.Run("CONFIG", "SET", "set-max-listpack-value", "1kb"));
        var big = new string('b', 1000);
        await c.Run("SADD", k + "b", big, "x");
        await Is(c, k + "b", "listpack");
        Reply.IsInt(await c.Run("SISMEMBER", k + "b", big), 1);
        await c.Run("SADD", k + "b", new string('c', 1025));
        await Is(c, k + "b", "hashtable");
        Reply.IsInt(await c.Run("SCARD", k + "b"), 3);
    });
}

internal static class SetAssertions
{
    public static void ShouldEqualInOrder(this string[] actual, params string[] expected) => Assert.Equal(expected, actual);
}
