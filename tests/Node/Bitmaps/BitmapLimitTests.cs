using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Bitmaps;

/// <summary>
/// Offsets and growth at proto-max-bulk-len, on private servers lowered to 1 MB (Redis's minimum) so
/// the strings stay small; and the one limit of our own, strings longer than a .NET array can hold.
/// </summary>
public sealed class BitmapLimitTests : IAsyncLifetime
{
    private readonly NodeFixture _node = new();
    private readonly RedisServerFixture _redis = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_node.InitializeAsync(), _redis.InitializeAsync());
        await using var p = await BitPair.Open(_node, _redis);
        await p.Both("CONFIG", "SET", "proto-max-bulk-len", "1048576");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task OffsetsAndGrowthAtTheLimitMatchRedis()
    {
        await using var p = await BitPair.Open(_node, _redis);
        var k = NodeFixture.Key("b");
        await p.Same("SETBIT", k, 8388608, 1);                       // byte 1 MB: beyond
        await p.Same("GETBIT", k, 8388608);
        await p.Same("SETBIT", k, 8388607, 1);                       // last bit of the last byte
        await p.Same("STRLEN", k);
        await p.Same("BITCOUNT", k);
        await p.Same("BITPOS", k, 1);
        await p.Same("BITFIELD", k, "SET", "u8", "#1048575", 1);
        await p.Same("BITFIELD", k, "SET", "i64", "#131072", 1);
        await p.Same("BITFIELD", k, "GET", "u8", "#1048576");
        // A field that starts in the last byte may end past the limit: Redis grows the string anyway.
        await p.Same("BITFIELD", k, "SET", "i64", 8388607, 1);
        await p.Same("STRLEN", k);
        await p.Same("BITFIELD", k, "GET", "i64", 8388607);
        await p.Same("BITOP", "NOT", k, k);
        await p.Same("STRLEN", k);
    }

    [Fact]
    public async Task AStringLongerThanAnArrayIsRefusedWithRedisSizeError()
    {
        await using var c = await _node.ConnectAsync();
        Reply.IsOk(await c.Run("CONFIG", "SET", "proto-max-bulk-len", "9223372036854775807"));
        try
        {
            var k = NodeFixture.Key("huge");
            const string tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
            Reply.IsError(await c.Run("SETBIT", k, "17179869184", "1"), tooLong);
            Reply.IsError(await c.Run("BITFIELD", k, "SET", "u8", "#4294967296", "1"), tooLong);
            Reply.IsError(await c.Run("BITFIELD", k, "SET", "i64", "9223372036854775000", "1"), tooLong);
            Reply.IsInt(await c.Run("GETBIT", k, "17179869184"), 0);
            Reply.IsInt(await c.Run("EXISTS", k), 0);
        }
        finally
        {
            Reply.IsOk(await c.Run("CONFIG", "SET", "proto-max-bulk-len", "1048576"));
        }
    }
}
