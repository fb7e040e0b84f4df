using System.Buffers;
using QuorumCache.Tests.Infrastructure;

namespace QuorumCache.Tests.Node.Geo;

/// <summary>
/// The geo commands' table entries (COMMAND INFO, COMMAND GETKEYS against redis-server), CROSSSLOT checks
/// that see the STORE destinations, effects that replay to the same sets, and a seeded differential fuzz
/// of random option sequences.
/// </summary>
public class GeoCommandTableTests(NodeFixture node, RedisServerFixture redis) : IClassFixture<NodeFixture>, IClassFixture<RedisServerFixture>
{
    private static readonly string[] Names =
        "geoadd geodist geohash geopos geosearch geosearchstore georadius georadiusbymember georadius_ro georadiusbymember_ro".Split(' ');

    [Fact]
    public async Task CommandInfoMatchesRedis()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        await new Differential(a, b).SameCommandInfo(Names);
    }

    [Fact]
    public async Task GetKeysFindsStoreDestinations()
    {
        await using var a = await node.ConnectAsync();
        await using var b = await redis.ConnectAsync();
        var d = new Differential(a, b);
        await d.Same("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "2", "3", "km", "STORE", "dst");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "2", "3", "km", "STORE", "a", "STOREDIST", "b");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "2", "3", "km", "COUNT", "1", "STORE");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "2", "3", "km", "storedist", "x", "store", "y");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "src", "m", "3", "km", "STORE", "a", "x", "STORE");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "src", "m", "3", "km", "WITHDIST");
        await d.Same("COMMAND", "GETKEYS", "GEORADIUS_RO", "src", "1", "2", "3", "km", "STORE", "x");
        await d.Same("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "dst", "src", "FROMMEMBER", "m", "BYRADIUS", "1", "km");
        await d.Same("COMMAND", "GETKEYS", "GEOSEARCH", "src", "FROMMEMBER", "m", "BYRADIUS", "1", "km");
        await d.Same("COMMAND", "GETKEYS", "GEOADD", "src", "1", "2", "m");
    }

    [Fact]
    public async Task DestinationsInOtherSlotsAreRefused()
    {
        await using var c = await node.ConnectAsync();
        var src = NodeFixture.Key("src");
        var other = NodeFixture.Key("dst");
        Reply.IsInt(await c.Run("GEOADD", src, "13.361389", "38.115556", "Palermo"), 1);
        string[][] cross =
        [
            ["GEORADIUS", src, "13", "38", "100", "km", "STORE", other],
            ["GEORADIUS", src, "13", "38", "100", "km", "STOREDIST", other],
            ["GEORADIUSBYMEMBER", src, "Palermo", "100", "km", "STORE", other],
            ["GEOSEARCHSTORE", other, src, "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km"],
        ];
        foreach (var cmd in cross) Reply.IsError(await c.ExecuteAsync(cmd), "CROSSSLOT Keys in request don't hash to the same slot");
        Reply.IsInt(await c.Run("GEORADIUS", src, "13", "38", "100", "km", "STORE", src + "d"), 1);
        Assert.Equal(["Palermo"], Reply.Strings(await c.Run("ZRANGE", src + "d", "0", "-1")));
    }

    [Fact]
    public async Task EffectsReplayToTheSameSets()
    {
        var t = NodeFixture.Key("g");
        string[] keys = [t, t + "r", t + "s", t + "e"];
        var rec = new EffectRecorder();
        await using var c = await node.ConnectAsync();
        node.Server.Effects = rec;
        try
        {
            await c.Run(GeoData.CityArgs(t));
            await c.Run("GEOADD", t, "XX", "CH", "1", "1", "Palermo", "2", "2", "ghost");
            await c.Run("GEORADIUS", t, "15", "37", "3000", "km", "WITHDIST");
            await c.Run("GEORADIUS", t, "15", "37", "3000", "km", "STOREDIST", t + "r");
            await c.Run("GEOSEARCHSTORE", t + "s", t, "FROMMEMBER", "Tokyo", "BYBOX", "5000", "5000", "km", "COUNT", "3");
            await c.Run("SET", t + "e", "x");
            await c.Run("GEOSEARCHSTORE", t + "e", t, "FROMLONLAT", "0", "-60", "BYRADIUS", "1", "m");
        }
        finally
        {
            node.Server.Effects = null;
        }
        var before = await Dump(c, keys);
        foreach (var k in keys) await c.Run("DEL", k);
        node.Server.Internal.Replay(new ReadOnlySequence<byte>(rec.Bytes()));
        Assert.Equal(before, await Dump(c, keys));
        var commands = rec.Commands().Select(x => x[0].ToUpperInvariant()).ToList();
        Assert.Equal(["GEOADD", "GEOADD", "GEORADIUS", "GEOSEARCHSTORE", "SET", "GEOSEARCHSTORE"], commands);
    }

    private static async Task<string> Dump(QuorumCache.Resp.RespClient c, string[] keys)
    {
        var parts = new List<string>();
        foreach (var k in keys)
            parts.Add(k + ":" + (await c.Run("TYPE", k)).Text + "=" + string.Join(",", Reply.Strings(await c.Run("ZRANGE", k, "0", "-1", "WITHSCORES")).DefaultIfEmpty()));
        return string.Join("\n", parts);
    }

    private static readonly string[] Vocabulary =
    [
        "WITHDIST", "WITHCOORD", "WITHHASH", "ASC", "DESC", "ANY", "COUNT", "STORE", "STOREDIST", "FROMMEMBER", "FROMLONLAT",
        "BYRADIUS", "BYBOX", "m", "km", "ft", "mi", "au", "0", "1", "-1", "3", "15", "37", "200", "5000", "-180", "180", "85.05112878",
        "-85.05112879", "1e400", "inf", "nan", "x", "Palermo", "Rome", "Sydney", "missing",
    ];

    [Fact]
    public Task RandomOptionSequencesMatchRedis()
    {
        var seed = Environment.TickCount;
        return GeoData.Both(node, redis, async (d, k) =>
        {
            var rnd = new Random(seed);
            await d.Same(GeoData.CityArgs(k));
            await d.Same("SET", k + "s", "v");
            string[] sources = [k, k, k, k + "none", k + "s"];
            for (var i = 0; i < 400; i++)
            {
                var src = sources[rnd.Next(sources.Length)];
                var args = rnd.Next(6) switch
                {
                    0 => new List<string> { "GEOSEARCH", src },
                    1 => ["GEOSEARCHSTORE", k + "d", src],
                    2 => ["GEORADIUS", src, Pick(rnd), Pick(rnd), Pick(rnd), Pick(rnd)],
                    3 => ["GEORADIUSBYMEMBER", src, Pick(rnd), Pick(rnd), Pick(rnd)],
                    4 => ["GEORADIUS_RO", src, "15", "37", Pick(rnd), "km"],
                    _ => ["GEORADIUSBYMEMBER_RO", src, "Rome", "2000", Pick(rnd)],
                };
                // A valid core most of the time, so the options beyond it get exercised.
                if (args[0].StartsWith("GEOSEARCH", StringComparison.Ordinal) && rnd.Next(3) > 0)
                    args.AddRange(rnd.Next(2) == 0 ? ["FROMMEMBER", "Palermo", "BYRADIUS", "3000", "km"] : ["FROMLONLAT", "15", "37", "BYBOX", "4000", "2000", "km"]);
                for (var n = rnd.Next(6); n > 0; n--) args.Add(Pick(rnd));
                // Whatever follows STORE/STOREDIST may be taken for a key: keep it in the source's slot.
                for (var j = 0; j < args.Count; j++)
                    if (args[j] is "STORE" or "STOREDIST" && j + 1 < args.Count) args[j + 1] = k + "d";
                try
                {
                    await d.Same([.. args]);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}");
                }
            }
        });
    }

    private static string Pick(Random rnd) => Vocabulary[rnd.Next(Vocabulary.Length)];
}
