using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>SETBIT, GETBIT, BITCOUNT and BITPOS against a real redis-server: same commands, same replies.</summary>
public class BitmapDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private static readonly byte[][] Values =
    [
        [],
        [0xFF, 0xF0, 0x00],
        "foobar"u8.ToArray(),
        [0x00, 0x00, 0x00, 0x00],
        [0xFF, 0xFF, 0xFF],
        [0x00, 0x01, 0x80, 0x00, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00],
    ];

    private static readonly long[] Indexes = [-100, -17, -9, -8, -2, -1, 0, 1, 7, 8, 9, 16, 23, 151, 152, 1000];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SetBitAndGetBitMatch(int protocol)
    {
        await using var p = await BitPair.Open(node, redis, protocol);
        var k = NodeFixture.Key("b");
        await p.Same("SETBIT", k, 7, 1);
        await p.Same("SETBIT", k, 7, 1);
        await p.Same("SETBIT", k, 7, 0);
        await p.Same("GET", k);
        await p.Same("SETBIT", k, 100, 1);
        await p.Same("STRLEN", k);
        await p.Same("GET", k);
        foreach (var off in new long[] { 0, 7, 100, 101, 103, 104, 1_000_000 }) await p.Same("GETBIT", k, off);
        await p.Same("SETBIT", k, 0, 0);
        await p.Same("GET", k);
        await p.Same("GETBIT", NodeFixture.Key("none"), 5);
        await p.Same("SETBIT", NodeFixture.Key("n"), 0, 0);
    }

    [Fact]
    public async Task SetBitKeepsTheTtlAndWorksOnIntegerStrings()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("b");
        await p.Both("SET", k, "12345", "EX", "1000");
        await p.Same("SETBIT", k, 2, 1);
        await p.Same("SETBIT", k, 80, 1);
        await p.Same("GET", k);
        await p.Same("TTL", k);
        await p.Same("BITCOUNT", k);
        await p.Same("INCR", k);
    }

    [Fact]
    public async Task SetBitAndGetBitErrorsMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("b");
        var list = NodeFixture.Key("l");
        await p.Both("RPUSH", list, "a");
        foreach (var off in new[] { "-1", "4294967296", "abc", "1.0", "", " 1", "+1", "01", "#1", "9223372036854775808", "18446744073709551615" })
        {
            await p.Same("SETBIT", k, off, 1);
            await p.Same("GETBIT", k, off);
            await p.Same("SETBIT", list, off, 1);
            await p.Same("GETBIT", list, off);
        }
        foreach (var bit in new[] { "2", "-1", "x", "", "1.0", "01", "9223372036854775808" })
        {
            await p.Same("SETBIT", k, 0, bit);
            await p.Same("SETBIT", list, 0, bit);
        }
        await p.Same("SETBIT", list, 0, 1);
        await p.Same("GETBIT", list, 0);
        await p.Same("SETBIT", k, 0);
        await p.Same("GETBIT", k);
        await p.Same("GETBIT", k, 0, 1);
        await p.Same("EXISTS", k);
    }

    [Fact]
    public async Task BitCountOverEveryRangeMatches()
    {
        await using var p = await BitPair.Open(node, redis);
        foreach (var value in Values)
        {
            var k = NodeFixture.Key("c");
            await p.Both("SET", k, value);
            await p.Same("BITCOUNT", k);
            foreach (var start in Indexes)
            foreach (var end in Indexes)
            {
                await p.Same("BITCOUNT", k, start, end);
                await p.Same("BITCOUNT", k, start, end, "BIT");
                await p.Same("BITCOUNT", k, start, end, "byte");
            }
        }
    }

    [Fact]
    public async Task BitPosOverEveryRangeMatches()
    {
        await using var p = await BitPair.Open(node, redis);
        foreach (var value in Values)
        {
            var k = NodeFixture.Key("p");
            await p.Both("SET", k, value);
            foreach (var bit in new[] { 0, 1 })
            {
                await p.Same("BITPOS", k, bit);
                foreach (var start in Indexes)
                {
                    await p.Same("BITPOS", k, bit, start);
                    foreach (var end in Indexes)
                    {
                        await p.Same("BITPOS", k, bit, start, end);
                        await p.Same("BITPOS", k, bit, start, end, "bit");
                        await p.Same("BITPOS", k, bit, start, end, "BYTE");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task BitPosClearBitBeyondTheEnd()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("p");
        await p.Both("SET", k, new byte[] { 0xFF, 0xFF, 0xFF });
        await p.Same("BITPOS", k, 0);          // no end: the zeros after the string count (24)
        await p.Same("BITPOS", k, 0, 1);       // start only: still 24
        await p.Same("BITPOS", k, 0, 0, -1);   // explicit end: -1
        await p.Same("BITPOS", k, 0, 2, 2);
        await p.Same("BITPOS", k, 0, 3, -1, "BIT");
        await p.Same("BITPOS", k, 0, 3);
        await p.Same("BITPOS", k, 1, 3);
        await p.Both("SET", k, "");
        await p.Same("BITPOS", k, 0);
        await p.Same("BITPOS", k, 1);
        await p.Same("BITPOS", k, 0, 0);
        await p.Same("BITCOUNT", k);
        await p.Same("BITCOUNT", k, 0, -1, "BIT");
    }

    [Fact]
    public async Task BitCountAndBitPosErrorsAndMissingKeysMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var s = NodeFixture.Key("s");
        var none = NodeFixture.Key("none");
        var list = NodeFixture.Key("l");
        await p.Both("SET", s, "foobar");
        await p.Both("RPUSH", list, "x");
        foreach (var k in new[] { s, none, list })
        {
            await p.Same("BITCOUNT", k);
            await p.Same("BITCOUNT", k, 1);
            await p.Same("BITCOUNT", k, "a", "b");
            await p.Same("BITCOUNT", k, 0, "b");
            await p.Same("BITCOUNT", k, 1, 2, 3);
            await p.Same("BITCOUNT", k, 1, 2, "bits");
            await p.Same("BITCOUNT", k, -1, -2, "nonsense");
            await p.Same("BITCOUNT", k, "a", "b", "nonsense");
            await p.Same("BITCOUNT", k, 0, -1, "BIT", "extra");
            await p.Same("BITCOUNT", k, "9223372036854775807", "-9223372036854775808");
            await p.Same("BITCOUNT", k, "-9223372036854775808", "9223372036854775807", "BIT");
            await p.Same("BITPOS", k, 1);
            await p.Same("BITPOS", k, 0);
            await p.Same("BITPOS", k, 2);
            await p.Same("BITPOS", k, -1);
            await p.Same("BITPOS", k, "a");
            await p.Same("BITPOS", k, 1, "a");
            await p.Same("BITPOS", k, 1, 0, "a");
            await p.Same("BITPOS", k, 1, 0, "a", "foo");
            await p.Same("BITPOS", k, 1, "a", 1, "foo");
            await p.Same("BITPOS", k, 0, 0, 1, "bits");
            await p.Same("BITPOS", k, 0, 0, 1, "bit", "x");
            await p.Same("BITPOS", k, 0, "-9223372036854775808", "9223372036854775807", "BIT");
            await p.Same("BITPOS", k, 1, "9223372036854775807");
        }
        await p.Same("BITCOUNT");
        await p.Same("BITPOS", s);
    }

    [Fact]
    public async Task SetBitThatChangesNothingLeavesWatchersAlone()
    {
        await using var p = await BitPair.Open(node, redis);
        await using var other = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("w");
        await p.Both("SETBIT", k, 3, 1);
        foreach (var (off, bit) in new[] { (3, 1), (3, 0), (5, 0), (64, 0) })
        {
            await p.Same("WATCH", k);
            await other.Same("SETBIT", k, off, bit);
            await p.Same("MULTI");
            await p.Same("GET", k);
            await p.Same("EXEC");
        }
    }
}
