using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Core;

/// <summary>String commands compared reply for reply with a real Redis 7.</summary>
public class StringCommandTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private async Task<(Differential D, string K)> Setup()
    {
        var a = await node.ConnectAsync();
        var b = await redis.ConnectAsync();
        return (new Differential(a, b), NodeFixture.Key());
    }

    [Fact]
    public async Task SetOptions()
    {
        var (d, k) = await Setup();
        await d.Same("SET", k, "1");
        await d.Same("SET", k, "2", "NX");
        await d.Same("SET", k, "3", "XX");
        await d.Same("SET", k, "4", "XX", "GET");
        await d.Same("SET", k, "5", "NX", "GET");
        await d.Same("GET", k);
        await d.Same("SET", k + "x", "5", "XX");
        await d.Same("SET", k + "x", "5", "XX", "GET");
        await d.Same("SET", k, "v", "EX", "100");
        await d.Same("TTL", k);
        await d.Same("SET", k, "v", "KEEPTTL");
        await d.Same("TTL", k);
        await d.Same("SET", k, "v");
        await d.Same("TTL", k);
        await d.Same("SET", k, "v", "PX", "100000", "GET");
        await d.Same("PTTL", k + "missing");
    }

    [Theory]
    [InlineData("EX", "0")]
    [InlineData("EX", "-5")]
    [InlineData("PX", "0")]
    [InlineData("EX", "abc")]
    [InlineData("EX", "9223372036854775807")]
    [InlineData("PXAT", "0")]
    [InlineData("EXAT", "-1")]
    public async Task SetInvalidExpiry(string opt, string value)
    {
        var (d, k) = await Setup();
        await d.Same("SET", k, "v", opt, value);
    }

    [Theory]
    [InlineData("NX", "XX")]
    [InlineData("EX", "10", "PX", "100")]
    [InlineData("EX", "10", "KEEPTTL")]
    [InlineData("KEEPTTL", "EX", "10")]
    [InlineData("EX")]
    [InlineData("FOO")]
    public async Task SetSyntaxErrors(params string[] opts)
    {
        var (d, k) = await Setup();
        await d.Same(["SET", k, "v", .. opts]);
    }

    [Fact]
    public async Task SetGetOnWrongTypeFails()
    {
        var (d, k) = await Setup();
        await d.Same("RPUSH", k, "a");
        await d.Same("SET", k, "v", "GET");
        await d.Same("TYPE", k);
        await d.Same("SET", k, "v");
        await d.Same("TYPE", k);
    }

    [Fact]
    public async Task SetNxSetExPsetEx()
    {
        var (d, k) = await Setup();
        await d.Same("SETNX", k, "a");
        await d.Same("SETNX", k, "b");
        await d.Same("SETEX", k, "100", "c");
        await d.Same("TTL", k);
        await d.Same("SETEX", k, "0", "c");
        await d.Same("SETEX", k, "-1", "c");
        await d.Same("PSETEX", k, "0", "c");
        await d.Same("SETEX", k, "x", "c");
        await d.Same("GET", k);
    }

    [Fact]
    public async Task MultiKeyStrings()
    {
        var (d, t) = await Setup();
        await d.Same("MSET", t + "a", "1", t + "b", "2");
        await d.Same("MGET", t + "a", t + "b", t + "c");
        await d.Same("MSETNX", t + "c", "3", t + "a", "x");
        await d.Same("MGET", t + "a", t + "c");
        await d.Same("MSETNX", t + "c", "3", t + "d", "4");
        await d.Same("MSET", t + "a");
        await d.Same("MSET", t + "a", "1", t + "b");
        await d.Same("RPUSH", t + "l", "x");
        await d.Same("MGET", t + "l", t + "a");
    }

    [Fact]
    public async Task GetSetGetDelGetEx()
    {
        var (d, k) = await Setup();
        await d.Same("GETSET", k, "1");
        await d.Same("GETSET", k, "2");
        await d.Same("GETDEL", k);
        await d.Same("GETDEL", k);
        await d.Same("SET", k, "v");
        await d.Same("GETEX", k, "EX", "100");
        await d.Same("TTL", k);
        await d.Same("GETEX", k, "PERSIST");
        await d.Same("TTL", k);
        await d.Same("GETEX", k, "PX", "0");
        await d.Same("GETEX", k, "EX", "10", "PX", "10");
        await d.Same("GETEX", k, "FOO");
        await d.Same("GETEX", k + "nope", "EX", "10");
        await d.Same("GETEX", k, "EXAT", "1");
        await d.Same("EXISTS", k);
    }

    [Fact]
    public async Task Counters()
    {
        var (d, k) = await Setup();
        await d.Same("INCR", k);
        await d.Same("INCRBY", k, "10");
        await d.Same("DECR", k);
        await d.Same("DECRBY", k, "-5");
        await d.Same("INCRBY", k, "x");
        await d.Same("INCRBY", k, "1.5");
        await d.Same("SET", k, "9223372036854775806");
        await d.Same("INCR", k);
        await d.Same("INCR", k);
        await d.Same("SET", k, "-9223372036854775808");
        await d.Same("DECR", k);
        await d.Same("DECRBY", k, "-9223372036854775808");
        await d.Same("SET", k, "abc");
        await d.Same("INCR", k);
        await d.Same("SET", k, " 1");
        await d.Same("INCR", k);
        await d.Same("SET", k, "01");
        await d.Same("INCR", k);
        await d.Same("SET", k, "10", "EX", "100");
        await d.Same("INCR", k);
        await d.Same("TTL", k);
    }

    [Fact]
    public async Task IncrByFloat()
    {
        var (d, k) = await Setup();
        await d.Same("INCRBYFLOAT", k, "10.5");
        await d.Same("INCRBYFLOAT", k, "0.1");
        await d.Same("INCRBYFLOAT", k, "-5");
        await d.Same("INCRBYFLOAT", k, "5.0e3");
        await d.Same("INCRBYFLOAT", k, "2.0e2");
        await d.Same("INCRBYFLOAT", k, "abc");
        await d.Same("INCRBYFLOAT", k, "inf");
        await d.Same("SET", k, "1");
        await d.Same("INCRBYFLOAT", k, "1");
        await d.Same("SET", k, "x");
        await d.Same("INCRBYFLOAT", k, "1");
    }

    [Fact]
    public async Task AppendStrlenRanges()
    {
        var (d, k) = await Setup();
        await d.Same("APPEND", k, "Hello");
        await d.Same("APPEND", k, " World");
        await d.Same("STRLEN", k);
        await d.Same("STRLEN", k + "none");
        foreach (var (s, e) in new[] { ("0", "3"), ("-3", "-1"), ("0", "-1"), ("10", "100"), ("5", "3"), ("-100", "-50"), ("-1", "-5"), ("0", "0"), ("100", "200") })
        {
            await d.Same("GETRANGE", k, s, e);
            await d.Same("SUBSTR", k, s, e);
        }
        await d.Same("GETRANGE", k, "a", "1");
        await d.Same("GETRANGE", k + "none", "0", "-1");
        await d.Same("SETRANGE", k, "6", "Redis");
        await d.Same("GET", k);
        await d.Same("SETRANGE", k + "p", "5", "x");
        await d.Same("GET", k + "p");
        await d.Same("SETRANGE", k + "q", "5", "");
        await d.Same("EXISTS", k + "q");
        await d.Same("SETRANGE", k, "-1", "x");
        await d.Same("SETRANGE", k, "536870911", "xx");
        await d.Same("RPUSH", k + "l", "a");
        await d.Same("APPEND", k + "l", "a");
        await d.Same("STRLEN", k + "l");
    }

    [Fact]
    public async Task Lcs()
    {
        var (d, t) = await Setup();
        await d.Same("MSET", t + "a", "ohmytext", t + "b", "mynewtext");
        await d.Same("LCS", t + "a", t + "b");
        await d.Same("LCS", t + "a", t + "b", "LEN");
        await d.Same("LCS", t + "a", t + "b", "IDX");
        await d.Same("LCS", t + "a", t + "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN");
        await d.Same("LCS", t + "a", t + "b", "IDX", "LEN");
        await d.Same("LCS", t + "a", t + "none");
        await d.Same("LCS", t + "a", t + "b", "FOO");
        await d.Same("MSET", t + "c", "abcdefghij", t + "d", "xbcdyyfghz");
        await d.Same("LCS", t + "c", t + "d", "IDX", "WITHMATCHLEN");
    }

    [Fact]
    public async Task ExpiredKeyIsGoneForEveryReader()
    {
        await using var c = await node.ConnectAsync();
        var k = NodeFixture.Key();
        Reply.IsOk(await c.Run("SET", k, "v", "PX", "1"));
        // Wait until the key has expired (bounded), then every read path must agree it is gone.
        for (var i = 0; i < 200 && (await c.Run("PTTL", k)).Integer != -2; i++) await Task.Delay(5);
        Reply.IsBulk(await c.Run("GET", k), null);
        Reply.IsInt(await c.Run("EXISTS", k), 0);
        Reply.IsInt(await c.Run("TTL", k), -2);
        Assert.Equal("none", (await c.Run("TYPE", k)).Text);
    }
}

