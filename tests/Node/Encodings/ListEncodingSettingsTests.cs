using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Encodings;

/// <summary>
/// list-max-listpack-size on our node. The local redis-server is 7.0, whose lists always report
/// "quicklist", so OBJECT ENCODING of lists follows Redis 7.2's rules and cannot be compared; the
/// setting's CONFIG GET/SET is compared in <see cref="EncodingConfigDifferentialTests"/>, and the list
/// contents here are compared with redis-server. Own node; each test restores the default.
/// </summary>
public class ListEncodingSettingsTests(NodeFixture node, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task With(Func<RespClient, Differential, Task> body)
    {
        await using var c = await node.ConnectAsync();
        await using var r = await redis.ConnectAsync();
        var d = new Differential(c, r);
        try
        {
            await body(c, d);
        }
        finally
        {
            await d.Same("CONFIG", "SET", "list-max-listpack-size", "-2", "list-compress-depth", "0");
        }
    }

    private static async Task Is(RespClient c, string key, string encoding) => Reply.IsBulk(await c.Run("OBJECT", "ENCODING", key), encoding);

    [Fact]
    public Task PositiveSizeCountsEntries() => With(async (c, d) =>
    {
        var k = NodeFixture.Key("l");
        await d.Same("RPUSH", k, "a", "b", "c", "d");
        await Is(c, k, "listpack");
        await d.Same("CONFIG", "SET", "list-max-ziplist-size", "3");
        await d.Same("LRANGE", k, "0", "-1");
        await Is(c, k, "listpack"); // untouched: keeps its encoding
        await d.Same("RPUSH", k, "e");
        await Is(c, k, "quicklist");
        await d.Same("LPOP", k, "3");
        await Is(c, k, "quicklist"); // 2 entries: above half of 3
        await d.Same("LPOP", k);
        await Is(c, k, "listpack"); // 1 <= 3 / 2
        await d.Same("RPUSH", k + "n", "1", "2", "3");
        await Is(c, k + "n", "listpack");
        await d.Same("LINSERT", k + "n", "BEFORE", "2", "x");
        await Is(c, k + "n", "quicklist");
        await d.Same("LRANGE", k + "n", "0", "-1");
        await d.Same("CONFIG", "SET", "list-max-listpack-size", "0"); // counts as 1
        await d.Same("RPUSH", k + "z", "a");
        await Is(c, k + "z", "listpack");
        await d.Same("RPUSH", k + "z", "b");
        await Is(c, k + "z", "quicklist");
        await d.Same("RPOP", k + "z");
        await Is(c, k + "z", "quicklist"); // half of 1 is 0: never back while it has an element
        await d.Same("CONFIG", "SET", "list-max-listpack-size", "1000");
        await d.Same("RPUSH", k + "b", new string('x', 9000)); // past the 8 KB safety limit
        await Is(c, k + "b", "quicklist");
    });

    [Fact]
    public Task NegativeSizeLimitsBytes() => With(async (c, d) =>
    {
        var k = NodeFixture.Key("l");
        var e = new string('e', 1000); // 1004 bytes as a listpack entry
        await d.Same("CONFIG", "SET", "list-max-listpack-size", "-1"); // 4 KB
        await d.Same("RPUSH", k, e, e, e, e); // 7 + 4 * 1004 = 4023
        await Is(c, k, "listpack");
        await d.Same("RPUSH", k, e);
        await Is(c, k, "quicklist");
        await d.Same("LSET", k, "0", "short");
        await d.Same("RPOP", k);
        await Is(c, k, "quicklist"); // 7 + 7 + 3 * 1004 = 3026: above half of 4 KB
        await d.Same("RPOP", k);
        await Is(c, k, "listpack"); // 2022 <= 2048
        await d.Same("LRANGE", k, "0", "-1");
        await d.Same("CONFIG", "SET", "list-max-listpack-size", "-5"); // 64 KB
        var big = new string('b', 20_000);
        await d.Same("RPUSH", k + "b", big, big, big);
        await Is(c, k + "b", "listpack");
        await d.Same("RPUSH", k + "b", big);
        await Is(c, k + "b", "quicklist");
        await d.Same("CONFIG", "SET", "list-max-listpack-size", "-100"); // clamps to -5
        await d.Same("CONFIG", "GET", "list-max-listpack-size");
        await d.Same("RPUSH", k + "c", big, big, big);
        await Is(c, k + "c", "listpack");
        await d.Same("LTRIM", k + "b", "0", "0"); // a write: 20 KB is within half of 64 KB
        await Is(c, k + "b", "listpack");
    });

    [Fact]
    public Task CompressDepthIsAcceptedAndReported() => With(async (c, d) =>
    {
        await d.Same("CONFIG", "SET", "list-compress-depth", "2");
        await d.Same("CONFIG", "GET", "list-compress-depth");
        var k = NodeFixture.Key("l");
        await d.Same("RPUSH", k, "a", "b", "c");
        await d.Same("LRANGE", k, "0", "-1");
    });
}
