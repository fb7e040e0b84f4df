using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>BITFIELD and BITFIELD_RO against a real redis-server: every type width, overflow modes, '#' offsets, errors.</summary>
public class BitFieldDifferentialTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task GetOfEveryWidthAtEveryAlignmentMatches(int protocol)
    {
        await using var p = await BitPair.Open(node, redis, protocol);
        var k = NodeFixture.Key("f");
        await p.Both("SET", k, new byte[] { 0x81, 0x7E, 0xFF, 0x00, 0xC3, 0x5A, 0xA5, 0x3C, 0x01, 0x80, 0xFE });
        foreach (var bits in new[] { 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 62, 63, 64 })
        {
            for (var off = 0; off <= 90; off += 7)
            {
                await p.Same("BITFIELD", k, "GET", "i" + bits, off);
                if (bits < 64) await p.Same("BITFIELD_RO", k, "GET", "u" + bits, off);
            }
        }
        await p.Same("BITFIELD", NodeFixture.Key("none"), "GET", "u8", 0, "GET", "i64", "#3");
        await p.Same("EXISTS", NodeFixture.Key("none"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SetAndIncrByWithEveryOverflowModeMatch(int protocol)
    {
        await using var p = await BitPair.Open(node, redis, protocol);
        var k = NodeFixture.Key("f");
        string[] values = ["0", "1", "-1", "7", "8", "-8", "-9", "127", "128", "-128", "-129", "255", "256",
            "4611686018427387903", "4611686018427387904", "9223372036854775807", "-9223372036854775808", "-4611686018427387905",
            "-4611686018427387904", "-9223372036854775807", "-9223372036854775681", "-9223372036854775680", "9223372036854775680"];
        foreach (var type in new[] { "i1", "u1", "i2", "i4", "u4", "i8", "u8", "i63", "u63", "i64", "u62", "i13", "u13" })
        {
            foreach (var mode in new[] { "WRAP", "SAT", "FAIL" })
            {
                foreach (var v in values)
                {
                    await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", type, 5, v);
                    await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", type, 5, v, "GET", type, 5);
                    await p.Same("BITFIELD", k, "OVERFLOW", mode, "INCRBY", type, 5, v);
                    await p.Same("BITFIELD", k, "OVERFLOW", mode, "INCRBY", type, 5, v, "GET", type, 5);
                }
            }
            await p.Same("GET", k);
        }
    }

    [Fact]
    public async Task LimitsOfI64AndU63Match()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("f");
        foreach (var mode in new[] { "WRAP", "SAT", "FAIL" })
        {
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "i64", 0, "9223372036854775807", "INCRBY", "i64", 0, 1, "GET", "i64", 0);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "i64", 0, "-9223372036854775808", "INCRBY", "i64", 0, -1, "GET", "i64", 0);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "i64", 0, "-9223372036854775808", "INCRBY", "i64", 0, "-9223372036854775808");
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "i64", 0, "9223372036854775807", "INCRBY", "i64", 0, "9223372036854775807");
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "u63", 3, "9223372036854775807", "INCRBY", "u63", 3, 1, "GET", "u63", 3);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "u63", 3, "0", "INCRBY", "u63", 3, -1, "GET", "u63", 3);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "u63", 3, "-1", "GET", "u63", 3);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "SET", "u63", 3, "-9223372036854775808", "GET", "u63", 3);
            await p.Same("BITFIELD", k, "OVERFLOW", mode, "INCRBY", "u63", 3, "9223372036854775807", "INCRBY", "u63", 3, "-9223372036854775808");
            await p.Same("GET", k);
        }
    }

    [Fact]
    public async Task SeveralOperationsAndModeChangesInOneCallMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("f");
        await p.Same("BITFIELD", k, "SET", "u8", "#0", 200, "INCRBY", "u8", "#0", 100, "OVERFLOW", "SAT", "INCRBY", "u8", "#1", 300,
            "OVERFLOW", "FAIL", "INCRBY", "u8", "#0", 300, "GET", "u8", "#0", "overflow", "wrap", "incrby", "i5", "#7", -100, "get", "u16", "#0");
        await p.Same("GET", k);
        await p.Same("STRLEN", k);
        // '#' scales by the type's width; a wrapped product is read like any other offset.
        await p.Same("BITFIELD", k, "GET", "u4", "#4611686018427387904");
        await p.Same("BITFIELD", k, "SET", "i12", "#3", 1000, "GET", "i12", "#3", "GET", "i12", 36);
        await p.Same("BITFIELD", k);
        await p.Same("BITFIELD", k, "OVERFLOW", "SAT");
        // Writes that all fail still create the key, grown to the farthest field.
        var fresh = NodeFixture.Key("fresh");
        await p.Same("BITFIELD", fresh, "OVERFLOW", "FAIL", "INCRBY", "u2", 100, 9);
        await p.Same("GET", fresh);
        // Writing a field in an existing key keeps its TTL.
        await p.Both("SET", fresh, "abc", "EX", "1000");
        await p.Same("BITFIELD", fresh, "SET", "u8", 40, 1);
        await p.Same("TTL", fresh);
        await p.Same("GET", fresh);
    }

    [Fact]
    public async Task ErrorsMatch()
    {
        await using var p = await BitPair.Open(node, redis);
        var k = NodeFixture.Key("f");
        var list = NodeFixture.Key("l");
        await p.Both("SET", k, "abc");
        await p.Both("RPUSH", list, "x");
        object[][] bad =
        [
            ["GET", "I8", 0], ["GET", "u64", 0], ["GET", "i65", 0], ["GET", "i0", 0], ["GET", "u", 0], ["GET", "i+8", 0],
            ["GET", "i08", 0], ["GET", "", 0], ["GET", "x8", 0], ["GET", "u8", "#"], ["GET", "u8", "#-1"], ["GET", "u8", "-1"],
            ["GET", "u8", "4294967296"], ["GET", "u8", "#536870912"], ["GET", "i64", "#67108864"], ["GET", "u8", "1.5"],
            ["GET"], ["GET", "u8"], ["FOO"], ["OVERFLOW"], ["OVERFLOW", "foo"], ["SET", "u8", 0], ["SET", "u8", 0, "x"],
            ["INCRBY", "u8", 0, "1.5"], ["INCRBY", "u8", 0, "9223372036854775808"], ["GET", "u8", 0, "SET", "u8", 0],
            ["SET", "u8", 0, 1, "OVERFLOW", "nope", "GET", "u8", 0], ["SET", "u8", 0, 1, "BAD"], ["GET", "u8", 4294967295],
        ];
        foreach (var ops in bad)
        {
            await p.Same(["BITFIELD", k, .. ops]);
            await p.Same(["BITFIELD_RO", k, .. ops]);
            await p.Same(["BITFIELD", list, .. ops]);
        }
        await p.Same("GET", k);
        await p.Same("BITFIELD", list, "GET", "u8", 0);
        await p.Same("BITFIELD", list, "SET", "u8", 0, 1);
        await p.Same("BITFIELD", list);
        await p.Same("BITFIELD_RO", k, "SET", "u8", 0, 1);
        await p.Same("BITFIELD_RO", k, "GET", "u8", 0, "INCRBY", "u8", 0, 1);
        await p.Same("BITFIELD_RO", k, "OVERFLOW", "FAIL", "GET", "u8", 0);
        await p.Same("BITFIELD_RO", list, "GET", "u8", 0);
        await p.Same("BITFIELD_RO", list, "SET", "u8", 0, 1);
        await p.Same("BITFIELD_RO", NodeFixture.Key("none"), "GET", "i8", 0, "GET", "u3", 7);
        await p.Same("GET", k);
    }
}
