using QuorumCache.Resp;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Encodings;

/// <summary>
/// CONFIG GET/SET of the encoding settings against redis-server: names and aliases, values, and
/// Redis's error texts. Own node; each test restores the defaults.
/// </summary>
public class EncodingConfigDifferentialTests(NodeFixture node, RedisServerFixture redis)
    : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    internal static readonly string[] Defaults =
    [
        "zset-max-listpack-entries", "128", "zset-max-listpack-value", "64",
        "hash-max-listpack-entries", "128", "hash-max-listpack-value", "64",
        "set-max-intset-entries", "512", "list-max-listpack-size", "-2", "list-compress-depth", "0",
    ];

    private static readonly string[] Names =
    [
        "zset-max-listpack-entries", "zset-max-ziplist-entries", "zset-max-listpack-value", "zset-max-ziplist-value",
        "hash-max-listpack-entries", "hash-max-ziplist-entries", "hash-max-listpack-value", "hash-max-ziplist-value",
        "set-max-intset-entries", "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth",
    ];

    private async Task WithBoth(Func<Differential, RespClient, RespClient, Task> body)
    {
        await using var ours = await node.ConnectAsync();
        await using var theirs = await redis.ConnectAsync();
        var diff = new Differential(ours, theirs);
        try
        {
            await body(diff, ours, theirs);
        }
        finally
        {
            await diff.Same(["CONFIG", "SET", .. Defaults]);
            await ours.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "128", "set-max-listpack-value", "64");
        }
    }

    /// <summary>CONFIG GET's reply as name -> value (the order is Redis's hash order, not comparable).</summary>
    private static async Task<SortedDictionary<string, string>> Get(RespClient c, string pattern)
    {
        var r = await c.ExecuteAsync("CONFIG", "GET", pattern);
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < r.Items!.Length; i += 2) d[r.Items[i].Text!] = r.Items[i + 1].Text!;
        return d;
    }

    [Fact]
    public Task DefaultsAndAliasesMatchRedis() => WithBoth(async (d, ours, theirs) =>
    {
        // Ours default to the shipped redis.conf's hash-max-listpack-entries 128; redis-server without
        // a file has 512, so it gets the file's value first.
        Assert.Equal("128", (await Get(ours, "hash-max-listpack-entries"))["hash-max-listpack-entries"]);
        await d.Same(["CONFIG", "SET", .. Defaults]);
        foreach (var name in Names) await d.Same("CONFIG", "GET", name);
        foreach (var pattern in new[] { "hash-max-*", "zset-max-*", "list-*", "*-ziplist-*", "set-max-intset-entries" })
            Assert.Equal(await Get(theirs, pattern), await Get(ours, pattern));
        // *max-* matches many settings we do not have; every encoding setting must be there with Redis's value.
        var all = await Get(theirs, "*max-*");
        var mine = await Get(ours, "*max-*");
        foreach (var name in Names)
            if (name.Contains("max-")) Assert.Equal(all[name], mine[name]);
        Assert.Equal("128", mine["set-max-listpack-entries"]); // Redis 7.2's names, unknown to 7.0
        Assert.Equal("64", mine["set-max-listpack-value"]);
    });

    [Fact]
    public Task SettingAnAliasChangesTheSameValue() => WithBoth(async (d, _, _) =>
    {
        string[][] pairs =
        [
            ["hash-max-ziplist-entries", "hash-max-listpack-entries", "7"],
            ["hash-max-listpack-value", "hash-max-ziplist-value", "1kb"],
            ["zset-max-ziplist-value", "zset-max-listpack-value", "2MB"],
            ["list-max-ziplist-size", "list-max-listpack-size", "-5"],
            ["list-max-listpack-size", "list-max-ziplist-size", "1000"],
            ["set-max-intset-entries", "set-max-intset-entries", "9223372036854775807"],
            ["hash-max-listpack-entries", "hash-max-ziplist-entries", "2147483648"],
            ["list-compress-depth", "list-compress-depth", "3"],
        ];
        foreach (var p in pairs)
        {
            await d.Same("CONFIG", "SET", p[0], p[2]);
            await d.Same("CONFIG", "GET", p[1]);
            await d.Same("CONFIG", "GET", p[0]);
        }
        await d.Same("CONFIG", "SET", "hash-max-listpack-value", "", "zset-max-listpack-value", "kb");
        await d.Same("CONFIG", "GET", "hash-max-ziplist-value");
        await d.Same("CONFIG", "GET", "zset-max-ziplist-value");
        await d.Same("CONFIG", "SET", "HASH-MAX-ZIPLIST-VALUE", "1g", "list-max-ziplist-size", "-2147483648");
        await d.Same("CONFIG", "GET", "hash-max-listpack-value");
        await d.Same("CONFIG", "GET", "list-max-listpack-size");
    });

    [Fact]
    public Task BadValuesGetRedisErrors() => WithBoth(async (d, _, _) =>
    {
        string[] integers = ["abc", "-1", "1.5", "", " 5", "+3", "07", "-0", "99999999999999999999", "9223372036854775808", "2147483648", "-2147483649", "0x10"];
        string[] memories = ["abc", "-1", "1.5", " 1", "1 ", "1 kb", "+5", "-0", "0x10", "1e3", "1tb", "18446744073709551616",
            "99999999999999999999", "9223372036854775808", "9223372036854775807gb", "17179869184gb"];
        foreach (var name in Names)
        {
            var values = name.EndsWith("-value") ? memories : integers;
            foreach (var v in values)
            {
                await d.Same("CONFIG", "SET", name, v);
                await d.Same("CONFIG", "GET", name);
            }
        }
        // A bad value among several: none is applied, as in Redis 7.0.
        await d.Same("CONFIG", "SET", "hash-max-listpack-entries", "5", "zset-max-listpack-entries", "x");
        await d.Same("CONFIG", "GET", "hash-max-listpack-entries");
    });

    [Fact]
    public async Task SetListpackSettingsOfRedis72AreAccepted()
    {
        await using var c = await node.ConnectAsync();
        try
        {
            Reply.IsOk(await c.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "0", "set-max-listpack-value", "1kb"));
            Assert.Equal("0", (await c.ExecuteAsync("CONFIG", "GET", "set-max-listpack-entries")).Items![1].Text);
            Assert.Equal("1024", (await c.ExecuteAsync("CONFIG", "GET", "set-max-listpack-value")).Items![1].Text);
            Reply.IsError(await c.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "x"),
                "ERR CONFIG SET failed (possibly related to argument 'set-max-listpack-entries') - argument couldn't be parsed into an integer");
            Reply.IsError(await c.ExecuteAsync("CONFIG", "SET", "set-max-listpack-value", "-1"),
                "ERR CONFIG SET failed (possibly related to argument 'set-max-listpack-value') - argument must be a memory value");
        }
        finally
        {
            await c.ExecuteAsync("CONFIG", "SET", "set-max-listpack-entries", "128", "set-max-listpack-value", "64");
        }
    }
}