/// <summary>INCRBYFLOAT/HINCRBYFLOAT must give Redis's digits (it adds in 80-bit long double).</summary>
public class FloatIncrementTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task RandomIncrementsMatchRedisDigitForDigit()
    {
        var d = new Differential(await node.ConnectAsync(), await redis.ConnectAsync());
        var seed = Environment.TickCount;
        var r = new Random(seed);
        var k = NodeFixture.Key();
        for (var i = 0; i < 300; i++)
        {
            var inc = r.Next(4) switch
            {
                0 => (r.NextDouble() * 1000 - 500).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                1 => r.Next(-100, 100) + "." + r.Next(0, 1000),
                2 => r.Next(1, 9) + "e" + r.Next(-5, 6),
                _ => "0." + r.Next(1, 10),
            };
            try
            {
                await d.Same("INCRBYFLOAT", k, inc);
                await d.Same("HINCRBYFLOAT", k + "h", "f", inc);
            }
            catch (Exception ex)
            {
                throw new Exception($"seed {seed}, step {i}, increment {inc}: {ex.Message}", ex);
            }
        }
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("-inf")]
    [InlineData("nan")]
    [InlineData(" 1")]
    [InlineData("1e400")]
    [InlineData("1e-400")]
    [InlineData("")]
    public async Task EdgeIncrements(string inc)
    {
        var d = new Differential(await node.ConnectAsync(), await redis.ConnectAsync());
        var k = NodeFixture.Key();
        await d.Same("SET", k, "1");
        await d.Same("INCRBYFLOAT", k, inc);
        await d.Same("GET", k);
        await d.Same("HSET", k + "h", "f", "1");
        await d.Same("HINCRBYFLOAT", k + "h", "f", inc);
    }
}
